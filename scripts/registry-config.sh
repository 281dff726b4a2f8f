#!/usr/bin/env bash
# Prints the config.yml of a throwaway docker-registry: filesystem storage in ROOT, deletes
# enabled, only errors logged, listening on ADDR (HOST:PORT). Used by sandbox.sh and
# capture-registry-fixtures.sh; a caller may append more top-level sections.
#
#   scripts/registry-config.sh ROOT ADDR >registry.yml
set -euo pipefail
cat <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $1
  delete:
    enabled: true
http:
  addr: $2
YAML
