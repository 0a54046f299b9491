"""LMS login with LTI 1.3 on a real hub, the test playing the LMS on loopback.

The platform (LMS) has its own RSA key, serves its JWKS, and answers the hub's OpenID Connect
authentication request the way an LMS does for a logged-in user: with an auto-submitting form that
posts a signed id_token and the hub's state back to the hub. A requests.Session is the browser: it
starts at the hub's login initiation URL (as the LMS's launch link does), follows the redirect to the
platform, and posts the form. One hub (deploy/jupyterhub/jupyterhub_config.py with
MOBILIZING_HUB_LTI_* set, as the README tells an administrator) serves every case of this module.

An Instructor ends up in `instructors` and `graders`, a TeachingAssistant in `graders`, a Learner in `students`;
each gets a local account made for LMS users at the first launch, and the Learner starts their own
server with the student role. A token signed by another key, for another audience, expired, or from
another deployment is refused before any hub user or account exists, and so is an LMS user whose name
is an existing local account (root).

The attacks of issue #22 replayed: a learner whose e-mail local part is an instructor's account name
(H3), before or after the instructor's first launch; a launch posted again with the captured cookies; a
context claim of another shape. Each gets a clear refusal page and nothing of anyone else's.
"""

from __future__ import annotations

import html
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import pytest

from tests.support.hub import (
    ClassHub,
    HubUser,
    _free_port,
    _hub_answers,
    _require_hub,
    _stop,
    _wait,
    classhub,
    exclusive,
    remove_users,
    root_ports,
    run_as,
)

pytestmark = [pytest.mark.hub, pytest.mark.timeout(420)]

CLIENT_ID = "10000000000042"         # what the LMS shows after the tool is registered
DEPLOYMENT_ID = "1:course-mobilizing"  # the tool's installation in one LMS course
OTHER_DEPLOYMENT_ID = "7:another-course"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TA_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
# The LMS e-mails' local parts become the local accounts (lti_config.account_name).
INSTRUCTOR, TA, LEARNER, REFUSED = "mahub_lti_inst", "mahub_lti_ta", "mahub_lti_stu", "mahub_lti_bad"
SQUATTED = "mahub_lti_dean"  # an instructor's e-mail local part, taken by a learner who launches first
LTI_USERS = (INSTRUCTOR, TA, LEARNER, REFUSED, SQUATTED)
LTI_COURSE_ACCOUNT = "mahub_grader6"  # this hub's own course account (the grading service needs one)
LOCK_FILE = Path(tempfile.gettempdir()) / "mobilizing-hub-lti-tests.lock"  # runs share the users' names


@dataclass
class Launch:
    """One LMS user clicking the tool's link, and what their LMS puts into the id_token."""

    user: str
    roles: list[str]
    audience: str = CLIENT_ID
    deployment_id: str = DEPLOYMENT_ID
    expires_in: int = 300
    key: str = "platform"  # or "stranger": a key the platform's JWKS does not have
    subject: str = ""  # the LMS's user id (`sub`), default lms-user-<user>
    email: str = ""  # default <user>@lms.example.edu
    context: object = field(default_factory=lambda: {"id": "course-42", "label": "GLOB-6",
                                                     "title": "A Fair Globalization"})


