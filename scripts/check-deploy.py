#!/usr/bin/env python3
"""Checks deploy/: the Kubernetes manifests, the kustomizations and the Dockerfile.

    scripts/check-deploy.py            (from anywhere; exit 0 when every check passes)

Without a cluster: every YAML file is parsed (PyYAML, Debian's python3-yaml), and the essentials
are checked on the files as written and, when `kubectl` or `kustomize` is on PATH, on what the
kustomizations render (N copied into --shard and into the merge Job, the retry-failed overlay);
`kubectl create --dry-run=client --validate=false` takes every manifest, as written and as
rendered, against scripts/kube-api-stub.py (kubectl needs a server's discovery even then).
The two shell scripts the Jobs run are run too, with a stand-in `verify` on PATH: the check Job's
wrapper (statuses 0 and 1 become 0, others pass through, SIGTERM reaches verify) and the merge
Job's script (every shard directory named, a missing one refused). Prints one line per check;
the last line says how many failed. Exit status 0 when none did, 1 otherwise, 2 when it cannot run.
"""
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from yaml_python import require_yaml  # noqa: E402 (scripts/, beside this file)

yaml = require_yaml("check-deploy")

import kustomize_renderer  # noqa: E402 (scripts/, beside this file)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")
KUBE = os.path.join(DEPLOY, "kubernetes")
RETRY = os.path.join(DEPLOY, "kubernetes-retry-failed")

failures = []
skipped = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)
    return condition


def skip(what, why):
    print(f"skip  {what}: {why}")
    skipped.append(what)


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def one(documents, kind, name):
    found = [d for d in documents if d.get("kind") == kind and d.get("metadata", {}).get("name") == name]
    return found[0] if len(found) == 1 else None


def option(args, name):
    """The value after `name` in an argument vector, or None."""
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None


# Keys Kubernetes knows in the objects used here (batch/v1 and core/v1, 1.33): a misspelt field is
# dropped by the API server without a word (or refused only with --validate=strict), so name them.
KNOWN = {
    "JobSpec": {"activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex", "completionMode", "completions",
                "managedBy", "manualSelector", "maxFailedIndexes", "parallelism", "podFailurePolicy",
                "podReplacementPolicy", "selector", "successPolicy", "suspend", "template", "ttlSecondsAfterFinished"},
    "PodFailurePolicyRule": {"action", "onExitCodes", "onPodConditions"},
    "PodSpec": {"activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers", "dnsConfig",
                "dnsPolicy", "enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork",
                "hostPID", "hostUsers", "hostname", "imagePullSecrets", "initContainers", "nodeName", "nodeSelector",
                "os", "overhead", "preemptionPolicy", "priority", "priorityClassName", "readinessGates",
                "resourceClaims", "resources", "restartPolicy", "runtimeClassName", "schedulerName",
                "schedulingGates", "securityContext", "serviceAccountName", "setHostnameAsFQDN",
                "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "tolerations",
                "topologySpreadConstraints", "volumes"},
    "Container": {"args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe",
                  "name", "ports", "readinessProbe", "resizePolicy", "resources", "restartPolicy", "securityContext",
                  "startupProbe", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty",
                  "volumeDevices", "volumeMounts", "workingDir"},
    "VolumeMount": {"mountPath", "mountPropagation", "name", "readOnly", "recursiveReadOnly", "subPath", "subPathExpr"},
    "PodSecurityContext": {"appArmorProfile", "fsGroup", "fsGroupChangePolicy", "runAsGroup", "runAsNonRoot",
                           "runAsUser", "seLinuxChangePolicy", "seLinuxOptions", "seccompProfile",
                           "supplementalGroups", "supplementalGroupsPolicy", "sysctls", "windowsOptions"},
    "SecurityContext": {"allowPrivilegeEscalation", "appArmorProfile", "capabilities", "privileged", "procMount",
                        "readOnlyRootFilesystem", "runAsGroup", "runAsNonRoot", "runAsUser", "seLinuxOptions",
                        "seccompProfile", "windowsOptions"},
}


