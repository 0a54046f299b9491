"""Internal addresses no student can take: Unix sockets in folders only their owner can write.

On a class hub every student can run a program. A TCP port on loopback is free for anyone to bind
while its service is down (a crash, a restart), and whoever binds it receives the tokens and cookies
meant for the service. A Unix socket lives in a folder: if only root or the service's own account can
write that folder, nobody else can put a socket there. JupyterHub 6 and configurable-http-proxy 5 speak
HTTP over such sockets (`http+unix://<url-encoded path>`).
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path
from urllib.parse import quote

# sun_path is 108 bytes on Linux, with the terminating NUL.
MAX_SOCKET_PATH = 107


class SocketPathError(ValueError):
    """A socket path that the kernel cannot bind."""


def socket_url(path: Path) -> str:
    """`http+unix://` URL of a socket path, as JupyterHub and configurable-http-proxy want it."""
    text = str(path)
    if len(text.encode()) > MAX_SOCKET_PATH:
        raise SocketPathError(f"socket path {text} is longer than {MAX_SOCKET_PATH} bytes: "
                              "set MOBILIZING_HUB_RUNTIME to a shorter folder")
    return "http+unix://" + quote(text, safe="")


def owned_folder(path: Path, owner: str | None = None, mode: int = 0o700) -> Path:
    """Create (or take back) `path` as a folder owned by `owner` (default root) with `mode`; root only.

    A symlink or a non-folder at `path` is removed first: nothing a user left there is trusted."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    path.mkdir(mode=mode, parents=True, exist_ok=True)
    uid, gid = (0, 0)
    if owner:
        entry = pwd.getpwnam(owner)
        uid, gid = entry.pw_uid, entry.pw_gid
    os.chown(path, uid, gid, follow_symlinks=False)
    path.chmod(mode)
    return path


def writable_by_others(path: Path, owner_uid: int) -> list[Path]:
    """The folders from `path` up to / that someone other than root and `owner_uid` could write to."""
    risky = []
    for folder in (path, *path.parents):
        info = folder.lstat()
        sticky_root = info.st_mode & stat.S_ISVTX and info.st_uid == 0
        if info.st_uid not in (0, owner_uid) or (info.st_mode & 0o022 and not sticky_root):
            risky.append(folder)
    return risky
