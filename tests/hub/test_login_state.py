"""The hub's login state without a hub: LMS bindings, used launches, the context check, the failure counter
of the login throttle and its place in front of any authenticator. tests/hub/test_lti.py and
tests/hub/test_login_throttle.py replay the attacks on a real hub."""

from __future__ import annotations

import asyncio
import json
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from tornado import web
from traitlets.config import Config

from tests.paths import REPO

sys.path.insert(0, str(REPO / "deploy" / "jupyterhub"))
import lti_config  # noqa: E402 (deploy/jupyterhub is not a package)
import throttle  # noqa: E402

ISS = "https://lms.example.edu"


def test_a_binding_survives_a_restart_and_a_name_has_one_owner(tmp_path: Path) -> None:
    path = tmp_path / "hub" / lti_config.BINDINGS_FILE
    bindings = lti_config.Bindings(path)
    bindings.bind(ISS, "sub-1", "ann-lee")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(ValueError, match="bound to another LMS identity"):
        bindings.bind(ISS, "sub-2", "ann-lee")
    again = lti_config.Bindings(path)  # the hub restarted
    assert again.name_of(ISS, "sub-1") == "ann-lee" and again.owner_of("ann-lee") == (ISS, "sub-1")
    assert again.name_of("https://other.example", "sub-1") is None  # the subject alone is not the identity
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_a_damaged_bindings_file_stops_the_hub_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / lti_config.BINDINGS_FILE
    for text in ("{not json", '{"bindings": [{"issuer": "x"}]}', "[]"):
        path.write_text(text)
        with pytest.raises(ValueError, match=f"{path}: not a file this hub wrote"):
            lti_config.Bindings(path)


def test_a_used_launch_is_refused_until_its_token_expires(tmp_path: Path) -> None:
    path = tmp_path / lti_config.USED_LAUNCHES_FILE
    used = lti_config.UsedLaunches(path)
    assert used.use({"nonce": "n1", "state": "s1"}, until=1000, now=0)
    assert not used.use({"nonce": "n1", "state": "s1"}, until=1000, now=10)  # replayed as it was
    assert not used.use({"nonce": "n2", "state": "s1"}, until=1000, now=10)  # the same state, another token
    assert not lti_config.UsedLaunches(path).use({"nonce": "n1", "state": "x"}, until=1000, now=20)  # restart
    assert "n1" not in path.read_text()  # digests only
    assert used.use({"nonce": "n1", "state": "s1"}, until=3000, now=1001)  # expired: forgotten
    assert len(json.loads(path.read_text())["used"]) == 2


def test_a_launch_is_remembered_as_long_as_the_library_accepts_its_token() -> None:
    margin = lti_config.CLOCK_MARGIN
    assert lti_config.remember_until({"iat": 100, "exp": 400}) == 400 + margin
    assert lti_config.remember_until({"iat": 100, "exp": 10**9}) == 100 + lti_config.MAX_TOKEN_AGE + margin


@pytest.mark.parametrize("context", ["GLOB-6: A Fair Globalization", ["course-42"], {"label": "GLOB-6"},
                                     {"id": "course-42", "title": {"en": "A Fair Globalization"}}])
def test_a_context_claim_of_another_shape_is_a_clear_refusal(context: object) -> None:
    with pytest.raises(lti_config.ValidationError, match="context claim"):
        lti_config.check_context({lti_config.CONTEXT_CLAIM: context})


def test_any_context_name_is_accepted_as_text() -> None:
    for label in ("GLOB 6/2025 (ü)", "", "../..", "a" * 500):
        lti_config.check_context({lti_config.CONTEXT_CLAIM: {"id": "c", "label": label, "title": label}})
    lti_config.check_context({})  # the claim is optional


class Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def warning(self, message: str, *args: object) -> None:
        self.lines.append(message % args)

    info = warning


