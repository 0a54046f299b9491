"""The class hub's proxy: configurable-http-proxy, kept across hub restarts, routing services to Unix sockets.

- A hub restart in class must not stop the public port (a student's program could take it while it is
  free and serve a fake login page) nor the users' servers: the proxy outlives the hub
  (`JupyterHub.cleanup_proxy = False`) and a restarted hub keeps the proxy it finds running (stock
  JupyterHub ends it and starts another).
- Services listen on Unix sockets in folders only their own account can write (course_tools.hub.sockets);
  JupyterHub 6.1 accepts only http(s) service URLs, so their routes are `Proxy.extra_routes` with
  `http+unix://` targets, which configurable-http-proxy 5 serves.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.proxy import ConfigurableHTTPProxy
from tornado.ioloop import PeriodicCallback
from traitlets import validate


class KeptProcess:
    """The part of Popen the hub uses, for a proxy process it did not start."""

    def __init__(self, pid: int):
        self.pid = pid

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return 1
        return None

    def terminate(self) -> None:
        os.kill(self.pid, 15)


def running_proxy_pid(pid_file: str) -> int | None:
    """The pid in `pid_file` if that process is alive and is configurable-http-proxy."""
    try:
        pid = int(Path(pid_file).read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"configurable-http-proxy" in command else None


class ClassProxy(ConfigurableHTTPProxy):
    """configurable-http-proxy that outlives the hub and routes to Unix sockets."""

    @validate("extra_routes")
    def _validate_extra_routes(self, proposal):
        routes = {}
        for routespec, target in proposal.value.items():
            parsed = urlparse(target)
            if parsed.scheme != "http+unix" or not parsed.netloc:
                raise ValueError(f"ClassProxy.extra_routes target {routespec}={target!r}: expected http+unix://<socket>")
            routes[routespec if routespec.endswith("/") else routespec + "/"] = target
        return routes

    async def start(self) -> None:
        pid = running_proxy_pid(self.pid_file) if self.pid_file else None
        if pid:
            self.proxy_process = KeptProcess(pid)
            try:
                await self.get_all_routes()
            except Exception as exc:  # noqa: BLE001 (any failure: start a fresh proxy as stock JupyterHub does)
                self.log.warning("Proxy pid %s does not answer on its API (%s): starting a new one", pid, exc)
            else:
                self.log.info("Keeping the proxy that outlived the last hub (pid %s)", pid)
                self._check_running_callback = PeriodicCallback(self.check_running,
                                                                1e3 * self.check_running_interval)
                self._check_running_callback.start()
                return
        await super().start()
