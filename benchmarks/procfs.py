"""What benchmarks/measure.py and benchmarks/rmeasure.py read of running processes, from /proc.
Standard library only."""
import os


def processes():
    """{pid: (parent pid, user + system CPU in clock ticks)} of every process."""
    rows = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    text = stat.read()
                fields = text[text.rindex(")") + 2:].split()
                rows[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
            except (OSError, ValueError):
                pass
    return rows


def descendants(root, rows):
    """`root` and every process under it, in `rows` (``processes()``)."""
    children = {}
    for pid, (parent, _) in rows.items():
        children.setdefault(parent, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def exe(pid):
    """The executable of `pid`; "" when it is gone or cannot be read."""
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def status_kb(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
