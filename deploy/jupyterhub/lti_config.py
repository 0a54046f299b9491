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
- the groups: the LMS course role decides them at every launch (a TA removed in the LMS loses them).
"""

from __future__ import annotations

import asyncio
import pwd
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import classhub
from tornado import web

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


def launch_hook(settings: LtiSettings) -> LaunchHook:
    """Authenticator.post_auth_hook: runs after ltiauthenticator verified the id_token (its claims are
    the auth_state); refuses with 403 before any hub user is created."""

    async def hook(authenticator: Any, handler: Any, auth_model: dict) -> dict:
        claims = auth_model.get("auth_state") or {}
        deployment = claims.get(DEPLOYMENT_CLAIM)
        if deployment not in settings.deployment_ids:
            authenticator.log.warning("LTI launch from unknown deployment %r refused", deployment)
            raise web.HTTPError(403, f"this hub is not deployed in the LMS as {deployment!r}")
        name = account_name(auth_model["name"])
        if name is None:
            authenticator.log.warning("LTI user %r has no usable account name", auth_model["name"])
            raise web.HTTPError(403, f"no local account name from the LMS's {settings.username_key!r} "
                                     f"(set {ENV}USERNAME_KEY)")
        if not await ensure_lms_account(name):
            authenticator.log.warning("LTI user %r would get the existing local account %r: refused",
                                      auth_model["name"], name)
            raise web.HTTPError(403, f"the local account {name!r} exists and is not an LMS user's")
        auth_model["name"] = name
        auth_model["groups"] = groups_for(claims.get(ROLES_CLAIM) or [])
        return auth_model

    return hook


def configure(c: Any, env: Mapping[str, str]) -> LtiSettings:
    """Switch the hub's login from PAM to LTI 1.3 (called by jupyterhub_config.py with os.environ)."""
    settings = LtiSettings.from_env(env)
    c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
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
