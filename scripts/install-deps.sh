#!/usr/bin/env bash
# Installs the Debian 12 packages verify builds, tests and demonstrates with. Idempotent.
#   libuv1-dev            the event loop verify is built on
#   libcurl4-openssl-dev  HTTP(S) to the registry, driven by that loop
#   libssl-dev            OpenSSL's libcrypto, for SHA-256 (the registry client's digests)
#   docker-registry       a real registry to verify against
#   docker.io             dockerd (only when no Docker engine is installed already)
#   kubernetes-client     kubectl, to render the kustomizations and dry-run the manifests (only when
#                         no kubectl is installed already)
#   skopeo, umoci         build and push example images without an engine
#   python3, curl         the hanging registry stand-in, the image pusher and the token front, and
#                         health checks
#   python3-yaml          PyYAML, for scripts/check-deploy.py (the Kubernetes manifests' check)
#   apache2-utils         htpasswd, for the sandbox's registry that wants Basic credentials
#   openssl               the sandbox's TLS registry: its CA and certificate
#   tmux                  a real terminal for the progress bar's tests
#   chromium              headless, to render the HTML report, dump its DOM and catch any request it makes
#   libxml2-utils         xmllint, to validate the JUnit report against the junit plugin's schema
#   python3-pip           pip download, which scripts/fetch-junit-schema.sh fetches that schema with
#   prometheus            promtool, to check the Prometheus textfile report
#   debootstrap           a local Debian 12 base image for deploy/Dockerfile's runtime stage, where
#                         Docker Hub cannot be reached (scripts/debian-base.sh, scripts/check-image.py)
set -euo pipefail
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
packages=(libuv1-dev libcurl4-openssl-dev libssl-dev pkg-config docker-registry skopeo umoci python3 python3-yaml curl tmux apache2-utils openssl chromium libxml2-utils python3-pip prometheus debootstrap)
if ! command -v dockerd >/dev/null 2>&1; then
  packages+=(docker.io)
fi
if ! command -v kubectl >/dev/null 2>&1; then
  packages+=(kubernetes-client)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts the packaged services; the sandbox runs its own, on its own ports and sockets.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  $sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true
  $sudo systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: no Swift toolchain on PATH; install Swift 6 from swift.org (it is not a Debian package)" >&2
  exit 2
fi
