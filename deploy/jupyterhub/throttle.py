"""Login throttling for the class hub: JupyterHub has none, and PAM answers a password guess at full speed.

`throttled(cls)` gives the configured authenticator (PAM by default, LTI, or one from
MOBILIZING_HUB_EXTRA_CONFIG) the `LoginThrottle` mixin; jupyterhub_config.py applies it last. After
`max_failures` failed logins for one user name, or `address_max_failures` from one address, within
`window_seconds`, every login for that name or from that address is refused for `lockout_seconds`, the
right password too, before the password is even checked. The refusal reads the same whether the user
exists or not, and unknown names count like known ones (nothing tells which names are accounts). A
successful login clears its name's failures. Counts live in the hub's memory: a hub restart forgets them.

Trade-off: anyone may lock a name out for `lockout_seconds` by failing on purpose (e.g. a student on the
instructor's name); the lock is short and logged, and guessing stays slow. Settings: `c.LoginThrottle.*`.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Float, Int
from traitlets.utils.importstring import import_item

MAX_KEYS = 10_000  # failure records kept at most (random names cannot grow the hub's memory without end)


@dataclass
class FailureCounter:
    """Failed attempts per key within a window, and the keys locked out until a time (monotonic clock)."""

    max_failures: int
    window: float
    lockout: float
    failures: dict[str, deque[float]] = field(default_factory=dict)
    locked: dict[str, float] = field(default_factory=dict)

    def locked_for(self, key: str, now: float) -> float:
        """Seconds until `key` may try again (0: not locked)."""
        until = self.locked.get(key, 0.0)
        if until <= now:
            self.locked.pop(key, None)
            return 0.0
        return until - now

    def fail(self, key: str, now: float) -> None:
        """Count a failure; at `max_failures` within the window, lock the key out."""
        recent = self.failures.setdefault(key, deque())
        recent.append(now)
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.max_failures:
            self.locked[key] = now + self.lockout
            recent.clear()
        if len(self.failures) > MAX_KEYS:
            self._prune(now)

    def succeed(self, key: str) -> None:
        self.failures.pop(key, None)

    def _prune(self, now: float) -> None:
        self.failures = {k: d for k, d in self.failures.items() if d and d[-1] > now - self.window}
        while len(self.failures) > MAX_KEYS:  # a flood of fresh names: drop the oldest records
            self.failures.pop(next(iter(self.failures)))


class LoginThrottle(Authenticator):
    """Mixin (first base) for an Authenticator: refuse logins for a name or from an address after repeated
    failures. JupyterHub's login form shows the refusal's message (HTTP 429)."""

    max_failures = Int(5, config=True, help="Failed logins for one user name within window_seconds that lock "
                                            "the name out.")
    address_max_failures = Int(50, config=True, help="Failed logins from one address within window_seconds "
                                                     "that lock the address out (a classroom behind one NAT "
                                                     "shares one; behind a TLS proxy set "
                                                     "JupyterHub.trusted_downstream_ips, or all share its).")
    window_seconds = Float(300, config=True, help="Seconds within which failures are counted.")
    lockout_seconds = Float(300, config=True, help="Seconds a locked-out name or address is refused.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._by_name = FailureCounter(self.max_failures, self.window_seconds, self.lockout_seconds)
        self._by_address = FailureCounter(self.address_max_failures, self.window_seconds, self.lockout_seconds)

    async def get_authenticated_user(self, handler: Any, data: Any) -> dict | None:
        now = time.monotonic()
        raw = data.get("username") if isinstance(data, dict) else None
        name = "name:" + self.normalize_username(raw) if isinstance(raw, str) and raw else ""
        address = "address:" + str(getattr(getattr(handler, "request", None), "remote_ip", "") or "")
        wait = max(self._by_address.locked_for(address, now), self._by_name.locked_for(name, now) if name else 0)
        if wait:
            self.log.warning("Login throttled for %s from %s (%.0f s left)", name or "-", address, wait)
            raise web.HTTPError(429, f"Too many failed logins: try again in {_minutes(wait)}.")
        user = await super().get_authenticated_user(handler, data)
        if user is None:
            self._by_address.fail(address, now)
            if name:
                self._by_name.fail(name, now)
        elif name:
            self._by_name.succeed(name)
        return user


def _minutes(seconds: float) -> str:
    minutes = int(seconds + 59) // 60
    return "a minute" if minutes <= 1 else f"{minutes} minutes"


def authenticator_type(value: Any) -> type:
    """What c.JupyterHub.authenticator_class names: a class, an entry point ("pam") or an import string."""
    if isinstance(value, type):
        return value
    value = str(value or "pam")
    found = entry_points(group="jupyterhub.authenticators", name=value)
    return next(iter(found)).load() if found else import_item(value)


def throttled(value: Any) -> type:
    """The authenticator class with LoginThrottle in front (its own config sections still apply)."""
    cls = authenticator_type(value)
    if issubclass(cls, LoginThrottle):
        return cls
    return type(f"Throttled{cls.__name__}", (LoginThrottle, cls), {"__doc__": cls.__doc__, "__module__": __name__})