LAUNCHES = {
    "instructor": Launch(INSTRUCTOR, [INSTRUCTOR_ROLE]),
    "ta": Launch(TA, [TA_ROLE, INSTRUCTOR_ROLE]),
    "learner": Launch(LEARNER, [LEARNER_ROLE]),
    "bad-signature": Launch(REFUSED, [INSTRUCTOR_ROLE], key="stranger"),
    "wrong-audience": Launch(REFUSED, [INSTRUCTOR_ROLE], audience="some-other-tool"),
    "expired": Launch(REFUSED, [INSTRUCTOR_ROLE], expires_in=-60),
    "other-deployment": Launch(REFUSED, [INSTRUCTOR_ROLE], deployment_id=OTHER_DEPLOYMENT_ID),
    "existing-account": Launch("root", [INSTRUCTOR_ROLE]),  # root@lms.example.edu must not become root
    # H3: another LMS user (a learner of another school) whose e-mail's local part is the instructor's name
    "colliding-learner": Launch(INSTRUCTOR, [LEARNER_ROLE], subject="lms-user-intruder",
                                email=f"{INSTRUCTOR}@students.example.org"),
    # H3, launching first: the learner takes the name that the instructor's e-mail will give
    "squatting-learner": Launch(SQUATTED, [LEARNER_ROLE], subject="lms-user-squatter",
                                email=f"{SQUATTED}@students.example.org"),
    "squatted-instructor": Launch(SQUATTED, [INSTRUCTOR_ROLE], subject="lms-user-dean"),
    # A course whose context claim is not an object (a bare course name): no group, no 500
    "odd-context": Launch(REFUSED, [LEARNER_ROLE], context="GLOB-6: A Fair Globalization / 2025"),
}


class Platform:
    """The LMS on loopback: signing key, JWKS, and the OIDC authorize endpoint (form_post)."""

    kid = "mobilizing-test-platform-1"

    def __init__(self) -> None:
        import jwt
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.keys = {"platform": rsa.generate_private_key(public_exponent=65537, key_size=2048),
                     "stranger": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys["platform"].public_key()))
        self.jwks = {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}
        # Registered in the LMS (README): the hub's LTI callback and the launch link's target, once the hub's
        # port is known.
        self.redirect_uri = self.target_link_uri = ""
        self.requests: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def authorize_url(self) -> str:
        return self.issuer + "/lti/authorize"

    @property
    def jwks_url(self) -> str:
        return self.issuer + "/lti/jwks"

    def id_token(self, launch: Launch, nonce: str, target_link_uri: str) -> str:
        """The LTI 1.3 resource link launch an LMS signs (IMS LTI 1.3, 5.3 and 5.4)."""
        import jwt

        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": launch.audience, "sub": launch.subject or f"lms-user-{launch.user}",
            "iat": now, "exp": now + launch.expires_in, "nonce": nonce,
            "email": launch.email or f"{launch.user}@lms.example.edu", "name": launch.user,
            CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": launch.deployment_id, CLAIM + "target_link_uri": target_link_uri,
            CLAIM + "roles": launch.roles,
            CLAIM + "resource_link": {"id": "mobilizing-action-link", "title": "Mobilizing Action"},
            CLAIM + "context": launch.context,
        }
        return jwt.encode(claims, self.keys[launch.key], algorithm="RS256", headers={"kid": self.kid})

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """Check the hub's authentication request as an LMS does, then answer with the form_post page."""
        self.requests.append(query)
        expected = {"response_type": "id_token", "scope": "openid", "response_mode": "form_post",
                    "prompt": "none", "client_id": CLIENT_ID, "redirect_uri": self.redirect_uri}
        wrong = {k: query.get(k) for k, v in expected.items() if query.get(k) != v}
        launch = LAUNCHES.get(query.get("login_hint", ""))
        if wrong or launch is None or not query.get("nonce") or not query.get("state"):
            return 400, f"invalid authentication request: {wrong or query}"
        token = self.id_token(launch, query["nonce"], self.target_link_uri)
        fields = "".join(f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                         for name, value in (("id_token", token), ("state", query["state"])))
        return 200, (f'<form method="post" action="{html.escape(query["redirect_uri"])}">{fields}</form>'
                     "<script>document.forms[0].submit()</script>")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/lti/jwks":
                    status, body, kind = 200, json.dumps(platform.jwks), "application/json"
                elif url.path == "/lti/authorize":
                    status, body = platform.authorize(dict(parse_qsl(url.query)))
                    kind = "text/html"
                else:
                    status, body, kind = 404, "not found", "text/plain"
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the platform's requests are in Platform.requests

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class LtiHub:
    hub: ClassHub
    platform: Platform
    launched: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.hub.url


