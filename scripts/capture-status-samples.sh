#!/usr/bin/env bash
# Captures what docker (and skopeo) print when a registry answers 5xx or 429, into
# Tests/VerifierTests/Fixtures/client-output (docker__<case>.txt, skopeo_inspect__<case>.txt,
# skopeo_copy__<case>.txt), in the format of the other fixtures there.
#
# A maintainer's tool, not run by CI. Needs root (a private dockerd) and what scripts/install-deps.sh
# installs. It starts its own sandbox (scripts/sandbox.sh, in its own directory and on its own ports)
# and scripts/fault-registry.py in front of it, and stops both, by PID, when it ends. Idempotent:
# every run starts from scratch and overwrites the captures.
#
#   scripts/capture-status-samples.sh            all cases
#   scripts/capture-status-samples.sh CASE...    only these (see the tables below)
#
# Settings: VERIFY_SANDBOX (/tmp/verify-sandbox-samples), VERIFY_REGISTRY_PORT (47600),
# VERIFY_HANG_PORT (47601), FAULT_PORT (47610), PULL_TIMEOUT (seconds per command; 300).
# The fault server's request log (one line a request, with the status it answered) is kept in
# $VERIFY_SANDBOX-fault.log, to see how often and when a client retried.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/.." && pwd)/Tests/VerifierTests/Fixtures/client-output
export VERIFY_SANDBOX=${VERIFY_SANDBOX:-/tmp/verify-sandbox-samples}
export VERIFY_REGISTRY_PORT=${VERIFY_REGISTRY_PORT:-47600}
export VERIFY_HANG_PORT=${VERIFY_HANG_PORT:-47601}
export VERIFY_OWN_DOCKERD=1
fault_port=${FAULT_PORT:-47610}
timeout=${PULL_TIMEOUT:-300}
fault=127.0.0.1:$fault_port
work=$VERIFY_SANDBOX-capture
fault_log=$VERIFY_SANDBOX-fault.log
fault_pid=""

say() { echo "capture: $*" >&2; }

