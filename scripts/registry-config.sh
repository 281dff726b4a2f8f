#!/usr/bin/env bash
# Prints the config.yml of a throwaway docker-registry: filesystem storage in ROOT, only errors
# logged, listening on ADDR (HOST:PORT); deletes enabled, or with --read-only the storage served
# read-only (a second registry on the storage of another). Used by sandbox.sh,
# capture-registry-fixtures.sh and benchmarks/registry.sh; a caller may append more top-level
# sections (or http's, indented).
#
#   scripts/registry-config.sh [--read-only] ROOT ADDR >registry.yml
set -euo pipefail
mode=delete
if [[ ${1:-} == --read-only ]]; then
  mode=read-only
  shift
fi
cat <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $1
YAML
if [[ $mode == read-only ]]; then
  printf '  maintenance:\n    readonly:\n      enabled: true\n'
else
  printf '  delete:\n    enabled: true\n'
fi
cat <<YAML
http:
  addr: $2
YAML