@pytest.fixture(scope="module")
def lti_hub() -> Iterator[LtiHub]:
    """The class hub with LTI 1.3 login against the test's platform (no local users beforehand)."""
    _require_hub()
    with exclusive(LOCK_FILE):
        remove_users(LTI_USERS)  # an earlier run's accounts, homes and processes go
        platform = Platform()
        runtime = Path(tempfile.mkdtemp(prefix="mobilizing-hub-lti-"))
        settings = classhub.HubSettings(runtime=runtime, port=_free_port(), **root_ports(),
                                        exchange=runtime / "exchange", course_account=LTI_COURSE_ACCOUNT)
        classhub.open_path_for_users(classhub.needed_paths())
        token = classhub.prepare_runtime(settings)
        remove_users((LTI_COURSE_ACCOUNT,))
        classhub.ensure_course_account(settings)  # `make hub` creates it before the hub starts
        env = classhub.hub_environment(settings, token)
        # Exactly the variables the README's "Logging in from the LMS" lists.
        env.update({"MOBILIZING_HUB_LTI_ISSUER": platform.issuer, "MOBILIZING_HUB_LTI_CLIENT_ID": CLIENT_ID,
                    "MOBILIZING_HUB_LTI_DEPLOYMENT_ID": DEPLOYMENT_ID,
                    "MOBILIZING_HUB_LTI_AUTHORIZE_URL": platform.authorize_url,
                    "MOBILIZING_HUB_LTI_JWKS_URL": platform.jwks_url})
        env.pop("MOBILIZING_HUB_CREATE_USERS", None)  # LTI mode turns it on by itself
        log = settings.private / "jupyterhub.log"
        with log.open("w") as out:
            proc = subprocess.Popen([str(classhub.VENV_BIN / "jupyterhub"), "-f", str(classhub.CONFIG_FILE)],
                                    cwd=settings.private, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        hub = ClassHub(settings, token, proc, log, {name: HubUser(name, "") for name in LTI_USERS})
        platform.redirect_uri = f"{settings.url}/hub/lti13/oauth_callback"
        platform.target_link_uri = f"{settings.url}/hub/"
        try:
            _wait(lambda: _hub_answers(settings.url), 90, "the LTI hub answering", proc=proc, log=log)
            yield LtiHub(hub, platform)
        finally:
            _stop(hub, (*LTI_USERS, LTI_COURSE_ACCOUNT))  # never the session hub's accounts
            platform.close()
            if os.environ.get("MOBILIZING_HUB_KEEP") != "1":  # keep users and state to debug a failure
                remove_users((*LTI_USERS, LTI_COURSE_ACCOUNT))
                shutil.rmtree(runtime, ignore_errors=True)


def launch(lti: LtiHub, login_hint: str, method: str = "POST"):
    """The browser's part: the LMS's launch link (OIDC login initiation at the hub), the redirect to the
    platform, then the platform's auto-submitted form to the hub. Returns (session, the hub's answer)."""
    session, action, fields = start_launch(lti, login_hint, method)
    answer = session.post(action, data=fields, allow_redirects=False, timeout=60)
    lti.launched.append(login_hint)
    return session, answer


def start_launch(lti: LtiHub, login_hint: str, method: str = "POST"):
    """The launch up to the platform's form: (session with the hub's state cookies, form action, fields)."""
    import requests

    session = requests.Session()
    initiation = {"iss": lti.platform.issuer, "login_hint": login_hint, "target_link_uri": lti.platform.target_link_uri,
                  "lti_message_hint": f"link-{login_hint}", "client_id": CLIENT_ID,
                  "lti_deployment_id": DEPLOYMENT_ID}
    login_url = f"{lti.url}/hub/lti13/oauth_login"
    if method == "POST":
        page = session.post(login_url, data=initiation, timeout=60)
    else:
        page = session.get(login_url, params=initiation, timeout=60)
    assert page.status_code == 200 and page.url.startswith(lti.platform.authorize_url), \
        f"login initiation did not reach the platform: {page.status_code} {page.url} {page.text[:300]}"
    asked = lti.platform.requests[-1]
    assert asked["login_hint"] == login_hint and asked["lti_message_hint"] == f"link-{login_hint}", asked
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    fields = {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page.text)}
    assert action and set(fields) == {"id_token", "state"}, page.text[:500]
    return session, html.unescape(action.group(1)), fields


