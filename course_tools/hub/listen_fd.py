"""A jupyter_server extension: also serve on the socket in $MOBILIZING_LISTEN_FD (bound by course_tools.hub.launch).

The grading service cannot bind its privileged port itself (it runs as the course account), so the launcher
binds it as root and passes the socket; the server's own listener stays a Unix socket in the account's home.
"""

from __future__ import annotations

import os

from tornado.ioloop import IOLoop

from course_tools.hub.launch import LISTEN_FD_ENV, inherited


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course_tools.hub.listen_fd"}]


def _load_jupyter_server_extension(serverapp) -> None:
    fd = os.environ.get(LISTEN_FD_ENV)
    if not fd:
        return
    sock = inherited(fd)

    def serve() -> None:  # extensions load before the HTTP server is made: wait for it
        try:
            server = serverapp.http_server
        except AttributeError:
            IOLoop.current().call_later(0.1, serve)
            return
        server.add_socket(sock)
        serverapp.log.info("also serving on %s (passed by course_tools.hub.launch)", sock.getsockname())

    IOLoop.current().add_callback(serve)
