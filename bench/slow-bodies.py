#!/usr/bin/env python3
"""The slow-body flood of issue #21 against a running Keyway: CONNECTIONS clients each declare a BODY-byte completion
body, send all of it but the last byte as fast as Keyway takes it, and hold; meanwhile /health is asked every 100 ms.
Prints the statuses the flood got, /health's slowest answer, and Keyway's peak resident memory (VmHWM of PID).

usage: slow-bodies.py PORT PID [BEARER] [CONNECTIONS=30] [BODY=9000000] [SECONDS=20]"""
import socket, sys, threading, time, urllib.request

port, pid = int(sys.argv[1]), int(sys.argv[2])
bearer = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
connections = int(sys.argv[4]) if len(sys.argv) > 4 else 30
body = int(sys.argv[5]) if len(sys.argv) > 5 else 9_000_000
seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 20
statuses, lock, stop = {}, threading.Lock(), threading.Event()

def attacker():
    s = socket.create_connection(("127.0.0.1", port))
    head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % body
    if bearer:
        head += "Authorization: Bearer %s\r\n" % bearer
    s.sendall((head + "\r\n").encode())
    chunk, sent, status = b'{"model":"openrouter-a/b","messages":[],"pad":"' + b"x" * 65000, 0, "held to the end"
    s.settimeout(0.05)
    try:
        while sent < body - 1 and not stop.is_set():
            n = min(len(chunk), body - 1 - sent)
            try:
                s.sendall(chunk[:n]); sent += n
            except socket.timeout:
                pass
            try:
                got = s.recv(200)
                if got:
                    status = got.split(b"\r\n")[0].decode(); break
                status = "closed"; break
            except socket.timeout:
                pass
        s.settimeout(0.2)
        while not stop.is_set() and status == "held to the end":
            try:
                got = s.recv(200)
                status = got.split(b"\r\n")[0].decode() if got else "closed"
            except socket.timeout:
                pass
    except OSError as e:
        status = "connection " + type(e).__name__
    with lock:
        statuses[status] = statuses.get(status, 0) + 1

def peak_rss_mb():
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024

def ask_health(times):
    took = []
    for _ in range(times):
        started = time.time()
        urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=5).read()
        took.append((time.time() - started) * 1000)
        time.sleep(0.1)
    return sorted(took)

ask_health(50)  # /health's own first calls (class loading, JIT) are not the flood's doing
calm = ask_health(50)
threads = [threading.Thread(target=attacker) for _ in range(connections)]
for t in threads: t.start()
took, health, end = [], {}, time.time() + seconds
while time.time() < end:
    started = time.time()
    try:
        code = urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=5).status
    except Exception as e:
        code = getattr(e, "code", type(e).__name__)
    took.append((time.time() - started) * 1000)
    health[code] = health.get(code, 0) + 1
    time.sleep(0.1)
took.sort()
stop.set()
for t in threads: t.join()
print("flood (%d x %d bytes, %s): %s" % (connections, body, "valid key" if bearer else "no key", statuses))
print("/health before the flood: p50 %.1f ms, slowest %.1f ms" % (calm[len(calm) // 2], calm[-1]))
print("/health during the flood: %s, p50 %.1f ms, p99 %.1f ms, slowest %.1f ms; over 100 ms: %d"
      % (health, took[len(took) // 2], took[int(len(took) * 0.99)], took[-1], sum(1 for t in took if t > 100)))
print("peak RSS: %.0f MB" % peak_rss_mb())