def hub_user(lti: LtiHub, name: str) -> dict | None:
    response = lti.hub.hub_api("GET", f"/users/{name}")
    assert response.status_code in (200, 404), f"{name}: {response.status_code} {response.text[:300]}"
    return response.json() if response.status_code == 200 else None


def assert_logged_in(lti: LtiHub, session, answer, name: str) -> dict:
    assert answer.status_code == 302, f"launch of {name}: {answer.status_code} {answer.text[:500]}\n" \
                                      f"{lti.hub.log_tail()}"
    assert answer.headers["Location"] == "/hub/", answer.headers  # the target link URI, path only
    assert session.cookies.get("jupyterhub-hub-login"), f"no hub login cookie for {name}"
    home = session.get(f"{lti.url}/hub/home", timeout=60)
    assert home.status_code == 200 and name in home.text, f"{name}'s home page: {home.status_code}"
    # Why the README says to open the tool in a new tab: the hub's pages cannot be framed by the LMS.
    assert "frame-ancestors 'none'" in home.headers.get("Content-Security-Policy", ""), home.headers
    model = hub_user(lti, name)
    assert model is not None, f"no hub user {name} after the launch"
    from lti_config import LMS_ACCOUNT  # deploy/jupyterhub, on sys.path through tests.hub.conftest

    entry = pwd.getpwnam(name)  # made at the launch: no password, home 0700, marked as an LMS user's
    assert entry.pw_gecos == LMS_ACCOUNT and Path(entry.pw_dir).stat().st_mode & 0o777 == 0o700
    return model


@pytest.mark.parametrize(("who", "groups"), [("instructor", ["graders", "instructors"]), ("ta", ["graders"])])
def test_an_lms_instructor_teaches_and_grades_a_ta_grades(lti_hub: LtiHub, who: str, groups: list[str]) -> None:
    name = LAUNCHES[who].user
    session, answer = launch(lti_hub, who)
    model = assert_logged_in(lti_hub, session, answer, name)
    assert sorted(model["groups"]) == groups, model["groups"]
    assert not model["admin"]


