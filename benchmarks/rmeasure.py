#!/usr/bin/env python3
"""Runs one command of benchmarks/registry.sh and measures it; prints one JSON object.

  rmeasure.py [--watch NAME=PID]... [--hwm-exe PATH] [--log FILE] -- COMMAND...

The command's output (stdout and stderr) goes to FILE, else nowhere.

- wall: seconds from start to exit;
- cpu_s: user + system CPU of every process of the command (getrusage of the reaped children);
- max_rss_kb: the largest peak RSS of any single process of the command (ru_maxrss);
- hwm: the peak RSS (VmHWM) of every process of the command whose executable is PATH, read from /proc every 50 ms while it runs (the last reading before it exits), as a
  list of [pid, role, kB], role being "supervisor" for the command's own process, else "worker";
- watch: for each NAME=PID, the CPU seconds (utime + stime, all threads, and the processes under
  it) that PID spent while the command ran: the registry, dockerd.
Standard library only.
"""
import json
import os
import resource
import subprocess
import sys
import time

from procfs import descendants, exe, processes, status_kb

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(root):
    rows = processes()
    return sum(rows[pid][1] for pid in descendants(root, rows) if pid in rows)


def main():
    arguments = sys.argv[1:]
    watch, match, log = {}, None, os.devnull
    while arguments and arguments[0] != "--":
        option, value = arguments[0], arguments[1]
        arguments = arguments[2:]
        if option == "--watch":
            name, _, pid = value.partition("=")
            watch[name] = int(pid)
        elif option == "--hwm-exe":
            match = value
        elif option == "--log":
            log = value
    command = arguments[1:]
    watched = {name: cpu_ticks(pid) for name, pid in watch.items()}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    output = open(log, "wb")
    child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    hwm = {}
    while child.poll() is None:
        if match:
            for pid in descendants(child.pid, processes()):
                if exe(pid) == match:
                    kb = status_kb(pid, "VmHWM")
                    if kb:
                        hwm[pid] = ("supervisor" if pid == child.pid else "worker", kb)
        time.sleep(0.05)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "exit": child.returncode,
        "wall_s": wall,
        "cpu_s": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        "max_rss_kb": after.ru_maxrss,
        "hwm": [[pid, role, kb] for pid, (role, kb) in sorted(hwm.items())],
        "watch": {name: (cpu_ticks(pid) - watched[name]) / TICK for name, pid in watch.items()},
    }))


if __name__ == "__main__":
    main()
