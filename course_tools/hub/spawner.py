"""The class hub's spawner: JupyterHub's LocalProcessSpawner, plus what a room of students with shells needs.

- The port a user's server listens on is trusted only when that user's own process listens there
  (course_tools.hub.listeners): a classmate's program on the port is refused at start and at every poll.
- Every process a server starts goes into the user's cgroups with memory, CPU and process limits
  (course_tools.hub.limits), and stopping the server ends all of them, strays in new sessions included.
- Each start gives the server a token that can only post Checks to the class pulse
  ($MOBILIZING_PULSE_TOKEN); the server's own API token is never sent to the pulse.
"""

from __future__ import annotations

import asyncio
import pwd
import time

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Float, Unicode

from course_tools.hub import limits
from course_tools.hub.listeners import listener_uids

PULSE_TOKEN_ENV = "MOBILIZING_PULSE_TOKEN"
PULSE_TOKEN_NOTE = "class-pulse checks (made at each server start)"


class ForeignListener(RuntimeError):
    """Another account listens on the port meant for a user's server."""


class ClassSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with owner-checked ports, per-user cgroups and clean stops."""

    pulse_service = Unicode("class-pulse", config=True, help="Name of the class pulse service (its token's scope).")
    pulse_token_hours = Float(12.0, config=True, help="Lifetime of a server's pulse token, in hours.")

    @property
    def uid(self) -> int:
        return pwd.getpwnam(self.user.name).pw_uid

    def _new_pulse_token(self) -> str:
        """A token for this start only: `access:services!service=<pulse>`; earlier ones are revoked."""
        orm_user = self.user.orm_user
        db = self.user.db
        for old in list(orm_user.api_tokens):
            if old.note == PULSE_TOKEN_NOTE:
                db.delete(old)
        token = orm_user.new_api_token(scopes=[f"access:services!service={self.pulse_service}"],
                                       note=PULSE_TOKEN_NOTE, expires_in=int(self.pulse_token_hours * 3600))
        db.commit()
        return token

    def make_preexec_fn(self, name: str):
        """Join the user's cgroups (as root, before dropping to the user), then JupyterHub's setuid."""
        drop = super().make_preexec_fn(name)
        user = self.user.name

        def preexec() -> None:
            limits.join(user)
            drop()

        return preexec

    async def start(self):
        self.environment = {**self.environment, PULSE_TOKEN_ENV: self._new_pulse_token()}
        # Groups with this user's limits exist before the server's process joins them (preexec).
        used = limits.prepare(self.user.name, limits.UserLimits.from_env())
        if used:
            self.log.info("limits for %s: cgroup v1 %s", self.user.name, ", ".join(used))
        else:
            self.log.warning("no per-user limits for %s: no writable cgroup v1 controller here (SystemdSpawner's "
                             "mem_limit/cpu_limit where systemd runs)", self.user.name)
        ip, port = await super().start()
        await self._wait_for_own_listener(port)
        return ip, port

    async def _wait_for_own_listener(self, port: int) -> None:
        """Return once the user's own process listens on `port`; refuse anyone else's listener."""
        uid, deadline = self.uid, time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            owners = listener_uids(port)
            if owners - {uid}:
                await self.stop(now=True)
                raise ForeignListener(f"port {port} for {self.user.name}'s server is held by user id(s) "
                                      f"{sorted(owners - {uid})}: refusing it")
            if uid in owners:
                return
            if self.proc is not None and self.proc.poll() is not None:
                return  # exited: JupyterHub reports the failed start itself
            await asyncio.sleep(0.2)

    async def poll(self):
        status = await super().poll()
        if status is None and self.port and listener_uids(self.port) - {self.uid}:
            self.log.warning("%s's server port %s is held by another account: reporting it stopped",
                             self.user.name, self.port)
            return 1
        return status

    async def stop(self, now: bool = False):
        await super().stop(now=now)
        left = await asyncio.to_thread(limits.end_all, self.user.name)
        if left:
            self.log.info("ended %d leftover process(es) of %s", left, self.user.name)
