#!/usr/bin/env bash
# From a fresh Debian 12 machine to a real verification, in one command: installs the packages,
# builds verify, brings up the sandbox (a local registry seeded with example images, some of them
# missing or broken on purpose, and a Docker engine if none is running), and verifies
# examples/images.txt against it. Results go to ./results (or the directory given as $1).
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
echo
echo "quickstart: verify examples/images.txt --registry $REGISTRY -o $out --overwrite"
status=0
.build/release/verify examples/images.txt --registry "$REGISTRY" -o "$out" --overwrite || status=$?
echo
echo "quickstart: verify exited with $status (1: some images are errors, as planted in the example list)"
echo "quickstart: results are in $out/; the sandbox stays up for more tries: scripts/sandbox.sh down stops it"