def test_a_second_identity_never_gets_a_bound_name(tmp_path: Path) -> None:
    authenticator = SimpleNamespace(bindings=lti_config.Bindings(tmp_path / "b.json"), log=Log())
    handler = SimpleNamespace(find_user=lambda name: None)
    name = "mahub-nobody-has-this"  # no local account of that name on this machine
    first = {"iss": ISS, "sub": "instructor-7"}
    assert lti_config.account_for(authenticator, handler, first, f"{name}@uni.example", "email") == name
    assert lti_config.account_for(authenticator, handler, first, "renamed@uni.example", "email") == name
    with pytest.raises(web.HTTPError) as refused:
        lti_config.account_for(authenticator, handler, {"iss": ISS, "sub": "learner-9"},
                               f"{name}@students.example", "email")
    assert refused.value.status_code == 403 and "belongs to someone else" in refused.value.log_message
    with pytest.raises(web.HTTPError, match="no 'sub' claim"):
        lti_config.account_for(authenticator, handler, {"iss": ISS}, "x@uni.example", "email")
    for taken in ("root", "hubuser"):  # a local account, a hub user made by an administrator
        handler = SimpleNamespace(find_user=lambda name: name == "hubuser")
        with pytest.raises(web.HTTPError, match="belongs to someone else"):
            lti_config.account_for(authenticator, handler, {"iss": ISS, "sub": f"s-{taken}"},
                                   f"{taken}@lms.example", "email")
    assert lti_config.Bindings(tmp_path / "b.json").owner_of("root") is None


def test_failures_lock_a_key_out_for_the_lockout_then_it_may_try_again() -> None:
    counter = throttle.FailureCounter(max_failures=3, window=60, lockout=30)
    for t in (0, 1):
        counter.fail("name:ann", t)
    assert counter.locked_for("name:ann", 2) == 0
    counter.fail("name:ann", 2)
    assert counter.locked_for("name:ann", 3) == 29 and counter.locked_for("name:bob", 3) == 0
    assert counter.locked_for("name:ann", 33) == 0
    for t in (100, 200, 300):  # spread beyond the window: never three within 60 s
        counter.fail("name:slow", t)
    assert counter.locked_for("name:slow", 301) == 0


def test_the_throttle_fronts_any_authenticator_and_keeps_its_config() -> None:
    from jupyterhub.auth import DummyAuthenticator, PAMAuthenticator

    config = Config()
    config.LoginThrottle.max_failures = 2
    config.PAMAuthenticator.open_sessions = False
    pam = throttle.throttled("pam")(config=config)
    assert isinstance(pam, PAMAuthenticator) and pam.max_failures == 2 and pam.open_sessions is False
    assert throttle.throttled("jupyterhub.auth.DummyAuthenticator").__mro__[2] is DummyAuthenticator
    assert issubclass(throttle.throttled(lti_config.LmsAuthenticator), lti_config.LmsAuthenticator)
    assert throttle.throttled(throttle.throttled("pam")).__mro__[1] is throttle.LoginThrottle


def test_a_locked_name_is_refused_before_its_password_is_checked() -> None:
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator

    config = Config()
    config.LoginThrottle.max_failures = 2
    config.SharedPasswordAuthenticator.user_password = "right-password"
    config.Authenticator.allow_all = True
    auth = throttle.throttled(SharedPasswordAuthenticator)(config=config)
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip="10.0.0.9"))

    def login(name: str, password: str) -> dict | None:
        return asyncio.run(auth.get_authenticated_user(handler, {"username": name, "password": password}))

    assert login("ann", "wrong") is None and login("ann", "wrong") is None
    with pytest.raises(web.HTTPError) as refused:
        login("ann", "right-password")
    assert refused.value.status_code == 429 and "Too many failed logins" in refused.value.log_message
    with pytest.raises(web.HTTPError) as unknown:  # the same words for a name that is no account
        login("nobody", "wrong"), login("nobody", "wrong"), login("nobody", "x")
    assert unknown.value.log_message == refused.value.log_message
    assert login("bob", "right-password")["name"] == "bob"  # another name from the same address still logs in
