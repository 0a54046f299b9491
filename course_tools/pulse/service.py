"""`class-pulse`: a JupyterHub-managed service (started by the hub, no second login).

- POST api/answers: any hub user's token (a student's kernel sends its narrow pulse token); the answer is
  recorded under the token's owner, whatever the body says, only for a lesson, activity, question and
  option of the course, scored here by the activities' own checkers (never the posted score), at most
  a few posts per second per user (429 beyond).
- GET  (the page), GET api/summary, POST api/reset: hub group `instructors` only (403 for anyone else).
Every request body is capped at 64 KiB before it is read (413 beyond), with or without a token.
Login is the hub's own OAuth (HubOAuthenticated); membership of `instructors` is read from the hub's
API with the service's token (role `class-pulse` in jupyterhub_config.py), cached briefly and kept when
the hub is slow, so a busy hub never turns the instructor's page into errors.

Run by the hub as `python -m course_tools.pulse.service`, as its own unprivileged user; storage URL in
$MOBILIZING_PULSE_DB, the course in $MOBILIZING_CONTENT, and it listens where $JUPYTERHUB_SERVICE_URL
says: `http+unix://<url-encoded path>` (a Unix socket, mode 0600) or `http://host:port`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import os
import re
import secrets
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_unix_socket

from course_tools import ContentError
from course_tools.hub.launch import LISTEN_FD_ENV
from course_tools.pulse.record import NotOffered, choices, offered_answer, pulse_score
from course_tools.pulse.store import PulseStore

DB_ENV = "MOBILIZING_PULSE_DB"
INSTRUCTORS_GROUP = "instructors"
PAGE = Path(__file__).with_name("page.html")
ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
MAX_BODY = 64 * 1024     # every request; a kernel's record is well under 2 KiB
POST_RATE = 2.0          # answers per second per user, refilled continuously ...
POST_BURST = 20          # ... after a burst of this many (a student pressing Check again and again)
GROUP_TTL = 15.0         # seconds a lookup of `instructors` is fresh; a stale one is served while refreshed
HUB_TIMEOUT = 3.0        # seconds for any call to the hub's API
STALE_IDENTITY = 600.0   # seconds a confirmed token keeps its owner while the hub fails to answer
UNIX_SOCKET_MODE = 0o600  # the hub and the proxy run as root; nobody else needs to connect

log = logging.getLogger("course_tools.pulse.service")


class InvalidAnswer(ValueError):
    """A posted answer that does not name something of the course; the message names the field."""


@dataclass(frozen=True)
class CourseIndex:
    """The activities of the course by (lesson id, activity id): what the pulse accepts answers to."""

    activities: dict[tuple[str, str], Any]

    @classmethod
    def from_course(cls, course: Any) -> CourseIndex:
        return cls({(lesson, spec.id): spec for lesson, file in course.activities.items()
                    for spec in file.activities})

    @classmethod
    def load(cls, root: Path | None = None) -> CourseIndex:
        """From content/ at `root`, else $MOBILIZING_CONTENT (course_tools.content.location)."""
        from course_tools.content.loader import load_course

        return cls.from_course(load_course(root))

    def lessons(self) -> set[str]:
        return {lesson for lesson, _ in self.activities}


@dataclass(frozen=True)
class Counted:
    """One answer as the pulse counts it: scored and labelled from the course, not from the post."""

    lesson: str
    activity: str
    score: float
    choices: dict[str, list[str]]


def parse_answer(body: bytes, course: CourseIndex) -> Counted:
    """Validate a posted record against the course; raise InvalidAnswer naming the field. Any 'user',
    'score' or 'choices' in it is ignored: the pulse scores and labels the answer itself."""
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
    lesson, activity = data["lesson"], data["activity"]
    if lesson not in course.lessons():
        raise InvalidAnswer(f"lesson: '{lesson}' is not a lesson of the course")
    spec = course.activities.get((lesson, activity))
    if spec is None:
        raise InvalidAnswer(f"activity: '{activity}' is not an activity of lesson '{lesson}'")
    if "answer" not in data:
        raise InvalidAnswer("answer: missing")
    try:
        answer = offered_answer(spec, data["answer"], strict=True)
    except NotOffered as exc:
        raise InvalidAnswer(str(exc)) from exc
    score = pulse_score(spec, answer)
    if score is None:
        raise InvalidAnswer("answer: nothing answered")
    return Counted(lesson, activity, score, choices(spec, answer))


class PostBudget:
    """A token bucket per user: `burst` answers at once, then `rate` a second. Beyond that a post is
    refused before it is parsed or stored, so a flood from one student costs little and others get through."""

    def __init__(self, rate: float = POST_RATE, burst: int = POST_BURST, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.buckets: dict[str, tuple[float, float]] = {}  # user -> (tokens left, when counted)

    def take(self, user: str) -> float:
        """0 when `user` may post now (and count it), else the seconds until they may."""
        now = self.clock()
        tokens, then = self.buckets.get(user, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens >= 1:
            self.buckets[user] = (tokens - 1, now)
            return 0.0
        self.buckets[user] = (tokens, now)
        return (1 - tokens) / self.rate


async def hub_get(url: str, token: str, timeout: float = HUB_TIMEOUT) -> tuple[int, Any]:
    """GET from the hub's API with JupyterHub's own client (`http+unix://` URLs work): (status, JSON
    or None)."""
    import aiohttp
    from jupyterhub.httpclient import fetch

    response = await fetch(url, headers={"Authorization": f"token {token}"}, raise_for_status=False,
                           timeout=aiohttp.ClientTimeout(total=timeout))
    try:
        return response.status, (await response.json() if response.status == 200 else None)
    finally:
        response.release()


class Instructors:
    """Who is in the hub group `instructors`. A fresh answer is kept GROUP_TTL seconds; after that the
    last known members are used while one lookup (never more) refreshes them in the background, and a
    slow or failing hub keeps them. Only before the first answer does a request wait (HUB_TIMEOUT at most)."""

    def __init__(self, api_url: str, token: str, ttl: float = GROUP_TTL, timeout: float = HUB_TIMEOUT):
        self.url = url_path_join(api_url, "groups", INSTRUCTORS_GROUP)
        self.token, self.ttl, self.timeout = token, ttl, timeout
        self.members: frozenset[str] | None = None
        self.checked = -math.inf
        self.lookups = 0  # how many were made (the tests count them)
        self._lookup: asyncio.Task | None = None

    async def contains(self, name: str) -> bool:
        stale = time.monotonic() - self.checked > self.ttl
        if (self._lookup is None or self._lookup.done()) and (stale or self.members is None):
            self._lookup = asyncio.ensure_future(self._refresh())
        if self.members is None:
            await asyncio.shield(self._lookup)
            if self.members is None:
                raise web.HTTPError(503, "the hub has not said yet who the instructors are: try again shortly")
        return name in self.members

    async def _refresh(self) -> None:
        self.lookups += 1
        try:
            status, data = await hub_get(self.url, self.token, self.timeout)
            if status == 200:
                self.members = frozenset(data["users"])
            elif status == 404:  # no such group: nobody is an instructor
                self.members = frozenset()
            else:
                log.warning("class pulse: the hub answered %s for group %s; keeping the last known members",
                            status, INSTRUCTORS_GROUP)
        except Exception as exc:  # noqa: BLE001 (a slow or absent hub: keep what is known)
            log.warning("class pulse: no answer from the hub for group %s (%s: %s); keeping the last known "
                        "members", INSTRUCTORS_GROUP, type(exc).__name__, exc)
        finally:
            self.checked = time.monotonic()


class PatientHubOAuth(HubOAuth):
    """HubOAuth (JupyterHub's own token and cookie login) that, when the hub is slow or down, keeps the
    owner it last confirmed for the same token for up to STALE_IDENTITY seconds instead of a 500; a
    token never confirmed gets a 503 (retry), and a token the hub refuses is refused as before."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._confirmed: dict[str, tuple[float, dict]] = {}
        self._asking: dict[str, asyncio.Future] = {}  # one question to the hub per token at a time

    async def _check_hub_authorization(self, url, api_token, cache_key=None, use_cache=True):
        if not cache_key:
            return await self._confirm(url, api_token, cache_key, use_cache)
        asking = self._asking.get(cache_key)
        if asking is None:
            asking = self._asking[cache_key] = asyncio.ensure_future(
                self._confirm(url, api_token, cache_key, use_cache))
            asking.add_done_callback(lambda _: self._asking.pop(cache_key, None))
        return await asyncio.shield(asking)

    async def _confirm(self, url: str, api_token: str, cache_key: str | None, use_cache: bool) -> dict | None:
        try:
            model = await super()._check_hub_authorization(url, api_token, cache_key=cache_key,
                                                           use_cache=use_cache)
        except web.HTTPError as exc:
            now = time.monotonic()
            known = self._confirmed.get(cache_key or "")
            if known and now - known[0] < STALE_IDENTITY:
                log.warning("class pulse: the hub did not confirm a token (%s); using its owner as last confirmed",
                            exc.log_message)
                return known[1]
            raise web.HTTPError(503, "the hub is not answering: try again shortly") from exc
        if model is not None and cache_key:
            now = time.monotonic()
            self._confirmed = {k: v for k, v in self._confirmed.items() if now - v[0] < STALE_IDENTITY}
            self._confirmed[cache_key] = (now, model)
        return model


class CappedBody:
    """For handlers marked @web.stream_request_body: a request body is refused with 413 past MAX_BODY
    before it is read, from its Content-Length at once or as soon as a chunked body passes the cap.
    (The HTTP server's max_body_size backs this up.)"""

    request: Any

    _body: bytearray
    _finished: bool

    def prepare(self) -> None:
        self._body = bytearray()
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            raise web.HTTPError(413, f"request bodies are limited to {MAX_BODY} bytes")

    def data_received(self, chunk: bytes) -> None:
        if self._finished:  # refused already: the rest is dropped as the connection closes
            return
        self._body.extend(chunk)
        if len(self._body) > MAX_BODY:  # answered here: an exception in data_received only drops the connection
            self._body.clear()
            self.send_error(413, reason="Content Too Large")

    @property
    def body(self) -> bytes:
        return bytes(self._body)

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")


def authenticated(method: Callable) -> Callable:
    """tornado's @web.authenticated, skipped for a request already refused while its body streamed in."""
    guarded = web.authenticated(method)

    @functools.wraps(method)
    async def wrapper(self: web.RequestHandler, *args: Any, **kwargs: Any) -> None:
        if not self._finished:
            result = guarded(self, *args, **kwargs)
            if result is not None:  # None: tornado redirected to the login page instead
                await result
    return wrapper


@web.stream_request_body
class NotFound(CappedBody, web.RequestHandler):
    def prepare(self) -> None:
        super().prepare()
        raise web.HTTPError(404)


@web.stream_request_body
class OAuthCallback(CappedBody, HubOAuthCallbackHandler):
    hub_auth_class = PatientHubOAuth

    def prepare(self) -> None:
        CappedBody.prepare(self)


@web.stream_request_body
class PulseHandler(CappedBody, HubOAuthenticated, web.RequestHandler):
    hub_auth_class = PatientHubOAuth

    @property
    def store(self) -> PulseStore:
        return self.settings["pulse_store"]

    @property
    def instructors(self) -> Instructors:
        return self.settings["pulse_instructors"]

    async def prepare(self) -> None:
        """The size check, then who is asking, asked of the hub without blocking other requests
        (JupyterHub's synchronous get_current_user would hold the whole service while the hub answers)."""
        super().prepare()
        model = await self.hub_auth.get_user(self, sync=False)
        try:
            self._hub_auth_user_cache = self.check_hub_user(model) if model else None
        except UserNotAllowed:
            self._hub_auth_user_cache = None
            raise web.HTTPError(403, "{kind} {name} may not use the class pulse".format(**model)) from None

    async def require_instructor(self) -> str:
        user = self.current_user
        if not user or user.get("kind", "user") != "user" or not await self.instructors.contains(user["name"]):
            raise web.HTTPError(403, "the class pulse is for the hub group 'instructors'")
        return user["name"]


class ApiHandler(PulseHandler):
    def get_login_url(self) -> str:
        raise web.HTTPError(403)  # an API answers 403, it does not redirect to a login page

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None))[1]
        message = getattr(exc, "log_message", None) or self._reason
        if retry := getattr(exc, "retry_after", None):
            self.set_header("Retry-After", str(math.ceil(retry)))
        self.finish({"error": message})


