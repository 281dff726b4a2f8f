#!/usr/bin/env python3
"""Runs the Kubernetes Jobs' pods of deploy/kubernetes on this machine, as docker containers.

    deploy/kubernetes/simulate.sh --image IMAGE [--list FILE] [--credentials CONFIG_JSON]
        [--results DIR] [--kustomization DIR] [--docker CLIENT] [-- DOCKER_RUN_ARG...]

The manifests are rendered as `kubectl kustomize` renders them (`kustomize build` or `kubectl
kustomize`; the files as written without either). Then the check Job's container runs for every
index 0 to N-1, P at a time (N its completions, P its parallelism), as the pod would run it: its
command and args (with Kubernetes' $(VAR) expansion), its env and JOB_COMPLETION_INDEX, the pod's
and the container's security context (user, group, fsGroup as a supplementary group, read-only
root, dropped capabilities, no privilege escalation, memory limit), and every volume where the
manifest mounts it: the ConfigMap's keys as files (images.txt: --list, else the ConfigMap's own),
the Secret's items with their modes, owned by root and the fsGroup as the kubelet writes them
(.dockerconfigjson: the --credentials file; without it, an empty directory: anonymous pulls), the
results claim as the directory --results (group fsGroup, setgid), an emptyDir as a tmpfs. When
every index is complete, the merge Job's container runs over the same directory.

Exit status: 0 when every pod succeeded as the Jobs would judge it (verify's 1, "some images
failed", is a completed index: the results say which); 1 when a pod failed (the Job would retry
the index, or fail at once on a podFailurePolicy FailJob status; running this again resumes, as a
retried pod does); 2 when it cannot run. Arguments after `--` go to every `docker run` of a pod
(e.g. `--network host`).

scripts/check-image.py imports this module: the test suite runs the same pods, this same code.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import namedtuple

try:
    import yaml
except ImportError:
    if __name__ != "__main__":
        raise
    print("simulate: PyYAML is missing: apt-get install python3-yaml (or pip install pyyaml)", file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts"))
import kustomize_renderer  # noqa: E402  (scripts/: which renderer can render these kustomizations)

Pod = namedtuple("Pod", "status log")  # the container's exit status and its output (stdout and stderr)


class SimulationError(Exception):
    """What stops the simulation before a pod runs (exit 2)."""


def render(directory, env=None):
    """The kustomization's documents, and how they were rendered (None: the files as written)."""
    renderer, _ = kustomize_renderer.renderer()
    if renderer:
        renderer = renderer + [directory]
        result = subprocess.run(renderer, env=env, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise SimulationError(f"{' '.join(renderer)} failed: {result.stderr.strip()}")
        return [d for d in yaml.safe_load_all(result.stdout) if d], " ".join(renderer[:2])
    documents = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".yaml") and name not in ("kustomization.yaml", "secret-docker-config.yaml"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                documents += [d for d in yaml.safe_load_all(f) if d]
    return documents, None


def one(documents, kind, name):
    """The one document of that kind and name, or None."""
    found = [d for d in documents if d.get("kind") == kind and d["metadata"]["name"] == name]
    return found[0] if len(found) == 1 else None


def the_jobs(documents):
    """The check Job, the merge Job and the list's ConfigMap (whatever their names' suffixes: the
    retry-failed overlay renames the Jobs)."""
    check = [d for d in documents if d.get("kind") == "Job" and d["spec"].get("completionMode") == "Indexed"]
    merge = [d for d in documents if d.get("kind") == "Job" and d["spec"].get("completionMode") != "Indexed"]
    configmap = [d for d in documents if d.get("kind") == "ConfigMap" and "images.txt" in d.get("data", {})]
    if len(check) != 1 or len(merge) != 1 or len(configmap) != 1:
        raise SimulationError("the manifests need one Indexed Job (the check), one other Job (the merge) and one ConfigMap with images.txt")
    return check[0], merge[0], configmap[0]


def container_of(job, name=None):
    containers = job["spec"]["template"]["spec"]["containers"]
    return [c for c in containers if c["name"] == name][0] if name else containers[0]


def plain_env(container):
    """The container's env as name -> value; a value from elsewhere (valueFrom) cannot be run here."""
    variables = {}
    for variable in container.get("env", []):
        if "value" not in variable:
            raise SimulationError(f"env {variable['name']} has no plain value (valueFrom cannot be simulated)")
        variables[variable["name"]] = variable["value"]
    return variables


def expand(text, variables):
    """Kubernetes' expansion of $(VAR) in command and args: $(NAME) of a defined variable is its
    value, $$ is $, anything else is left as written (an undefined $(NAME) too)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "$" and i + 1 < len(text):
            following = text[i + 1]
            if following == "$":
                out.append("$")
                i += 2
                continue
            if following == "(":
                close = text.find(")", i + 2)
                if close >= 0:
                    name = text[i + 2:close]
                    out.append(variables[name] if name in variables else text[i:close + 1])
                    i = close + 1
                    continue
            out.append("$" + following)
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def fail_job_codes(job):
    """The exit statuses that podFailurePolicy turns into a failed Job at once."""
    codes = []
    for rule in job["spec"].get("podFailurePolicy", {}).get("rules", []):
        if rule.get("action") == "FailJob" and "onExitCodes" in rule:
            codes += rule["onExitCodes"].get("values", [])
    return codes


def judge(job, status):
    """What the Job makes of a pod that exited with this status: (succeeded, why)."""
    if status == 0:
        return True, "succeeded"
    if status in fail_job_codes(job):
        return False, f"failed with exit {status}: podFailurePolicy FailJob, the whole Job fails"
    limit = job["spec"].get("backoffLimitPerIndex", job["spec"].get("backoffLimit"))
    return False, f"failed with exit {status}: the Job retries it (up to {limit} times)"


class Pods:
    """Runs pods' containers with `docker run`, their volumes as the kubelet would fill them.

    docker: the docker client; image: the image every container runs; results: the host
    directory that stands in for the results claim; configmap_data: the ConfigMap's keys and
    values; secret_data: the Secret's keys and values, or None (an empty directory in its place);
    docker_args: added to every pod's `docker run`; env: the docker client's environment;
    timeout: seconds a pod may run (None: no limit)."""

    def __init__(self, docker, image, results, configmap_data, secret_data=None, docker_args=(), env=None, timeout=None, prefix="simulate"):
        self.docker, self.image, self.results = docker, image, os.path.abspath(results)
        self.configmap_data, self.secret_data = configmap_data, secret_data
        self.docker_args, self.env, self.timeout = list(docker_args), env, timeout
        self.prefix = f"{prefix}-{os.getpid()}"
        self.volumes = tempfile.mkdtemp(prefix=f"{prefix}-volumes-")
        os.chmod(self.volumes, 0o755)

    def as_root(self, argv, paths):
        """Runs argv as root: here when this runs as root, else in a container of the image with
        the paths mounted where they are (the kubelet's chown of volumes)."""
        if os.geteuid() != 0:
            mounts = [option for path in paths for option in ("-v", f"{path}:{path}")]
            argv = [self.docker, "run", "--rm", "--network", "none", "--user", "0:0", *mounts, "--entrypoint", argv[0], self.image, *argv[1:]]
        result = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise SimulationError(f"as root: {argv}: {result.stderr.strip()}")

    def prepare_results(self, pod_spec):
        """What fsGroup makes of the claim's root: group fsGroup, group-writable, setgid."""
        os.makedirs(self.results, exist_ok=True)
        fs_group = pod_spec.get("securityContext", {}).get("fsGroup")
        if fs_group is not None:
            self.as_root(["chown", f"0:{fs_group}", self.results], [self.results])
            self.as_root(["chmod", "2775", self.results], [self.results])

    def _volumes(self, pod_spec, name):
        """Host directories for the pod's volumes, as the kubelet would fill them."""
        volumes = {}
        fs_group = pod_spec.get("securityContext", {}).get("fsGroup")
        for volume in pod_spec.get("volumes", []):
            path = os.path.join(self.volumes, name, volume["name"])
            if "configMap" in volume:
                os.makedirs(path)
                for key, value in self.configmap_data.items():
                    with open(os.path.join(path, key), "w", encoding="utf-8") as f:
                        f.write(value)
                    os.chmod(os.path.join(path, key), volume["configMap"].get("defaultMode", 0o644))
                volumes[volume["name"]] = ("bind", path)
            elif "secret" in volume:
                os.makedirs(path)
                if self.secret_data is not None:
                    items = volume["secret"].get("items") or [{"key": k, "path": k} for k in self.secret_data]
                    for item in items:
                        target = os.path.join(path, item["path"])
                        with open(target, "w", encoding="utf-8") as f:
                            f.write(self.secret_data[item["key"]])
                        os.chmod(target, item.get("mode", volume["secret"].get("defaultMode", 0o644)))
                        # chown keeps the mode: the file ends as the kubelet writes it.
                        self.as_root(["chown", f"0:{fs_group if fs_group is not None else 0}", target], [path])
                volumes[volume["name"]] = ("bind", path)
            elif "persistentVolumeClaim" in volume:
                volumes[volume["name"]] = ("bind", self.results)
            elif "emptyDir" in volume:
                volumes[volume["name"]] = ("tmpfs", None)
            else:
                raise SimulationError(f"a volume that cannot be simulated: {volume}")
        return volumes

    def run(self, pod_spec, container, name, variables, args=None):
        """`docker run` of one pod's container (args: in place of the container's); a Pod."""
        volumes = self._volumes(pod_spec, name)
        security, own = pod_spec.get("securityContext", {}), container.get("securityContext", {})
        argv = [self.docker, "run", "--rm", *self.docker_args, "--name", f"{self.prefix}-{name}"]
        if "runAsUser" in security:
            argv += ["--user", f"{security['runAsUser']}" + (f":{security['runAsGroup']}" if "runAsGroup" in security else "")]
        if "fsGroup" in security:
            argv += ["--group-add", str(security["fsGroup"])]
        if own.get("readOnlyRootFilesystem"):
            argv.append("--read-only")
        for capability in own.get("capabilities", {}).get("drop", []):
            argv += ["--cap-drop", capability]
        if own.get("allowPrivilegeEscalation") is False:
            argv += ["--security-opt", "no-new-privileges"]
        memory = container.get("resources", {}).get("limits", {}).get("memory")
        if memory:
            argv += ["--memory", memory.replace("Gi", "g").replace("Mi", "m")]
        for mount in container.get("volumeMounts", []):
            kind, path = volumes[mount["name"]]
            if kind == "tmpfs":
                argv += ["--tmpfs", mount["mountPath"]]
            else:
                argv += ["-v", f"{path}:{mount['mountPath']}" + (":ro" if mount.get("readOnly") else "")]
        for key, value in variables.items():
            argv += ["-e", f"{key}={value}"]
        command = [expand(part, variables) for part in container["command"]]
        arguments = [expand(part, variables) for part in (args if args is not None else container.get("args", []))]
        argv += ["--entrypoint", command[0], self.image] + command[1:] + arguments
        try:
            result = subprocess.run(argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired as timeout:
            subprocess.run([self.docker, "rm", "-f", f"{self.prefix}-{name}"], env=self.env, capture_output=True, timeout=60)
            return Pod(None, f"{timeout.output or ''}(stopped after {self.timeout} s)")
        return Pod(result.returncode, result.stdout)

    def shards(self, job, args=None, done=None):
        """The check Job's pods, JOB_COMPLETION_INDEX 0 to completions-1, parallelism at a time;
        index -> Pod. done(k, pod) is called as each ends."""
        n, p = job["spec"]["completions"], job["spec"].get("parallelism", 1)
        pod_spec, container = job["spec"]["template"]["spec"], container_of(job)
        variables = plain_env(container)
        pods, slots = {}, threading.Semaphore(p)

        def run_index(k):
            pods[k] = Pod(None, "the pod did not run")
            with slots:
                pods[k] = self.run(pod_spec, container, f"shard-{k}", dict(variables, JOB_COMPLETION_INDEX=str(k)), args)
            if done:
                done(k, pods[k])

        threads = [threading.Thread(target=run_index, args=(k,)) for k in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return pods

    def merge(self, merge_job):
        """The merge Job's pod; a Pod."""
        container = container_of(merge_job)
        return self.run(merge_job["spec"]["template"]["spec"], container, "merge", plain_env(container))

    def close(self):
        """Removes the pods' volumes (not the results)."""
        shutil.rmtree(self.volumes, ignore_errors=True)


def main(argv):
    parser = argparse.ArgumentParser(
        prog="simulate.sh", description="Runs the Kubernetes Jobs' pods (deploy/kubernetes) on this machine as docker containers.",
        epilog="Arguments after -- go to every pod's docker run (e.g. -- --network host). Exit status: 0 every pod succeeded, "
               "1 a pod failed as the Job would judge it, 2 cannot run.")
    parser.add_argument("--image", required=True, help="the image the pods run (built from deploy/Dockerfile)")
    parser.add_argument("--list", help="the image list, mounted as the ConfigMap's images.txt (default: the ConfigMap's own)")
    parser.add_argument("--credentials", help="a docker config.json, mounted as the Secret's .dockerconfigjson (default: none, anonymous pulls)")
    parser.add_argument("--results", default="results", help="the directory that stands in for the results volume (default: ./results)")
    parser.add_argument("--kustomization", default=HERE, help="the kustomization to render (default: deploy/kubernetes)")
    parser.add_argument("--docker", default=os.environ.get("DOCKER", "docker"), help="the docker client (default: $DOCKER or docker)")
    options, docker_args = parser.parse_known_args(argv)
    if docker_args and docker_args[0] == "--":
        docker_args = docker_args[1:]
    elif docker_args:
        parser.error(f"unknown arguments {docker_args} (docker run's go after --)")

    def say(text):
        print(f"simulate: {text}", flush=True)

    try:
        documents, rendered = render(options.kustomization)
        how = f"rendered by {rendered}" if rendered else f"the files as written ({kustomize_renderer.renderer()[1]})"
        try:
            job, merge_job, configmap = the_jobs(documents)
        except SimulationError as error:
            raise SimulationError(f"{error}; {how}") from None
        configmap_data = dict(configmap["data"])
        if options.list:
            with open(options.list, encoding="utf-8") as f:
                configmap_data["images.txt"] = f.read()
        secret_data = None
        if options.credentials:
            with open(options.credentials, encoding="utf-8") as f:
                secret_data = {".dockerconfigjson": f.read()}
        pods = Pods(options.docker, options.image, options.results, configmap_data, secret_data, docker_args)
    except (SimulationError, OSError, yaml.YAMLError) as error:
        print(f"simulate: {error}", file=sys.stderr)
        return 2
    try:
        n, p = job["spec"]["completions"], job["spec"].get("parallelism", 1)
        say(f"{how}: "
            f"job/{job['metadata']['name']}, {n} shards, {p} at a time, then job/{merge_job['metadata']['name']}; "
            f"image {options.image}, results in {pods.results}" + ("" if secret_data else "; no --credentials: anonymous pulls"))
        pods.prepare_results(job["spec"]["template"]["spec"])
        printing = threading.Lock()

        def show(name, pod, verdict):
            with printing:
                for line in pod.log.splitlines():
                    print(f"[{name}] {line}")
                say(f"pod {name}: {verdict}")

        failed = []

        def done(k, pod):
            succeeded, why = judge(job, pod.status)
            if not succeeded:
                failed.append(k)
            show(f"shard-{k}", pod, why)

        shard_pods = pods.shards(job, done=done)
        if failed:
            fail_job = any(shard_pods[k].status in fail_job_codes(job) for k in failed)
            say(f"index {', '.join(map(str, sorted(failed)))} failed, so the merge is not started: "
                + ("the Job fails; fix what the logs above say, then run this again" if fail_job
                   else "the Job would retry them; run this again to resume them"))
            return 1
        pod = pods.merge(merge_job)
        succeeded, why = judge(merge_job, pod.status)
        show("merge", pod, why)
        if succeeded:
            say(f"merged into {os.path.join(pods.results, 'merged')}")
        return 0 if succeeded else 1
    except SimulationError as error:
        print(f"simulate: {error}", file=sys.stderr)
        return 2
    finally:
        pods.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
