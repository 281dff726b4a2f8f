#!/usr/bin/env bash
# From a fresh Debian 12 machine to a real verification, in one command: installs the packages,
# builds verify, brings up the sandbox (a local registry seeded with example images, some of them
# missing or broken on purpose, and a Docker engine if none is running), and verifies
# examples/images.txt against it with both clients, the registry client first. Results go to
# ./results/registry and ./results/docker (or under the directory given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
env_file=$(scripts/sandbox.sh up)
set -a
. "$env_file"
set +a
[[ -n $DOCKER_HOST ]] || unset DOCKER_HOST
out=${1:-results}
# The registry client first: it needs no daemon (the sandbox registry speaks plain HTTP, hence --insecure).
echo
echo "quickstart: verify examples/images.txt --registry $REGISTRY --client registry --insecure -o $out/registry --overwrite"
registry_status=0
.build/release/verify examples/images.txt --registry "$REGISTRY" --client registry --insecure -o "$out/registry" --overwrite || registry_status=$?
echo
echo "quickstart: verify examples/images.txt --registry $REGISTRY -o $out/docker --overwrite"
docker_status=0
.build/release/verify examples/images.txt --registry "$REGISTRY" -o "$out/docker" --overwrite || docker_status=$?
echo
echo "quickstart: the registry client exited with $registry_status, the docker client with $docker_status (1: some images are errors, as planted in the example list)"
echo "quickstart: results are in $out/registry/ and $out/docker/; the sandbox stays up for more tries: scripts/sandbox.sh down stops it"