class TooManyPosts(web.HTTPError):
    def __init__(self, retry_after: float):
        super().__init__(429, "too many answers from you at once: wait a moment and press Check again")
        self.retry_after = retry_after


class PageHandler(PulseHandler):
    @authenticated
    async def get(self) -> None:
        await self.require_instructor()
        nonce = secrets.token_urlsafe(16)
        self.set_header("Content-Security-Policy",
                        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
                        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        page = PAGE.read_text(encoding="utf-8").replace("{{nonce}}", nonce)
        self.finish(page.replace("{{xsrf}}", json.dumps(self.xsrf_token.decode())))


class SummaryHandler(ApiHandler):
    @authenticated
    async def get(self) -> None:
        await self.require_instructor()
        self.finish(self.store.summary(names=self.get_argument("names", "0") == "1"))


class ResetHandler(ApiHandler):
    @authenticated
    async def post(self) -> None:
        name = await self.require_instructor()
        self.finish({"session": self.store.reset(by=name)})


class AnswerHandler(ApiHandler):
    @authenticated
    async def post(self) -> None:
        """Checked once the (capped) body is in: a refusal before it would close the connection under
        the proxy, which then answers 503 instead of 429."""
        user = self.current_user
        if user.get("kind", "user") != "user":
            raise web.HTTPError(403, "only users' servers post answers")
        if wait := self.settings["pulse_budget"].take(user["name"]):
            raise TooManyPosts(wait)
        try:
            counted = parse_answer(self.body, self.settings["pulse_course"])
        except InvalidAnswer as exc:
            raise web.HTTPError(400, str(exc)) from exc
        self.store.record(user["name"], counted.lesson, counted.activity, counted.score, counted.choices)
        self.set_status(201)
        self.finish({"recorded_as": user["name"], "score": counted.score})


def make_app(store: PulseStore, prefix: str, api_url: str, token: str, course: CourseIndex,
             budget: PostBudget | None = None, instructors: Instructors | None = None) -> web.Application:
    return web.Application([
        (prefix, PageHandler),
        (url_path_join(prefix, "api/summary"), SummaryHandler),
        (url_path_join(prefix, "api/reset"), ResetHandler),
        (url_path_join(prefix, "api/answers"), AnswerHandler),
        (url_path_join(prefix, "oauth_callback"), OAuthCallback),
    ], default_handler_class=NotFound, cookie_secret=secrets.token_bytes(32), pulse_store=store,
        pulse_course=course, pulse_budget=budget or PostBudget(),
        pulse_instructors=instructors or Instructors(api_url, token))


def listen(app: web.Application, service_url: str) -> HTTPServer:
    """Serve `app` on the socket the class hub's launcher passed ($MOBILIZING_LISTEN_FD), else where the hub
    said: a Unix socket for `http+unix://<url-encoded path>` (mode 0600: only
    its owner, and root, i.e. the hub and the proxy, connect), else TCP. Bodies are capped by the server
    too (max_body_size), so nothing past MAX_BODY is ever buffered."""
    server = HTTPServer(app, max_body_size=16 * MAX_BODY, max_buffer_size=16 * MAX_BODY)
    where = urlparse(service_url)
    if fd := os.environ.get(LISTEN_FD_ENV):  # the class hub's root-only port, bound by course_tools.hub.launch
        server.add_socket(socket.socket(fileno=int(fd)))
    elif where.scheme == "http+unix":
        server.add_socket(bind_unix_socket(unquote(where.netloc), mode=UNIX_SOCKET_MODE))
    else:
        server.listen(where.port or 80, where.hostname or "127.0.0.1")
    return server


async def serve() -> None:
    """Configure JupyterHub's HTTP client (a short timeout on every call to the hub), then serve forever."""
    import aiohttp
    from jupyterhub.httpclient import JupyterHubHTTPClient

    JupyterHubHTTPClient.instance(session_options={"timeout": aiohttp.ClientTimeout(total=HUB_TIMEOUT)})
    try:
        course = CourseIndex.load()
    except ContentError as exc:
        sys.exit(f"class-pulse: cannot load the course: {exc}")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/class-pulse/")
    store = PulseStore(os.environ.get(DB_ENV) or f"sqlite:///{Path.cwd() / 'pulse.sqlite'}")
    app = make_app(store, prefix, os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"], course)
    url = os.environ["JUPYTERHUB_SERVICE_URL"]
    listen(app, url)
    print(f"class-pulse: {len(course.activities)} activities; listening on {url} at {prefix}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    asyncio.run(serve())


if __name__ == "__main__":
    main()