def unknown_keys(obj, kind, where):
    return [f"{where}.{key}" for key in sorted(set(obj) - KNOWN[kind])]


def check_job_fields(job, where):
    spec = job["spec"]
    unknown = unknown_keys(spec, "JobSpec", "spec")
    for rule in spec.get("podFailurePolicy", {}).get("rules", []):
        unknown += unknown_keys(rule, "PodFailurePolicyRule", "podFailurePolicy.rules[]")
    pod = spec["template"]["spec"]
    unknown += unknown_keys(pod, "PodSpec", "pod")
    unknown += unknown_keys(pod.get("securityContext", {}), "PodSecurityContext", "pod.securityContext")
    for container in pod["containers"]:
        unknown += unknown_keys(container, "Container", f"container {container['name']}")
        unknown += unknown_keys(container.get("securityContext", {}), "SecurityContext", "container.securityContext")
        for mount in container.get("volumeMounts", []):
            unknown += unknown_keys(mount, "VolumeMount", f"volumeMounts {mount.get('name')}")
    check(not unknown, f"{where}: no field Kubernetes does not know" + (f" ({', '.join(unknown)})" if unknown else ""))


def mounts_by_volume(container):
    return {m["name"]: m for m in container.get("volumeMounts", [])}


def check_security(pod, container, where):
    context = pod.get("securityContext", {})
    check(context.get("runAsNonRoot") is True and isinstance(context.get("runAsUser"), int) and context["runAsUser"] > 0,
          f"{where}: runs as a non-root user")
    check(isinstance(context.get("fsGroup"), int), f"{where}: fsGroup set, so the results volume is writable by that user")
    own = container.get("securityContext", {})
    check(own.get("allowPrivilegeEscalation") is False and own.get("capabilities", {}).get("drop") == ["ALL"],
          f"{where}: no privilege escalation, every capability dropped")
    if own.get("readOnlyRootFilesystem"):
        check(any(m["mountPath"] == "/tmp" for m in container.get("volumeMounts", [])),
              f"{where}: a read-only root filesystem with a writable /tmp")


