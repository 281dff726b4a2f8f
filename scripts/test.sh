#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests of the real binary against a fake docker,
# and end-to-end tests against a real registry and dockerd, which scripts/sandbox.sh brings up
# before and takes down after (by PID). Starting dockerd needs root, or a running Docker.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
scripts/fetch-junit-schema.sh >/dev/null
# The release binary that scripts/check-image.py (DeployTests) puts into the image, built here
# before the tests rather than during them, beside them on the same cores; the test then finds it
# built. Its own scratch path: `swift test` holds .build's lock.
swift build -c release --static-swift-stdlib --product verify --scratch-path .build-image
env_file=$(scripts/sandbox.sh up)
trap 'scripts/sandbox.sh down' EXIT
VERIFY_E2E_ENV=$env_file swift test --skip-build
