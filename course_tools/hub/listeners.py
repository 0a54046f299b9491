"""Who listens on a loopback TCP port: the kernel's socket tables say, by user id.

Users' own servers still listen on TCP ports (JupyterHub 6.1 cannot route to a user server's Unix
socket). A port is only trusted when the process listening on it belongs to the server's own user:
the spawner asks this before the hub takes a new server for up, and at every poll after that.
"""

from __future__ import annotations

from pathlib import Path

LISTEN = "0A"
TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))


def listener_uids(port: int, tables: tuple[Path, ...] = TABLES) -> set[int]:
    """User ids of the sockets listening on `port` (any address)."""
    uids = set()
    for table in tables:
        try:
            lines = table.read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 7 and fields[3] == LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                uids.add(int(fields[7]))
    return uids
