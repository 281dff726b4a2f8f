#!/usr/bin/env bash
# Captures real Distribution API answers (headers and bodies) from Debian's docker-registry into
# Tests/VerifierTests/Fixtures/registry, for the unit tests of the registry protocol logic
# (Sources/Verifier/Registry). See NOTES.md there for what each file is.
#
# A maintainer's tool, not run by CI. Needs docker-registry, umoci, skopeo, curl, python3 (what
# scripts/install-deps.sh installs). It starts its own registry, in its own directory and on its own
# port, and stops it, by PID, when it ends. Every run starts from scratch and overwrites the captures;
# the digests change with each run (umoci stamps the creation time), so the tests must not name them.
#
# The 429 and 503 answers come from scripts/fault-registry.py in front of the registry.
#
# Settings: FIXTURE_DIR (/tmp/verify-registry-fixtures), FIXTURE_PORT (47700), FAULT_PORT (47710).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/.." && pwd)/Tests/VerifierTests/Fixtures/registry
dir=${FIXTURE_DIR:-/tmp/verify-registry-fixtures}
port=${FIXTURE_PORT:-47700}
registry=127.0.0.1:$port
registry_pid=""
fault=127.0.0.1:${FAULT_PORT:-47710}
fault_pid=""

say() { echo "capture: $*" >&2; }

cleanup() {
  if [[ -n $fault_pid ]]; then
    kill "$fault_pid" 2>/dev/null || true
    wait "$fault_pid" 2>/dev/null || true
  fi
  if [[ -n $registry_pid ]]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$dir"
mkdir -p "$dir"/{registry,oci} "$out"
{
  "$here/registry-config.sh" "$dir/registry" "$registry"
  cat <<'YAML'
validation:
  manifests:
    urls:
      allow:
        - ^https://mcr\.microsoft\.com/
YAML
} >"$dir/registry.yml"
docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 </dev/null &
registry_pid=$!
for ((i = 0; i < 200; i++)); do
  curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done

# The Accept header verify sends (MediaType.manifestAccept), and the one of an old client that
# knows only the Docker types.
accept_all="application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"
accept_docker="application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json"

# capture NAME METHOD PATH [ACCEPT]: NAME.headers (status line and headers) and NAME.body.
capture() {
  local name=$1 method=$2 path=$3 accept=${4:-} host=${5:-$registry}
  local args=(-sS -o "$out/$name.body" -D "$out/$name.headers" -X "$method")
  [[ $method == HEAD ]] && args=(-sS -I -o /dev/null -D "$out/$name.headers")
  [[ -n $accept ]] && args+=(-H "Accept: $accept")
  curl "${args[@]}" "http://$host$path"
  [[ $method == HEAD ]] && rm -f "$out/$name.body"
  # The Date header makes every run differ; it is kept, the tests do not read it.
  say "$name: $(head -1 "$out/$name.headers" | tr -d '\r')"
}

# put_blob FILE: uploads FILE as a blob of repository $repo (monolithic POST then PUT).
put_blob() {
  local file=$1 digest location
  digest=sha256:$(sha256sum "$file" | cut -d' ' -f1)
  location=$(curl -sS -X POST -D - -o /dev/null "http://$registry/v2/$repo/blobs/uploads/" | tr -d '\r' |
    awk 'tolower($1) == "location:" { print $2 }')
  [[ $location == http* ]] || location=http://$registry$location
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
    "$location&digest=$digest" -o /dev/null
}

# put_manifest FILE TYPE REF: uploads FILE as manifest REF of $repo.
put_manifest() {
  local status
  status=$(curl -sS -X PUT -H "Content-Type: $2" --data-binary "@$1" "http://$registry/v2/$repo/manifests/$3" \
    -o "$dir/put.out" -w '%{http_code}')
  [[ $status == 201 ]] || { say "PUT manifest $repo:$3 answered $status: $(cat "$dir/put.out")"; tail -5 "$dir/registry.log" >&2; exit 1; }
}

digest_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
size_of() { stat -c %s "$1"; }

# Two single-platform images built without an engine.
layout=$dir/oci/layout
umoci init --layout "$layout"
for arch in amd64 arm64; do
  umoci new --image "$layout:$arch"
  umoci config --image "$layout:$arch" --os linux --architecture "$arch" --config.label "org.example.verify.fixture=$arch"
  umoci unpack --rootless --image "$layout:$arch" "$dir/oci/bundle-$arch" >/dev/null
  echo "a fixture image for verify, $arch" >"$dir/oci/bundle-$arch/rootfs/README"
  umoci repack --image "$layout:$arch" "$dir/oci/bundle-$arch" >/dev/null
done

# single: an OCI image manifest; single-docker: the same image as Docker manifest v2 schema 2.
skopeo copy --quiet --dest-tls-verify=false "oci:$layout:amd64" "docker://$registry/fixtures/single:v1"
skopeo copy --quiet --dest-tls-verify=false --format v2s2 "oci:$layout:amd64" "docker://$registry/fixtures/single-docker:v1"

# multi: an OCI index of linux/amd64 and linux/arm64/v8, with a buildx-style attestation manifest
# (platform unknown/unknown) for the amd64 image, written by hand into the layout.
python3 - "$layout" <<'PY'
import hashlib, json, os, sys
layout = sys.argv[1]
blobs = os.path.join(layout, "blobs", "sha256")
def put(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)
with open(os.path.join(layout, "index.json")) as f:
    top = json.load(f)
refs = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in top["manifests"]}
amd64, arm64 = refs["amd64"], refs["arm64"]
statement = json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
                        "subject": [{"name": "fixture", "digest": {"sha256": amd64["digest"].split(":")[1]}}],
                        "predicate": {"builder": {"id": "capture-registry-fixtures.sh"}}}).encode()
