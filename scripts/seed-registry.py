#!/usr/bin/env python3
"""Seeds the sandbox's registry with the images the registry client is tested against, plants the
defects, and writes what every image is expected to give at each depth.

  seed-registry.py --registry HOST:PORT --storage DIR --out DIR [--big]

Pushes through the Distribution API (scripts/push-image.py), deletes through it, and edits the
registry's storage (DIR/docker/registry/v2) for the defects that the API cannot make. The registry
must be restarted afterwards (scripts/sandbox.sh does), so that nothing it cached hides a defect.
Writes OUT/registry-images.txt (the references, with the registry's address), 
OUT/registry-expectations.tsv (described in its own header) and, with --big,
OUT/registry-big-images.txt. Everything is deterministic: the digests are the same at every run.
"""
import argparse
import concurrent.futures
import importlib.util
import os
import random
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("push_image", os.path.join(here, "push-image.py"))
push = importlib.util.module_from_spec(spec)
spec.loader.exec_module(push)

AMD64, ARM64 = "linux/amd64", "linux/arm64/v8"

HEADER = """\
# What each image of registry-images.txt gives, written by scripts/seed-registry.py.
# Columns, TAB-separated:
#   reference  NAME:TAG or NAME@DIGEST, without the registry (the same images are behind
#              REGISTRY, BASIC_REGISTRY and TOKEN_REGISTRY)
#   digest     the digest the reference resolves to (the index's for an index), or - when none
#   manifest   depth manifest: GET the manifest and, for an index, every child it lists (every
#              platform, attestations included)
#   blobs      depth blobs: as manifest, and HEAD every config and layer blob of every manifest
#   content    depth content: as blobs, and GET every blob and compare its sha256
#   docker     what `docker pull` gives: linux/amd64 only, from a daemon that holds none of the
#              image's layers (defects/unlinked-layer:v1 pulls fine where shared/one:v1 is on
#              the daemon: docker then never asks for the shared layer). docker says
#              "filesystem layer verification failed for digest" and "image config verification
#              failed for digest" for digest-mismatch, which verify classifies as digest-mismatch
#   access     public, or private: behind TOKEN_REGISTRY only with TOKEN_USER's credentials
#              (anonymously: unauthorized at every depth)
#   kind       what the image is for
# Statuses: good, not-found (a manifest, tag or repository is missing: the first failure at every
# depth), blob-unknown (a blob is missing in that repository: HEAD and GET answer 404),
# digest-mismatch (the bytes do not hash to the digest: HEAD still answers 200 with the size),
# unauthorized (only behind the fronts, without the right credentials).
# The first failing check decides: not-found, then blob-unknown, then digest-mismatch.
"""


