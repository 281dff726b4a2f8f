#!/usr/bin/env bash
# The local verification environment, for the quickstart and for the end-to-end tests alike:
#   - Debian's docker-registry on 127.0.0.1, seeded with 24 example images built without an engine
#     (umoci + skopeo), and one image whose config blob is deleted, so that it cannot be pulled;
#   - a registry that answers the ping and then hangs, so that timeouts can be seen;
#   - a Docker engine: the one already reachable, or else a private dockerd (root only);
#   - for the registry client (--client registry), in the same registry: images pushed through the
#     Distribution API without an engine (scripts/seed-registry.py, scripts/push-image.py): OCI
#     indexes (linux/amd64 + linux/arm64, one with an attestation entry), a Docker manifest list,
#     single manifests, layers shared across tags and repositories, two private repositories, and
#     planted defects under defects/ (deleted manifest, deleted index child, deleted layer and
#     config, a layer unlinked from its repository, a layer and a config overwritten in storage);
#     the registry is restarted after the storage edits, so no cache can hide them;
#   - the same storage behind a second docker-registry that wants Basic credentials (htpasswd,
#     bcrypt), read-only;
#   - the same registry behind a Bearer token front (scripts/token-registry.py): a token server
#     with short-lived tokens, and a streaming proxy that answers 401 with the challenge.
#
#   scripts/sandbox.sh up     start everything; prints the path of an env file that says where it is
#   scripts/sandbox.sh down   stop everything it started, by PID, and remove its files
#
# Settings: VERIFY_SANDBOX (directory; default /tmp/verify-sandbox), VERIFY_REGISTRY_PORT (47500),
# VERIFY_HANG_PORT (47501), VERIFY_OWN_DOCKERD=1 (start a private dockerd even if one is reachable),
# VERIFY_BASIC_PORT (47502), VERIFY_TOKEN_PORT (47503), VERIFY_TLS_PORT (47504),
# VERIFY_TOKEN_LIFETIME (30: seconds a token lasts), VERIFY_SANDBOX_BIG=1 (also push
# big/app:v1..v4, a 20 MB random layer each, and big/copy:v1, which shares big/app:v1's; adds
# about 3 s). `up` takes about 4 s with a private
# dockerd (the registry client's part about 1.5 s of it).
#
# scripts/check-registry.py ENV_FILE checks every line of REGISTRY_EXPECTED at every depth through
# every front, as a registry client would (a reference for the depths, and a proof that the planted
# defects are there). docker reaches the fronts too: `docker login 127.0.0.1:47503` with
# TOKEN_USER's credentials (docker then holds a refresh token) or 127.0.0.1:47502 with BASIC_USER's.
#
# The env file (KEY=VALUE lines, sourceable by sh):
#   REGISTRY           127.0.0.1:47500, the registry with every image
#   HANG_REGISTRY      127.0.0.1:47501, answers the ping, then hangs
#   DOCKER_HOST        the engine's address (empty: the default one)
#   EXPECTED           the 24 example images and their digests (TAB-separated)
#   REGISTRY_STORAGE   the registry's storage root (docker/registry/v2/... below it), shared by
#                      REGISTRY and BASIC_REGISTRY
#   REGISTRY_IMAGES    the registry client's images, one reference a line, naming REGISTRY
#   REGISTRY_EXPECTED  what each of them gives at the depths manifest, blobs and content, and with
#                      docker pull (TAB-separated; its header says how the depths are read)
#   BASIC_REGISTRY     127.0.0.1:47502, the same images, with Basic credentials only
#   BASIC_USER, BASIC_PASSWORD      its credentials
#   TOKEN_REGISTRY     127.0.0.1:47503, the same images, with Bearer tokens only
#   TOKEN_REALM        http://127.0.0.1:47503/token, the token server (as the challenge names it)
#   TOKEN_SERVICE      verify-sandbox, the service the challenge names
#   TOKEN_USER, TOKEN_PASSWORD      the credentials the token server takes (Basic on GET /token,
#                      grant_type=password on POST /token); needed for private/ repositories
#   TOKEN_PRIVATE_PREFIX            private/: repositories that need TOKEN_USER's credentials
#   TOKEN_LIFETIME     seconds a token lasts (expires_in)
#   TOKEN_STATS        http://127.0.0.1:47503/stats, the front's counters (JSON: tokens issued by
#                      grant, refused token requests, 401s by reason, requests proxied by kind and
#                      repository); POST TOKEN_CONFIG?expires_in=N changes the lifetime of new tokens
#   TOKEN_CONFIG       http://127.0.0.1:47503/config
#   TLS_REGISTRY       127.0.0.1:47504, the same images over HTTPS (HTTP/2), read-only, with a
#                      certificate for 127.0.0.1 signed by a CA made at `up`
#   TLS_CA             that CA's certificate (PEM): what --ca-cert takes
#   BIG_IMAGES         with VERIFY_SANDBOX_BIG=1 only: the big images, one reference a line
set -euo pipefail
dir=${VERIFY_SANDBOX:-/tmp/verify-sandbox}
registry_port=${VERIFY_REGISTRY_PORT:-47500}
hang_port=${VERIFY_HANG_PORT:-47501}
basic_port=${VERIFY_BASIC_PORT:-47502}
token_port=${VERIFY_TOKEN_PORT:-47503}
tls_port=${VERIFY_TLS_PORT:-47504}
token_lifetime=${VERIFY_TOKEN_LIFETIME:-30}
big=${VERIFY_SANDBOX_BIG:-0}
basic_user=sandbox-basic
basic_password=basic-secret-0
token_user=sandbox-token
token_password=token-secret-0
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
  setsid "$@" >>"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name"
}