layer_digest, layer_size = put(statement)
config_digest, config_size = put(json.dumps({"architecture": "unknown", "os": "unknown", "config": {},
                                             "rootfs": {"type": "layers", "diff_ids": [layer_digest]}}).encode())
attestation = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
    "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": layer_digest, "size": layer_size,
                "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}}]}, indent=2).encode()
attestation_digest, attestation_size = put(attestation)
def entry(ref, platform):
    return {"mediaType": ref["mediaType"], "digest": ref["digest"], "size": ref["size"], "platform": platform}
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    entry(amd64, {"architecture": "amd64", "os": "linux"}),
    entry(arm64, {"architecture": "arm64", "os": "linux", "variant": "v8"}),
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": attestation_digest, "size": attestation_size,
     "annotations": {"vnd.docker.reference.digest": amd64["digest"], "vnd.docker.reference.type": "attestation-manifest"},
     "platform": {"architecture": "unknown", "os": "unknown"}}]}
index_digest, index_size = put(json.dumps(index, indent=2).encode())
top["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": index_digest, "size": index_size,
                         "annotations": {"org.opencontainers.image.ref.name": "multi"}})
with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump(top, f)
PY
skopeo copy --quiet --all --preserve-digests --dest-tls-verify=false "oci:$layout:multi" "docker://$registry/fixtures/multi:v1"

# foreign: a Docker v2 manifest with a Windows-style foreign layer (urls set; the registry does not
# hold the blob) in front of the amd64 image's own layer.
repo=fixtures/foreign
single_manifest=$dir/single-docker.json
curl -fsS -H "Accept: $accept_all" -o "$single_manifest" "http://$registry/v2/fixtures/single-docker/manifests/v1"
config_file=$dir/config.json
config_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"])' "$single_manifest")
curl -fsS -o "$config_file" "http://$registry/v2/fixtures/single-docker/blobs/$config_digest"
layer_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' "$single_manifest")
curl -fsS -o "$dir/layer.tar.gz" "http://$registry/v2/fixtures/single-docker/blobs/$layer_digest"
put_blob "$config_file"
put_blob "$dir/layer.tar.gz"
python3 - "$single_manifest" "$dir/foreign.json" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["layers"].insert(0, {
    "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    "size": 1718063810,
    "digest": "sha256:4612f6d0b889cad0ed0292fae3a0b0c8a9e49aff6dea8eb049b2386d9b07986f",
    "urls": ["https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:4612f6d0b889cad0ed0292fae3a0b0c8a9e49aff6dea8eb049b2386d9b07986f"]})
