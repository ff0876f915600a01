#!/usr/bin/env python3
"""Splits async-profiler's collapsed stacks (event=cpu) of one JVM into where its CPU went: the JIT compilers, the
collector, other threads, and the event loop's samples by the owner of their innermost frame (the kernel and the
transport's system calls, Netty, Micronaut, Keyway, Reactor, the JDK). A second table names the event loop's Java
frames that hold the most samples themselves. Usage: bench/probe_profile.py profile.collapsed"""
import collections
import sys

OWNERS = [("Keyway", "io/keyway/"), ("Netty", "io/netty/"), ("Micronaut", "io/micronaut/"), ("Reactor", "reactor/"),
          ("JDK", "java/"), ("JDK", "jdk/"), ("JDK", "sun/"), ("logging", "ch/qos/")]


def thread_of(frames):
    stack = ";".join(frames)
    if "CompileBroker" in stack or "C2Compiler" in stack or "Compilation::" in stack:
        return "JIT compilers"
    if "VMThread" in stack or "DefNewGeneration" in stack or "SerialHeap" in stack or "GCTask" in stack:
        return "collector and VM"
    if "SingleThreadIoEventLoop" in stack or "IoUringIoHandler" in stack or "EpollIoHandler" in stack \
            or "NioIoHandler" in stack:
        return "event loop"
    return "other threads"


def is_java(frame):
    """A Java method (package/Class.method), not a kernel ([k]) or native symbol."""
    return "/" in frame and not frame.endswith("_[k]")


def owner(leaf):
    if leaf.endswith("_[k]") or "Native.ioUringEnter" in leaf or "Native.epoll" in leaf:
        return "kernel (system calls, loopback TCP)"
    if is_java(leaf):
        for name, prefix in OWNERS:
            if leaf.startswith(prefix):
                return name
    return "native (JVM, libc) and unresolved"


def main(path):
    parts, hot = collections.Counter(), collections.Counter()
    total = 0
    for line in open(path, errors="replace"):
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack:
            continue
        frames, n = stack.split(";"), int(count)
        total += n
        thread = thread_of(frames)
        if thread != "event loop":
            parts[thread] += n
            continue
        leaf = frames[-1]
        parts["event loop: " + owner(leaf)] += n
        if is_java(leaf):
            hot[leaf] += n
    print(f"{total} samples (1 ms of CPU each)")
    for name, n in parts.most_common():
        print(f"  {n / total * 100:5.1f}%  {name}")
    print("event loop, Java frames with the most samples of their own:")
    for name, n in hot.most_common(12):
        print(f"  {n / total * 100:5.1f}%  {name[:110]}")


if __name__ == "__main__":
    main(sys.argv[1])
