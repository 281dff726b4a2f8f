#!/usr/bin/env bash
# The local verification environment, for the quickstart and for the end-to-end tests alike:
#   - Debian's docker-registry on 127.0.0.1, seeded with 24 example images built without an engine
#     (umoci + skopeo), and one image whose config blob is deleted, so that it cannot be pulled;
#   - a registry that answers the ping and then hangs, so that timeouts can be seen;
#   - a Docker engine: the one already reachable, or else a private dockerd (root only).
#
#   scripts/sandbox.sh up     start everything; prints the path of an env file that says where it is
#   scripts/sandbox.sh down   stop everything it started, by PID, and remove its files
#
# Settings: VERIFY_SANDBOX (directory; default /tmp/verify-sandbox), VERIFY_REGISTRY_PORT (47500),
# VERIFY_HANG_PORT (47501), VERIFY_OWN_DOCKERD=1 (start a private dockerd even if one is reachable).
set -euo pipefail
dir=${VERIFY_SANDBOX:-/tmp/verify-sandbox}
registry_port=${VERIFY_REGISTRY_PORT:-47500}
hang_port=${VERIFY_HANG_PORT:-47501}
here=$(cd "$(dirname "$0")" && pwd)

say() { echo "sandbox: $*" >&2; }

# wait_for SECONDS WHAT COMMAND...: retries COMMAND until it succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  say "$what did not come up within $seconds s; its log is in $dir/logs"
  return 1
}

# start NAME COMMAND...: runs COMMAND in the background, its PID in pids/NAME.
start() {
  local name=$1
  shift
  setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name"
}

down() {
  [[ -d $dir ]] || return 0
  for pidfile in "$dir"/pids/*; do
    [[ -e $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  rm -rf "$dir" || say "could not remove all of $dir"
}

start_registry() {
  "$here/registry-config.sh" "$dir/registry" "127.0.0.1:$registry_port" >"$dir/registry.yml"
  start registry docker-registry serve "$dir/registry.yml"
  wait_for 20 "the registry" curl -fsS "http://127.0.0.1:$registry_port/v2/"
  start hang-registry python3 "$here/hang-registry.py" "$hang_port"
  wait_for 10 "the hanging registry" curl -fsS "http://127.0.0.1:$hang_port/v2/"
}

# Sets docker_host to a reachable engine, starting a private dockerd when there is none.
start_docker() {
  if [[ ${VERIFY_OWN_DOCKERD:-0} != 1 ]] && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    docker_host=${DOCKER_HOST:-}
    say "using the Docker engine that is already running"
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    say "no Docker engine is reachable, and starting one needs root: run this as root, or start Docker first"
    exit 2
  fi
  mkdir -p "$dir/docker"
  # deprecated-key-path keeps dockerd from writing its key to /etc/docker.
  printf '{"deprecated-key-path": "%s"}\n' "$dir/docker/key.json" >"$dir/docker/daemon.json"
  start dockerd dockerd --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \
    --data-root "$dir/docker/data" --exec-root "$dir/docker/exec" --pidfile "$dir/docker/dockerd.pid" \
    -H "unix://$dir/docker/docker.sock" --config-file "$dir/docker/daemon.json"
  docker_host="unix://$dir/docker/docker.sock"
  wait_for 60 "dockerd" env DOCKER_HOST="$docker_host" docker version --format '{{.Server.Version}}'
  say "started a private dockerd at $docker_host"
}

# push NAME: pushes a variant of the base image (its own config, so its own digest) as NAME.
push() {
  local name=$1
  umoci config --image "$dir/oci/layout:base" --tag seed --config.label "org.example.verify.image=$name"
  skopeo copy --quiet --dest-tls-verify=false --digestfile "$dir/oci/digest" \
    "oci:$dir/oci/layout:seed" "docker://127.0.0.1:$registry_port/$name"
}

seed() {
  umoci init --layout "$dir/oci/layout"
  umoci new --image "$dir/oci/layout:base"
  umoci unpack --rootless --image "$dir/oci/layout:base" "$dir/oci/bundle" >/dev/null
  echo "an example image for verify" >"$dir/oci/bundle/rootfs/README"
  umoci repack --image "$dir/oci/layout:base" "$dir/oci/bundle" >/dev/null
  : >"$dir/expected.tsv"
  for team in 1 2 3; do
    for app in 1 2 3 4; do
      for tag in v1 v2; do
        push "team$team/app$app:$tag"
        printf 'team%s/app%s:%s\t%s\n' "$team" "$app" "$tag" "$(cat "$dir/oci/digest")" >>"$dir/expected.tsv"
      done
    done
  done
  # A manifest whose config blob is gone: the registry answers 404 "blob unknown" for it.
  push team3/broken:v1
  local config
  config=$(skopeo inspect --raw --tls-verify=false "docker://127.0.0.1:$registry_port/team3/broken:v1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["config"]["digest"].split(":")[1])')
  rm -f "$dir/registry/docker/registry/v2/blobs/sha256/${config:0:2}/$config/data"
  say "seeded 24 images and a broken one into 127.0.0.1:$registry_port"
}

up() {
  down
  mkdir -p "$dir"/{pids,logs,registry,oci}
  start_registry
  start_docker
  seed
  cat >"$dir/env" <<ENV
REGISTRY=127.0.0.1:$registry_port
HANG_REGISTRY=127.0.0.1:$hang_port
DOCKER_HOST=$docker_host
EXPECTED=$dir/expected.tsv
ENV
  echo "$dir/env"
}

case ${1:-} in
up) up ;;
down) down ;;
*)
  echo "usage: $0 up|down" >&2
  exit 2
  ;;
esac
