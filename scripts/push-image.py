#!/usr/bin/env python3
"""Builds tiny images without an engine and pushes them through the Distribution HTTP API.

Layers are deterministic gzipped tars (fixed times and owners), so the same files always give the
same digests. An image is an OCI image manifest (or a Docker schema 2 one with --format docker);
with more than one --platform it is an OCI image index (or a Docker manifest list) whose children
are pushed by digest first. --attestation adds a buildx-style attestation entry (platform
unknown/unknown, an in-toto layer) for the first platform.

  push-image.py [--user U --password P] [--format oci|docker] [--platform OS/ARCH[/VARIANT]]...
                [--attestation] [--label KEY=VALUE]... [--file PATH=TEXT]... REGISTRY NAME:TAG

prints the digest of the manifest (or index) pushed. Used as a module by scripts/seed-registry.py.
Python standard library only.
"""
import argparse
import base64
import gzip
import hashlib
import http.client
import io
import json
import sys
import tarfile
import threading
import urllib.parse

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
IN_TOTO = "application/vnd.in-toto+json"

# Every file and every config carries this time, so that digests never change.
EPOCH = 1704067200  # 2024-01-01T00:00:00Z
CREATED = "2024-01-01T00:00:00Z"


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layer:
    """A gzipped tar of `files` (path -> bytes), with its digest and its uncompressed diff ID."""

    def __init__(self, files, compresslevel=6):
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            directories = set()
            for path in sorted(files):
                parts = path.strip("/").split("/")
                for depth in range(1, len(parts)):
                    directory = "/".join(parts[:depth])
                    if directory not in directories:
                        directories.add(directory)
                        tar.addfile(self._info(directory + "/", tarfile.DIRTYPE, 0o755, 0))
                data = files[path] if isinstance(files[path], bytes) else files[path].encode()
                tar.addfile(self._info(path.strip("/"), tarfile.REGTYPE, 0o644, len(data)), io.BytesIO(data))
        self.tar = raw.getvalue()
        self.diff_id = sha256(self.tar)
        self.data = gzip.compress(self.tar, compresslevel=compresslevel, mtime=0)
        self.digest = sha256(self.data)
        self.size = len(self.data)

    @staticmethod
    def _info(name, kind, mode, size):
        info = tarfile.TarInfo(name)
        info.type, info.mode, info.size, info.mtime = kind, mode, size, EPOCH
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info


class Pushed:
    """What one push left in the registry: the manifest's digest, media type and size, and the
    digests of its config and layers (for every child, when it is an index)."""

    def __init__(self, digest, media_type, size, config=None, layers=(), children=()):
        self.digest, self.media_type, self.size = digest, media_type, size
        self.config, self.layers, self.children = config, list(layers), list(children)

    def descriptor(self, platform=None, annotations=None):
        descriptor = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        if annotations:
            descriptor["annotations"] = annotations
        if platform:
            descriptor["platform"] = platform
        return descriptor


