#!/usr/bin/env python3
"""Builds deploy/Dockerfile's image for real and runs what the Kubernetes Jobs' pods run, as
containers, against the sandbox's registry.

    scripts/check-image.py [ENV_FILE]     (default: $VERIFY_E2E_ENV; scripts/sandbox.sh up prints it)

1. The image. The runtime stage is built as written, FROM a local Debian 12 base
   (scripts/debian-base.sh: debootstrap --variant=minbase, cached, `docker import`ed) in place of
   debian:12-slim, its `apt-get install` run for real (`--network host`). The binary comes from
   the Dockerfile's `host` stage (--build-arg BINARY_STAGE=host): `swift build -c release
   --static-swift-stdlib --product verify` on this host (bookworm too, scratch path .build-image),
   and the toolchain's swift-backtrace-static, copied into deploy/host-binary/. BuildKit builds
   it (the legacy builder would build the swift stage too, whose base cannot be pulled here):
   the first docker client on PATH, /usr/bin/docker or /usr/local/bin/docker that builds with
   DOCKER_BUILDKIT=1.
2. The image alone: `--help` as user 65532, its libraries all found, the packages installed.
3. The Jobs, as `kubectl kustomize deploy/kubernetes` renders them (the files as written without
   kubectl), run by deploy/kubernetes/simulate.py, the code deploy/kubernetes/simulate.sh runs for
   a user: each container run with `docker run --network host` as the pod would run it: its
   command and args (with Kubernetes' $(VAR) expansion), its env and JOB_COMPLETION_INDEX, the
   pod's and the container's security context (user, group, fsGroup as a supplementary group,
   read-only root, no capabilities, no privilege escalation, memory limit), and every volume
   mounted where the manifest mounts it: the ConfigMap's keys as files, the Secret's items with
   its defaultMode, owned by root and the fsGroup, as the kubelet writes them, the claim as a host
   directory of group fsGroup (setgid) shared by every pod, an emptyDir as a tmpfs. Two changes
   only, the ones deploy/README.md asks a user to make: the list (the ConfigMap's example lines,
   then every image of the sandbox's registry client, all naming registry.old.example.com) and
   --registry (the sandbox's registry with Basic credentials, which the Secret holds, plus
   --insecure: it is plain HTTP). The N shard pods run P at a time; then a retried pod (resumes,
   verifies nothing again), a pod with another --registry (exit 2: the Job fails), and the merge
   Job's pod over the same volume. Last, the check Job's container once more without --shard,
   into its own directory: the merged results must equal that one unsharded run's (the same
   references; status, category, digest and pulled of each; the same status files' lines).

Prints one line per check and the time each step took; the last line says how many failed.
Exit status 0 when none did, 1 otherwise, 2 when it cannot run. Settings: VERIFY_IMAGE_BASE (an
existing bookworm image to build on instead, such as debian:12-slim where it can be pulled),
VERIFY_IMAGE_DOCKER (the docker client to use).
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import atexit
import tempfile
import time

from yaml_python import require_yaml  # noqa: E402 (scripts/, beside this file)

yaml = require_yaml("check-image")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KUBE = os.path.join(ROOT, "deploy", "kubernetes")
HOST_BINARY = os.path.join(ROOT, "deploy", "host-binary")
TAG = "verify-local/verify:check-image"
OLD_REGISTRY = "registry.old.example.com"

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def fatal(what):
    check(False, what)
    print(f"check-image: {len(failures)} failed (stopped: the rest needs this)", flush=True)
    sys.exit(1)


def timed(what, started):
    print(f"time  {what}: {time.monotonic() - started:.1f} s", flush=True)


def tail(text, lines=15):
    return "\n".join(text.strip().splitlines()[-lines:])


# --- The sandbox.
env_file = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VERIFY_E2E_ENV")
if not env_file or not os.path.isfile(env_file):
    print("usage: scripts/check-image.py ENV_FILE (scripts/sandbox.sh up prints it; or set VERIFY_E2E_ENV)", file=sys.stderr)
    sys.exit(2)
sandbox = {}
with open(env_file, encoding="utf-8") as f:
    for line in f:
        key, _, value = line.rstrip("\n").partition("=")
        sandbox[key] = value
environment = dict(os.environ)
if sandbox.get("DOCKER_HOST"):
    environment["DOCKER_HOST"] = sandbox["DOCKER_HOST"]


def run(argv, timeout, **options):
    return subprocess.run(argv, env=options.pop("env", environment), capture_output=True, text=True, timeout=timeout, **options)


# --- A docker client that builds with BuildKit.
def buildkit_client():
    if os.environ.get("VERIFY_IMAGE_DOCKER"):
        return os.environ["VERIFY_IMAGE_DOCKER"]
    seen = set()
    for candidate in [shutil.which("docker"), "/usr/bin/docker", "/usr/local/bin/docker"]:
        if not candidate or not os.access(candidate, os.X_OK) or os.path.realpath(candidate) in seen:
            continue
        seen.add(os.path.realpath(candidate))
        probe = subprocess.run([candidate, "build", "-q", "-"], input="FROM scratch\nLABEL org.example.verify.probe=1\n",
                               env=dict(environment, DOCKER_BUILDKIT="1"), capture_output=True, text=True, timeout=120)
        if probe.returncode == 0:
            return candidate
        print(f"note  {candidate} does not build with BuildKit: {(probe.stderr.strip().splitlines() or [''])[0]}", flush=True)
    return None


docker = buildkit_client()
if not check(docker is not None, f"a docker client builds with BuildKit ({docker})"):
    fatal("no docker client here builds with DOCKER_BUILDKIT=1 (a client with buildx, or Debian's docker.io 20.10)")

# --- The base image.
started = time.monotonic()
base = os.environ.get("VERIFY_IMAGE_BASE")
if base:
    check(run([docker, "image", "inspect", base], 60).returncode == 0 or run([docker, "pull", base], 600).returncode == 0,
          f"the base image {base} (VERIFY_IMAGE_BASE) is on the engine")
else:
    result = run([os.path.join(ROOT, "scripts", "debian-base.sh")], 1800, env=dict(environment, DOCKER=docker))
    if not check(result.returncode == 0, "a local bookworm base image (scripts/debian-base.sh)"):
        fatal(f"scripts/debian-base.sh exited {result.returncode}:\n{tail(result.stderr)}")
    base = result.stdout.strip()
    print("\n".join("note  " + line for line in result.stderr.strip().splitlines()), flush=True)
timed(f"base image {base}", started)

# --- The binary, built on the host, into deploy/host-binary/.
started = time.monotonic()
swift = shutil.which("swift")
if not swift:
    fatal("swift is not on PATH: the host binary cannot be built")
build = ["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", os.path.join(ROOT, ".build-image")]
result = run(build + ["--product", "verify"], 3600, cwd=ROOT)
if not check(result.returncode == 0, "swift build -c release --static-swift-stdlib --product verify (scratch path .build-image)"):
    fatal(tail(result.stdout + result.stderr))
bin_path = run(build + ["--show-bin-path"], 600, cwd=ROOT).stdout.strip()
backtracer = os.path.join(os.path.dirname(os.path.realpath(swift)), "..", "libexec", "swift", "linux", "swift-backtrace-static")
if not check(os.path.isfile(backtracer), f"the toolchain's swift-backtrace-static ({os.path.normpath(backtracer)})"):
    fatal("no swift-backtrace-static next to the toolchain")
for source in [os.path.join(bin_path, "verify"), backtracer]:
    target = os.path.join(HOST_BINARY, os.path.basename(source))
    shutil.copyfile(source, target + ".new")
    os.chmod(target + ".new", 0o755)
    os.replace(target + ".new", target)
timed("host binary", started)

# --- The image: deploy/Dockerfile's runtime stage, the binary from its host stage.
started = time.monotonic()
result = run([docker, "build", "--network", "host", "--progress", "plain", "-f", os.path.join(ROOT, "deploy", "Dockerfile"),
              "--build-arg", f"RUNTIME_IMAGE={base}", "--build-arg", "BINARY_STAGE=host", "-t", TAG, ROOT], 1800,
             env=dict(environment, DOCKER_BUILDKIT="1"))
log = result.stdout + result.stderr
if not check(result.returncode == 0, f"docker build -f deploy/Dockerfile --build-arg BINARY_STAGE=host --build-arg RUNTIME_IMAGE={base}"):
    fatal(tail(log, 30))
check("swift build" not in log and "swift package resolve" not in log, "the swift build stage was not built (BuildKit skips the unselected stage)")
timed("docker build" + (" (with layers cached by an earlier build on this engine)" if "CACHED" in log else ""), started)

config = json.loads(run([docker, "image", "inspect", TAG], 60).stdout)[0]["Config"]
check(config.get("User") == "65532:65532" and config.get("Entrypoint") == ["/usr/local/bin/verify"],
      f"the image runs /usr/local/bin/verify as 65532:65532 ({config.get('User')}, {config.get('Entrypoint')})")
result = run([docker, "run", "--rm", "--network", "host", TAG], 120)
check(result.returncode == 0 and "USAGE: verify" in result.stdout, f"docker run IMAGE: --help, exit 0 ({result.returncode}{': ' + tail(result.stderr, 3) if result.returncode else ''})")
result = run([docker, "run", "--rm", "--network", "host", "--entrypoint", "/bin/sh", TAG, "-c",
              "id -u; id -g; ldd /usr/local/bin/verify; dpkg-query -W -f='${Package} ${Status}\\n' libuv1 libcurl4 libssl3 ca-certificates;"
              " test -x /usr/local/libexec/swift/swift-backtrace-static && echo backtracer"], 120)
lines = result.stdout.splitlines()
check(lines[:2] == ["65532", "65532"], f"the image's user is uid 65532, gid 65532 ({lines[:2]})")
check("not found" not in result.stdout and "libuv.so.1" in result.stdout and "libcurl.so.4" in result.stdout,
      "every library verify links is in the image (ldd)")
check(sum("install ok installed" in line for line in lines) == 4, "libuv1, libcurl4, libssl3 and ca-certificates installed by the runtime stage's apt-get")
check("backtracer" in lines, "swift-backtrace-static in the image, executable")

# --- The Jobs, as rendered, run by deploy/kubernetes/simulate.py (what simulate.sh runs).
sys.path.insert(0, KUBE)
sys.dont_write_bytecode = True  # no __pycache__ in deploy/kubernetes
import simulate  # noqa: E402

try:
    documents, rendered = simulate.render(KUBE, environment)
    job, merge_job, configmap = simulate.the_jobs(documents)
except simulate.SimulationError as error:
    fatal(f"the manifests render, with the check Job, the merge Job and the list's ConfigMap: {error}")
if rendered:
    check(True, f"{rendered} deploy/kubernetes renders")
else:
    print(f"note  {simulate.kustomize_renderer.renderer()[1]}: the manifests as written, not as rendered", flush=True)
check([job["metadata"]["name"], merge_job["metadata"]["name"], configmap["metadata"]["name"]] == ["verify", "verify-merge", "verify-image-list"],
      "the check Job, the merge Job and the list's ConfigMap")
n, p = job["spec"]["completions"], job["spec"]["parallelism"]

# The list: the ConfigMap's example lines, then every image of the sandbox's registry client, all
# naming the old registry; --registry sends them to the sandbox's Basic registry.
with open(sandbox["REGISTRY_EXPECTED"], encoding="utf-8") as f:
    expectations = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
with open(sandbox["EXPECTED"], encoding="utf-8") as f:
    seeded = {line.split("\t")[0] for line in f if line.strip()}
example = configmap["data"]["images.txt"]
expected = {}  # line -> "good" or the category verify gives at the default depth (blobs)
for line in example.splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        name = line.split("/", 1)[1]
        check(line.startswith(OLD_REGISTRY + "/") and name in seeded, f"the ConfigMap's example line {line} is a sandbox image")
        expected[line] = "good"
for fields in expectations:
    expected[f"{OLD_REGISTRY}/{fields[0]}"] = fields[3]
images_txt = example + "# The sandbox's registry-client images, with their planted defects.\n\n" + \
    "".join(f"{OLD_REGISTRY}/{fields[0]}\n" for fields in expectations)
new_registry, user, password = sandbox["BASIC_REGISTRY"], sandbox["BASIC_USER"], sandbox["BASIC_PASSWORD"]
secret_data = {".dockerconfigjson": json.dumps({"auths": {new_registry: {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}}})}


def shard_of(line, count):
    return int.from_bytes(hashlib.sha256(line.encode()).digest()[:8], "big") % count


scratch = tempfile.mkdtemp(prefix="check-image-")
os.chmod(scratch, 0o755)
results = os.path.join(scratch, "results")
pods = simulate.Pods(docker, TAG, results, dict(configmap["data"], **{"images.txt": images_txt}), secret_data,
                     ["--network", "host"], environment, timeout=600, prefix="check-image")
atexit.register(pods.close)
fs_group = job["spec"]["template"]["spec"]["securityContext"]["fsGroup"]
try:
    pods.prepare_results(job["spec"]["template"]["spec"])
except simulate.SimulationError as error:
    fatal(f"the results directory as fsGroup makes it: {error}")

container = simulate.container_of(job, "verify")
args = list(container["args"])
if check("--registry" in args, "the check Job sets --registry (replaced by the sandbox's Basic registry)"):
    args[args.index("--registry") + 1] = new_registry
args.append("--insecure")
try:
    variables = simulate.plain_env(container)
    check(True, "the check Job's env has plain values")
except simulate.SimulationError as error:
    fatal(str(error))

started = time.monotonic()
shard_pods = pods.shards(job, args)
timed(f"{n} shard pods, {p} at a time", started)


def records(directory):
    path = os.path.join(results, directory, "results.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def outcome(record):
    return "good" if record.get("status") == "good" else record.get("category", "?")


for k in range(n):
    status, log = shard_pods[k]
    mine = {line for line in expected if shard_of(line, n) == k}
    failing = any(expected[line] != "good" for line in mine)
    check(simulate.judge(job, status)[0], f"pod {k}/{n}: exit 0, the index complete ({status}{': ' + tail(log, 5) if status else ''})")
    check(f"verify-shard: verify exited {1 if failing else 0}" in log,
          f"pod {k}/{n}: verify's own status {1 if failing else 0} ({'some' if failing else 'none'} of its {len(mine)} lines fail), mapped by the wrapper")
    got = [r["reference"] for r in records(f"shard-{k}")]
    check(sorted(got) == sorted(mine), f"pod {k}/{n}: results.jsonl has exactly its shard's lines, once each ({len(got)} records, {len(mine)} lines)")
    run_json = os.path.join(results, f"shard-{k}", "run.json")
    with open(run_json if os.path.exists(run_json) else os.devnull, encoding="utf-8") as f:
        check((json.loads(f.read() or "{}")).get("shard") == f"{k}/{n}", f"pod {k}/{n}: run.json records shard {k}/{n}")

pod_spec = job["spec"]["template"]["spec"]
# A retried pod (a node lost, a pod evicted): it resumes and verifies nothing again.
before = len(records("shard-0"))
status, log = pods.run(pod_spec, container, "shard-0-retry", dict(variables, JOB_COMPLETION_INDEX="0"), args)
check(status == 0 and len(records("shard-0")) == before, f"pod 0 retried: exit 0, nothing verified again ({status}, {before} -> {len(records('shard-0'))} records)")
# The Job re-applied with another --registry: refused, exit 2, which podFailurePolicy turns into a failed Job.
other = list(args)
other[other.index("--registry") + 1] = sandbox["REGISTRY"]
status, log = pods.run(pod_spec, container, "shard-1-other", dict(variables, JOB_COMPLETION_INDEX="1"), other)
fail_job = simulate.fail_job_codes(job)
check(status == 2 and "FailJob" in simulate.judge(job, status)[1] and "registry" in log,
      f"pod 1 with another --registry: exit 2, refused, and the Job fails (podFailurePolicy FailJob on {fail_job}) ({status}: {tail(log, 2)})")

# The merge Job, over the same volume.
started = time.monotonic()
merge = simulate.container_of(merge_job, "merge")
check(merge["args"] == [str(n)], f"the merge Job's argument is N ({merge['args']})")
status, log = pods.merge(merge_job)
timed("the merge pod", started)
check(status == 0 and f"verify-merge: {n} shards merged into /results/merged" in log, f"merge pod: exit 0, {n} shards merged ({status}: {tail(log, 3)})")
merged = {}
for record in records("merged"):
    merged.setdefault(record["reference"], []).append(record)
check(sorted(merged) == sorted(expected) and all(len(v) == 1 for v in merged.values()),
      f"merged results.jsonl: every line of the list exactly once ({sum(len(v) for v in merged.values())} records, {len(expected)} lines)")
wrong = [f"{line}: {outcome(merged[line][0])}, expected {want}" for line, want in sorted(expected.items()) if line in merged and outcome(merged[line][0]) != want]
check(not wrong, f"merged: every image good or failed as the sandbox planted it ({len(expected)} images; "
      f"{sum(v == 'good' for v in expected.values())} good)" + ("; " + "; ".join(wrong[:5]) if wrong else ""))


def status_files(directory):
    files = {}
    for name in ["good_image.txt", "error_image.txt", "timeout_image.txt"]:
        path = os.path.join(results, directory, name)
        with open(path, encoding="utf-8") if os.path.exists(path) else open(os.devnull) as f:
            files[name] = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return files


merged_files = status_files("merged")
listed = [fields[0] for lines in merged_files.values() for fields in lines]
check(sorted(listed) == sorted(expected), f"merged: good_image.txt, error_image.txt and timeout_image.txt name every line once ({len(listed)} lines)")
check(sorted(f[0] for f in merged_files["good_image.txt"]) == sorted(line for line, want in expected.items() if want == "good")
      and sorted((f[0], f[1]) for f in merged_files["error_image.txt"]) == sorted((line, want) for line, want in expected.items() if want != "good"),
      "merged: good_image.txt the good images, error_image.txt the others with their categories")
for name in ["report.html", "junit.xml", "metrics.prom"]:
    path = os.path.join(results, "merged", name)
    check(os.path.isfile(path) and os.path.getsize(path) > 0, f"merged: {name} written")

# The shards and the merge give what one unsharded run gives: the check Job's container once more,
# the same list and options but without --shard, into its own directory.
started = time.monotonic()
unsharded = list(args)
del unsharded[unsharded.index("--shard"):unsharded.index("--shard") + 2]
unsharded[unsharded.index("-o") + 1] = "/results/unsharded"
status, log = pods.run(pod_spec, container, "unsharded", variables, unsharded)
timed("the unsharded pod", started)
check(status == 0 and "verify-shard: verify exited 1" in log, f"unsharded pod (no --shard): exit 0, verify's own status 1 ({status}: {tail(log, 3)})")
single = {}
for record in records("unsharded"):
    single.setdefault(record["reference"], []).append(record)
check(sorted(single) == sorted(merged) and all(len(v) == 1 for v in single.values()),
      f"merged and unsharded results.jsonl: the same references, once each ({sum(len(v) for v in merged.values())} and "
      f"{sum(len(v) for v in single.values())} records; only merged: {sorted(set(merged) - set(single))[:3]}, only unsharded: {sorted(set(single) - set(merged))[:3]})")
differences = [f"{reference} {field}: {merged[reference][0].get(field)!r} merged, {single[reference][0].get(field)!r} unsharded"
               for reference in sorted(set(merged) & set(single)) for field in ["status", "category", "digest", "pulled"]
               if merged[reference][0].get(field) != single[reference][0].get(field)]
check(not differences, f"merged and unsharded records: status, category, digest and pulled the same for each reference "
      f"({len(set(merged) & set(single))} references)" + ("; " + "; ".join(differences[:5]) if differences else ""))
single_files = status_files("unsharded")
different_files = [name for name in merged_files if {tuple(f) for f in merged_files[name]} != {tuple(f) for f in single_files[name]}]
check(not different_files and sum(map(len, single_files.values())) > 0,
      f"merged and unsharded good_image.txt, error_image.txt and timeout_image.txt: the same lines ({different_files or 'all equal'})")

owners, secrets = set(), []
for directory, subdirectories, files in os.walk(results):
    for entry in subdirectories + files:
        path = os.path.join(directory, entry)
        info = os.lstat(path)
        owners.add((info.st_uid, info.st_gid))
        if os.path.isfile(path):
            with open(path, "rb") as f:
                if password.encode() in f.read():
                    secrets.append(path)
check(owners == {(65532, fs_group)}, f"every file on the results volume owned by uid 65532, group {fs_group} ({sorted(owners)})")
check(not secrets, f"no file on the results volume holds the registry password ({secrets})")

if failures:
    print(f"note  the results volume is kept in {results}", flush=True)
else:
    pods.as_root(["find", scratch, "-mindepth", "1", "-delete"], [scratch])
    os.rmdir(scratch)
print(f"check-image: {len(failures)} failed", flush=True)
sys.exit(1 if failures else 0)
