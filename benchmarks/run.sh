#!/usr/bin/env bash
# Runs every benchmark scenario for every contender, interleaved run by run, and prints a Markdown
# table of medians (with ratios to verify --engine uv in the same run); writes benchmarks/RESULTS.md.
#
#   benchmarks/run.sh                                  everything: 5 runs each (about 50 min on 2 cores)
#   RUNS=3 SCENARIOS="overhead-40 straggler" benchmarks/run.sh
#
# Scenarios: overhead-10 overhead-40 latency straggler timeouts scale ballast lists million.
# lists runs list-size.sh (start-up and memory for 10k to 1M lines); million verifies 1,000,000
# images with the fast fake client and --progress plain, and fails unless every one is recorded
# good once (about 25 min on 2 cores).
# Contenders: uv posix dispatch floor oldscript xargs parallel (CONTENDERS= to choose): uv is
# verify --engine uv --spawn uv, posix is --spawn posix, floor is floor.c (a C posix_spawn + poll
# runner doing the same three calls; it has no timeouts, so it sits out the timeouts scenario).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=${BENCH_WORK:-/tmp/verify-bench}
runs=${RUNS:-5}
scenarios=${SCENARIOS:-"overhead-10 overhead-40 latency straggler timeouts scale ballast lists million"}
contenders=${CONTENDERS:-"uv posix dispatch floor oldscript xargs parallel"}
processes=$(nproc)
mkdir -p "$work"

# --- set-up -------------------------------------------------------------------------------------
missing=()
for tool in cc parallel timeout xargs; do command -v "$tool" >/dev/null || missing+=("$tool"); done
/usr/bin/python3 -c 'import venv' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  echo "run.sh: missing ${missing[*]}; on Debian: apt-get install gcc parallel coreutils findutils python3-venv" >&2
  exit 2
fi
(cd "$repo" && swift build -c release >/dev/null)
verify=$repo/.build/release/verify
cc -O2 -Wall -o "$work/fakedocker" "$here/fakedocker.c" -lm
cc -O2 -Wall -o "$work/floor" "$here/floor.c"
export FAKEDOCKER=$work/fakedocker
if [[ ! -x $work/venv/bin/python ]] || ! "$work/venv/bin/python" -c 'import gevent' 2>/dev/null; then
  /usr/bin/python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q gevent
fi
list() { # list N: a list of N distinct references
  local file=$work/list-$1.txt
  [[ -e $file ]] || awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "bench.example.com/team%d/app%d:v1\n", i % 50, i }' >"$file"
  echo "$file"
}

# The shell equivalent of verify for xargs and parallel: pull, inspect, rmi under one timeout(1).
one_line='d=$FAKEDOCKER; "$d" pull "$1" >/dev/null 2>&1 && "$d" image inspect --format "{{json .RepoDigests}}" "$1" >/dev/null 2>&1 && "$d" rmi "$1" >/dev/null 2>&1 && echo "$1" >>"$OUT/good_image.txt" || echo "$1" >>"$OUT/error_image.txt"'

# command CONTENDER LIST CONCURRENCY TIMEOUT OUT: prints the command, one argument a line.
command_for() {
  local contender=$1 list=$2 concurrency=$3 timeout=$4 out=$5
  local per=$(((concurrency + processes - 1) / processes))
  case $contender in
  uv | posix)
    printf '%s\n' "$verify" "$list" -o "$out" --overwrite --docker "$FAKEDOCKER" -p "$processes" -c "$per" \
      -t "$timeout" --kill-grace 1 --progress-interval 0 --engine uv --spawn "$contender" ;;
  dispatch)
    printf '%s\n' "$verify" "$list" -o "$out" --overwrite --docker "$FAKEDOCKER" -p "$processes" -c "$per" \
      -t "$timeout" --kill-grace 1 --progress-interval 0 --engine dispatch ;;
  floor)
    printf '%s\n' "$work/floor" "$list" "$concurrency" "$FAKEDOCKER" "$out" ;;
  oldscript)
    printf '%s\n' "$work/venv/bin/python" "$here/baseline/check_images.py" "$list" "$processes" "$per" "$timeout" "$FAKEDOCKER" "$out" ;;
  xargs)
    printf '%s\n' xargs -P "$concurrency" -a "$list" -I{} timeout "$timeout" sh -c "$one_line" _ {} ;;
  parallel)
    printf '%s\n' parallel --will-cite -q -j "$concurrency" timeout "$timeout" sh -c "$one_line" _ {} :::: "$list" ;;
  esac
}