def check_verify_job(docs, where, resume_flag="--resume", job_name="verify"):
    """The check Job: returns N, or None when the Job is not there."""
    job = one(docs, "Job", job_name)
    if not check(job is not None, f"{where}: one Job named {job_name}"):
        return None
    check_job_fields(job, f"{where} Job {job_name}")
    spec = job["spec"]
    n = spec.get("completions")
    check(spec.get("completionMode") == "Indexed", f"{where}: completionMode Indexed")
    check(isinstance(n, int) and n >= 1, f"{where}: completions N is a positive integer ({n})")
    p = spec.get("parallelism")
    check(isinstance(p, int) and 1 <= p <= (n or 0), f"{where}: parallelism P from 1 to N ({p})")
    check(isinstance(spec.get("backoffLimitPerIndex"), int), f"{where}: backoffLimitPerIndex set")
    check(spec.get("podReplacementPolicy") == "Failed", f"{where}: podReplacementPolicy Failed (one pod per index at a time)")
    rules = spec.get("podFailurePolicy", {}).get("rules", [])
    exit2 = [r for r in rules if r.get("action") == "FailJob" and r.get("onExitCodes", {}).get("operator") == "In"
             and 2 in r["onExitCodes"].get("values", [])]
    check(len(exit2) == 1 and exit2[0]["onExitCodes"].get("containerName") == "verify",
          f"{where}: podFailurePolicy fails the Job on exit 2 of container verify")
    check(not any(1 in r.get("onExitCodes", {}).get("values", []) for r in rules),
          f"{where}: podFailurePolicy has no rule for exit 1 (the wrapper makes it 0)")
    check(any(r.get("action") == "Ignore" and any(c.get("type") == "DisruptionTarget" for c in r.get("onPodConditions", []))
              for r in rules), f"{where}: disruptions (eviction, preemption) do not count as failures")
    pod = spec["template"]["spec"]
    check(pod.get("restartPolicy") == "Never", f"{where}: restartPolicy Never (podFailurePolicy needs it)")
    containers = [c for c in pod["containers"] if c["name"] == "verify"]
    if not check(len(containers) == 1, f"{where}: a container named verify"):
        return n
    container = containers[0]
    check_security(pod, container, where)
    command, args = container.get("command", []), container.get("args", [])
    check(command[:2] == ["/bin/sh", "-c"] and len(command) == 4 and 'verify "$@"' in command[2],
          f"{where}: the wrapper shell runs verify with the args")
    check(args[:1] == ["check"], f"{where}: args start with the check subcommand")
    check(option(args, "--shard") == f"$(JOB_COMPLETION_INDEX)/{n}", f"{where}: --shard $(JOB_COMPLETION_INDEX)/N with N = completions ({option(args, '--shard')})")
    check(resume_flag in args, f"{where}: {resume_flag} given")
    other = "--retry-failed" if resume_flag == "--resume" else "--resume"
    check(other not in args, f"{where}: {other} not given")
    check(option(args, "--client") == "registry", f"{where}: --client registry (the image has no docker)")
    output = option(args, "-o") or option(args, "--output-dir")
    check(output is not None and "$(JOB_COMPLETION_INDEX)" in output, f"{where}: an output directory per index ({output})")
    check(option(args, "-p") == "2" and option(args, "-c") == "50", f"{where}: -p 2 -c 50 (what the resources are sized for)")
    check("JOB_COMPLETION_INDEX" not in {e["name"] for e in container.get("env", [])},
          f"{where}: JOB_COMPLETION_INDEX left to the Job controller")
    check(container.get("resources", {}).get("requests", {}).get("memory") and container["resources"].get("limits", {}).get("memory"),
          f"{where}: memory requested and limited")

    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = mounts_by_volume(container)
    # The list: a ConfigMap volume whose images.txt key is the list argument.
    configmap = one(docs, "ConfigMap", "verify-image-list") if any(d.get("kind") == "ConfigMap" for d in docs) else None
    list_volumes = [name for name, v in volumes.items() if v.get("configMap", {}).get("name") == "verify-image-list"]
    if check(len(list_volumes) == 1 and list_volumes[0] in mounts, f"{where}: the list ConfigMap mounted"):
        path = mounts[list_volumes[0]]["mountPath"].rstrip("/") + "/images.txt"
        check(len(args) > 1 and args[1] == path, f"{where}: the list argument is the mounted images.txt ({args[1] if len(args) > 1 else None})")
        check(mounts[list_volumes[0]].get("readOnly") is True, f"{where}: the list mounted read-only")
    if configmap is not None:
        check(isinstance(configmap.get("data", {}).get("images.txt"), str), f"{where}: the ConfigMap has the key images.txt")
    # Credentials: the Secret's .dockerconfigjson projected as config.json, DOCKER_CONFIG its directory.
    secret_volumes = [name for name, v in volumes.items() if "secret" in v]
    if check(len(secret_volumes) == 1, f"{where}: one Secret volume"):
        volume = volumes[secret_volumes[0]]["secret"]
        check(volume.get("secretName") == "verify-registry-credentials", f"{where}: the Secret is verify-registry-credentials")
        check(volume.get("items") == [{"key": ".dockerconfigjson", "path": "config.json"}],
              f"{where}: the Secret's .dockerconfigjson projected as config.json")
        check(volume.get("optional") in (None, False), f"{where}: the Secret required (a missing one stops the pod, visibly)")
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        mount = mounts.get(secret_volumes[0])
        check(mount is not None and env.get("DOCKER_CONFIG") == mount["mountPath"],
              f"{where}: DOCKER_CONFIG is the Secret's mount directory ({env.get('DOCKER_CONFIG')})")
        check(mount is not None and mount.get("readOnly") is True and "subPath" not in mount,
              f"{where}: the Secret mounted read-only, as a directory (updates reach it)")
    # Results: the RWX claim, the output directory on it.
    claims = [name for name, v in volumes.items() if v.get("persistentVolumeClaim", {}).get("claimName") == "verify-results"]
    if check(len(claims) == 1 and claims[0] in mounts, f"{where}: the results claim mounted"):
        results = mounts[claims[0]]["mountPath"].rstrip("/")
        check(output is not None and output.startswith(results + "/"), f"{where}: the output directory is on the results volume")
        check(not mounts[claims[0]].get("readOnly"), f"{where}: the results volume writable")
    return n