class Registry:
    """Keep-alive connections to a registry's /v2/ API (one a thread), optionally with Basic
    credentials."""

    def __init__(self, address, user=None, password=None):
        host, _, port = address.rpartition(":")
        self.address, self.host, self.port = address, host, int(port)
        self.headers = {}
        if user is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self.headers["Authorization"] = "Basic " + token
        self.local = threading.local()

    def request(self, method, path, body=None, headers=None, expect=(200,)):
        all_headers = dict(self.headers, **(headers or {}))
        if body is not None:
            all_headers["Content-Length"] = str(len(body))
        for attempt in (1, 2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = self.local.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                connection.request(method, path, body=body, headers=all_headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    raise
        if response.status not in expect:
            raise RuntimeError(f"{method} {self.address}{path}: {response.status} {data[:300]!r}")
        return response, data

    def has_blob(self, name, digest):
        response, _ = self.request("HEAD", f"/v2/{name}/blobs/{digest}", expect=(200, 404))
        return response.status == 200

    def push_blob(self, name, data, digest=None):
        digest = digest or sha256(data)
        if self.has_blob(name, digest):
            return digest
        response, _ = self.request("POST", f"/v2/{name}/blobs/uploads/", body=b"", expect=(202,))
        location = urllib.parse.urlsplit(response.getheader("Location"))
        query = urllib.parse.parse_qsl(location.query) + [("digest", digest)]
        target = location.path + "?" + urllib.parse.urlencode(query)
        self.request("PUT", target, body=data, headers={"Content-Type": "application/octet-stream"}, expect=(201,))
        return digest

    def put_manifest(self, name, reference, body, media_type):
        response, _ = self.request("PUT", f"/v2/{name}/manifests/{reference}", body=body,
                                   headers={"Content-Type": media_type}, expect=(201,))
        digest = sha256(body)
        answered = response.getheader("Docker-Content-Digest")
        if answered and answered != digest:
            raise RuntimeError(f"{name}:{reference}: the registry says {answered}, the bytes are {digest}")
        return digest

    def delete_manifest(self, name, digest):
        self.request("DELETE", f"/v2/{name}/manifests/{digest}", expect=(202,))


def canonical(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def parse_platform(text):
    parts = text.split("/")
    platform = {"architecture": parts[1], "os": parts[0]}
    if len(parts) > 2:
        platform["variant"] = parts[2]
    return platform


def push_manifest(registry, name, layers, platform, fmt="oci", labels=None, tag=None):
    """Pushes a config, `layers` and a manifest for `platform`; by `tag`, or else by digest."""
    config = {
        "architecture": platform["architecture"], "os": platform["os"], "created": CREATED,
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["/bin/sh"], "Labels": dict(labels or {})},
        "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]},
        "history": [{"created": CREATED, "created_by": "push-image.py"} for _ in layers],
    }
    if "variant" in platform:
        config["variant"] = platform["variant"]
    config_data = canonical(config)
    config_digest = registry.push_blob(name, config_data)
    for layer in layers:
        registry.push_blob(name, layer.data, layer.digest)
    media_type, config_type, layer_type = ((OCI_MANIFEST, OCI_CONFIG, OCI_LAYER) if fmt == "oci"
                                           else (DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER))
    manifest = {
        "schemaVersion": 2, "mediaType": media_type,
        "config": {"mediaType": config_type, "digest": config_digest, "size": len(config_data)},
        "layers": [{"mediaType": layer_type, "digest": layer.digest, "size": layer.size} for layer in layers],
    }
    body = json.dumps(manifest, indent=2).encode()
    digest = registry.put_manifest(name, tag or sha256(body), body, media_type)
    return Pushed(digest, media_type, len(body), config_digest, [layer.digest for layer in layers])


def push_attestation(registry, name, subject):
    """A buildx-style attestation manifest (an in-toto statement about `subject`)."""
    statement = canonical({"_type": "https://in-toto.io/Statement/v0.1",
                           "predicateType": "https://spdx.dev/Document",
                           "subject": [{"name": name, "digest": {"sha256": subject.digest.split(":")[1]}}],
                           "predicate": {"spdxVersion": "SPDX-2.3", "name": name}})
    statement_digest = registry.push_blob(name, statement)
    config_data = canonical({"architecture": "unknown", "os": "unknown", "config": {},
                             "rootfs": {"type": "layers", "diff_ids": [statement_digest]}})
    config_digest = registry.push_blob(name, config_data)
    manifest = {
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config_data)},
        "layers": [{"mediaType": IN_TOTO, "digest": statement_digest, "size": len(statement),
                    "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"}}],
    }
    body = json.dumps(manifest, indent=2).encode()
    digest = registry.put_manifest(name, sha256(body), body, OCI_MANIFEST)
    return Pushed(digest, OCI_MANIFEST, len(body), config_digest, [statement_digest])


def push_image(registry, name, tag, platforms, layers_for, fmt="oci", labels=None, attestation=False):
    """Pushes NAME:TAG (by digest only when `tag` is None): one manifest when `platforms` has one entry (and no attestation), else an
    index of one child a platform. `layers_for(platform)` gives a platform's layers. Returns a
    Pushed whose children are (platform, Pushed) pairs."""
    platforms = [parse_platform(p) if isinstance(p, str) else p for p in platforms]
    if len(platforms) == 1 and not attestation:
        return push_manifest(registry, name, layers_for(platforms[0]), platforms[0], fmt, labels, tag)
    children = [(p, push_manifest(registry, name, layers_for(p), p, fmt, labels)) for p in platforms]
    entries = [child.descriptor(platform) for platform, child in children]
    if attestation:
        subject = children[0][1]
        statement = push_attestation(registry, name, subject)
        unknown = {"architecture": "unknown", "os": "unknown"}
        entries.append(statement.descriptor(unknown, {"vnd.docker.reference.digest": subject.digest,
                                                      "vnd.docker.reference.type": "attestation-manifest"}))
        children.append((unknown, statement))
    media_type = OCI_INDEX if fmt == "oci" else DOCKER_LIST
    index = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
    body = json.dumps(index, indent=2).encode()
    digest = registry.put_manifest(name, tag or sha256(body), body, media_type)
    return Pushed(digest, media_type, len(body), children=children)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("registry", help="HOST:PORT")
    parser.add_argument("reference", help="NAME:TAG")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--format", choices=("oci", "docker"), default="oci")
    parser.add_argument("--platform", action="append", help="OS/ARCH[/VARIANT]; repeat for an index (default linux/amd64)")
    parser.add_argument("--attestation", action="store_true")
    parser.add_argument("--label", action="append", default=[], help="KEY=VALUE")
    parser.add_argument("--file", action="append", default=[], help="PATH=TEXT, in the image's one layer")
    args = parser.parse_args()
    name, _, tag = args.reference.rpartition(":")
    if not name or "/" in tag:
        parser.error("the reference must be NAME:TAG")
    files = dict(item.split("=", 1) for item in args.file) or {"README": f"{args.reference}\n"}
    labels = dict(item.split("=", 1) for item in args.label)

    def layers_for(platform):
        return [Layer(dict(files, **{"etc/platform": f"{platform['os']}/{platform['architecture']}\n"}))]

    registry = Registry(args.registry, args.user, args.password)
    pushed = push_image(registry, name, tag, args.platform or ["linux/amd64"], layers_for, args.format, labels,
                        args.attestation)
    print(pushed.digest)


if __name__ == "__main__":
    sys.exit(main())