# stop PIDFILE: stops the process it names (SIGTERM, SIGKILL after 15 s), and removes it.
stop() {
  local pidfile=$1 pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

down() {
  [[ -d $dir ]] || return 0
  for pidfile in "$dir"/pids/*; do
    [[ -e $pidfile ]] || continue
    stop "$pidfile"
  done
  # dockerd leaves mounts in its directories when it stops (its network namespace, a bind mount of
  # its data root): unmount them, deepest first, or rm cannot remove those directories.
  local mountpoint
  awk -v prefix="$dir/" 'index($2, prefix) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r mountpoint; do
    umount -l "$mountpoint" 2>/dev/null || say "could not unmount $mountpoint"
  done
  rm -rf --one-file-system "$dir" || say "could not remove all of $dir"
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

# The registry client's images and defects (scripts/seed-registry.py), then a restart of the
# registry, so that nothing it cached from before the storage edits can hide a defect.
seed_registry_client() {
  local what options=()
  [[ $big == 1 ]] && options+=(--big)
  what=$(python3 "$here/seed-registry.py" --registry "127.0.0.1:$registry_port" --storage "$dir/registry" \
    --out "$dir" "${options[@]}")
  stop "$dir/pids/registry"
  start registry docker-registry serve "$dir/registry.yml"
  wait_for 20 "the restarted registry" curl -fsS "http://127.0.0.1:$registry_port/v2/"
  say "$what into 127.0.0.1:$registry_port (restarted since)"
}

# read_only_config PORT: the config of a registry that serves the sandbox's storage read-only on
# 127.0.0.1:PORT; a caller appends its own sections (a top-level auth:, or http's tls: indented).
read_only_config() {
  "$here/registry-config.sh" --read-only "$dir/registry" "127.0.0.1:$1"
}

# The same storage behind htpasswd (Basic) credentials, read-only.
start_basic_registry() {
  htpasswd -Bbn "$basic_user" "$basic_password" >"$dir/htpasswd"
  {
    read_only_config "$basic_port"
    cat <<YAML
auth:
  htpasswd:
    realm: verify-sandbox-basic
    path: $dir/htpasswd
YAML
  } >"$dir/basic-registry.yml"
  start basic-registry docker-registry serve "$dir/basic-registry.yml"
  wait_for 20 "the Basic registry" curl -fsS -u "$basic_user:$basic_password" "http://127.0.0.1:$basic_port/v2/"
}

# The same storage over HTTPS, read-only, with a certificate for 127.0.0.1 from a CA made here.
start_tls_registry() {
  mkdir -p "$dir/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls/ca.key" -out "$dir/tls/ca.pem" -days 7 \
    -subj "/CN=verify sandbox CA" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$dir/tls/registry.key" -out "$dir/tls/registry.csr" \
    -subj "/CN=127.0.0.1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$dir/tls/san.cnf"
  openssl x509 -req -in "$dir/tls/registry.csr" -CA "$dir/tls/ca.pem" -CAkey "$dir/tls/ca.key" -CAcreateserial \
    -out "$dir/tls/registry.pem" -days 7 -extfile "$dir/tls/san.cnf" 2>/dev/null
  {
    read_only_config "$tls_port"
    cat <<YAML
  tls:
    certificate: $dir/tls/registry.pem
    key: $dir/tls/registry.key
YAML
  } >"$dir/tls-registry.yml"
  start tls-registry docker-registry serve "$dir/tls-registry.yml"
  wait_for 20 "the TLS registry" curl -fsS --cacert "$dir/tls/ca.pem" "https://127.0.0.1:$tls_port/v2/"
}

# The Bearer token front, before the same registry.
start_token_registry() {
  start token-registry python3 "$here/token-registry.py" --port "$token_port" \
    --upstream "127.0.0.1:$registry_port" --user "$token_user" --password "$token_password" \
    --lifetime "$token_lifetime" --service verify-sandbox --private private/
  wait_for 10 "the token front" curl -fsS "http://127.0.0.1:$token_port/stats"
}

up() {
  down
  mkdir -p "$dir"/{pids,logs,registry,oci}
  start_registry
  start_docker
  seed
  seed_registry_client
  start_basic_registry
  start_token_registry
  start_tls_registry
  cat >"$dir/env" <<ENV
REGISTRY=127.0.0.1:$registry_port
HANG_REGISTRY=127.0.0.1:$hang_port
DOCKER_HOST=$docker_host
EXPECTED=$dir/expected.tsv
REGISTRY_STORAGE=$dir/registry
REGISTRY_IMAGES=$dir/registry-images.txt
REGISTRY_EXPECTED=$dir/registry-expectations.tsv
BASIC_REGISTRY=127.0.0.1:$basic_port
BASIC_USER=$basic_user
BASIC_PASSWORD=$basic_password
TOKEN_REGISTRY=127.0.0.1:$token_port
TOKEN_REALM=http://127.0.0.1:$token_port/token
TOKEN_SERVICE=verify-sandbox
TOKEN_USER=$token_user
TOKEN_PASSWORD=$token_password
TOKEN_PRIVATE_PREFIX=private/
TOKEN_LIFETIME=$token_lifetime
TOKEN_STATS=http://127.0.0.1:$token_port/stats
TOKEN_CONFIG=http://127.0.0.1:$token_port/config
TLS_REGISTRY=127.0.0.1:$tls_port
TLS_CA=$dir/tls/ca.pem
ENV
  if [[ $big == 1 ]]; then
    echo "BIG_IMAGES=$dir/registry-big-images.txt" >>"$dir/env"
  fi
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
