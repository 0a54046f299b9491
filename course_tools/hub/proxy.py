"""The class hub's proxy: configurable-http-proxy, kept across hub restarts.

- A hub restart in class must not stop the public port (a student's program could take it while it is
  free and serve a fake login page) nor the users' servers: the proxy outlives the hub
  (`JupyterHub.cleanup_proxy = False`) and a restarted hub keeps the proxy it finds running (stock
  JupyterHub ends it and starts another).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from jupyterhub.proxy import ConfigurableHTTPProxy
from tornado.ioloop import PeriodicCallback


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
        os.kill(self.pid, signal.SIGTERM)


def running_proxy_pid(pid_file: str) -> int | None:
    """The pid in `pid_file` if that process is alive and is configurable-http-proxy."""
    try:
        pid = int(Path(pid_file).read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"configurable-http-proxy" in command else None


class ClassProxy(ConfigurableHTTPProxy):
    """configurable-http-proxy that outlives the hub."""

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