def check_merge_job(docs, where, n, job_name="verify-merge"):
    job = one(docs, "Job", job_name)
    if not check(job is not None, f"{where}: one Job named {job_name}"):
        return
    check_job_fields(job, f"{where} Job {job_name}")
    spec = job["spec"]
    check(spec.get("suspend") is True, f"{where}: the merge Job created suspended (started once the check is complete)")
    check(spec.get("completionMode", "NonIndexed") == "NonIndexed" and spec.get("completions", 1) == 1,
          f"{where}: the merge Job runs once")
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    check_security(pod, container, where + " merge")
    args, script = container.get("args", []), container.get("command", [""] * 3)[2]
    check(args == [str(n)], f"{where}: the merge Job's argument is N as a string ({args}, N = {n})")
    check("verify merge" in script and "/results/shard-$k" in script, f"{where}: the merge names /results/shard-K for each K")
    check(all(flag in script for flag in ("verify report", "--html", "--junit", "--metrics")),
          f"{where}: the report writes HTML, JUnit and metrics")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = mounts_by_volume(container)
    claims = [name for name, v in volumes.items() if v.get("persistentVolumeClaim", {}).get("claimName") == "verify-results"]
    check(len(claims) == 1 and mounts.get(claims[0], {}).get("mountPath") == "/results", f"{where}: the merge mounts the results claim at /results")


# --- Every YAML file parses.
yaml_files = sorted(os.path.join(d, f) for d in (KUBE, RETRY) if os.path.isdir(d) for f in os.listdir(d) if f.endswith((".yaml", ".yml")))
check(len(yaml_files) >= 7, f"deploy: the YAML files are there ({len(yaml_files)})")
documents = {}
for path in yaml_files:
    name = os.path.relpath(path, ROOT)
    try:
        documents[path] = load_all(path)
        check(all(isinstance(d, dict) for d in documents[path]), f"{name}: parses")
    except yaml.YAMLError as error:
        check(False, f"{name}: parses ({str(error).splitlines()[0]})")
raw = [d for path, docs in documents.items() if os.path.dirname(path) == KUBE for d in docs if "apiVersion" in d and "kind" in d and d["kind"] != "Kustomization"]

# --- The files as written.
kustomization = documents.get(os.path.join(KUBE, "kustomization.yaml"), [{}])[0]
resources = kustomization.get("resources", [])
check(all(os.path.isfile(os.path.join(KUBE, r)) for r in resources), "kustomization.yaml: every resource exists")
check("secret-docker-config.yaml" not in resources, "kustomization.yaml: the placeholder Secret is not applied with the rest")
check({"configmap-list.yaml", "pvc-results.yaml", "job-verify.yaml", "job-merge.yaml"} <= set(resources),
      "kustomization.yaml: the list, the claim and both Jobs")
check(any(i.get("name") == "verify" and i.get("newName") for i in kustomization.get("images", [])),
      "kustomization.yaml: the image set in one place")

n_raw = check_verify_job(raw, "job-verify.yaml")
check_merge_job(raw, "job-merge.yaml", n_raw)

secret = one(raw, "Secret", "verify-registry-credentials")
if check(secret is not None, "secret-docker-config.yaml: a Secret verify-registry-credentials"):
    check(secret.get("type") == "kubernetes.io/dockerconfigjson", "secret-docker-config.yaml: type kubernetes.io/dockerconfigjson")
    content = secret.get("stringData", {}).get(".dockerconfigjson")
    if content is None and ".dockerconfigjson" in secret.get("data", {}):
        content = base64.b64decode(secret["data"][".dockerconfigjson"]).decode()
    try:
        config = json.loads(content or "")
        auths = config.get("auths", {})
        check(bool(auths), "secret-docker-config.yaml: .dockerconfigjson is a docker config.json with auths")
        decoded = [base64.b64decode(a.get("auth", "")).decode(errors="replace") for a in auths.values()]
        check(all("REPLACE-ME" in d for d in decoded) and not any("password" in a for a in auths.values()),
              "secret-docker-config.yaml: a placeholder, no credential")
    except (json.JSONDecodeError, ValueError) as error:
        check(False, f"secret-docker-config.yaml: .dockerconfigjson is JSON ({error})")

