#!/usr/bin/env bash
# Try the Jobs on your machine before a cluster: runs the check Job's pods (every index, P at a
# time, as `kubectl kustomize deploy/kubernetes` renders them) and then the merge Job's pod as
# docker containers of IMAGE, with the list, the credentials and one results directory mounted
# where the manifests mount them. deploy/README.md, Try it locally: simulate.sh.
#
#   deploy/kubernetes/simulate.sh --image IMAGE [--list FILE] [--credentials CONFIG_JSON]
#       [--results DIR] [--kustomization DIR] [--docker CLIENT] [-- DOCKER_RUN_ARG...]
#
# e.g. deploy/kubernetes/simulate.sh --image registry.example.com/tools/verify:1.0 \
#        --list my-list.txt --credentials ~/.docker/config.json --results ./results -- --network host
#
# Exit status: 0 every pod succeeded as the Jobs would judge it, 1 a pod failed, 2 cannot run.
# The work is done by simulate.py beside this script (python3 with PyYAML), which
# scripts/check-image.py runs in the test suite.
set -euo pipefail
# The first python3 that has PyYAML: the one on PATH, else Debian's (python3-yaml), whose module a
# python3 of pyenv or a venv does not see.
python=python3
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml' 2>/dev/null; then
    python=$candidate
    break
  fi
done
exec "$python" "$(dirname "$0")/simulate.py" "$@"
