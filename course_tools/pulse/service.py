"""`class-pulse`: a JupyterHub-managed service (started by the hub, no second login).

- POST api/answers: any hub user's token (a student's kernel sends its server's token); the answer is
  recorded under the token's owner, whatever the body says.
- GET  (the page), GET api/summary, POST api/reset: hub group `instructors` only (403 for anyone else).
Login is the hub's own OAuth (HubOAuthenticated); membership of `instructors` is read from the hub's
API with the service's token (role `class-pulse` in jupyterhub_config.py).

Run by the hub as `python -m course_tools.pulse.service`; storage URL in $MOBILIZING_PULSE_DB.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import aiohttp
from jupyterhub.httpclient import fetch
from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_unix_socket

from course_tools.pulse.store import PulseStore

DB_ENV = "MOBILIZING_PULSE_DB"
INSTRUCTORS_GROUP = "instructors"
PAGE = Path(__file__).with_name("page.html")
ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
MAX_BODY = 16_384
GROUP_CACHE_SECONDS = 5.0


class InvalidAnswer(ValueError):
    """A posted answer that does not have the shape a kernel sends."""


def parse_answer(body: bytes) -> dict[str, Any]:
    """Validate a posted record; raise InvalidAnswer naming the field. Any 'user' in it is ignored."""
    if len(body) > MAX_BODY:
        raise InvalidAnswer(f"body: more than {MAX_BODY} bytes")
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise InvalidAnswer(f"body: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise InvalidAnswer("body: expected a JSON object")
    for field in ("lesson", "activity"):
        if not isinstance(data.get(field), str) or not ID.match(data[field]):
            raise InvalidAnswer(f"{field}: expected an id of letters, digits, '_', '-' or '.'")
    score = data.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise InvalidAnswer("score: expected a number from 0 to 1")
    choices = data.get("choices", {})
    if not isinstance(choices, dict) or len(choices) > 100 or not all(
            isinstance(k, str) and len(k) <= 200 and isinstance(v, list) and len(v) <= 50
            and all(isinstance(o, str) and len(o) <= 200 for o in v) for k, v in choices.items()):
        raise InvalidAnswer("choices: expected {question: [option, ...]} of short strings")
    return {"lesson": data["lesson"], "activity": data["activity"], "score": float(score), "choices": choices}


class Instructors:
    """Who is in the hub group `instructors`, asked of the hub's API (cached a few seconds)."""

    def __init__(self, api_url: str, token: str):
        self.url = url_path_join(api_url, "groups", INSTRUCTORS_GROUP)
        self.token = token
        self.members: set[str] = set()
        self.checked = 0.0

    async def contains(self, name: str) -> bool:
        if time.monotonic() - self.checked > GROUP_CACHE_SECONDS:
            # JupyterHub's own client: it speaks to the hub's API on its Unix socket (http+unix://).
            response = await fetch(self.url, headers={"Authorization": f"token {self.token}"},
                                   raise_for_status=False, timeout=aiohttp.ClientTimeout(total=10))
            self.members = set((await response.json())["users"]) if response.status == 200 else set()
            self.checked = time.monotonic()
        return name in self.members


class PulseHandler(HubOAuthenticated, web.RequestHandler):
    @property
    def store(self) -> PulseStore:
        return self.settings["pulse_store"]

    @property
    def instructors(self) -> Instructors:
        return self.settings["pulse_instructors"]

    async def require_instructor(self) -> str:
        user = self.current_user
        if not user or user.get("kind", "user") != "user" or not await self.instructors.contains(user["name"]):
            raise web.HTTPError(403, "the class pulse is for the hub group 'instructors'")
        return user["name"]

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")


class ApiHandler(PulseHandler):
    def get_login_url(self) -> str:
        raise web.HTTPError(403)  # an API answers 403, it does not redirect to a login page

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None))[1]
        message = getattr(exc, "log_message", None) or self._reason
        self.finish({"error": message})


class PageHandler(PulseHandler):
    @web.authenticated
    async def get(self) -> None:
        await self.require_instructor()
        nonce = secrets.token_urlsafe(16)
        self.set_header("Content-Security-Policy",
                        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
                        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        page = PAGE.read_text(encoding="utf-8").replace("{{nonce}}", nonce)
        self.finish(page.replace("{{xsrf}}", json.dumps(self.xsrf_token.decode())))


class SummaryHandler(ApiHandler):
    @web.authenticated
    async def get(self) -> None:
        await self.require_instructor()
        self.finish(self.store.summary(names=self.get_argument("names", "0") == "1"))


class ResetHandler(ApiHandler):
    @web.authenticated
    async def post(self) -> None:
        name = await self.require_instructor()
        self.finish({"session": self.store.reset(by=name)})


class AnswerHandler(ApiHandler):
    @web.authenticated
    async def post(self) -> None:
        user = self.current_user
        if user.get("kind", "user") != "user":
            raise web.HTTPError(403, "only users' servers post answers")
        try:
            record = parse_answer(self.request.body)
        except InvalidAnswer as exc:
            raise web.HTTPError(400, str(exc)) from exc
        self.store.record(user["name"], record["lesson"], record["activity"], record["score"], record["choices"])
        self.set_status(201)
        self.finish({"recorded_as": user["name"]})


def make_app(store: PulseStore, prefix: str, api_url: str, token: str) -> web.Application:
    return web.Application([
        (prefix, PageHandler),
        (url_path_join(prefix, "api/summary"), SummaryHandler),
        (url_path_join(prefix, "api/reset"), ResetHandler),
        (url_path_join(prefix, "api/answers"), AnswerHandler),
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
    ], cookie_secret=secrets.token_bytes(32), pulse_store=store,
        pulse_instructors=Instructors(api_url, token))


def listen(app: web.Application, url: str) -> None:
    """Serve `app` at `url`: `http+unix://<url-encoded socket path>` (the class hub) or `http://host:port`."""
    where = urlparse(url)
    if where.scheme == "http+unix":
        server = HTTPServer(app, max_body_size=MAX_BODY, xheaders=True)
        server.add_socket(bind_unix_socket(unquote(where.netloc), mode=0o600))
    else:
        app.listen(where.port or 80, where.hostname or "127.0.0.1", max_body_size=MAX_BODY, xheaders=True)


def main() -> None:
    url = os.environ["JUPYTERHUB_SERVICE_URL"]
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/class-pulse/")
    store = PulseStore(os.environ.get(DB_ENV) or f"sqlite:///{Path.cwd() / 'pulse.sqlite'}")
    app = make_app(store, prefix, os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"])
    listen(app, url)
    print(f"class-pulse: listening on {url} at {prefix}", flush=True)
    IOLoop.current().start()


if __name__ == "__main__":
    main()
