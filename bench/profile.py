#!/usr/bin/env python3
"""Summarises a JFR recording's execution samples: the hottest methods (self) and the share of samples that pass
through each part of Keyway's request path (inclusive). Usage: bench/profile.py recording.jfr"""
import collections
import re
import subprocess
import sys

PARTS = [
    ("key verification and unsealing (HKDF-SHA256, AES-GCM)", r"io\.keyway\.domain\.keys\."),
    ("key lookup (cache and vault)", r"io\.keyway\.persistence\."),
    ("request body check (JSON streaming parser)", r"io\.keyway\.http\.JsonCompletionBody"),
    ("use cases (io.keyway.application)", r"io\.keyway\.application\."),
    ("upstream adapter (io.keyway.openai)", r"io\.keyway\.openai\."),
    ("logging (logback, slf4j)", r"ch\.qos\.logback|org\.slf4j"),
    ("Micronaut HTTP server", r"io\.micronaut\.http\.server"),
    ("Micronaut HTTP client", r"io\.micronaut\.http\.client"),
    ("Reactor", r"reactor\.core"),
    ("Netty", r"io\.netty\."),
    ("JDBC and PostgreSQL", r"org\.postgresql|com\.zaxxer"),
]


def stacks(path):
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                          capture_output=True, text=True, check=True).stdout
    for event in text.split("jdk.ExecutionSample")[1:]:
        frames = re.findall(r"^\s+([\w$.<>]+)\(", event, re.M)
        if frames:
            yield frames


def main(path):
    total = 0
    top = collections.Counter()
    parts = collections.Counter()
    for frames in stacks(path):
        total += 1
        top[frames[0]] += 1
        joined = "\n".join(frames)
        for name, pattern in PARTS:
            if re.search(pattern, joined):
                parts[name] += 1
    print(f"{total} samples")
    print()
    print("| part of the path (samples passing through it) | share |")
    print("|---|---:|")
    for name, _ in PARTS:
        print(f"| {name} | {100.0 * parts[name] / max(total, 1):.1f}% |")
    print()
    print("| hottest methods (self) | share |")
    print("|---|---:|")
    for method, count in top.most_common(12):
        print(f"| `{method}` | {100.0 * count / max(total, 1):.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1])
