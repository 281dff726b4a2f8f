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

TICK = os.sysconf("SC_CLK_TCK")


def table():
    rows = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    text = stat.read()
                fields = text[text.rindex(")") + 2:].split()
                rows[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
            except (OSError, ValueError):
                pass
    return rows


def tree(root, rows):
    children = {}
    for pid, (parent, _) in rows.items():
        children.setdefault(parent, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def cpu_ticks(root):
    rows = table()
    return sum(rows[pid][1] for pid in tree(root, rows) if pid in rows)


def hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def exe(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


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
            for pid in tree(child.pid, table()):
                if exe(pid) == match:
                    kb = hwm_kb(pid)
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
