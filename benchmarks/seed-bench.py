#!/usr/bin/env python3
"""Seeds a registry for benchmarks/registry.sh through the Distribution API (scripts/push-image.py).

  seed-bench.py --registry HOST:PORT --out DIR [--small N] [--repos R] [--big N] [--big-mb MB]

Small images: bench/repoK:tI, spread over R repositories, each a single-platform OCI manifest
(linux/amd64) with its own config and its own tiny top layer; every even-numbered image also has a
base layer shared by all of them, so an image has 1 or 2 layers. Distinct blobs: N configs + N top
layers + 1 base layer. Big images: bigbench/appI:v1, a config and one 20 MB layer of random bytes
(gzip level 1, so about 20 MB on the wire), each distinct.

Writes OUT/small.txt and OUT/big.txt (references with the registry) and OUT/small-requests.tsv and
OUT/big-requests.tsv: for every image, one line per request a registry client makes at depth blobs
(METHOD URL ACCEPT), and OUT/big-blobs.txt (the blob URLs, for GETs). Python standard library only.
"""
import argparse
import concurrent.futures
import importlib.util
import os
import random
import sys

sys.dont_write_bytecode = True
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("push_image", os.path.join(here, "..", "scripts", "push-image.py"))
push = importlib.util.module_from_spec(spec)
spec.loader.exec_module(push)

AMD64 = {"os": "linux", "architecture": "amd64"}
ACCEPT = ",".join([push.OCI_MANIFEST, push.OCI_INDEX, push.DOCKER_MANIFEST, push.DOCKER_LIST])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--repos", type=int, default=50)
    parser.add_argument("--big", type=int, default=20)
    parser.add_argument("--big-mb", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    registry = push.Registry(args.registry)
    base = push.Layer({"etc/os-release": 'NAME="verify bench"\n', "bin/hello": "#!/bin/sh\necho hello\n"})
    base_url = f"http://{args.registry}/v2"

    def small(i):
        name, tag = f"bench/repo{i % args.repos}", f"t{i}"
        top = push.Layer({"app/id": f"{name}:{tag}\n"})
        layers = [base, top] if i % 2 == 0 else [top]
        pushed = push.push_manifest(registry, name, layers, AMD64, "oci", {"bench": f"{name}:{tag}"}, tag)
        return name, tag, pushed

    def big(i):
        name, tag = f"bigbench/app{i}", "v1"
        layer = push.Layer({"data/random.bin": random.Random(1000 + i).randbytes(args.big_mb * 1024 * 1024)},
                           compresslevel=1)
        pushed = push.push_manifest(registry, name, [layer], AMD64, "oci", {"bench": f"{name}:{tag}"}, tag)
        return name, tag, pushed, layer.size

    def write(kind, results):
        with open(os.path.join(args.out, f"{kind}.txt"), "w") as refs, \
                open(os.path.join(args.out, f"{kind}-requests.tsv"), "w") as requests:
            for name, tag, pushed, *_ in results:
                refs.write(f"{args.registry}/{name}:{tag}\n")
                requests.write(f"GET\t{base_url}/{name}/manifests/{tag}\t{ACCEPT}\n")
                for blob in [pushed.config, *pushed.layers]:
                    requests.write(f"HEAD\t{base_url}/{name}/blobs/{blob}\t-\n")

    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        smalls = list(pool.map(small, range(args.small)))
    write("small", smalls)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        bigs = list(pool.map(big, range(args.big)))
    write("big", bigs)
    with open(os.path.join(args.out, "big-blobs.txt"), "w") as out:
        for name, tag, pushed, _ in bigs:
            for blob in [pushed.config, *pushed.layers]:
                out.write(f"{base_url}/{name}/blobs/{blob}\n")
    layers = sum(len(p.layers) for _, _, p in smalls)
    print(f"{len(smalls)} small images in {args.repos} repositories ({layers} layer references, "
          f"{2 * len(smalls) + 1} distinct blobs); {len(bigs)} big images of "
          f"{sum(size for *_, size in bigs) / len(bigs) / 1e6:.1f} MB each")


if __name__ == "__main__":
    sys.exit(main())