open(sys.argv[2], "w").write(json.dumps(manifest, indent=3))
PY
put_manifest "$dir/foreign.json" application/vnd.docker.distribution.manifest.v2+json v1
# A foreign URL the registry does not allow: a 500 whose body holds three errors, two with a detail.
sed 's|https://mcr.microsoft.com/|http://foreign.example/|' "$dir/foreign.json" >"$dir/foreign-refused.json"
curl -sS -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' --data-binary "@$dir/foreign-refused.json" \
  -D "$dir/put-refused.headers" -o "$dir/put-refused.body" "http://$registry/v2/$repo/manifests/v2"

# Everything captured before goes; schema1-* (from the distribution spec, see NOTES.md) stays.
find "$out" -maxdepth 1 \( -name '*.headers' -o -name '*.body' \) ! -name 'schema1-*' -delete
cp "$dir/put-refused.headers" "$out/manifest-put-refused.headers"
cp "$dir/put-refused.body" "$out/manifest-put-refused.body"
m() { echo "/v2/fixtures/$1/manifests/$2"; }
b() { echo "/v2/fixtures/$1/blobs/$2"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

capture single-oci GET "$(m single v1)" "$accept_all"
capture single-docker GET "$(m single-docker v1)" "$accept_all"
capture single-oci-by-digest GET "$(m single "$(digest_of "$out/single-oci.body")")" "$accept_all"
capture single-oci-head HEAD "$(m single v1)" "$accept_all"
capture multi-index GET "$(m multi v1)" "$accept_all"
capture multi-index-docker-accept GET "$(m multi v1)" "$accept_docker"
capture single-oci-docker-accept GET "$(m single v1)" "$accept_docker"
capture multi-amd64 GET "$(m multi "$(json "$out/multi-index.body" 'd["manifests"][0]["digest"]')")" "$accept_all"
capture multi-arm64 GET "$(m multi "$(json "$out/multi-index.body" 'd["manifests"][1]["digest"]')")" "$accept_all"
capture multi-attestation GET "$(m multi "$(json "$out/multi-index.body" 'd["manifests"][2]["digest"]')")" "$accept_all"
capture foreign GET "$(m foreign v1)" "$accept_all"
capture blob-config-head HEAD "$(b single "$(json "$out/single-oci.body" 'd["config"]["digest"]')")"
capture blob-layer-head HEAD "$(b single "$(json "$out/single-oci.body" 'd["layers"][0]["digest"]')")"
capture blob-config-get GET "$(b single "$(json "$out/single-oci.body" 'd["config"]["digest"]')")"
missing=sha256:$(printf 'not a blob' | sha256sum | cut -d' ' -f1)
capture blob-missing-head HEAD "$(b single "$missing")"
capture blob-missing-get GET "$(b single "$missing")"
capture manifest-missing-tag GET "$(m single v9)" "$accept_all"
capture manifest-missing-digest GET "$(m single "$missing")" "$accept_all"
capture manifest-missing-repo GET "$(m nothing-here v1)" "$accept_all"
capture name-unknown-tags GET /v2/fixtures/nothing-here/tags/list
capture manifest-bad-reference GET "$(m single 'sha256:abc')" "$accept_all"
python3 "$here/fault-registry.py" "${fault#*:}" "$registry" 2>"$dir/fault.log" &
fault_pid=$!
for ((i = 0; i < 100; i++)); do
  curl -fsS "http://$fault/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
capture fault-manifest-429-retry-after GET /v2/manifest429-ra37/fixtures/single/manifests/v1 "$accept_all" "$fault"
capture fault-manifest-503-retry-after-date GET /v2/manifest503-radate/fixtures/single/manifests/v1 "$accept_all" "$fault"
capture fault-blob-503-html HEAD "/v2/blob503-html/$(b single "$(json "$out/single-oci.body" 'd["layers"][0]["digest"]')" | cut -d/ -f3-)" "" "$fault"
capture fault-blob-503-html-get GET "/v2/blob503-html/$(b single "$(json "$out/single-oci.body" 'd["layers"][0]["digest"]')" | cut -d/ -f3-)" "" "$fault"
say "captured into $out"
