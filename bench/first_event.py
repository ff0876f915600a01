#!/usr/bin/env python3
"""Time to the first byte that matters, measured with plain sockets (TCP_NODELAY, no client library in the way),
against a running fake upstream (bench/fake-upstream.js), optionally nginx in front of it, and a running Keyway whose
OpenRouter base URL points at it.

Default: a paced stream's first event over one kept-alive connection per target (issue #22's "at one connection"),
the targets taken in turn request by request (direct, nginx, the relay, Keyway, direct, ...), so that all of them meet the
machine in the same state; SAMPLES streams each (default 200) after 10 left out, 20 ms between streams, each stream
3 events 30 ms apart. Prints one line per target: p50, p90 and the p50's difference to direct, in ms.

With --new-connections: also a whole JSON answer, the first event of a burst stream and of a paced stream, each over
a new connection per request (direct and Keyway, 30 each).

A RELAY_PORT adds the bare Micronaut relay of ../shared/anchors/mn-relay: the framework's own floor on this path.

Usage: taskset -c 0 python3 bench/first_event.py UPSTREAM_PORT KEYWAY_PORT GATEWAY_KEY [NGINX_PORT [RELAY_PORT]] [--new-connections]"""
import json
import os
import socket
import statistics
import sys
import time


def request(key, model, stream, pace):
    fields = {"model": model, "stream": stream, "messages": []}
    if pace:
        fields["bench_pace"] = pace
    body = json.dumps(fields).encode()
    return (f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def summary(times):
    times = sorted(times[5:])
    return f"p50 {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms"


def new_connections(port, key, model, stream, pace, n=30):
    times = []
    want = b"data:" if stream else b"choices"
    for _ in range(n):
        s = connect(port)
        started = time.perf_counter()
        s.sendall(request(key, model, stream, pace))
        seen = b""
        while want not in seen:
            chunk = s.recv(65536)
            if not chunk:
                break
            seen += chunk
        times.append((time.perf_counter() - started) * 1000)
        s.close()
        time.sleep(0.02)
    return summary(times)


def first_event(s, key, model, pace):
    """Sends one streamed request on s and reads its answer to the end; returns ms to the first event."""
    started, first, seen = time.perf_counter(), None, b""
    s.sendall(request(key, model, True, pace))
    while not (b"[DONE]" in seen and seen.endswith(b"0\r\n\r\n")):
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("the connection closed")
        seen += chunk
        if first is None and b"data:" in seen:
            first = (time.perf_counter() - started) * 1000
    return first


def kept_alive_in_turn(targets, samples, pace="3,30", gap=0.02, left_out=10):
    connections = [connect(port) for _, port, _, _ in targets]
    times = {name: [] for name, _, _, _ in targets}
    for _ in range(samples + left_out):
        for (name, _, key, model), s in zip(targets, connections):
            times[name].append(first_event(s, key, model, pace))
            time.sleep(gap)
    for s in connections:
        s.close()
    results = {}
    for name, measured in times.items():
        kept = sorted(measured[left_out:])
        results[name] = (statistics.median(kept), kept[int(len(kept) * 0.9)])
    return results


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    upstream, keyway, key = int(args[0]), int(args[1]), args[2]
    nginx = int(args[3]) if len(args) > 3 else None
    relay = int(args[4]) if len(args) > 4 else None
    if "--new-connections" in sys.argv:
        pair = [("direct", upstream, "none", "bench/model"), ("keyway", keyway, key, "openrouter-bench/model")]
        for label, stream, pace in [("whole JSON answer, new connection", False, None),
                                    ("first event of a burst stream, new connection", True, None),
                                    ("first event of a paced stream, new connection", True, "3,30")]:
            print(label + ": " + "; ".join(f"{name} {new_connections(port, k, m, stream, pace)}" for name, port, k, m in pair))
    targets = [("direct", upstream, "none", "bench/model")]
    if nginx:
        targets.append(("nginx", nginx, "none", "bench/model"))
    if relay:
        targets.append(("relay", relay, "none", "bench/model"))
    targets.append(("keyway", keyway, key, "openrouter-bench/model"))
    results = kept_alive_in_turn(targets, int(os.environ.get("SAMPLES", "200")))
    direct = results["direct"][0]
    for name, (p50, p90) in results.items():
        print(f"{name} {p50:.3f} {p90:.3f} {p50 - direct:+.3f}")
