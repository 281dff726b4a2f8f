#!/usr/bin/env bash
# verify --client registry against its peers, on a private docker-registry seeded here. Prints
# Markdown tables (medians of RUNS runs) and writes them, with the commands, to
# $BENCH_WORK/registry/tables.md; benchmarks/REGISTRY.md is the written-up copy.
#
#   benchmarks/registry.sh                        everything, 3 runs each (about 20 min on 2 cores)
#   RUNS=1 PARTS="blobs content" benchmarks/registry.sh
#
# Parts (PARTS=): blobs    --depth blobs against curl --parallel issuing the same requests
#                 manifest --depth manifest against skopeo inspect under xargs -P
#                 docker   --client registry against --client docker (a private dockerd, vfs)
#                 content  --depth content against curl --parallel GETs of the same blobs (20 MB images)
#                 content-link  the same over a link of LINK_RATE (a veth pair into a network
#                          namespace, shaped by tc's tbf; needs root), where the check is bound by
#                          bandwidth, as against a registry on the network, not by the 2 cores
#                 rss      the peak RSS of every verify process at -c 200
# Settings: RUNS (3), CONCURRENCY (total, 40), SMALL (small images, 1000), BIG (20 MB images, 20),
# SKOPEO_IMAGES (the first N small images for skopeo, 200), DOCKER_IMAGES (the first N small
# images for docker, 100), LINK_RATE (content-link's rate, tc's units, 1gbit), BENCH_WORK
# (/tmp/verify-bench). The seeded storage is kept in
# $BENCH_WORK/registry/storage and reused while SMALL and BIG are the same; everything started
# (the registry, dockerd) is stopped at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=${BENCH_WORK:-/tmp/verify-bench}/registry
runs=${RUNS:-3}
concurrency=${CONCURRENCY:-40}
small=${SMALL:-1000}
big=${BIG:-20}
skopeo_images=${SKOPEO_IMAGES:-200}
docker_images=${DOCKER_IMAGES:-100}
parts=${PARTS:-"blobs manifest docker content rss"}
processes=$(nproc)
per=$(((concurrency + processes - 1) / processes))
mkdir -p "$work/out" "$work/logs"