claim = one(raw, "PersistentVolumeClaim", "verify-results")
if check(claim is not None, "pvc-results.yaml: a claim verify-results"):
    check(claim["spec"].get("accessModes") == ["ReadWriteMany"], "pvc-results.yaml: ReadWriteMany")

# --- What the kustomizations render.
renderer, no_renderer = kustomize_renderer.renderer()


def render(directory):
    result = subprocess.run(renderer + [directory], capture_output=True, text=True, timeout=60)
    if not check(result.returncode == 0, f"{' '.join(renderer)} {os.path.relpath(directory, ROOT)}: renders"
                 + (f" ({result.stderr.strip().splitlines()[-1]})" if result.returncode else "")):
        return None
    return [d for d in yaml.safe_load_all(result.stdout) if d]


if renderer is None:
    skip("the rendered kustomizations", no_renderer)
else:
    rendered = render(KUBE)
    if rendered is not None:
        check(not any(d["kind"] == "Secret" for d in rendered), "rendered: no Secret")
        n = check_verify_job(rendered, "rendered")
        check_merge_job(rendered, "rendered", n)
        images = {c["image"] for d in rendered if d["kind"] == "Job" for c in d["spec"]["template"]["spec"]["containers"]}
        check(len(images) == 1 and "verify" != images.copy().pop(), f"rendered: one image, from kustomization.yaml ({', '.join(sorted(images))})")
    retry = render(RETRY)
    if retry is not None:
        check(one(retry, "Job", "verify") is None and one(retry, "Job", "verify-merge") is None,
              "retry-failed: the first round's Jobs renamed, not replaced")
        n = check_verify_job(retry, "retry-failed", resume_flag="--retry-failed", job_name="verify-retry-failed")
        check_merge_job(retry, "retry-failed", n, job_name="verify-merge-retry-failed")
    # N set once: change it in a copy of the kustomization, and every place follows.
    with tempfile.TemporaryDirectory(prefix="check-deploy-") as scratch:
        copy = os.path.join(scratch, "kubernetes")
        shutil.copytree(KUBE, copy)
        path = os.path.join(copy, "kustomization.yaml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        changed = re.sub(r"value: \d+( +# N:)", r"value: 7\1", text)
        changed = re.sub(r"value: \d+( +# P:)", r"value: 3\1", changed)
        check(changed.count("value: 7") == 1 and changed.count("value: 3") == 1, "kustomization.yaml: N and P each set on one marked line")
        with open(path, "w", encoding="utf-8") as f:
            f.write(changed)
        seven = render(copy)
        if seven is not None:
            job = one(seven, "Job", "verify")
            check(job["spec"]["completions"] == 7 and job["spec"]["parallelism"] == 3, "N = 7, P = 3: completions and parallelism follow")
            check(check_verify_job(seven, "N = 7") == 7, "N = 7: --shard follows")
            check_merge_job(seven, "N = 7", 7)

# --- kubectl's own client-side dry run. kubectl maps apiVersion and kind to a resource through the
# API server's discovery even for --dry-run=client; scripts/kube-api-stub.py answers that part for
# the kinds deploy/ uses, so a wrong kind or apiVersion is refused as a cluster would refuse it.
kubectl = shutil.which("kubectl")
if kubectl is None:
    skip("kubectl create --dry-run=client", "kubectl is not on PATH (apt-get install kubernetes-client)")
else:
    stub = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "kube-api-stub.py")], stdout=subprocess.PIPE, text=True)
    try:
        port = stub.stdout.readline().strip()

        def dry_run(paths, stdin=None):
            arguments = [kubectl, "--server", f"http://127.0.0.1:{port}", "create", "--dry-run=client", "--validate=false", "-o", "name"]
            for path in paths:
                arguments += ["-f", path]
            return subprocess.run(arguments, input=stdin, capture_output=True, text=True, timeout=60,
                                  env=dict(os.environ, KUBECONFIG=os.devnull))

        manifests = [path for path in yaml_files if os.path.dirname(path) == KUBE and os.path.basename(path) != "kustomization.yaml"]
        result = dry_run(manifests)
        created = sorted(result.stdout.split())
        check(result.returncode == 0 and created == ["configmap/verify-image-list", "job.batch/verify", "job.batch/verify-merge",
                                                     "persistentvolumeclaim/verify-results", "secret/verify-registry-credentials"],
              f"kubectl create --dry-run=client: every manifest ({', '.join(created) or result.stderr.strip()})")
        if renderer is not None:
            for directory in (KUBE, RETRY):
                rendering = subprocess.run(renderer + [directory], capture_output=True, text=True, timeout=60)
                result = dry_run(["-"], stdin=rendering.stdout)
                check(rendering.returncode == 0 and result.returncode == 0 and len(result.stdout.split()) == 4,
                      f"kubectl create --dry-run=client: {os.path.relpath(directory, ROOT)} as rendered ({result.stdout.split() or result.stderr.strip()})")
        wrong = dry_run(["-"], stdin="apiVersion: batch/v2\nkind: Job\nmetadata:\n  name: wrong\n")
        check(wrong.returncode != 0 and "no matches for kind" in wrong.stderr, "kubectl create --dry-run=client: refuses an apiVersion no cluster serves")
    finally:
        stub.kill()
        stub.wait()

