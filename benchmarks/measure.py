#!/usr/bin/env python3
"""Runs one benchmark command and measures it; prints one JSON object.

  measure.py [--results FILE --rss-at N,...] [--list FILE --concurrency C] -- COMMAND...

- wall time;
- user and system CPU of every process in the run (getrusage of the reaped children), and of
  the fake docker alone (from its own accounting, FAKEDOCKER_LOG), so that the contender's own CPU
  is the difference;
- the peak RSS of the largest single process (ru_maxrss), and the peak RSS of all processes of
  the run together, sampled every 100 ms;
- with --results, the RSS of the command's own process (verify's supervisor) when FILE first
  holds N lines, for each N;
- the sum and the longest of the pulls' latencies, and (with --list and --concurrency) the makespan
  of a runner with no overhead that starts the images in list order as slots free up;
- how many fake docker processes are still alive 2 s after the command ended (then killed).
"""
import heapq
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

from procfs import descendants, exe, processes, status_kb


def line_count(path):
    try:
        with open(path, "rb") as results:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: results.read(1 << 20), b""))
    except OSError:
        return 0


def main():
    arguments = sys.argv[1:]
    results, marks, listing, concurrency = None, [], None, 0
    while arguments and arguments[0] != "--":
        option, value = arguments[0], arguments[1]
        arguments = arguments[2:]
        if option == "--results":
            results = value
        elif option == "--rss-at":
            marks = [int(mark) for mark in value.split(",")]
        elif option == "--list":
            listing = value
        elif option == "--concurrency":
            concurrency = int(value)
    command = arguments[1:]
    fakedocker = os.path.realpath(os.environ["FAKEDOCKER"])
    log = tempfile.NamedTemporaryFile(prefix="fakedocker-", delete=False)
    log.close()
    environment = dict(os.environ, FAKEDOCKER_LOG=log.name)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    child = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_tree, rss_at = 0, {}
    while child.poll() is None:
        tree = descendants(child.pid, processes())
        peak_tree = max(peak_tree, sum(status_kb(pid, "VmRSS") for pid in tree))
        if results and marks:
            done = line_count(results)
            for mark in marks:
                rss = status_kb(child.pid, "VmRSS")
                if mark not in rss_at and done >= mark and rss:
                    rss_at[mark] = rss
        time.sleep(0.1)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)

    fake_user = fake_sys = latency = longest = 0
    pulls = {}
    with open(log.name) as lines:
        for line in lines:
            command, user, system, pulled, reference = line.split()
            fake_user, fake_sys, latency = fake_user + int(user), fake_sys + int(system), latency + int(pulled)
            longest = max(longest, int(pulled))
            if command == "pull":
                pulls[reference] = int(pulled) / 1e6
    os.unlink(log.name)

    time.sleep(2)
    survivors = [pid for pid in processes() if exe(pid) == fakedocker]
    for pid in survivors:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

    list_schedule = 0.0
    if listing and concurrency and pulls:
        slots = [0.0] * concurrency
        with open(listing) as references:
            for reference in (line.strip() for line in references):
                if reference in pulls:
                    start = heapq.heappop(slots)
                    heapq.heappush(slots, start + pulls[reference])
        list_schedule = max(slots)

    user = after.ru_utime - before.ru_utime
    system = after.ru_stime - before.ru_stime
    print(json.dumps({
        "exit": child.returncode,
        "wall_s": wall,
        "cpu_s": user + system,
        "fake_cpu_s": (fake_user + fake_sys) / 1e6,
        "own_cpu_s": user + system - (fake_user + fake_sys) / 1e6,
        "max_rss_kb": after.ru_maxrss,
        "peak_tree_rss_kb": peak_tree,
        "rss_at_kb": {str(mark): value for mark, value in rss_at.items()},
        "latency_sum_s": latency / 1e6,
        "latency_max_s": longest / 1e6,
        "list_schedule_s": list_schedule,
        "survivors": len(survivors),
    }))


if __name__ == "__main__":
    main()
