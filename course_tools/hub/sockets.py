"""The proxy's API on a Unix socket in the hub's root-only folder: only root can reach or replace it.

JupyterHub 6 and configurable-http-proxy 5 take `http+unix://<url-encoded path>` URLs for the proxy's API.
(Traffic the proxy forwards stays on TCP: its Unix-socket targets drop request bodies now and then,
nodejs/node#40553; course_tools.hub.launch gives the services root-only ports instead.)
"""

from __future__ import annotations

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
