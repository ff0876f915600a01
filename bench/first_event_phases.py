#!/usr/bin/env python3
"""Splits a paced stream's first event at one connection into where its time went, from a packet capture of the
loopback (tcpdump -nn -tt text) taken while bench/first_event.py ran (the targets taken in turn, one request at a
time, so each request's packets follow one another undisturbed).

For each gateway port, every request that reaches it is followed to its first answer:
  in   the client's request reaching the gateway -> the gateway's request leaving for the upstream;
  up   -> the upstream's first answer bytes (status line, headers, first event) reaching the gateway;
  out  -> the gateway's first answer bytes leaving for the client.
Prints p50 and p90 of each phase and of the whole, in ms, per gateway port, and the whole of the requests sent
straight to the upstream (the first 10 requests of each left out, as first_event.py does).

Usage: bench/first_event_phases.py CAPTURE.txt UPSTREAM_PORT NAME=GATEWAY_PORT..."""
import re
import statistics
import sys

PACKET = re.compile(r"^(\d+\.\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+):.* length (\d+)")


def packets(path):
    for line in open(path):
        m = PACKET.match(line)
        if m and int(m[4]) > 0:
            yield float(m[1]), int(m[2]), int(m[3])


def direct(capture, upstream, gateways):
    """The requests sent straight to the upstream: those that reach it while no gateway's request is under way."""
    rows, started, busy = [], None, False
    for at, source, destination in capture:
        if destination in gateways:
            busy, started = True, None
        elif source in gateways:
            busy = False
        elif not busy and destination == upstream:
            started = at
        elif started is not None and source == upstream:
            rows.append((at - started) * 1e3)
            started = None
    return rows[10:]


def phases(capture, upstream, gateway):
    rows = []
    pending = None
    for at, source, destination in capture:
        if destination == gateway:
            pending = [at, None, None]
        elif pending is None:
            continue
        elif destination == upstream and pending[1] is None:
            pending[1] = at
        elif source == upstream and pending[1] is not None and pending[2] is None:
            pending[2] = at
        elif source == gateway and pending[2] is not None:
            t0, t1, t2 = pending
            rows.append(((t1 - t0) * 1e3, (t2 - t1) * 1e3, (at - t2) * 1e3, (at - t0) * 1e3))
            pending = None
    return rows[10:]


def main():
    path, upstream = sys.argv[1], int(sys.argv[2])
    capture = list(packets(path))
    print("| through | requests | in p50 | in p90 | up p50 | up p90 | out p50 | out p90 | in + out p50 | whole p50 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    gateways = {int(target.split("=")[1]) for target in sys.argv[3:]}
    straight = direct(capture, upstream, gateways)
    if straight:
        print(f"| direct | {len(straight)} | | | | | | | | {statistics.median(straight):.3f} |")
    for target in sys.argv[3:]:
        name, port = target.split("=")
        rows = phases(capture, upstream, int(port))
        if not rows:
            print(f"| {name} | 0 | | | | | | | | |")
            continue
        columns = list(zip(*rows))
        p50 = [statistics.median(c) for c in columns]
        p90 = [sorted(c)[int(len(c) * 0.9)] for c in columns]
        print(f"| {name} | {len(rows)} | {p50[0]:.3f} | {p90[0]:.3f} | {p50[1]:.3f} | {p90[1]:.3f} | {p50[2]:.3f} | "
              f"{p90[2]:.3f} | {p50[0] + p50[2]:.3f} | {p50[3]:.3f} |")


if __name__ == "__main__":
    main()
