#!/usr/bin/env python3
"""Turns benchmarks/run.sh's measurements into Markdown: medians per scenario and contender, each
figure also as a ratio to verify --engine uv measured in the same runs.

Usage: report.py RESULTS.jsonl RESULTS.md RUNS
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

BASELINE = "uv"
NAMES = {
    "uv": "verify --spawn uv",
    "posix": "verify --spawn posix (default)",
    "floor": "C floor (posix_spawn + poll)",
    "dispatch": "verify --engine dispatch",
    "oldscript": "old script (gevent)",
    "xargs": "xargs -P",
    "parallel": "GNU parallel",
}


def median(values):
    return statistics.median(values) if values else float("nan")


def figures(rows):
    images = rows[0]["images"]
    wall = median([r["m"]["wall_s"] for r in rows])
    result = {
        "wall_s": wall,
        "images_per_s": images / wall,
        "cpu_per_1000": median([r["m"]["cpu_s"] for r in rows]) / images * 1000,
        "own_cpu_per_1000": median([r["m"]["own_cpu_s"] for r in rows]) / images * 1000,
        "max_rss_mb": median([r["m"]["max_rss_kb"] for r in rows]) / 1024,
        "tree_rss_mb": median([r["m"]["peak_tree_rss_kb"] for r in rows]) / 1024,
        "good": median([r["good"] for r in rows]),
        "survivors": max(r["m"]["survivors"] for r in rows),
        # No schedule beats the total latency spread over every slot, nor the longest single pull.
        "ideal_s": max(median([r["m"]["latency_sum_s"] for r in rows]) / rows[0]["concurrency"],
                       median([r["m"].get("latency_max_s", 0) for r in rows])),
        "list_schedule_s": median([r["m"].get("list_schedule_s", 0) for r in rows]),
        "runs": len(rows),
    }
    return result


def ratio(value, base):
    return f"{value / base:.2f}×" if base else "–"


def table(scenario, by_contender):
    base = by_contender.get(BASELINE)
    latency_bound = scenario in ("latency", "straggler")
    header = ["contender", "wall s", "images/s", "CPU s /1000 images (all)", "own CPU s /1000",
              "largest RSS MB", "all RSS MB", "good"]
    if latency_bound:
        header += ["makespan / ideal", "makespan / list schedule"]
    if scenario == "timeouts":
        header.append("survivors")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for contender in NAMES:
        if contender not in by_contender:
            continue
        f = by_contender[contender]
        cells = [NAMES[contender]]
        for key, fmt in [("wall_s", "{:.2f}"), ("images_per_s", "{:.0f}"), ("cpu_per_1000", "{:.2f}"),
                         ("own_cpu_per_1000", "{:.2f}"), ("max_rss_mb", "{:.1f}"), ("tree_rss_mb", "{:.0f}")]:
            text = fmt.format(f[key])
            if base and contender != BASELINE:
                text += f" ({ratio(f[key], base[key])})"
            cells.append(text)
        cells.append(f"{f['good']:.0f}")
        if latency_bound:
            cells.append(f"{f['wall_s'] / f['ideal_s']:.3f} (ideal {f['ideal_s']:.2f} s)")
            schedule = f["list_schedule_s"]
            cells.append(f"{f['wall_s'] / schedule:.3f} ({schedule:.2f} s)" if schedule else "–")
        if scenario == "timeouts":
            cells.append(str(f["survivors"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Linux {platform.release()}"


def main():
    path, output, runs = sys.argv[1], sys.argv[2], sys.argv[3]
    rows = [json.loads(line) for line in open(path) if line.strip()]
    scenarios = []
    for row in rows:
        if row["scenario"] not in scenarios:
            scenarios.append(row["scenario"])
    parts = [
        "# Benchmark results",
        "",
        f"- Machine: {machine()}",
        f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Runs: medians of {runs} runs per contender, contenders interleaved run by run (scale: 1 run)",
        "- Ratios in brackets are to `verify --spawn uv` (libuv engine, uv_spawn) in the same runs. \"All\" CPU counts every process",
        "  of the run, fake docker included; \"own\" CPU leaves out the fake docker's (it accounts for itself).",
        "- Command: `benchmarks/run.sh` (see its header); each contender's exact command is below.",
        "- Ideal makespan: the larger of (sum of pull latencies / total concurrency) and the longest single pull.",
        "  List schedule: the makespan of a runner with no overhead at all that starts images in list order",
        "  as slots free up (the same greedy hand-out verify does), from the same latencies.",
        "- The registry client (`--client registry`) against curl, skopeo and `--client docker` on a real",
        "  docker-registry: [REGISTRY.md](REGISTRY.md), from `benchmarks/registry.sh` (not regenerated here).",
        "",
    ]
    ballast = [scenario for scenario in scenarios if scenario.startswith("ballast-")]
    scenarios = [scenario for scenario in scenarios if not scenario.startswith("ballast-")]
    for scenario in scenarios:
        by_contender = {}
        for contender in NAMES:
            selected = [r for r in rows if r["scenario"] == scenario and r["contender"] == contender]
            if selected:
                by_contender[contender] = figures(selected)
        first = next(r for r in rows if r["scenario"] == scenario)
        parts.append(f"## {scenario}: {first['images']} images, total concurrency {first['concurrency']}")
        parts.append("")
        parts.append(table(scenario, by_contender))
        if scenario == "scale":
            parts.append("")
            for contender in ("uv", "posix"):
                selected = [r for r in rows if r["scenario"] == "scale" and r["contender"] == contender]
                if not selected:
                    continue
                marks = selected[0]["m"]["rss_at_kb"]
                # A sample of 0 means the supervisor was already exiting when the mark was reached.
                parts.append(f"Supervisor RSS by images done ({NAMES[contender]}): " + ", ".join(
                    f"{int(mark):,}: {kb / 1024:.1f} MB" if kb else f"{int(mark):,}: not sampled (exiting)"
                    for mark, kb in sorted(marks.items(), key=lambda item: int(item[0]))))
                parts.append("")
        parts.append("")
    if ballast:
        parts.append("## Spawns per second against worker RSS (one worker, 500 images = 1,500 spawns, 10 in flight)")
        parts.append("")
        parts.append("| worker ballast | uv_spawn: spawns/s | worker RSS MB | posix_spawn: spawns/s | worker RSS MB |")
        parts.append("|---|---|---|---|---|")
        for scenario in ballast:
            cells = [scenario.split("-")[1] + " MB"]
            for contender in ("uv", "posix"):
                selected = [r for r in rows if r["scenario"] == scenario and r["contender"] == contender]
                f = figures(selected)
                cells += [f"{3 * f['images_per_s']:.0f}", f"{f['max_rss_mb']:.0f}"]
            parts.append("| " + " | ".join(cells) + " |")
        parts.append("")
    parts.append("## Commands")
    parts.append("")
    seen = set()
    for row in rows:
        key = (row["scenario"], row["contender"])
        if key not in seen:
            seen.add(key)
            parts.append(f"- {row['scenario']} / {row['contender']}: `{row['command']}`")
    text = "\n".join(parts) + "\n"
    with open(output, "w") as results:
        results.write(text)
    print(text)


if __name__ == "__main__":
    main()