cleanup() {
  # timeout runs in a process group of its own: end the clients still running, by PID.
  local pidfile
  for pidfile in "$work"/running/*; do
    [[ -e $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  if [[ -n $fault_pid ]]; then
    kill "$fault_pid" 2>/dev/null || true
    wait "$fault_pid" 2>/dev/null || true
  fi
  "$here/sandbox.sh" down || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Cases whose manifest answers the fault: NAME SPEC (see fault-registry.py). All use team1/app1:v1.
manifest_cases=(
  "manifest_500 manifest500"
  "manifest_502 manifest502"
  "manifest_502_html manifest502-html"
  "manifest_503 manifest503"
  "manifest_503_retry_after manifest503-ra37"
  "manifest_503_retry_after_date manifest503-radate"
  "manifest_503_empty manifest503-empty"
  "manifest_503_html manifest503-html"
  "manifest_504 manifest504"
  "manifest_504_html manifest504-html"
  "manifest_429 manifest429"
  "manifest_429_retry_after manifest429-ra37"
  "manifest_429_retry_after_date manifest429-radate"
  "manifest_429_empty manifest429-empty"
  "flaky_503_once manifest503-x1"
  "flaky_503_twice manifest503-x2"
  "flaky_503_3times manifest503-x3"
  "flaky_429_twice manifest429-ra1-x2"
)
# Cases where the manifest is served and a blob answers the fault. Each pulls an image of its own,
# with a layer of its own, so that they can run at the same time (dockerd shares a download of
# the same layer between pulls).
blob_cases=(
  "blob_500 blob500"
  "blob_502 blob502"
  "blob_503 blob503"
  "blob_503_retry_after blob503-ra37"
  "blob_503_html blob503-html"
  "blob_504 blob504"
  "blob_429 blob429"
  "blob_429_retry_after blob429-ra37"
  "config_500 config500"
  "config_503_retry_after config503-ra37"
  "config_429 config429"
  "layer_500 layer500"
  "layer_503_retry_after layer503-ra37"
  "layer_429 layer429"
  "flaky_blob_503_twice blob503-x2"
  "flaky_layer_503_twice layer503-x2"
  "flaky_config_503_twice config503-x2"
)

selected=("$@")
# want NAME: whether case NAME is to be captured.
want() {
  ((${#selected[@]} == 0)) && return 0
  local arg
  for arg in "${selected[@]}"; do [[ $arg == "$1" ]] && return 0; done
  return 1
}

# capture FILE COMMAND...: runs COMMAND (with a timeout) and writes FILE in the fixtures' format.
capture() {
  local file=$1
  shift
  local start end rc=0 rcline
  start=$(date +%s.%N)
  # In the background, so that a signal to this script is handled at once (see cleanup).
  timeout "$timeout" "$@" >"$work/$file.out" 2>"$work/$file.err" &
  echo $! >"$work/running/$file"
  wait $! || rc=$?
  rm -f "$work/running/$file"
  end=$(date +%s.%N)
  rcline=$rc
  ((rc == 124)) && rcline="124 (killed by timeout $timeout s)"
  {
    echo "# cmd: $* "
    echo "# rc: $rcline"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "# elapsed: %.3f s\n", e - s }'
    echo "# ---- stdout ----"
    cat "$work/$file.out"
    echo "# ---- stderr ----"
    cat "$work/$file.err"
  } >"$out/$file"
  say "$file: rc $rcline, $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }') s: $(tail -n 1 "$work/$file.err")"
}

# Removes the images pulled through the fault registry, so that every pull downloads everything.
forget_images() {
  local ids
  ids=$(docker images --format '{{.Repository}} {{.ID}}' | awk -v p="$fault/" 'index($1, p) == 1 { print $2 }' | sort -u)
  [[ -z $ids ]] || docker rmi -f $ids >/dev/null 2>&1 || true
}

reset_counters() { curl -fsS -X POST "http://$fault/_fault/reset" >/dev/null; }

# unique_image NAME: pushes samples/NAME:v1, an image with one layer that no other image has.
unique_image() {
  local name=$1 layout=$work/oci
  umoci new --image "$layout:$name"
  umoci unpack --rootless --image "$layout:$name" "$work/bundle-$name" >/dev/null
  echo "a layer of its own for $name" >"$work/bundle-$name/rootfs/README"
  umoci repack --image "$layout:$name" "$work/bundle-$name" >/dev/null
  rm -rf "$work/bundle-$name"
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout:$name" "docker://$registry/samples/$name:v1"
}

# ---- start
say "starting the sandbox in $VERIFY_SANDBOX"
env_file=$("$here/sandbox.sh" up)
# shellcheck disable=SC1090
source "$env_file"
export DOCKER_HOST
registry=$REGISTRY
rm -rf "$work"
mkdir -p "$work/running"
umoci init --layout "$work/oci"
: >"$fault_log"
setsid python3 "$here/fault-registry.py" "$fault_port" "$registry" 2>"$fault_log" </dev/null &
fault_pid=$!
for ((i = 0; i < 100; i++)); do
  curl -fsS "http://$fault/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://$fault/v2/" >/dev/null
say "fault registry at $fault (PID $fault_pid), proxying $registry; docker: $(docker version --format 'client {{.Client.Version}}, daemon {{.Server.Version}}')"

# ---- docker, manifest faults (one at a time: each takes well under a second unless retried)
for entry in "${manifest_cases[@]}"; do
  read -r name spec <<<"$entry"
  want "$name" || continue
  forget_images
  reset_counters
  capture "docker__$name.txt" docker pull "$fault/$spec/team1/app1:v1"
done

# ---- docker, blob faults (all at once: docker retries a layer for a minute or more)
pids=()
for entry in "${blob_cases[@]}"; do
  read -r name spec <<<"$entry"
  want "$name" || continue
  unique_image "$name"
done
forget_images
reset_counters
for entry in "${blob_cases[@]}"; do
  read -r name spec <<<"$entry"
  want "$name" || continue
  capture "docker__$name.txt" docker pull "$fault/$spec/samples/$name:v1" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

# ---- skopeo, the same cases. skopeo waits out a 429 (Retry-After, at most 60 s, or 2, 4, 8, 16 s)
# up to five times, so the cases run at the same time; the flaky ones (x<N>) after them, one at a
# time, each from a counter set back to zero.
skopeo_case() {
  local name=$1 spec=$2 image
  if [[ $spec == manifest* ]]; then image=$spec/team1/app1:v1; else image=$spec/samples/$name:v1; fi
  [[ $spec == *-x* ]] && reset_counters
  capture "skopeo_inspect__$name.txt" skopeo inspect --tls-verify=false "docker://$fault/$image"
  [[ $spec == *-x* ]] && reset_counters
  rm -rf "$work/copy-$name"
  capture "skopeo_copy__$name.txt" skopeo copy --src-tls-verify=false "docker://$fault/$image" "dir:$work/copy-$name"
}
pids=()
for entry in "${manifest_cases[@]}" "${blob_cases[@]}"; do
  read -r name spec <<<"$entry"
  want "$name" || continue
  [[ $spec == *-x* ]] && continue
  skopeo_case "$name" "$spec" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
for entry in "${manifest_cases[@]}" "${blob_cases[@]}"; do
  read -r name spec <<<"$entry"
  want "$name" || continue
  [[ $spec == *-x* ]] || continue
  skopeo_case "$name" "$spec"
done
forget_images
say "done; the fault registry's request log is $fault_log"
