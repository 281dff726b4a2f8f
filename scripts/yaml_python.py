"""PyYAML for scripts/check-deploy.py and scripts/check-image.py.

Debian's python3-yaml is for Debian's python3; another python3 may come first on PATH (pyenv, a
venv) and not see it. Then the script is started again with /usr/bin/python3, once.
"""
import os
import sys


def require_yaml(tool):
    """The yaml module, or the script run again under Debian's python3, or exit 2 saying why."""
    try:
        import yaml
        return yaml
    except ImportError:
        debian = "/usr/bin/python3"
        if os.path.exists(debian) and os.path.realpath(sys.executable) != os.path.realpath(debian) and "VERIFY_YAML_REEXEC" not in os.environ:
            os.environ["VERIFY_YAML_REEXEC"] = "1"
            os.execv(debian, [debian] + sys.argv)
        print(f"{tool}: PyYAML is missing: apt-get install python3-yaml (scripts/install-deps.sh), or pip install pyyaml", file=sys.stderr)
        sys.exit(2)
