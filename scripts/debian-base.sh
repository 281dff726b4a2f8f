#!/usr/bin/env bash
# A local Debian 12 (bookworm) base image, for building deploy/Dockerfile's runtime stage where
# Docker Hub's debian:12-slim cannot be pulled (the tests, CI):
#
#   scripts/debian-base.sh [TAG]     (default TAG: verify-local/debian:12-minbase)
#
# If the engine (DOCKER_HOST) already has TAG, nothing is done. Otherwise a root filesystem is made
# with `debootstrap --variant=minbase bookworm` from Debian's mirror, with the same apt sources as
# debian:12-slim (bookworm, bookworm-updates, bookworm-security; deb822) and its dpkg exclusions
# (no documentation, manual pages or translations), its package caches and apt lists emptied,
# packed into a tarball, and `docker import`ed as TAG. The tarball is cached, one per day
# (Debian's point releases and security updates move; the cache follows within a day):
# $VERIFY_BASE_CACHE (default /var/cache/verify-image)/bookworm-minbase-slim-YYYYMMDD.tar.gz;
# older ones are removed. debootstrap needs root; importing a cached tarball does not.
#
# Settings: VERIFY_BASE_CACHE (the cache directory), VERIFY_DEBIAN_MIRROR (default
# http://deb.debian.org/debian), VERIFY_DEBIAN_SECURITY (default http://deb.debian.org/debian-security).
# Prints TAG. debootstrap takes about a minute, the import a few seconds.
set -euo pipefail
tag=${1:-verify-local/debian:12-minbase}
cache=${VERIFY_BASE_CACHE:-/var/cache/verify-image}
mirror=${VERIFY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${VERIFY_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
docker=${DOCKER:-docker}

say() { echo "debian-base: $*" >&2; }

if "$docker" image inspect "$tag" >/dev/null 2>&1; then
  say "$tag is already on the engine"
  echo "$tag"
  exit 0
fi

tarball="$cache/bookworm-minbase-slim-$(date -u +%Y%m%d).tar.gz"
if [[ ! -s $tarball ]]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "debootstrap is not installed (apt-get install debootstrap; scripts/install-deps.sh does)"
    exit 2
  fi
  if [[ $(id -u) -ne 0 ]]; then
    say "debootstrap needs root, and $tarball is not cached: run this once as root"
    exit 2
  fi
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/debootstrap.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  say "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
  if ! debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log" >&2
    say "debootstrap failed (its log is above)"
    exit 1
  fi
  rootfs=$work/rootfs
  # As debian:12-slim: deb822 sources with the updates and the security archive, no caches.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  # As debian:12-slim too: no documentation, manual pages or translations, now or from later packages.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EXCLUDE'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EXCLUDE
  find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  rm -rf "$rootfs"/usr/share/groff/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/man/*
  rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/run/*
  tar --numeric-owner --xattrs -C "$rootfs" -czf "$work/rootfs.tar.gz" .
  mv "$work/rootfs.tar.gz" "$tarball"
  find "$cache" -maxdepth 1 -name 'bookworm-minbase-*.tar.gz' ! -path "$tarball" -delete
  say "cached $tarball"
fi
"$docker" import --change 'CMD ["bash"]' "$tarball" "$tag" >/dev/null
say "imported $tarball as $tag"
echo "$tag"