# measure SCENARIO CONTENDER RUN IMAGES CONCURRENCY TIMEOUT [measure.py options]
measure() {
  local scenario=$1 contender=$2 run=$3 images=$4 concurrency=$5 timeout=$6
  shift 6
  local out=$work/out/$scenario-$contender
  rm -rf "$out" && mkdir -p "$out"
  local -a cmd
  mapfile -t cmd < <(command_for "$contender" "$(list "$images")" "$concurrency" "$timeout" "$out")
  local result
  result=$(OUT=$out "$here/measure.py" "$@" -- "${cmd[@]}")
  local good=0
  [[ -e $out/good_image.txt ]] && good=$(wc -l <"$out/good_image.txt")
  printf '{"scenario":"%s","contender":"%s","run":%d,"images":%d,"concurrency":%d,"good":%d,"command":%s,"m":%s}\n' \
    "$scenario" "$contender" "$run" "$images" "$concurrency" "$good" \
    "$(printf '%s\n' "${cmd[@]}" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(" ".join(sys.stdin.read().split("\n")[:-1])))')" \
    "$result" >>"$work/results.jsonl"
  echo "  $scenario $contender run $run: $(echo "$result" | /usr/bin/python3 -c 'import json,sys; m=json.load(sys.stdin); print("%.2f s, %d survivors" % (m["wall_s"], m["survivors"]))')" >&2
}

# --- scenarios ----------------------------------------------------------------------------------
: >"$work/results.jsonl"
for scenario in $scenarios; do
  echo "$scenario:" >&2
  unset FAKEDOCKER_LATENCY_MS FAKEDOCKER_MEDIAN_MS FAKEDOCKER_SIGMA FAKEDOCKER_STRAGGLER_PERMILLE FAKEDOCKER_STRAGGLER_FACTOR FAKEDOCKER_HANG
  export FAKEDOCKER_SEED=7
  schedule=()
  case $scenario in
  overhead-10) images=5000 concurrency=10 timeout=600 ;;
  overhead-40) images=5000 concurrency=40 timeout=600 ;;
  latency) images=2000 concurrency=40 timeout=600; export FAKEDOCKER_MEDIAN_MS=50 FAKEDOCKER_SIGMA=0.5
    schedule=(--list "$(list 2000)" --concurrency 40) ;;
  straggler) images=1000 concurrency=40 timeout=600
    export FAKEDOCKER_MEDIAN_MS=20 FAKEDOCKER_SIGMA=0.3 FAKEDOCKER_STRAGGLER_PERMILLE=10 FAKEDOCKER_STRAGGLER_FACTOR=100
    schedule=(--list "$(list 1000)" --concurrency 40) ;;
  timeouts) images=500 concurrency=40 timeout=1; export FAKEDOCKER_HANG=1 ;;
  scale)
    # One run of each libuv variant over 100,000 images: does the supervisor's memory stay flat?
    for contender in uv posix; do
      measure scale "$contender" 1 100000 40 600 --results "$work/out/scale-$contender/results.jsonl" --rss-at 10000,50000,100000
    done
    continue ;;
  ballast)
    # Spawns per second against worker RSS: one worker, 500 images (1,500 spawns), 0 ms latency.
    processes_saved=$processes
    processes=1
    for ((run = 1; run <= runs; run++)); do
      for megabytes in 0 64 128 256; do
        for contender in uv posix; do
          VERIFY_WORKER_BALLAST_MB=$megabytes measure "ballast-$megabytes" "$contender" "$run" 500 10 600
        done
      done
    done
    processes=$processes_saved
    continue ;;
  lists)
    "$here/list-size.sh" | tee "$work/lists.md"
    continue ;;
  million)
    out=$work/out/million
    rm -rf "$out"
    "$verify" "$(list 1000000)" -o "$out" --docker "$FAKEDOCKER" -p "$processes" -c 20 --progress plain --progress-interval 60 \
      2>"$work/million.log" || true
    good=$(wc -l <"$out/good_image.txt")
    records=$(wc -l <"$out/results.jsonl")
    echo "million: $good good and $records records of 1000000 images; $(grep 'images verified' "$work/million.log")" >&2
    if [[ $good != 1000000 || $records != 1000000 ]]; then
      echo "run.sh: the 1,000,000-image run did not record every image good once" >&2
      exit 1
    fi
    continue ;;
  *) echo "run.sh: unknown scenario $scenario" >&2; exit 2 ;;
  esac
  for ((run = 1; run <= runs; run++)); do
    for contender in $contenders; do
      [[ $scenario == timeouts && $contender == floor ]] && continue
      measure "$scenario" "$contender" "$run" "$images" "$concurrency" "$timeout" "${schedule[@]}"
    done
  done
done
/usr/bin/python3 "$here/report.py" "$work/results.jsonl" "$here/RESULTS.md" "$runs"