# --- The check Job's wrapper, run with a stand-in verify.
job = one(raw, "Job", "verify")
merge_job = one(raw, "Job", "verify-merge")
with tempfile.TemporaryDirectory(prefix="check-deploy-") as scratch:
    bin_dir = os.path.join(scratch, "bin")
    os.mkdir(bin_dir)
    fake = os.path.join(bin_dir, "verify")
    with open(fake, "w") as f:
        f.write("""#!/bin/sh
# A stand-in verify: records its arguments, then exits with $FAKE_STATUS, or waits for SIGTERM.
printf '%s\\n' "$@" >> "$FAKE_LOG"
if [ "$1" = merge ]; then mkdir -p "$2" && touch "$2/merged-by-fake"; fi
if [ "${FAKE_STATUS:-0}" = wait ]; then
  trap 'echo TERM >> "$FAKE_LOG"; exit 130' TERM
  echo waiting >> "$FAKE_LOG"
  while :; do sleep 0.05; done
fi
exit "${FAKE_STATUS:-0}"
""")
    os.chmod(fake, 0o755)
    environment = dict(os.environ, PATH=bin_dir + ":" + os.environ.get("PATH", "/usr/bin:/bin"), FAKE_LOG=os.path.join(scratch, "log"))
    sh = "/bin/sh"

    def run_container(container, status, extra_args=None):
        command = container["command"]
        args = extra_args if extra_args is not None else container["args"]
        open(environment["FAKE_LOG"], "w").close()
        result = subprocess.run([sh if command[0] == "/bin/sh" else command[0]] + command[1:] + args,
                                env=dict(environment, FAKE_STATUS=str(status)), capture_output=True, text=True, timeout=30)
        with open(environment["FAKE_LOG"]) as f:
            return result, f.read().splitlines()

    if job is not None:
        container = job["spec"]["template"]["spec"]["containers"][0]
        for status, expected in ((0, 0), (1, 0), (2, 2), (3, 3), (130, 130), (137, 137)):
            result, log = run_container(container, status)
            check(result.returncode == expected, f"wrapper: verify's status {status} ends the pod with {expected} ({result.returncode})")
        check(log == container["args"], "wrapper: verify gets the args unchanged, each one argument")
        # SIGTERM to the shell (as the kubelet sends it to the container's first process) reaches verify.
        # The shell starts as a container's process does: SIGTERM at its default and unblocked (a
        # signal ignored on entry to a shell cannot be trapped, and test runners may ignore it), in a
        # process group of its own, which is killed afterwards whatever happened.
        def as_in_a_container():
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])

        open(environment["FAKE_LOG"], "w").close()
        process = subprocess.Popen([sh] + container["command"][1:] + container["args"], env=dict(environment, FAKE_STATUS="wait"),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=as_in_a_container,
                                   start_new_session=True)
        try:
            deadline = time.time() + 10
            while time.time() < deadline and "waiting" not in open(environment["FAKE_LOG"]).read():
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            try:
                status = process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                status = None
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        check(status == 130 and "TERM" in open(environment["FAKE_LOG"]).read(),
              f"wrapper: SIGTERM reaches verify, and its status 130 is the pod's ({status})")

    # The merge Job's script, with /results moved into the scratch directory.
    if merge_job is not None:
        results = os.path.join(scratch, "results")
        container = dict(merge_job["spec"]["template"]["spec"]["containers"][0])
        container["command"] = container["command"][:2] + [container["command"][2].replace("/results", results)] + container["command"][3:]
        for k in range(3):
            os.makedirs(os.path.join(results, f"shard-{k}"))
            if k < 2:
                open(os.path.join(results, f"shard-{k}", "run.json"), "w").close()
        os.makedirs(os.path.join(results, "shard-3"))  # an earlier run's, with a larger N
        open(os.path.join(results, "shard-3", "run.json"), "w").close()
        result, log = run_container(container, 0, ["3"])
        check(result.returncode == 2 and "shard 2 of 3 has not run" in result.stderr and log == [],
              "merge: a shard without run.json is refused before anything is merged")
        open(os.path.join(results, "shard-2", "run.json"), "w").close()
        os.makedirs(os.path.join(results, "merged"))
        open(os.path.join(results, "merged", "old"), "w").close()
        result, log = run_container(container, 1, ["3"])
        new = results + "/merged.new"
        check(result.returncode == 0, f"merge: verify's status 1 (images failed) is a successful merge ({result.returncode}: {result.stderr.strip()})")
        expected = ["merge", new] + [f"{results}/shard-{k}" for k in range(3)] + \
                   ["report", new, "--html", new + "/report.html", "--junit", new + "/junit.xml", "--metrics", new + "/metrics.prom"]
        check(log == expected, "merge: verify merge names shard-0 to shard-N-1 only, then verify report writes into the merge")
        check(os.path.exists(os.path.join(results, "merged", "merged-by-fake")) and not os.path.exists(os.path.join(results, "merged", "old"))
              and not os.path.exists(results + "/merged.new") and not os.path.exists(results + "/merged.old"),
              "merge: the new merge replaced the old one, nothing left beside it")
        open(os.path.join(results, "merged", "keep"), "w").close()
        result, log = run_container(container, 2, ["3"])
        check(result.returncode == 2 and log[:1] == ["merge"] and "report" not in log
              and os.path.exists(os.path.join(results, "merged", "keep")),
              "merge: a failed merge (status 2) fails the Job, reports nothing and leaves the previous merge whole")
        # A merge that exits 0 but writes nothing: the rename fails, and so does the Job.
        result = subprocess.run([sh, "-c", container["command"][2].replace("verify merge", "true merge"), "verify-merge", "3"],
                                env=dict(environment, FAKE_STATUS="0"), capture_output=True, text=True, timeout=30)
        check(result.returncode != 0 and os.path.exists(os.path.join(results, "merged", "keep")),
              f"merge: a merge directory that is not there fails the Job ({result.returncode}) and keeps the previous merge")