def test_an_lms_learner_is_a_student_with_their_own_server(lti_hub: LtiHub) -> None:
    session, answer = launch(lti_hub, "learner", method="GET")  # LMSs may initiate with GET or POST
    model = assert_logged_in(lti_hub, session, answer, LEARNER)
    assert model["groups"] == ["students"] and not model["admin"]
    # The browser's way on from the target link URI (/hub/): to the spawn page, which starts their server.
    onward = session.get(f"{lti_hub.url}/hub/", allow_redirects=False, timeout=30)
    assert onward.status_code == 302 and onward.headers["Location"] == "/hub/spawn", onward.headers
    spawn = session.get(f"{lti_hub.url}/hub/spawn", allow_redirects=False, timeout=60)
    assert spawn.status_code == 302 and LEARNER in spawn.headers["Location"], f"{spawn.status_code} {spawn.headers}"

    def ready() -> dict | None:
        server = hub_user(lti_hub, LEARNER)["servers"].get("", {})
        if server.get("state", {}).get("pid"):
            lti_hub.hub.server_pids[LEARNER] = server["state"]["pid"]
        return server if server.get("ready") else None

    _wait(ready, 180, f"{LEARNER}'s server ready", hub=lti_hub.hub, proc=lti_hub.hub.proc, log=lti_hub.hub.log)
    # A token of the student's own (made with their LMS login) for their server's API.
    created = session.post(f"{lti_hub.url}/hub/api/users/{LEARNER}/tokens", json={"expires_in": 600},
                           headers={"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/")}, timeout=30)
    assert created.status_code == 201, f"{created.status_code} {created.text[:300]}"
    lti_hub.hub.users[LEARNER].token = created.json()["token"]
    server_uid = Path(f"/proc/{lti_hub.hub.server_pids[LEARNER]}").stat().st_uid
    assert server_uid == pwd.getpwnam(LEARNER).pw_uid
    assert lti_hub.hub.server(LEARNER, "GET", "api/status").status_code == 200
    lessons = lti_hub.hub.server(LEARNER, "GET", f"api/contents/{classhub.LESSONS_SUBDIR}").json()
    assert "00_overview.ipynb" in {item["name"] for item in lessons["content"]}
    formgrader = lti_hub.hub.server(LEARNER, "GET", "formgrader")
    assert formgrader.status_code == 404, f"formgrader on an LMS learner's server: {formgrader.status_code}"


@pytest.mark.parametrize(("case", "status", "reason"), [
    ("bad-signature", 400, "Signature verification failed"),
    ("wrong-audience", 401, "Audience doesn't match"),
    ("expired", 400, "Signature has expired"),
    ("other-deployment", 403, "not deployed in the LMS as '7:another-course'"),
    ("existing-account", 403, "the account 'root' belongs to someone else"),
    ("odd-context", 400, "the LMS's context claim (the course) is not an object with an id"),
])
def test_a_forged_or_stale_launch_is_refused(lti_hub: LtiHub, case: str, status: int, reason: str) -> None:
    session, answer = launch(lti_hub, case)
    assert answer.status_code == status, f"{case}: {answer.status_code} {answer.text[:500]}"
    assert reason in html.unescape(answer.text), f"{case}: refused for another reason: {answer.text[:3000]}"
    assert not session.cookies.get("jupyterhub-hub-login"), f"{case}: a login cookie was set"
    name = LAUNCHES[case].user
    assert hub_user(lti_hub, name) is None, f"{case}: the hub created the user {name}"
    assert classhub.user_exists(name) is (name == "root"), f"{case}: local account {name}"


def assert_refused_for(lti: LtiHub, session, answer, owner: str, status: int = 403) -> None:
    """The launch got a refusal page saying why, no hub login, and so nothing of `owner`'s."""
    assert answer.status_code == status, f"{answer.status_code} {answer.text[:500]}\n{lti.hub.log_tail()}"
    page = html.unescape(answer.text)
    assert f"the account '{owner}' belongs to someone else" in page, page[:3000]
    assert not session.cookies.get("jupyterhub-hub-login"), "a refused launch got a hub login cookie"
    home = session.get(f"{lti.url}/hub/home", allow_redirects=False, timeout=60)
    assert home.status_code == 302 and "/hub/login" in home.headers["Location"], home.status_code
    server = session.get(f"{lti.url}/user/{owner}/api/status", allow_redirects=False, timeout=60)
    assert server.status_code in (302, 403, 404, 503) and "version" not in server.text, server.text[:300]


def test_a_learner_with_the_instructors_email_local_part_is_refused(lti_hub: LtiHub) -> None:
    """H3: the instructor is bound to their account at their launch; another LMS user whose e-mail's local
    part is the same name gets a refusal page, never the instructor's hub user, groups or home."""
    session, answer = launch(lti_hub, "instructor")
    assert_logged_in(lti_hub, session, answer, INSTRUCTOR)
    home = pwd.getpwnam(INSTRUCTOR).pw_dir
    session, answer = launch(lti_hub, "colliding-learner")
    assert_refused_for(lti_hub, session, answer, INSTRUCTOR)
    model = hub_user(lti_hub, INSTRUCTOR)
    assert sorted(model["groups"]) == ["graders", "instructors"], model["groups"]  # not reset to students
    assert pwd.getpwnam(INSTRUCTOR).pw_dir == home
    session, answer = launch(lti_hub, "instructor")  # the instructor still gets in
    assert_logged_in(lti_hub, session, answer, INSTRUCTOR)


