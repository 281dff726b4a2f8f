#!/usr/bin/env bash
# Large lists: for lists of 10,000, 100,000 and 1,000,000 lines, how long verify takes to start its
# first client, the supervisor's memory then (RSS, and its peak), and what --resume over a
# results.jsonl of that many records adds to the first start. Prints a Markdown table.
#
#   benchmarks/list-size.sh                 SIZES="10000 100000" benchmarks/list-size.sh
#
# The client hangs on every pull, so the numbers are the supervisor's own start-up: reading and
# checking the list (and, with --resume, the records), and starting the workers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=${BENCH_WORK:-/tmp/verify-bench}/lists
sizes=${SIZES:-"10000 100000 1000000"}
mkdir -p "$work"
(cd "$repo" && swift build -c release --scratch-path .build-release >/dev/null)
verify=$repo/.build-release/release/verify
client=$work/hanging-client
cat >"$client" <<'SH'
#!/bin/sh
case $1 in version) echo 20.10.24; exit 0 ;; esac
date +%s.%N >>"$FIRST_START"
exec sleep 3600
SH
chmod +x "$client"

# first_start LIST OUT [ARGS...]: seconds from start to the first client, the supervisor's RSS (MB)
# at that moment, and its peak RSS once the whole list is planned (it is planned a chunk at a time
# while the first images run; the wait allows 10 µs a line), then stops verify.
first_start() {
  local list=$1 out=$2
  shift 2
  export FIRST_START=$work/first
  rm -f "$FIRST_START"
  local start pid
  start=$(date +%s.%N)
  "$verify" "$list" -o "$out" --docker "$client" -p 1 -c 1 --progress none "$@" 2>/dev/null &
  pid=$!
  until [[ -s $FIRST_START ]]; do sleep 0.005; done
  local first rss hwm
  first=$(head -1 "$FIRST_START")
  rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$pid/status")
  sleep "$(echo "$(wc -l <"$list") / 100000 + 1" | bc -l)"
  hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status")
  kill -INT "$pid"; sleep 0.2; kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf '%.2f %s %s\n' "$(echo "$first - $start" | bc)" "$rss" "$hwm"
}

echo "| lines | first client start (s) | supervisor RSS then (MB) | peak RSS, list planned (MB) | --resume over that many records: first start (s) | peak RSS (MB) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $sizes; do
  list=$work/list-$n.txt
  [[ -e $list ]] || awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "bench.example.com/team%d/app%d:v1\n", i % 50, i }' >"$list"
  read -r plain rss hwm < <(first_start "$list" "$work/out-$n" --overwrite)
  # A directory that holds a record for every line (as a run stopped after the last leaves it), and
  # a list with one line more.
  resumed=$work/resumed-$n
  rm -rf "$resumed"; mkdir -p "$resumed"
  printf '{\n  "client" : "%s"\n}\n' "$client" >"$resumed/run.json"
  awk '{ printf "{\"attempts\":1,\"category\":null,\"cleanup_warning\":null,\"digest\":\"sha256:%064d\",\"duration_ms\":1200,\"exit_code\":null,\"failed_attempts\":[],\"finished_at\":\"2026-11-28T10:00:00.000Z\",\"line\":%d,\"message\":null,\"pulled\":\"%s\",\"reference\":\"%s\",\"same_as\":null,\"signal\":null,\"started_at\":\"2026-11-28T09:59:58.800Z\",\"status\":\"good\",\"stderr_tail\":null,\"step\":null,\"worker\":1}\n", NR, NR, $0, $0 }' "$list" >"$resumed/results.jsonl"
  cp "$list" "$resumed/good_image.txt"
  cp "$list" "$work/list-$n-plus.txt"; echo "bench.example.com/team0/new:v1" >>"$work/list-$n-plus.txt"
  read -r resume _ rhwm < <(first_start "$work/list-$n-plus.txt" "$resumed" --resume)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$plain" "$rss" "$hwm" "$resume" "$rhwm"
done
