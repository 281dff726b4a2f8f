"""What renders deploy/'s kustomizations, for scripts/check-deploy.py and scripts/check-image.py.

They use `patches` with a target and `replacements` (kustomize v4.1): `kustomize build`, or
`kubectl kustomize` from kubectl 1.22 on. Debian 12's kubernetes-client (kubectl 1.20, which
scripts/install-deps.sh installs for kubectl's dry run) embeds kustomize v2.0.3, which cannot.
"""
import json
import re
import shutil
import subprocess


def renderer():
    """(argv to which a directory is appended, None) or (None, why there is none)."""
    if shutil.which("kustomize"):
        return ["kustomize", "build"], None
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None, "neither kustomize nor kubectl is on PATH"
    try:
        result = subprocess.run([kubectl, "version", "--client", "-o", "json"], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "kubectl version --client did not answer within 60 s"
    try:
        version = json.loads(result.stdout)["clientVersion"]
        number = (int(version["major"]), int(re.match(r"\d+", version["minor"]).group()))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, f"kubectl's version cannot be read ({(result.stderr.strip().splitlines() or [''])[-1]})"
    if number < (1, 22):
        return None, (f"kubectl {version.get('gitVersion', '.'.join(map(str, number)))} embeds a kustomize too old for"
                      " `replacements` (kubectl 1.22 or kustomize needed)")
    return ["kubectl", "kustomize"], None
