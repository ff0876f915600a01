#!/usr/bin/env python3
"""Time to the first byte that matters, measured with plain sockets (TCP_NODELAY, no client library in the way):
a whole JSON answer, the first event of a burst stream and of a paced stream, each over a new connection per request,
and the first event of a paced stream over one kept-alive connection. Against a running fake upstream
(bench/fake-upstream.js) and a running Keyway whose OpenRouter base URL points at it.
Usage: taskset -c 0 python3 bench/first_event.py UPSTREAM_PORT KEYWAY_PORT GATEWAY_KEY"""
import json
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


def kept_alive(port, key, model, pace, n=30):
    times = []
    s = connect(port)
    for _ in range(n):
        started, first, seen = time.perf_counter(), None, b""
        s.sendall(request(key, model, True, pace))
        while not (b"[DONE]" in seen and seen.endswith(b"0\r\n\r\n")):
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("the connection closed")
            seen += chunk
            if first is None and b"data:" in seen:
                first = (time.perf_counter() - started) * 1000
        times.append(first)
        time.sleep(0.02)
    s.close()
    return summary(times)


if __name__ == "__main__":
    upstream, keyway, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    targets = [("direct", upstream, "none", "bench/model"), ("keyway", keyway, key, "openrouter-bench/model")]
    for label, stream, pace in [("whole JSON answer, new connection", False, None),
                                ("first event of a burst stream, new connection", True, None),
                                ("first event of a paced stream, new connection", True, "3,30")]:
        print(label + ": " + "; ".join(f"{name} {new_connections(port, k, m, stream, pace)}" for name, port, k, m in targets))
    print("first event of a paced stream, kept-alive connection: "
          + "; ".join(f"{name} {kept_alive(port, k, m, '3,30')}" for name, port, k, m in targets))