def test_a_learner_who_launches_first_never_receives_the_instructor(lti_hub: LtiHub) -> None:
    """H3, the other order: the learner's launch takes the name the instructor's e-mail gives and plants an
    IPython start-up file in that home; the instructor's launch is refused, so the instructor's browser
    never logs in there and no server with the instructor's token runs the file."""
    session, answer = launch(lti_hub, "squatting-learner")
    assert_logged_in(lti_hub, session, answer, SQUATTED)
    plant = ("import pathlib; d = pathlib.Path.home() / '.ipython/profile_default/startup'; "
             "d.mkdir(parents=True); (d / '00-x.py').write_text('import os; "
             "open(\"/tmp/leak\", \"w\").write(os.environ[\"JUPYTERHUB_API_TOKEN\"])')")
    planted = run_as(SQUATTED, [str(classhub.VENV_BIN / "python"), "-c", plant])
    assert planted.returncode == 0, planted.stderr
    session, answer = launch(lti_hub, "squatted-instructor")
    assert_refused_for(lti_hub, session, answer, SQUATTED)
    assert hub_user(lti_hub, SQUATTED)["groups"] == ["students"]  # the instructor's role never reached it
    session, answer = launch(lti_hub, "squatting-learner")  # the learner keeps their own account
    assert_logged_in(lti_hub, session, answer, SQUATTED)


def test_a_replayed_launch_is_refused(lti_hub: LtiHub) -> None:
    """The launch's form (id_token and state) posted again, with the browser's cookies captured before the
    first post (what ltiauthenticator checks the nonce and state against), or without them."""
    import requests

    session, action, fields = start_launch(lti_hub, "learner")
    captured = session.cookies.copy()
    first = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert_logged_in(lti_hub, session, first, LEARNER)
    thief = requests.Session()
    thief.cookies.update(captured)
    replay = thief.post(action, data=fields, allow_redirects=False, timeout=60)
    assert replay.status_code == 403, f"replayed launch: {replay.status_code} {replay.text[:300]}"
    assert "this LMS launch was already used" in html.unescape(replay.text), replay.text[:3000]
    assert not thief.cookies.get("jupyterhub-hub-login"), "the replayed launch logged in"
    bare = requests.post(action, data=fields, allow_redirects=False, timeout=60)
    assert bare.status_code == 400 and not bare.cookies.get("jupyterhub-hub-login"), bare.status_code


def test_half_a_registration_does_not_start(tmp_path: Path) -> None:
    """The README's promise: with the issuer but not the rest, the hub stops at its configuration
    instead of starting with PAM or an LTI login that accepts any deployment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOBILIZING_HUB_")}
    env.update({"MOBILIZING_HUB_RUNTIME": str(tmp_path), "MOBILIZING_HUB_LTI_ISSUER": "https://lms.example.edu",
                "MOBILIZING_HUB_LTI_CLIENT_ID": CLIENT_ID})
    result = subprocess.run([str(classhub.VENV_BIN / "jupyterhub"), "-f", str(classhub.CONFIG_FILE), "--show-config"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0, result.stdout[-1000:]
    assert ("LTI 1.3 login needs MOBILIZING_HUB_LTI_DEPLOYMENT_ID, MOBILIZING_HUB_LTI_AUTHORIZE_URL, "
            "MOBILIZING_HUB_LTI_JWKS_URL") in result.stderr + result.stdout
