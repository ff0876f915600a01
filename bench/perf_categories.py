#!/usr/bin/env python3
"""Splits `perf script` output (perf record -F 999 -g of one JVM) into where the CPU went, as microseconds per request
(one sample at 999 Hz is about a millisecond of CPU; give the sampling rate as a third argument when it differs). Event-loop samples go to the first part found in their stack
(Keyway's key crypto, logging, meters, JSON) or else to their innermost frame's owner (kernel, Netty, Micronaut,
Keyway, Reactor, the JDK); other threads by name. Usage: bench/perf_categories.py perf.txt REQUESTS [HZ]"""
import collections
import sys

INCLUSIVE = [
    ("Keyway: key crypto (verifier, unsealing)", ("ProviderKeySeal", "keys.Verifier", "JdkSha256", "bouncycastle", "com.sun.crypto", "javax.crypto")),
    ("Keyway: logging on the loop", ("ch.qos.logback", "org.slf4j")),
    ("Keyway: meters", ("micrometer",)),
    ("Keyway: JSON", ("jackson",)),
]
OWNERS = [("Keyway's own code", "io.keyway"), ("Netty", "io.netty"), ("Micronaut", "io.micronaut"), ("Reactor", "reactor."),
          ("JDK", "java."), ("JDK", "jdk."), ("JDK", "sun.")]


def samples(path):
    thread, frames = None, []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line:
            if thread is not None:
                yield thread, frames
            thread, frames = None, []
        elif not line[0].isspace():
            thread, frames = line.split()[0], []
        else:
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if thread is not None:
        yield thread, frames


def category(thread, frames):
    # The event loop's thread ("default-eventLoopGroup-…"; "default-nioEventLoopGroup-…" since Netty 4.2.18, whatever
    # the transport).
    if not thread.startswith(("default-eventLo", "default-nioEven")):
        if thread.startswith(("VM", "GC")):
            return "thread: collector and VM"
        if thread.startswith(("C1", "C2")):
            return "thread: JIT compilers"
        return "thread: " + thread
    stack = "\n".join(frames)
    for name, patterns in INCLUSIVE:
        if any(p in stack for p in patterns):
            return name
    leaf = frames[0] if frames else ""
    if "kallsyms" in leaf:
        return "kernel"
    if any(lib in leaf for lib in ("libc", "libjvm", "libnio", "libjava", "libnetty")):
        return "native (libc, JVM)"
    for name, prefix in OWNERS:
        if prefix in leaf:
            return name
    return "other (stubs, unresolved)"


def main(path, requests, hz=999):
    counts = collections.Counter(category(t, f) for t, f in samples(path))
    total = sum(counts.values())
    per = 1e6 / hz / requests
    print(f"{total} samples, {requests} requests: {total * per:.1f} us of CPU per request")
    for name, n in counts.most_common():
        print(f"  {n * per:6.1f} us  {n / total * 100:5.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 999)
