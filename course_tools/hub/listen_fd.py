"""A jupyter_server extension: also serve on the socket in $MOBILIZING_LISTEN_FD (bound by course_tools.hub.launch).

The grading service cannot bind its privileged port itself (it runs as the course account), so the launcher
binds it as root and passes the socket; the server's own listener stays a Unix socket in the account's home.
"""

from __future__ import annotations

import os
import socket

from tornado.ioloop import IOLoop

from course_tools.hub.launch import LISTEN_FD_ENV


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course_tools.hub.listen_fd"}]


def _load_jupyter_server_extension(serverapp) -> None:
    fd = os.environ.get(LISTEN_FD_ENV)
    if not fd:
        return
    sock = socket.socket(fileno=int(fd))

    def serve() -> None:  # the HTTP server exists once the loop runs (extensions load before it is made)
        serverapp.http_server.add_socket(sock)
        serverapp.log.info("also serving on %s (passed by course_tools.hub.launch)", sock.getsockname())

    IOLoop.current().add_callback(serve)
