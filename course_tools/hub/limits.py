"""Per-user limits and clean-up on a class hub without systemd: one cgroup (v1) per user.

Where systemd runs (a real server), jupyterhub-systemdspawner's `mem_limit`/`cpu_limit` do this with a
systemd scope per user (as The Littlest JupyterHub does). Here (containers, CI, machines whose PID 1 is
not systemd) the kernel's cgroup v1 controllers memory, cpu and pids are mounted and root can make a
group per user: every process the server starts stays in it (a new session or a double fork does not
leave a cgroup), the limits hold for all of them together, and stopping the server ends every one.
When no controller is writable, limits are off and clean-up falls back to the user id.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PARENT = "mobilizing-hub"


@dataclass(frozen=True)
class UserLimits:
    """What one user's processes may use together (0 = no limit)."""

    memory_bytes: int = 1024**3        # a lesson kernel ~140 MB, a server ~165 MB: room for a few kernels
    cpu_cores: float = 1.0             # at most one core when the machine is busy or not
    max_processes: int = 256           # a fork bomb stops here, the machine does not

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> UserLimits:
        """MOBILIZING_HUB_MEM_LIMIT (e.g. 1G, 512M), _CPU_LIMIT (cores), _PROCESS_LIMIT; 0 turns one off."""
        env = dict(os.environ if env is None else env)
        base = cls()
        memory = env.get("MOBILIZING_HUB_MEM_LIMIT")
        cpu = env.get("MOBILIZING_HUB_CPU_LIMIT")
        procs = env.get("MOBILIZING_HUB_PROCESS_LIMIT")
        return cls(memory_bytes=parse_bytes(memory) if memory else base.memory_bytes,
                   cpu_cores=float(cpu) if cpu else base.cpu_cores,
                   max_processes=int(procs) if procs else base.max_processes)


def parse_bytes(text: str) -> int:
    """'512M', '1G', '1.5G' or a number of bytes."""
    text = text.strip().upper().removesuffix("B")
    units = {"K": 1024, "M": 1024**2, "G": 1024**3}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def _group(controller: str, user: str, root: Path = CGROUP_ROOT) -> Path:
    return root / controller / PARENT / user


def controllers(root: Path = CGROUP_ROOT) -> list[str]:
    """The cgroup v1 controllers root can make groups in here."""
    usable = []
    for name in ("memory", "cpu", "pids"):
        folder = root / name
        if (folder / "cgroup.procs").is_file() and os.access(folder, os.W_OK):
            usable.append(name)
    return usable


def prepare(user: str, limits: UserLimits, root: Path = CGROUP_ROOT) -> list[str]:
    """Make the user's groups with `limits` (a new server joins them in its preexec: `join`); return the
    controllers used."""
    used = []
    for controller in controllers(root):
        group = _group(controller, user, root)
        group.mkdir(parents=True, exist_ok=True)
        if controller == "memory" and limits.memory_bytes:
            (group / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
            with contextlib.suppress(OSError):  # swap accounting may be off
                (group / "memory.memsw.limit_in_bytes").write_text(str(limits.memory_bytes))
        elif controller == "cpu" and limits.cpu_cores:
            period = 100_000
            (group / "cpu.cfs_period_us").write_text(str(period))
            (group / "cpu.cfs_quota_us").write_text(str(int(limits.cpu_cores * period)))
        elif controller == "pids" and limits.max_processes:
            (group / "pids.max").write_text(str(limits.max_processes))
        used.append(controller)
    return used


def join(user: str, pid: int = 0, root: Path = CGROUP_ROOT) -> None:
    """Move `pid` (0: the calling process) into the user's groups; root only."""
    for controller in controllers(root):
        with contextlib.suppress(OSError):
            (_group(controller, user, root) / "cgroup.procs").write_text(str(pid))


def pids_in_groups(user: str, root: Path = CGROUP_ROOT) -> set[int]:
    pids: set[int] = set()
    for controller in ("memory", "cpu", "pids"):
        procs = _group(controller, user, root) / "cgroup.procs"
        with contextlib.suppress(OSError):
            pids.update(int(line) for line in procs.read_text().split())
    return pids


def pids_of_uid(uid: int) -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    pids.add(int(entry.name))
    return pids


def end_all(user: str, grace: float = 3.0, root: Path = CGROUP_ROOT) -> int:
    """End every process of `user` (its groups and its user id): TERM, then KILL after `grace` s.

    Returns how many were still alive for KILL. Root and other users' processes are never touched."""
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return 0
    if uid == 0:
        raise ValueError("refusing to end root's processes")

    def alive() -> set[int]:
        return {pid for pid in pids_in_groups(user, root) | pids_of_uid(uid) if pid != os.getpid()}

    for pid in alive():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while (left := alive()) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(left)
