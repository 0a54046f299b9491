"""LMS login (LTI 1.3) for the class hub, instead of PAM: jupyterhub-ltiauthenticator plus our rules.

jupyterhub_config.py calls `configure` when MOBILIZING_HUB_LTI_ISSUER is set (README, "Logging in from
the LMS"); tests/hub/test_lti.py plays the LMS against it. What ltiauthenticator checks itself: the
id_token's signature against the LMS's JWKS, issuer, audience (our client id), expiry, nonce and state,
and the LTI claims a resource-link launch needs. What it leaves to us, done in `launch_hook` (JupyterHub's
documented Authenticator.post_auth_hook, with Authenticator.manage_groups):

- the deployment id: the library only requires the claim, so a launch from another deployment of the
  same registration would get in;
- a hub name that is a Linux account name, and that account: the servers run as local users, so an LMS
  user gets an account made for LMS users (created here at the first launch), never an existing one such
  as root, an administrator's or the demo accounts of `make hub`;
- the groups: the LMS course role decides them at every launch (a TA removed in the LMS loses them);
- who owns an account: the LMS identity (issuer, subject), bound at the first launch in a file of the hub's
  private folder (`Bindings`), never the e-mail's local part alone (issue #22, H3: a learner whose e-mail
  local part was an instructor's name became that instructor);
- single use: the library checks that the id_token's nonce and the state belong to this browser's login,
  but the cookies that prove it are replayable; `UsedLaunches` remembers every accepted nonce and state
  until the token expires, and a launch message that cannot be read is a 400 page, never a 500
  (`LaunchCallbackHandler`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import pwd
import re
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import classhub
import jwt
from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.error import LoginError, ValidationError
from ltiauthenticator.lti13.handlers import LTI13CallbackHandler
from tornado import web
from traitlets import Unicode

ENV = classhub.ENV_PREFIX + "LTI_"  # MOBILIZING_HUB_LTI_ISSUER, ..._CLIENT_ID, ...
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES_CLAIM = CLAIM + "roles"
DEPLOYMENT_CLAIM = CLAIM + "deployment_id"
# Course (context) roles of LIS v2 that grade. Institution roles (".../institution/person#Instructor")
# say nothing about this course and are ignored.
INSTRUCTOR_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TA_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
INSTRUCTOR_GROUPS = (classhub.INSTRUCTORS_GROUP, classhub.GRADERS_GROUP)  # teach (pulse) and grade
TA_GROUPS = (classhub.GRADERS_GROUP,)  # grade in the shared course's service, no instructor server
LEARNER_GROUPS = (classhub.STUDENTS_GROUP,)
# What `useradd` accepts on Debian without --badname, and its 32-character limit.
LINUX_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
# The comment (GECOS field) of the local accounts made for LMS users: the only ones an LMS launch may use.
LMS_ACCOUNT = "Mobilizing Action LMS user"
CONTEXT_CLAIM = CLAIM + "context"
# In the hub's private folder (root only, 0700): which LMS identity owns which account, and the launches
# already used.
BINDINGS_FILE = "lti-bindings.json"
USED_LAUNCHES_FILE = "lti-used-launches.json"
MAX_TOKEN_AGE = 600  # ltiauthenticator's LTI13LaunchValidator.max_age: an older id_token is refused anyway
CLOCK_MARGIN = 60  # seconds a used launch is remembered past its token's end (clock drift)

LaunchHook = Callable[[Any, Any, dict], Awaitable[dict]]


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class LtiSettings:
    """What the LMS's tool registration gives the hub (README lists where each comes from)."""

    issuer: str
    client_ids: tuple[str, ...]
    deployment_ids: tuple[str, ...]
    authorize_url: str
    jwks_url: str
    username_key: str = "email"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LtiSettings:
        """Read MOBILIZING_HUB_LTI_*; every value but the username key is required (the hub does not
        start with half a registration)."""
        names = {"issuer": "ISSUER", "client_ids": "CLIENT_ID", "deployment_ids": "DEPLOYMENT_ID",
                 "authorize_url": "AUTHORIZE_URL", "jwks_url": "JWKS_URL"}
        missing = [ENV + var for var in names.values() if not env.get(ENV + var, "").strip()]
        if missing:
            raise ValueError(f"LTI 1.3 login needs {', '.join(missing)} (README: Logging in from the LMS)")
        return cls(issuer=env[ENV + "ISSUER"].strip(), client_ids=_list(env[ENV + "CLIENT_ID"]),
                   deployment_ids=_list(env[ENV + "DEPLOYMENT_ID"]),
                   authorize_url=env[ENV + "AUTHORIZE_URL"].strip(), jwks_url=env[ENV + "JWKS_URL"].strip(),
                   username_key=env.get(ENV + "USERNAME_KEY", "").strip() or "email")


