#!/usr/bin/env python3
"""The old script's approach, rebuilt for the benchmarks (see ../../README.md, "How it differs").

One multiprocessing.Process per slice of the list (fixed slicing, as the original did), each
running a gevent pool; per image three docker calls through subprocess (argument lists here,
not shell strings, so that every contender makes the same 3 calls), results appended to files.
Like the original, the gevent Timeout abandons a pull without killing it.

Usage: check_images.py LIST PROCESSES POOL TIMEOUT DOCKER OUTPUT_DIR
"""
import gevent.monkey

gevent.monkey.patch_all()

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from multiprocessing import Process  # noqa: E402

import gevent.pool  # noqa: E402
from gevent import Timeout  # noqa: E402


def run(docker, arguments):
    child = subprocess.Popen([docker] + arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate()
    return child.returncode, out, err


def append(output, name, line):
    with open(os.path.join(output, name), "a") as results:
        results.write(line + "\n")


def pull_worker(docker, timeout, output, image):
    try:
        with Timeout(timeout):
            status, _, err = run(docker, ["pull", image])
            if status != 0:
                append(output, "error_image.txt", image + " " + err.decode(errors="replace").strip())
                return
            status, _, err = run(docker, ["image", "inspect", "--format", "{{json .RepoDigests}}", image])
            if status != 0:
                append(output, "error_image.txt", image + " " + err.decode(errors="replace").strip())
                return
            run(docker, ["rmi", image])
            append(output, "good_image.txt", image)
    except Timeout:
        append(output, "timeout_image.txt", image)


def each_process(images, pool_size, docker, timeout, output):
    pool = gevent.pool.Pool(pool_size)
    pool.map(lambda image: pull_worker(docker, timeout, output, image), images)


def slice_list(items, count):
    size, extra = divmod(len(items), count)
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        yield items[start:end]
        start = end


def main():
    path, processes, pool_size, timeout, docker, output = sys.argv[1:7]
    with open(path) as listing:
        images = [line.strip() for line in listing if line.strip()]
    os.makedirs(output, exist_ok=True)
    workers = [Process(target=each_process, args=(chunk, int(pool_size), docker, float(timeout), output))
               for chunk in slice_list(images, int(processes))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