# --- The Dockerfile.
with open(os.path.join(DEPLOY, "Dockerfile"), encoding="utf-8") as f:
    dockerfile = f.read()
with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as f:
    manifest = f.read()
stages = re.split(r"^FROM ", dockerfile, flags=re.M)[1:]
heads = [stage.splitlines()[0].split() for stage in stages]
check(len(heads) == 4 and [h[-1] if len(h) == 3 else None for h in heads] == ["build", "host", "binary", None],
      f"Dockerfile: four stages, build (swift), host (a host binary), binary (the one selected) and the runtime stage ({heads})")
if len(stages) == 4:
    build, host, binary, runtime = stages
    arg = re.search(r"^ARG BINARY_STAGE=(\S+)$", dockerfile, flags=re.M)
    check(arg is not None and arg.group(1) == "build" and heads[2][0] == "${BINARY_STAGE}",
          "Dockerfile: the binary comes from ARG BINARY_STAGE, by default the swift build stage")
    check(heads[1][0] == "scratch" and re.findall(r"^COPY (.*)$", host, flags=re.M) == ["deploy/host-binary/ /out/"],
          "Dockerfile: the host stage copies deploy/host-binary/ to /out/, as the build stage fills /out")
    check(os.path.isfile(os.path.join(DEPLOY, "host-binary", ".gitignore")),
          "deploy/host-binary/ exists in a checkout (its .gitignore), so the host stage builds where it is not selected")
    copies = re.findall(r"^COPY --from=(\S+) (\S+) ", runtime, flags=re.M)
    check(copies == [("binary", "/out/verify"), ("binary", "/out/swift-backtrace-static")],
          f"Dockerfile: the runtime stage copies verify and the backtracer from the selected stage only ({copies})")
    check("/out/verify" in build and "/out/swift-backtrace-static" in build, "Dockerfile: the build stage puts both into /out")
    check(re.search(r"swift:6[.\d]*-bookworm", dockerfile) is not None, "Dockerfile: builds on a Swift 6 bookworm image")
    check("debian:12-slim" in dockerfile, "Dockerfile: runs on debian:12-slim")
    needed = set(re.findall(r'\.apt\(\[([^\]]*)\]\)', manifest))
    packages = {p.strip().strip('"') for group in needed for p in group.split(",")}
    installed = set(re.findall(r"[\w.+-]+", " ".join(re.findall(r"apt-get install [^\n]*", build))))
    check(packages and packages <= installed and "pkg-config" in installed,
          f"Dockerfile: the build stage installs Package.swift's apt providers ({', '.join(sorted(packages))}) and pkg-config")
    check("--static-swift-stdlib" in build and "-c release" in build, "Dockerfile: a release build with --static-swift-stdlib")
    installed = set(re.findall(r"[\w.+-]+", " ".join(re.findall(r"apt-get install [^\n]*", runtime))))
    check({"libuv1", "libcurl4", "libssl3", "ca-certificates"} <= installed, "Dockerfile: the runtime stage installs libuv1, libcurl4, libssl3, ca-certificates")
    user = re.findall(r"^USER (\S+)", runtime, flags=re.M)
    check(len(user) == 1 and user[0].split(":")[0].isdigit() and user[0].split(":")[0] != "0", f"Dockerfile: runs as a numeric non-root user ({user})")
    uid = user[0].split(":")[0] if user else None
    check(job is not None and str(job["spec"]["template"]["spec"]["securityContext"]["runAsUser"]) == uid,
          "Dockerfile: the same user as the Jobs' runAsUser")
    check(re.search(r'^ENTRYPOINT \["(/usr/local/bin/)?verify"\]', runtime, flags=re.M) is not None, "Dockerfile: ENTRYPOINT verify")
with open(os.path.join(ROOT, ".dockerignore"), encoding="utf-8") as f:
    ignored = {line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")}
check({".build", ".git"} <= ignored and any(i.startswith(".build*") for i in ignored), ".dockerignore: .build*, .git")
check(not any(i.startswith("deploy") for i in ignored), ".dockerignore: deploy/host-binary/ stays in the context")
if shutil.which("hadolint"):
    result = subprocess.run(["hadolint", os.path.join(DEPLOY, "Dockerfile")], capture_output=True, text=True)
    check(result.returncode == 0, "hadolint deploy/Dockerfile" + (": " + result.stdout.strip() if result.returncode else ""))
else:
    skip("hadolint deploy/Dockerfile", "hadolint is not on PATH")

print(f"check-deploy: {len(failures)} failed" + (f", {len(skipped)} skipped" if skipped else ""))
sys.exit(1 if failures else 0)