def groups_for(roles: Iterable[str]) -> list[str]:
    """Instructors teach and grade, teaching assistants grade; everyone else in the course is a student."""
    roles = set(roles)
    if TA_ROLE in roles:  # LMSs send a TA's sub-role with the Instructor role itself (LIS v2): the sub-role decides
        return list(TA_GROUPS)
    return list(INSTRUCTOR_GROUPS if INSTRUCTOR_ROLE in roles else LEARNER_GROUPS)


def account_name(name: str) -> str | None:
    """The local account name for a hub name from the LMS: an e-mail's local part with '.' as '-'
    (ann.lee@uni.example -> ann-lee); None when that is no valid Linux name."""
    local = name.split("@", 1)[0].lower().replace(".", "-")
    return local if LINUX_NAME.fullmatch(local) else None


def _made_for_lms(name: str) -> bool | None:
    """True for an account made for LMS users, False for anyone else's, None when there is none."""
    try:
        return pwd.getpwnam(name).pw_gecos == LMS_ACCOUNT
    except KeyError:
        return None


async def ensure_lms_account(name: str) -> bool:
    """Create the LMS user's local account at their first launch (no password, home 0700); False when
    the name belongs to an account not made for LMS users."""
    if (made := _made_for_lms(name)) is not None:
        return made
    proc = await asyncio.create_subprocess_exec(
        "useradd", "--create-home", "--user-group", "--shell", "/bin/bash", "--comment", LMS_ACCOUNT, name,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    if proc.returncode != 0 and _made_for_lms(name) is None:  # not a simultaneous launch that made it
        raise RuntimeError(f"useradd {name}: {output.decode(errors='replace').strip()}")
    if proc.returncode == 0:
        Path(pwd.getpwnam(name).pw_dir).chmod(0o700)  # Debian's useradd leaves homes world-readable
    return bool(_made_for_lms(name))


def write_json(path: Path, data: object) -> None:
    """Replace `path` with `data` in one step (a temporary file in the same folder, fsync, rename), mode
    0600: a crash leaves the old file or the new one, never half of either."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path, key: str) -> Any:
    """`path`'s `key` (None when there is no file yet); a damaged file stops the hub with a line naming it."""
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))[key]
    except (ValueError, KeyError, TypeError) as error:
        raise _damaged(path, key, error) from error


def _damaged(path: Path, key: str, error: Exception) -> ValueError:
    return ValueError(f"{path}: not a file this hub wrote ({key!r}: {error!r}); move it away to start the hub")