class Plan:
    def __init__(self, registry, storage):
        self.registry = registry
        self.v2 = os.path.join(storage, "docker", "registry", "v2")
        self.rows = []
        self.base = push.Layer({
            "etc/os-release": 'NAME="verify sandbox"\nID=sandbox\n',
            "etc/motd": "a tiny image for verify's registry client\n",
            "bin/hello": "#!/bin/sh\necho hello\n",
        })
        self.shared = push.Layer({"usr/share/shared/data.txt": "a layer shared across tags and repositories\n" * 8})

    def top(self, reference, platform):
        """A layer unique to one image and platform."""
        return push.Layer({"app/name": f"{reference}\n", "app/platform": f"{platform['os']}/{platform['architecture']}\n"})

    def push(self, name, tag, platforms=(AMD64,), fmt="oci", attestation=False, extra=()):
        reference = f"{name}:{tag}" if tag else f"{name} (untagged)"
        return push.push_image(self.registry, name, tag, list(platforms),
                               lambda p: [self.base, *extra, self.top(reference, p)], fmt,
                               {"org.example.verify.image": reference}, attestation)

    @staticmethod
    def row(reference, digest, manifest, blobs, content, docker, kind, access="public"):
        return (reference, digest or "-", manifest, blobs, content, docker, access, kind)

    def good(self, reference, pushed, kind, access="public"):
        return self.row(reference, pushed.digest, "good", "good", "good", "good", kind, access)

    # Storage edits, for what the API cannot break.
    def blob_dir(self, digest):
        hex_ = digest.split(":")[1]
        return os.path.join(self.v2, "blobs", "sha256", hex_[:2], hex_)

    def delete_blob(self, digest):
        shutil.rmtree(self.blob_dir(digest))

    def overwrite_blob(self, digest):
        path = os.path.join(self.blob_dir(digest), "data")
        size = os.path.getsize(path)
        garbage = random.Random(digest).randbytes(size)
        with open(path, "r+b") as blob:
            blob.write(garbage)

    def unlink_layer(self, name, digest):
        shutil.rmtree(os.path.join(self.v2, "repositories", name, "_layers", "sha256", digest.split(":")[1]))

    def seed(self):
        """Pushes every image, several at once (the registry spends its time in the file system),
        and plants the defects; the rows come out in the order written here."""
        p = self
        tasks = []

        def task(function):
            tasks.append(function)
            return function

        # Good images: an OCI index, one with an attestation, a Docker manifest list, single manifests.
        tasks.append(lambda: [p.good("multi/app:v1", p.push("multi/app", "v1", (AMD64, ARM64)), "index")])

        # By digest, each in a repository of its own (docker would see one local image in lines
        # that name the same image by tag and by digest, and remove it under the other's feet):
        # an index that has no tag at all, and the linux/amd64 child of a tagged one.
        @task
        def _():
            untagged = p.push("digests/index", None, (AMD64, ARM64))
            child = p.push("digests/child", "v1", (AMD64, ARM64)).children[0][1]
            return [p.good(f"digests/index@{untagged.digest}", untagged, "untagged-index-by-digest"),
                    p.good(f"digests/child@{child.digest}", child, "index-child-by-digest")]

        @task
        def _():
            return [p.good("multi/app:v2", p.push("multi/app", "v2", (AMD64, ARM64), attestation=True),
                           "index-with-attestation")]

        for args in (("multi/docker", "v1", (AMD64, ARM64), "docker", "manifest-list"),
                     ("single/oci", "v1", (AMD64,), "oci", "oci-manifest"),
                     ("single/docker", "v1", (AMD64,), "docker", "docker-manifest")):
            tasks.append(lambda name=args[0], tag=args[1], platforms=args[2], fmt=args[3], kind=args[4]:
                         [p.good(f"{name}:{tag}", p.push(name, tag, platforms, fmt), kind)])
        # One layer (besides the base every image has) shared across tags and across repositories.
        for name, tag in (("shared/one", "v1"), ("shared/one", "v2"), ("shared/two", "v1")):
            tasks.append(lambda name=name, tag=tag:
                         [p.good(f"{name}:{tag}", p.push(name, tag, extra=[p.shared]), "shared-layer")])
        # Behind the token front, only with credentials.
        tasks.append(lambda: [p.good("private/app:v1", p.push("private/app", "v1", (AMD64, ARM64)),
                                     "private-index", "private")])
        tasks.append(lambda: [p.good("private/solo:v1", p.push("private/solo", "v1"), "private-manifest", "private")])

        # Defects.
        tasks.append(lambda: [
            p.row("multi/app:v9", None, "not-found", "not-found", "not-found", "not-found", "missing-tag"),
            p.row("defects/never-pushed:v1", None, "not-found", "not-found", "not-found", "not-found",
                  "missing-repository")])

        @task
        def _():
            deleted = p.push("defects/deleted-manifest", "v1")
            p.registry.delete_manifest("defects/deleted-manifest", deleted.digest)
            return [p.row("defects/deleted-manifest:v1", None, "not-found", "not-found", "not-found", "not-found",
                          "deleted-manifest"),
                    p.row(f"defects/deleted-manifest@{deleted.digest}", None, "not-found", "not-found", "not-found",
                          "not-found", "deleted-manifest-by-digest")]

        @task
        def _():
            child = p.push("defects/deleted-child", "v1", (AMD64, ARM64))
            p.registry.delete_manifest("defects/deleted-child", child.children[1][1].digest)
            return [p.row("defects/deleted-child:v1", child.digest, "not-found", "not-found", "not-found", "good",
                          "index-child-deleted-arm64")]

        @task
        def _():
            child = p.push("defects/deleted-child-amd64", "v1", (AMD64, ARM64))
            p.registry.delete_manifest("defects/deleted-child-amd64", child.children[0][1].digest)
            return [p.row("defects/deleted-child-amd64:v1", child.digest, "not-found", "not-found", "not-found",
                          "not-found", "index-child-deleted-amd64")]

        @task
        def _():
            layer = p.push("defects/deleted-layer", "v1")
            p.delete_blob(layer.layers[-1])
            return [p.row("defects/deleted-layer:v1", layer.digest, "good", "blob-unknown", "blob-unknown",
                          "blob-unknown", "deleted-layer")]

        @task
        def _():
            config = p.push("defects/deleted-config", "v1")
            p.delete_blob(config.config)
            return [p.row("defects/deleted-config:v1", config.digest, "good", "blob-unknown", "blob-unknown",
                          "blob-unknown", "deleted-config")]

        @task
        def _():
            arm = p.push("defects/deleted-child-layer", "v1", (AMD64, ARM64))
            p.delete_blob(arm.children[1][1].layers[-1])
            return [p.row("defects/deleted-child-layer:v1", arm.digest, "good", "blob-unknown", "blob-unknown", "good",
                          "index-arm64-layer-deleted")]

        # The shared layer is in the global store, but not linked to this repository: a blob cache
        # that is not per repository would call it present.
        @task
        def _():
            unlinked = p.push("defects/unlinked-layer", "v1", extra=[p.shared])
            p.unlink_layer("defects/unlinked-layer", p.shared.digest)
            return [p.row("defects/unlinked-layer:v1", unlinked.digest, "good", "blob-unknown", "blob-unknown",
                          "blob-unknown", "shared-layer-unlinked-from-repository")]

        @task
        def _():
            corrupt = p.push("defects/corrupt-layer", "v1")
            p.overwrite_blob(corrupt.layers[-1])
            return [p.row("defects/corrupt-layer:v1", corrupt.digest, "good", "good", "digest-mismatch",
                          "digest-mismatch", "layer-overwritten-same-length")]

        @task
        def _():
            corrupt = p.push("defects/corrupt-config", "v1")
            p.overwrite_blob(corrupt.config)
            return [p.row("defects/corrupt-config:v1", corrupt.digest, "good", "good", "digest-mismatch",
                          "digest-mismatch", "config-overwritten-same-length")]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            for rows in pool.map(lambda function: function(), tasks):
                self.rows.extend(rows)

    def seed_big(self, count=4, size=20 * 1024 * 1024):
        """Images with one 20 MB layer of random bytes each (seeded: the same at every run), and
        one more tag that shares the first image's big layer."""
        rows = []
        first = None
        for number in range(1, count + 1):
            big = push.Layer({"data/random.bin": random.Random(number).randbytes(size)}, compresslevel=1)
            first = first or big
            pushed = push.push_image(self.registry, "big/app", f"v{number}", [AMD64], lambda _: [self.base, big],
                                     labels={"org.example.verify.image": f"big/app:v{number}"})
            rows.append((f"big/app:v{number}", pushed, "big"))
        pushed = push.push_image(self.registry, "big/copy", "v1", [AMD64], lambda _: [self.base, first],
                                 labels={"org.example.verify.image": "big/copy:v1"})
        rows.append(("big/copy:v1", pushed, "big-shared-with-big/app:v1"))
        for reference, pushed, kind in rows:
            self.rows.append(self.good(reference, pushed, kind))
        return [reference for reference, _, _ in rows]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--big", action="store_true")
    args = parser.parse_args()
    plan = Plan(push.Registry(args.registry), args.storage)
    plan.seed()
    normal = len(plan.rows)
    with open(os.path.join(args.out, "registry-images.txt"), "w") as out:
        out.write("# The registry client's images (see registry-expectations.tsv), written by scripts/seed-registry.py\n")
        out.writelines(f"{args.registry}/{row[0]}\n" for row in plan.rows)
    if args.big:
        big = plan.seed_big()
        with open(os.path.join(args.out, "registry-big-images.txt"), "w") as out:
            out.writelines(f"{args.registry}/{reference}\n" for reference in big)
    with open(os.path.join(args.out, "registry-expectations.tsv"), "w") as out:
        out.write(HEADER)
        out.write("# " + "\t".join(("reference", "digest", "manifest", "blobs", "content", "docker", "access", "kind")) + "\n")
        out.writelines("\t".join(row) + "\n" for row in plan.rows)
    print(f"seeded {normal} registry-client images" + (f" and {len(plan.rows) - normal} big ones" if args.big else ""))


if __name__ == "__main__":
    sys.exit(main())
