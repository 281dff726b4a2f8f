#!/usr/bin/env python3
"""Markdown tables from benchmarks/registry.sh's results.jsonl: medians over runs, and each
target of the registry client's issue with its ratio and whether it is met.

  registry-report.py RESULTS.jsonl PROCESSES CONCURRENCY
"""
import json
import statistics
import sys


def main():
    path, processes, concurrency = sys.argv[1], sys.argv[2], sys.argv[3]
    rows = [json.loads(line) for line in open(path) if line.strip()]
    groups = {}
    for row in rows:
        groups.setdefault((row["part"], row["contender"]), []).append(row)

    def med(part, contender, f):
        runs = groups.get((part, contender))
        return statistics.median(f(r) for r in runs) if runs else None

    def stats(part, contender):
        runs = groups[(part, contender)]
        m = lambda f: statistics.median(f(r) for r in runs)
        wall = m(lambda r: r["m"]["wall_s"])
        return {
            "runs": len(runs), "images": runs[0]["images"], "good": m(lambda r: r["good"]),
            "wall": wall, "ips": m(lambda r: r["images"] / r["m"]["wall_s"]),
            "requests": m(lambda r: r["requests"]), "rps": m(lambda r: r["requests"] / r["m"]["wall_s"]),
            "cpu": m(lambda r: r["m"]["cpu_s"]),
            "cpu_req": m(lambda r: 1000 * r["m"]["cpu_s"] / r["requests"]) if runs[0]["requests"] else None,
            "cpu_img": m(lambda r: 1000 * r["m"]["cpu_s"] / r["images"]),
            "bytes": m(lambda r: r["bytes"]), "bps": m(lambda r: r["bytes"] / r["m"]["wall_s"]),
            "registry": m(lambda r: r["m"]["watch"].get("registry", 0)),
            "dockerd": m(lambda r: r["m"]["watch"].get("dockerd", 0)),
            "rss": m(lambda r: r["m"]["max_rss_kb"] / 1024),
            "command": runs[0]["command"],
        }

    out = []
    p = out.append
    p(f"Medians of the runs; {processes} cores; total concurrency {concurrency} unless said. CPU is user + system of "
      "every process of the contender (the registry's and dockerd's own CPU in their own columns).\n")
    targets = []

    def table(title, part, contenders, columns):
        present = [c for c in contenders if (part, c) in groups]
        if not present:
            return None
        p(f"### {title}\n")
        p("| contender | runs | " + " | ".join(name for name, _ in columns) + " |")
        p("|---|---:|" + "---:|" * len(columns))
        s = {c: stats(part, c) for c in present}
        for c in present:
            p(f"| {c} | {s[c]['runs']} | " + " | ".join(fmt(s[c]) for _, fmt in columns) + " |")
        p("")
        return s

    col = {
        "images": ("images", lambda s: f"{s['images']}"),
        "good": ("good", lambda s: f"{s['good']:.0f}"),
        "wall": ("wall s", lambda s: f"{s['wall']:.2f}"),
        "ips": ("images/s", lambda s: f"{s['ips']:.1f}"),
        "req": ("requests", lambda s: f"{s['requests']:.0f}"),
        "rps": ("requests/s", lambda s: f"{s['rps']:.0f}"),
        "cpu": ("CPU s", lambda s: f"{s['cpu']:.2f}"),
        "cpu_req": ("CPU ms/request", lambda s: f"{s['cpu_req']:.3f}" if s["cpu_req"] else "-"),
        "cpu_img": ("CPU ms/image", lambda s: f"{s['cpu_img']:.2f}"),
        "mb": ("MB fetched", lambda s: f"{s['bytes'] / 1e6:.0f}"),
        "mbps": ("MB/s", lambda s: f"{s['bps'] / 1e6:.0f}"),
        "reg": ("registry CPU s", lambda s: f"{s['registry']:.2f}"),
        "dockerd": ("dockerd CPU s", lambda s: f"{s['dockerd']:.2f}"),
        "rss": ("largest RSS MB", lambda s: f"{s['rss']:.1f}"),
    }
    c = lambda *names: [col[n] for n in names]

    s = table("1. --depth blobs against curl --parallel (the same manifest GETs and blob HEADs)", "blobs",
              ["verify", "curl"], c("images", "good", "wall", "ips", "req", "rps", "cpu", "cpu_req", "reg", "rss"))
    if s and len(s) == 2:
        r = s["verify"]["ips"] / s["curl"]["ips"]
        targets.append(("verify images/s ≥ 80% of curl's", f"{r:.0%}", r >= 0.8))
        r = s["verify"]["cpu_req"] / s["curl"]["cpu_req"]
        targets.append(("verify CPU per request ≤ 2× curl's", f"{r:.2f}×", r <= 2))
        r = s["verify"]["cpu_img"] / s["curl"]["cpu_img"]
        targets.append(("(for reference) verify CPU per image / curl's", f"{r:.2f}×", None))
    s = table("2. --depth manifest against skopeo inspect under xargs -P", "manifest",
              ["verify", "verify-skopeo-subset", "skopeo"], c("images", "good", "wall", "ips", "req", "cpu", "cpu_img", "reg"))
    if s and "skopeo" in s:
        r = s["verify"]["ips"] / s["skopeo"]["ips"]
        targets.append(("--depth manifest ≥ 5× skopeo inspect (images/s, whole list against skopeo's subset)", f"{r:.1f}×", r >= 5))
        if "verify-skopeo-subset" in s:
            r = s["verify-skopeo-subset"]["ips"] / s["skopeo"]["ips"]
            targets.append(("the same on skopeo's subset of images", f"{r:.1f}×", r >= 5))
    for part, what in (("docker", "small images"), ("docker-big", "20 MB images")):
        s = table(f"3. --client registry against --client docker, {what}", part,
                  ["verify-registry-blobs", "verify-registry-content", "verify-docker"],
                  c("images", "good", "wall", "ips", "cpu", "cpu_img", "reg", "dockerd"))
        if s and "verify-docker" in s:
            for depth in ("blobs", "content"):
                key = f"verify-registry-{depth}"
                if key in s:
                    r = s[key]["ips"] / s["verify-docker"]["ips"]
                    targets.append((f"{what}: --depth {depth} ≥ 20× --client docker" if part == "docker"
                                    else f"{what}: --depth {depth} / --client docker (no target)",
                                    f"{r:.1f}×", (r >= 20) if part == "docker" else None))
    s = table("4. --depth content against curl --parallel -o /dev/null (20 MB images: config + layer GETs)", "content",
              ["verify", "curl"], c("images", "good", "wall", "req", "mb", "mbps", "cpu", "reg", "rss"))
    if s and len(s) == 2:
        r = s["verify"]["bps"] / s["curl"]["bps"]
        targets.append(("--depth content ≥ 70% of curl's bytes/s", f"{r:.0%}", r >= 0.7))
    s = table("4c. --depth content against curl over a link of LINK_RATE (bandwidth-bound)", "content-link",
              ["verify", "curl"], c("images", "good", "wall", "req", "mb", "mbps", "cpu", "reg", "rss"))
    if s and len(s) == 2:
        r = s["verify"]["bps"] / s["curl"]["bps"]
        targets.append(("--depth content ≥ 70% of curl's bytes/s, over a shaped link", f"{r:.0%}", r >= 0.7))
    part = "rss"
    present = [k for k in ("verify-small-blobs", "verify-big-content") if (part, k) in groups]
    if present:
        p("### 5. Peak RSS (VmHWM) of every verify process at -c 200\n")
        p("| run | runs | images | wall s | supervisor MB | workers MB (each) | largest MB |")
        p("|---|---:|---:|---:|---:|---:|---:|")
        worst = 0
        for k in present:
            runs = groups[(part, k)]
            sup = statistics.median(max([h[2] for h in r["m"]["hwm"] if h[1] == "supervisor"] or [0]) / 1024 for r in runs)
            workers = [sorted(h[2] / 1024 for h in r["m"]["hwm"] if h[1] == "worker") for r in runs]
            med_workers = [statistics.median(w[i] for w in workers if len(w) > i) for i in range(max(map(len, workers)))]
            largest = max(max(h[2] for h in r["m"]["hwm"]) / 1024 for r in runs if r["m"]["hwm"])
            worst = max(worst, largest)
            p(f"| {k} | {len(runs)} | {runs[0]['images']} | {statistics.median(r['m']['wall_s'] for r in runs):.2f} | "
              f"{sup:.1f} | {', '.join(f'{w:.1f}' for w in med_workers)} | {largest:.1f} |")
        p("")
        targets.append(("every verify process < 64 MB at -c 200 (largest of all runs)", f"{worst:.1f} MB", worst < 64))
    if targets:
        p("### Targets\n")
        p("| target | measured | met |")
        p("|---|---:|---|")
        for name, value, met in targets:
            p(f"| {name} | {value} | {'-' if met is None else ('yes' if met else '**no**')} |")
        p("")
    p("### Commands (first run of each)\n")
    for (part, contender), runs in groups.items():
        p(f"- {part} / {contender}: `{runs[0]['command']}`")
    print("\n".join(out))


if __name__ == "__main__":
    main()
