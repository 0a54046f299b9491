"""The two hub API routes the class pulse calls, on a Unix socket, for the unit tests (tests/hub runs the
real JupyterHub): GET /hub/api/user (who a token belongs to, as JupyterHub answers a service) and
GET /hub/api/groups/instructors. `delay` makes the hub slow, `broken` makes it answer 500, as a hub
in a spawn storm does; `calls` counts what was asked."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_unix_socket

SERVICE = "class-pulse"


@dataclass
class HubApi:
    socket: Path
    tokens: dict[str, str] = field(default_factory=dict)  # token -> user name
    instructors: list[str] = field(default_factory=list)
    service_token: str = "service-token"
    delay: float = 0.0
    broken: bool = False
    calls: Counter = field(default_factory=Counter)

    @property
    def url(self) -> str:
        return f"http+unix://{quote(str(self.socket), safe='')}/hub/api/"

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(asyncio.new_event_loop())
            self.loop = IOLoop.current()
            server = HTTPServer(web.Application([(r"/hub/api/user", _User, {"hub": self}),
                                                 (r"/hub/api/groups/(.*)", _Group, {"hub": self})]))
            server.add_socket(bind_unix_socket(str(self.socket), mode=0o600))
            ready.set()
            self.loop.start()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        self.loop.add_callback(self.loop.stop)
        self.thread.join(10)


class _Handler(web.RequestHandler):
    def initialize(self, hub: HubApi) -> None:
        self.hub = hub

    async def answer(self, what: str) -> bool:
        self.hub.calls[what] += 1
        if self.hub.delay:
            await asyncio.sleep(self.hub.delay)
        if self.hub.broken:
            raise web.HTTPError(500)
        return True

    def token(self) -> str:
        return self.request.headers.get("Authorization", "").removeprefix("token ")


class _User(_Handler):
    async def get(self) -> None:
        await self.answer("user")
        name = self.hub.tokens.get(self.token())
        if name is None:
            raise web.HTTPError(403)
        self.finish({"kind": "user", "name": name, "admin": False, "groups": [],
                     "scopes": [f"access:services!service={SERVICE}"]})


class _Group(_Handler):
    async def get(self, name: str) -> None:
        await self.answer(f"group {name}")
        if self.token() != self.hub.service_token:
            raise web.HTTPError(403)
        if name != "instructors":
            raise web.HTTPError(404)
        self.finish({"kind": "group", "name": name, "users": self.hub.instructors})