class Bindings:
    """Which LMS identity owns which local account: (issuer, subject) -> name, bound at the identity's first
    launch and never changed by the hub (a user whose e-mail changes keeps their account). Kept in one JSON
    file in the hub's private folder, rewritten whole at each new binding."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._names = {(entry["issuer"], entry["subject"]): entry["name"]
                           for entry in _read_json(path, "bindings") or []}
        except (KeyError, TypeError) as error:
            raise _damaged(path, "bindings", error) from error
        self._owners = {name: identity for identity, name in self._names.items()}

    def name_of(self, issuer: str, subject: str) -> str | None:
        return self._names.get((issuer, subject))

    def owner_of(self, name: str) -> tuple[str, str] | None:
        return self._owners.get(name)

    def bind(self, issuer: str, subject: str, name: str) -> None:
        """Record the binding (written before the account is made: the name is this identity's from now on)."""
        if self._owners.get(name) not in (None, (issuer, subject)):
            raise ValueError(f"{name!r} is bound to another LMS identity")
        self._names[(issuer, subject)] = name
        self._owners[name] = (issuer, subject)
        write_json(self.path, {"bindings": [{"issuer": i, "subject": s, "name": n}
                                            for (i, s), n in sorted(self._names.items())]})


class UsedLaunches:
    """The nonces and states of accepted launches (as SHA-256 digests), each until its id_token expires:
    a replayed launch, even with the browser's captured cookies, finds its nonce here. Kept on disk so a
    hub restart does not forget them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._until = {str(key): float(end) for key, end in (_read_json(path, "used") or {}).items()}
        except (AttributeError, TypeError, ValueError) as error:
            raise _damaged(path, "used", error) from error

    @staticmethod
    def _key(kind: str, value: str) -> str:
        return kind + ":" + hashlib.sha256(value.encode()).hexdigest()

    def use(self, values: Mapping[str, str], until: float, now: float | None = None) -> bool:
        """Remember every value (kind -> value, e.g. nonce and state) until `until`; False, remembering
        nothing new, when one of them was used before. No await inside: atomic in the hub's event loop."""
        now = time.time() if now is None else now
        self._until = {key: end for key, end in self._until.items() if end > now}
        keys = [self._key(kind, value) for kind, value in values.items()]
        if any(key in self._until for key in keys):
            return False
        self._until.update(dict.fromkeys(keys, until))
        write_json(self.path, {"used": self._until})
        return True


def remember_until(id_token: Mapping[str, Any]) -> float:
    """How long a launch must stay remembered: as long as ltiauthenticator would still accept its id_token
    (its `exp`, at most MAX_TOKEN_AGE after `iat`), plus a margin for clock drift."""
    return min(float(id_token["exp"]), float(id_token["iat"]) + MAX_TOKEN_AGE) + CLOCK_MARGIN


def check_context(id_token: Mapping[str, Any]) -> None:
    """The LTI context claim (the LMS course) is optional; when sent it must be an object whose id, label
    and title are text (LTI 1.3, 5.4.1). The hub makes no group of it: the groups come from the role."""
    context = id_token.get(CONTEXT_CLAIM)
    if context is None:
        return
    if not isinstance(context, dict) or not isinstance(context.get("id"), str) or not context["id"]:
        raise ValidationError("the LMS's context claim (the course) is not an object with an id: "
                              "check the tool's placement in the LMS course")
    odd = [key for key in ("label", "title") if key in context and not isinstance(context[key], str)]
    if odd:
        raise ValidationError(f"the LMS's context claim has a {' and '.join(odd)} that is not text")


class LaunchCallbackHandler(LTI13CallbackHandler):
    """ltiauthenticator's launch (redirect URI) handler, plus: the launch's shape checked (a claim of the
    wrong type is a 400 page naming it, not a 500) and each launch used once (UsedLaunches)."""

    def decode_and_validate_launch_request(self) -> dict[str, Any]:
        # The shape first, on the unverified claims (only to refuse: the library fails with an AttributeError
        # on a context that is not an object); the library then verifies everything. Not a JWT: it says so.
        with contextlib.suppress(jwt.PyJWTError):
            check_context(jwt.decode(self.get_argument("id_token", ""), options={"verify_signature": False}))
        try:
            id_token = super().decode_and_validate_launch_request()
        except (web.HTTPError, ValidationError):
            raise
        except Exception as error:  # e.g. AttributeError from the library on a claim of another type
            self.log.warning("LTI launch message unreadable: %r", error)
            raise ValidationError(f"the LMS's launch message could not be read ({type(error).__name__}): "
                                  "open the tool again from the LMS course") from error
        used = {"nonce": str(id_token.get("nonce", "")), "state": self.get_argument("state")}
        if not self.authenticator.used_launches.use(used, until=remember_until(id_token)):
            self.log.warning("LTI launch replayed (sub %r): refused", id_token.get("sub"))
            raise web.HTTPError(403, "this LMS launch was already used: open the tool again from the LMS course")
        return id_token


class LmsAuthenticator(LTI13Authenticator):
    """LTI13Authenticator with our launch handler and the hub's LMS state (bindings, used launches)."""

    callback_handler = LaunchCallbackHandler
    state_dir = Unicode(config=True, help="The hub's private folder (root only): bindings and used launches.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        folder = Path(self.state_dir)  # read now: a damaged file stops the hub at its start
        self.bindings = Bindings(folder / BINDINGS_FILE)
        self.used_launches = UsedLaunches(folder / USED_LAUNCHES_FILE)

    def get_username(self, token: dict[str, Any]) -> str:
        """The library's choice of claim, refused as a 400 page (LoginError) when it is not text: JupyterHub
        would fail on it with a 500."""
        name = super().get_username(token)
        if not isinstance(name, str):
            raise LoginError(f"the LMS's {self.username_key!r} claim is not text")
        return name


def _refuse(authenticator: Any, status: int, log: str, page: str) -> web.HTTPError:
    authenticator.log.warning("LTI launch refused: %s", log)
    return web.HTTPError(status, page)


def account_for(authenticator: Any, handler: Any, claims: Mapping[str, Any], hub_name: str,
                username_key: str) -> str:
    """The local account of the launch's LMS identity: the bound one, or at its first launch a new name
    derived from `hub_name` that neither another identity, a local account nor a hub user has (then bound).
    No await: two first launches cannot both take one name."""
    bindings: Bindings = authenticator.bindings
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(subject, str) or not subject or not isinstance(issuer, str):
        raise _refuse(authenticator, 403, f"no subject in the launch of {hub_name!r}",
                      "the LMS did not say who you are (no 'sub' claim): an anonymous launch cannot log in")
    if (bound := bindings.name_of(issuer, subject)) is not None:
        return bound
    name = account_name(hub_name)
    if name is None:
        raise _refuse(authenticator, 403, f"LMS user {hub_name!r} has no usable account name",
                      f"no local account name from the LMS's {username_key!r} (set {ENV}USERNAME_KEY)")
    if bindings.owner_of(name) is not None or _made_for_lms(name) is not None or handler.find_user(name):
        raise _refuse(authenticator, 403, f"{subject!r} of {issuer!r} would get {name!r}, which is someone else's",
                      f"the account {name!r} belongs to someone else, and this hub makes accounts by the "
                      "LMS's e-mail address: ask the course's administrator to give you an account")
    bindings.bind(issuer, subject, name)
    authenticator.log.info("LTI: %r of %r bound to the new account %r", subject, issuer, name)
    return name


def launch_hook(settings: LtiSettings) -> LaunchHook:
    """Authenticator.post_auth_hook: runs after ltiauthenticator verified the id_token (its claims are
    the auth_state); refuses with 403 before any hub user or account is created."""

    async def hook(authenticator: Any, handler: Any, auth_model: dict) -> dict:
        claims = auth_model.get("auth_state") or {}
        deployment = claims.get(DEPLOYMENT_CLAIM)
        if deployment not in settings.deployment_ids:
            authenticator.log.warning("LTI launch from unknown deployment %r refused", deployment)
            raise web.HTTPError(403, f"this hub is not deployed in the LMS as {deployment!r}")
        name = account_for(authenticator, handler, claims, str(auth_model["name"]), settings.username_key)
        if not await ensure_lms_account(name):  # an account made by hand since the binding: not the LMS's
            raise _refuse(authenticator, 403, f"the bound account {name!r} is not an LMS user's",
                          f"the local account {name!r} exists and is not an LMS user's")
        auth_model["name"] = name
        auth_model["groups"] = groups_for(claims.get(ROLES_CLAIM) or [])
        return auth_model

    return hook


def configure(c: Any, env: Mapping[str, str]) -> LtiSettings:
    """Switch the hub's login from PAM to LTI 1.3 (called by jupyterhub_config.py with os.environ)."""
    settings = LtiSettings.from_env(env)
    c.JupyterHub.authenticator_class = LmsAuthenticator
    c.LmsAuthenticator.state_dir = str(classhub.HubSettings.from_env(dict(env)).private)
    c.LTI13Authenticator.issuer = settings.issuer
    c.LTI13Authenticator.client_id = set(settings.client_ids)
    c.LTI13Authenticator.authorize_url = settings.authorize_url
    c.LTI13Authenticator.jwks_endpoint = settings.jwks_url
    c.LTI13Authenticator.username_key = settings.username_key
    # Whoever the LMS launches (signed for our client id and deployment) may log in; not the local
    # accounts of `make hub`, and their groups come from the LMS role, not from load_groups.
    c.Authenticator.allow_all = True
    c.Authenticator.allowed_users = set()
    c.Authenticator.manage_groups = True
    c.JupyterHub.load_groups = {}
    c.Authenticator.post_auth_hook = launch_hook(settings)
    return settings