missing=()
for tool in docker-registry curl skopeo xargs python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ " $parts " == *" docker "* ]] && { command -v dockerd >/dev/null && command -v docker >/dev/null || missing+=(docker.io); }
if ((${#missing[@]})); then
  echo "registry.sh: missing ${missing[*]}; on Debian: apt-get install docker-registry curl skopeo docker.io" >&2
  exit 2
fi

(cd "$repo" && swift build -c release --scratch-path .build-release >/dev/null)
verify=$repo/.build-release/release/verify

# --- what this script starts, stopped at exit ---------------------------------------------------
started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [[ -n ${link_ns:-} ]] && ip netns del "$link_ns" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # wait_for SECONDS COMMAND...
  local seconds=$1; shift
  for ((i = 0; i < seconds * 10; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "registry.sh: $* did not succeed within $seconds s" >&2; return 1
}

address=127.0.0.1:$(free_port)
"$repo/scripts/registry-config.sh" "$work/storage" "$address" >"$work/registry.yml"
setsid docker-registry serve "$work/registry.yml" >"$work/logs/registry.log" 2>&1 </dev/null &
registry_pid=$!
started+=("$registry_pid")
wait_for 20 curl -fsS "http://$address/v2/"

# --- the images: seeded once, reused while SMALL and BIG stay the same --------------------------
seeded="$small $big"
if [[ ! -e $work/seeded || $(head -1 "$work/seeded") != "$seeded" ]]; then
  echo "seeding $small small and $big big images into $address (about 90 s)" >&2
  kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true
  rm -rf "$work/storage" "$work/seeded"
  setsid docker-registry serve "$work/registry.yml" >"$work/logs/registry.log" 2>&1 </dev/null &
  registry_pid=$!
  started+=("$registry_pid")
  wait_for 20 curl -fsS "http://$address/v2/"
  python3 "$here/seed-bench.py" --registry "$address" --out "$work" --small "$small" --big "$big" >"$work/seed.txt"
  printf '%s\n%s\n' "$seeded" "$address" >"$work/seeded"
else
  old=$(sed -n 2p "$work/seeded")
  sed -i "s/$old/$address/g" "$work"/{small,big}.txt "$work"/{small,big}-requests.tsv "$work/big-blobs.txt"
  printf '%s\n%s\n' "$seeded" "$address" >"$work/seeded"
fi
echo "images: $(cat "$work/seed.txt")" >&2

# curl config files: one block a request, the same requests verify makes at depth blobs
curl_config() { # curl_config REQUESTS.tsv
  awk -F'\t' '{ if (NR > 1) print "next"
    printf "url = \"%s\"\noutput = \"/dev/null\"\nsilent\nwrite-out = \"%%{http_code} %%{size_download}\\n\"\n", $2
    if ($1 == "HEAD") print "head"; else printf "header = \"Accept: %s\"\n", $3 }' "$1"
}
curl_config "$work/small-requests.tsv" >"$work/small.curl"
awk '{ if (NR > 1) print "next"; printf "url = \"%s\"\noutput = \"/dev/null\"\nsilent\nwrite-out = \"%%{http_code} %%{size_download}\\n\"\n", $1 }' \
  "$work/big-blobs.txt" >"$work/big-get.curl"
head -n "$skopeo_images" "$work/small.txt" >"$work/skopeo.txt"
head -n "$docker_images" "$work/small.txt" >"$work/docker.txt"

# --- dockerd, for the docker part only ----------------------------------------------------------
docker_host=
start_docker() {
  local dir=$work/docker
  rm -rf "$dir"; mkdir -p "$dir"
  printf '{"deprecated-key-path": "%s"}\n' "$dir/key.json" >"$dir/daemon.json"
  setsid dockerd --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    -H "unix://$dir/docker.sock" --config-file "$dir/daemon.json" >"$work/logs/dockerd.log" 2>&1 </dev/null &
  dockerd_pid=$!
  started+=("$dockerd_pid")
  docker_host=unix://$dir/docker.sock
  wait_for 60 env DOCKER_HOST="$docker_host" docker version --format '{{.Server.Version}}'
}

# --- a second registry on the same storage, behind a link of LINK_RATE, for content-link ----------
link_address=
start_link() {
  link_ns=verify-bench-$$
  local host_if=vb$$h ns_if=vb$$n
  ip netns add "$link_ns"
  ip link add "$host_if" type veth peer name "$ns_if"
  ip link set "$ns_if" netns "$link_ns"
  ip addr add 10.213.0.1/30 dev "$host_if"
  ip link set "$host_if" up
  ip netns exec "$link_ns" ip addr add 10.213.0.2/30 dev "$ns_if"
  ip netns exec "$link_ns" ip link set "$ns_if" up
  ip netns exec "$link_ns" ip link set lo up
  # Both directions shaped: the blobs flow from the namespace's end.
  tc qdisc add dev "$host_if" root tbf rate "${LINK_RATE:-1gbit}" burst 256kb latency 50ms
  ip netns exec "$link_ns" tc qdisc add dev "$ns_if" root tbf rate "${LINK_RATE:-1gbit}" burst 256kb latency 50ms
  link_address=10.213.0.2:5000
  "$repo/scripts/registry-config.sh" --read-only "$work/storage" "$link_address" >"$work/registry-link.yml"
  setsid ip netns exec "$link_ns" docker-registry serve "$work/registry-link.yml" >"$work/logs/registry-link.log" 2>&1 </dev/null &
  link_pid=$!
  started+=("$link_pid")
  wait_for 20 curl -fsS "http://$link_address/v2/"
  sed "s/$address/$link_address/g" "$work/big.txt" >"$work/big-link.txt"
  sed "s/$address/$link_address/g" "$work/big-get.curl" >"$work/big-link-get.curl"
}

# --- measuring ------------------------------------------------------------------------------------
results=$work/results.jsonl
: >"$results"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# measure PART CONTENDER RUN IMAGES [rmeasure options] -- COMMAND...: one line of results.jsonl.
measure() {
  local part=$1 contender=$2 run=$3 images=$4
  shift 4
  local log=$work/logs/$part-$contender-$run.log out=$work/out/$part-$contender
  rm -rf "$out"
  local -a watch=(--watch "registry=${link_pid:-$registry_pid}")
  [[ $part == content-link ]] || watch=(--watch "registry=$registry_pid")
  [[ -n ${dockerd_pid:-} ]] && watch+=(--watch "dockerd=$dockerd_pid")
  local m
  m=$(python3 "$here/rmeasure.py" "${watch[@]}" --log "$log" "$@")
  # requests, bytes and good images: verify's summary and good_image.txt; curl's write-out lines
  local requests=0 bytes=0 good=0
  if [[ $contender == verify* ]]; then
    requests=$(sed -n 's/.*registry: \([0-9]*\) requests.*/\1/p' "$log" | tail -1)
    [[ -e $out/good_image.txt ]] && good=$(wc -l <"$out/good_image.txt")
    bytes=$(python3 -c 'import json,sys; print(sum(json.loads(l).get("bytes_fetched") or 0 for l in open(sys.argv[1])))' "$out/results.jsonl" 2>/dev/null || echo 0)
  elif [[ $contender == curl* ]]; then
    requests=$(grep -c '^[0-9]' "$log" || true)
    good=$(grep -c '^200 ' "$log" || true) # 200 answers, not images
    bytes=$(awk '{ s += $2 } END { print s + 0 }' "$log")
  else
    good=$(grep -c '^OK ' "$log" || true)
  fi
  local cmd
  cmd=$(python3 -c 'import json,sys; a=sys.argv[1:]; a=a[a.index("--")+1:]; print(json.dumps(" ".join(a)))' "$@")
  printf '{"part":"%s","contender":"%s","run":%d,"images":%d,"requests":%s,"bytes":%s,"good":%s,"command":%s,"m":%s}\n' \
    "$part" "$contender" "$run" "$images" "${requests:-0}" "${bytes:-0}" "${good:-0}" "$cmd" "$m" >>"$results"
  echo "  $part $contender run $run: $(python3 -c 'import json,sys; m=json.loads(sys.argv[1]); print("%.2f s, exit %d" % (m["wall_s"], m["exit"]))' "$m")" >&2
}
v() { # v OUT LIST [options]: verify's command line
  local out=$1 list=$2; shift 2
  echo "$verify" "$list" -o "$out" --overwrite --progress none "$@"
}

for part in $parts; do
  echo "$part:" >&2
  for ((run = 1; run <= runs; run++)); do
    case $part in
    blobs)
      measure blobs verify "$run" "$small" -- $(v "$work/out/blobs-verify" "$work/small.txt" --client registry --depth blobs --insecure -p "$processes" -c "$per")
      measure blobs curl "$run" "$small" -- curl --parallel --parallel-max "$concurrency" -K "$work/small.curl" ;;
    manifest)
      measure manifest verify "$run" "$small" -- $(v "$work/out/manifest-verify" "$work/small.txt" --client registry --depth manifest --insecure -p "$processes" -c "$per")
      measure manifest verify-skopeo-subset "$run" "$skopeo_images" -- $(v "$work/out/manifest-verify-skopeo-subset" "$work/skopeo.txt" --client registry --depth manifest --insecure -p "$processes" -c "$per")
      measure manifest skopeo "$run" "$skopeo_images" -- xargs -P "$concurrency" -a "$work/skopeo.txt" -I{} \
        sh -c 'skopeo inspect --tls-verify=false docker://{} >/dev/null && echo OK {}' ;;
    docker)
      [[ -n $docker_host ]] || start_docker
      measure docker verify-registry-blobs "$run" "$docker_images" -- $(v "$work/out/docker-verify-registry-blobs" "$work/docker.txt" --client registry --depth blobs --insecure -p "$processes" -c "$per")
      measure docker verify-registry-content "$run" "$docker_images" -- $(v "$work/out/docker-verify-registry-content" "$work/docker.txt" --client registry --depth content --insecure -p "$processes" -c "$per")
      measure docker verify-docker "$run" "$docker_images" -- env DOCKER_HOST="$docker_host" $(v "$work/out/docker-verify-docker" "$work/docker.txt" --client docker -p "$processes" -c "$per")
      measure docker-big verify-registry-blobs "$run" "$big" -- $(v "$work/out/docker-big-verify-registry-blobs" "$work/big.txt" --client registry --depth blobs --insecure -p "$processes" -c "$per")
      measure docker-big verify-registry-content "$run" "$big" -- $(v "$work/out/docker-big-verify-registry-content" "$work/big.txt" --client registry --depth content --insecure -p "$processes" -c "$per")
      measure docker-big verify-docker "$run" "$big" -- env DOCKER_HOST="$docker_host" $(v "$work/out/docker-big-verify-docker" "$work/big.txt" --client docker -p "$processes" -c "$per") ;;
    content)
      measure content verify "$run" "$big" -- $(v "$work/out/content-verify" "$work/big.txt" --client registry --depth content --insecure -p "$processes" -c "$per")
      measure content curl "$run" "$big" -- curl --parallel --parallel-max "$concurrency" -K "$work/big-get.curl" ;;
    content-link)
      [[ -n $link_address ]] || start_link
      measure content-link verify "$run" "$big" -- $(v "$work/out/content-link-verify" "$work/big-link.txt" --client registry --depth content --insecure -p "$processes" -c "$per")
      measure content-link curl "$run" "$big" -- curl --parallel --parallel-max "$concurrency" -K "$work/big-link-get.curl" ;;
    rss)
      measure rss verify-small-blobs "$run" "$small" --hwm-exe "$(readlink -f "$verify")" -- $(v "$work/out/rss-verify-small-blobs" "$work/small.txt" --client registry --depth blobs --insecure -p "$processes" -c 200)
      measure rss verify-big-content "$run" "$big" --hwm-exe "$(readlink -f "$verify")" -- $(v "$work/out/rss-verify-big-content" "$work/big.txt" --client registry --depth content --insecure -p "$processes" -c 200) ;;
    *) echo "registry.sh: unknown part $part" >&2; exit 2 ;;
    esac
  done
done

{
  echo "Load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg). Machine: $(nproc) cores, $(uname -sr)."
  echo
  python3 "$here/registry-report.py" "$results" "$processes" "$concurrency"
} | tee "$work/tables.md"
