"""A real class hub for the tests: JupyterHub on free loopback ports, real local users (root).

One hub per test session: `mahub_inst` (instructor), `mahub_ta` (teaching assistant, in `graders`),
`mahub_stu1` and `mahub_stu2` (students), `mahub_out` (a hub user in no group, added by the admin API)
and the course account `mahub_grader` (owns the course, runs the grading service) are created fresh
(an earlier run's users and homes are removed first); each person logs in through the hub's login
form, and the instructor's and students' servers are started once. At the end every server is
stopped, the hub is stopped, and any process of the test accounts or the hub still alive is ended
by its id.

Runs when root and the `hub` extra + proxy are installed (`make test` and `make test-hub` install them);
with CI=true or MOBILIZING_HUB_TESTS=1 (set by `make test-hub`) a missing piece fails instead of skipping.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.paths import REPO
from tests.support.servers import CHROMIUM, CHROMIUM_ARGS, require_chromium

sys.path.insert(0, str(REPO / "deploy" / "jupyterhub"))
import classhub  # noqa: E402 (deploy/jupyterhub is not a package)

INSTRUCTOR = "mahub_inst"
TA = "mahub_ta"
STUDENTS = ("mahub_stu1", "mahub_stu2")
OUTSIDER = "mahub_out"  # logs in to the hub, in no group
COURSE_ACCOUNT = "mahub_grader"
PULSE_ACCOUNT = "mahub_pulse"  # the class pulse's system user (the hub's config creates it)
SERVERS = (INSTRUCTOR, *STUDENTS)  # whose own servers the session starts (the TA grades in the service only)
ACCOUNTS = (INSTRUCTOR, TA, *STUDENTS, OUTSIDER, COURSE_ACCOUNT, PULSE_ACCOUNT)
COURSE_ID = classhub.DEFAULT_COURSE_ID
GRADING = f"/services/{classhub.DEFAULT_COURSE_ID}"  # the grading service's prefix (its name is the course id)
LOCK_FILE = Path(tempfile.gettempdir()) / "mobilizing-hub-tests.lock"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hub: starts a real JupyterHub with local users (root)")


def _require_hub() -> None:
    problems = classhub.check_ready()
    if not problems:
        return
    reason = "class hub tests: " + "; ".join(problems)
    if os.environ.get("MOBILIZING_HUB_TESTS") == "1" or os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)  # under CI (root, hub installed by `make test`) these tests must run
    pytest.skip(reason + " (`make test-hub` installs and runs them)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_root_port() -> int:
    """A free loopback port below 1024 (root only binds those: the hub's and the services' internal ports)."""
    import random

    for port in random.sample(range(600, 1000), 400):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port below 1000")


def root_ports() -> dict[str, int]:
    """HubSettings' internal ports, each a free one below 1024."""
    return {"hub_port": free_root_port(), "pulse_port": free_root_port(), "grading_port": free_root_port()}


def user_pids(names: tuple[str, ...]) -> list[int]:
    """Processes owned by the given (test) users, from /proc."""
    uids = {pwd.getpwnam(n).pw_uid for n in names if classhub.user_exists(n)}
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                continue
    return pids


def kill_pids(pids: list[int], grace: float = 10) -> list[int]:
    """SIGTERM, then SIGKILL what is left after `grace` seconds; returns the pids that needed it."""
    alive = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
            alive.append(pid)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
        time.sleep(0.2)
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return alive


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


def remove_users(names: tuple[str, ...]) -> None:
    kill_pids(user_pids(names), grace=5)
    for name in names:
        if classhub.user_exists(name):
            subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
    # userdel keeps a user's own group while others are in it (the grading team is in the course account's group,
    # classhub.sync_staff_group); left behind, it makes the next run's useradd --user-group fail.
    for name in names:
        subprocess.run(["groupdel", name], check=False, capture_output=True)


def run_as(name: str, command: list[str], env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a command as a local user (uid, gid and groups dropped), from their home."""
    entry = pwd.getpwnam(name)
    base = {"HOME": entry.pw_dir, "USER": name, "LOGNAME": name, "PATH": f"{classhub.VENV_BIN}:/usr/bin:/bin"}
    return subprocess.run(command, user=entry.pw_uid, group=entry.pw_gid,
                          extra_groups=os.getgrouplist(name, entry.pw_gid), cwd=entry.pw_dir,
                          env={**base, **(env or {})}, capture_output=True, text=True, timeout=timeout)


@dataclass
class HubUser:
    name: str
    password: str
    session: object = None  # requests.Session logged in through the hub's login form
    token: str = ""         # an API token the user created for themselves

    @property
    def home(self) -> Path:
        return Path(pwd.getpwnam(self.name).pw_dir)


@dataclass
class ClassHub:
    settings: classhub.HubSettings
    admin_token: str
    proc: subprocess.Popen
    log: Path
    users: dict[str, HubUser] = field(default_factory=dict)
    server_pids: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.settings.url

    def hub_api(self, method: str, path: str, token: str | None = None, **kwargs):
        import requests

        headers = {"Authorization": f"token {token or self.admin_token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs)

    def server(self, owner: str, method: str, path: str, as_user: str | None = None, **kwargs):
        """A request to `owner`'s server with the token of `as_user` (default: the owner)."""
        return self.request(as_user or owner, method, f"/user/{owner}/{path.lstrip('/')}", **kwargs)

    def grading(self, as_user: str, method: str, path: str, **kwargs):
        """A request to the course's grading service with `as_user`'s token."""
        return self.request(as_user, method, f"{GRADING}/{path.lstrip('/')}", **kwargs)

    def request(self, as_user: str, method: str, path: str, **kwargs):
        import requests

        headers = {"Authorization": f"token {self.users[as_user].token}"}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=120, allow_redirects=False,
                                **kwargs)

    @property
    def course(self) -> Path:
        """The one course directory, in the course account's home."""
        return classhub.course_home(self.settings) / classhub.COURSE_SUBDIR

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def login(url: str, user: HubUser) -> None:
    """Log in through the hub's HTML login form (with its XSRF field), then create an API token."""
    import requests

    session = requests.Session()
    page = session.get(f"{url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    assert xsrf, f"no _xsrf field in the login form: {page.text[:500]}"
    response = session.post(f"{url}/hub/login", data={"username": user.name, "password": user.password,
                                                      "_xsrf": xsrf.group(1)}, allow_redirects=False, timeout=60)
    assert response.status_code == 302, f"login of {user.name} failed: {response.status_code} {response.text[:300]}"
    assert session.cookies.get("jupyterhub-hub-login"), f"no hub login cookie for {user.name}"
    created = session.post(f"{url}/hub/api/users/{user.name}/tokens", json={"note": "hub test", "expires_in": 3600},
                           headers={"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/")}, timeout=30)
    assert created.status_code == 201, f"{user.name} could not create a token: {created.status_code} {created.text}"
    user.session, user.token = session, created.json()["token"]


def _wait(condition, timeout: float, what: str, hub: ClassHub | None = None, proc: subprocess.Popen | None = None,
          log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the hub exited with {proc.returncode} while waiting for {what}:\n"
                               f"{log.read_text(errors='replace')[-4000:] if log else ''}")
        result = condition()
        if result:
            return result
        time.sleep(0.5)  # polling interval for the hub's own state, not a fixed wait
    raise TimeoutError(f"{what} not within {timeout:.0f}s\n{hub.log_tail() if hub else ''}")


def _hub_answers(url: str) -> bool:
    import requests

    try:
        return requests.get(f"{url}/hub/api/", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _start_servers(hub: ClassHub) -> None:
    names = list(SERVERS)
    for name in names:
        response = hub.hub_api("POST", f"/users/{name}/server")
        assert response.status_code in (201, 202), f"start {name}: {response.status_code} {response.text}"

    def ready() -> bool:
        for name in names:
            model = hub.hub_api("GET", f"/users/{name}").json()
            server = model.get("servers", {}).get("", {})
            if server.get("state", {}).get("pid"):
                hub.server_pids[name] = server["state"]["pid"]
            if not server.get("ready"):
                return False
        return True

    _wait(ready, 180, "every user's server ready", hub=hub, proc=hub.proc, log=hub.log)


def _stop(hub: ClassHub, accounts: tuple[str, ...] = ACCOUNTS) -> None:
    """Stop servers through the API, the hub by SIGTERM (it stops the proxy), then by id anything left of
    this hub or of `accounts` (another hub's test passes its own, never the session hub's)."""
    for name in SERVERS:
        with contextlib.suppress(Exception):  # teardown goes on
            hub.hub_api("DELETE", f"/users/{name}/server")
    proxy_pid_file = hub.settings.proxy_pid_file
    proxy_pid = int(proxy_pid_file.read_text()) if proxy_pid_file.is_file() else None
    if hub.proc.poll() is None:
        hub.proc.send_signal(signal.SIGTERM)
        try:
            hub.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hub.proc.kill()
            hub.proc.wait()
    leftovers = [pid for pid in [proxy_pid, *hub.server_pids.values()] if pid and Path(f"/proc/{pid}").exists()]
    kill_pids(leftovers + user_pids(accounts), grace=5)


@contextlib.contextmanager
def exclusive(path: Path, timeout: float = 300) -> Iterator[None]:
    """One test run at a time on this machine for what `path` locks (hub tests share fixed user names)."""
    with open(path, "w") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another hub test run holds {path} for more than {timeout:.0f}s")
                time.sleep(1)
        yield


JUPYTERHUB5_HEAD = "4621fec11365"  # the last schema revision of JupyterHub 5 (5.0 to 5.5)


def jupyterhub_revision(db: Path) -> str:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def jupyterhub5_database(db: Path, user: str) -> None:
    """A hub database as JupyterHub 5 left it, holding `user`: made with JupyterHub 6's own migrations,
    taken back to JupyterHub 5's last schema revision (the tables and columns JupyterHub 5.5 creates)."""
    from jupyterhub import dbutil, orm

    url = f"sqlite:///{db}"
    session = orm.new_session_factory(url)()
    session.add(orm.User(name=user))
    session.commit()
    session.close()
    ini = db.with_name("alembic.ini")
    dbutil.write_alembic_ini(str(ini), url)
    result = subprocess.run([str(classhub.VENV_BIN / "alembic"), "-c", str(ini), "downgrade", JUPYTERHUB5_HEAD],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    ini.unlink()
    assert jupyterhub_revision(db) == JUPYTERHUB5_HEAD


def start_hub_process(settings: classhub.HubSettings, token: str, log: Path) -> subprocess.Popen:
    """`jupyterhub -f deploy/jupyterhub/jupyterhub_config.py` as `make hub` runs it, its output appended to `log`."""
    with log.open("a") as out:
        return subprocess.Popen([str(classhub.VENV_BIN / "jupyterhub"), "-f", str(classhub.CONFIG_FILE)],
                                cwd=settings.private, env=classhub.hub_environment(settings, token), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def restart_hub(hub: ClassHub, while_down: Callable[[], None] | None = None) -> None:
    """Stop the hub as an administrator would (SIGTERM), run `while_down`, start it again, wait until it answers."""
    hub.proc.send_signal(signal.SIGTERM)
    hub.proc.wait(timeout=60)
    if while_down:
        while_down()
    hub.proc = start_hub_process(hub.settings, hub.admin_token, hub.log)
    _wait(lambda: _hub_answers(hub.url), 240, "the restarted hub answering", proc=hub.proc, log=hub.log)


@pytest.fixture(scope="session")
def class_hub() -> Iterator[ClassHub]:
    """The running class hub: everyone logged in, the instructor's and students' servers and the grading
    service up."""
    _require_hub()
    # One hub test run at a time on a machine: runs share the test users' names. Held to the session's end.
    lock = contextlib.ExitStack()
    lock.enter_context(exclusive(LOCK_FILE))
    remove_users(ACCOUNTS)  # a fresh class: an earlier run's users, homes and processes go
    runtime = Path(tempfile.mkdtemp(prefix="mobilizing-hub-"))
    runtime.chmod(0o755)
    settings = classhub.HubSettings(runtime=runtime, port=_free_port(), **root_ports(),
                                    instructors=(INSTRUCTOR,), students=STUDENTS,
                                    course_id=COURSE_ID, exchange=runtime / "exchange",
                                    graders=(TA,), course_account=COURSE_ACCOUNT, pulse_account=PULSE_ACCOUNT)
    classhub.open_path_for_users(classhub.needed_paths())
    token = classhub.prepare_runtime(settings)
    # The class was set up under JupyterHub 5: the hub upgrades its database at start (test_hub_upgrade.py),
    # and every hub test then runs on the upgraded database.
    jupyterhub5_database(settings.private / "jupyterhub.sqlite", INSTRUCTOR)
    passwords = classhub.ensure_users(settings)
    passwords[OUTSIDER] = "out-" + os.urandom(6).hex()
    classhub.ensure_user(OUTSIDER, passwords[OUTSIDER])
    classhub.ensure_course_account(settings)
    classhub.prepare_course_exchange(settings)  # as `make hub` does: the course's exchange folder, before students
    log = settings.private / "jupyterhub.log"
    proc = start_hub_process(settings, token, log)
    hub = ClassHub(settings, token, proc, log, {n: HubUser(n, passwords[n]) for n in passwords})
    try:
        _wait(lambda: _hub_answers(settings.url), 240, "the hub answering", proc=proc, log=log)
        # Someone the hub lets in who is in no group (an admin added them later, e.g. an observer).
        added = hub.hub_api("POST", f"/users/{OUTSIDER}")
        assert added.status_code == 201, f"add {OUTSIDER}: {added.status_code} {added.text}"
        for user in hub.users.values():
            login(settings.url, user)
        _start_servers(hub)
        _wait(lambda: hub.grading(INSTRUCTOR, "GET", "api/status").status_code == 200, 120,
              "the grading service answering", hub=hub, proc=proc, log=log)
        yield hub
    finally:
        _stop(hub)
        keep = os.environ.get("MOBILIZING_HUB_KEEP") == "1"  # keep users and state to debug a failure
        if not keep:
            remove_users(ACCOUNTS)
            shutil.rmtree(runtime, ignore_errors=True)
        lock.close()


ASSIGNMENT = "review6"


def answer_text(student: str) -> str:
    return (f"Answer by {student}: follow-up works at two levels, international and national, "
            f"with a globalization policy forum (marker {student}-q1).")


def _ok(response, what: str) -> dict | list:
    assert response.status_code == 200, f"{what}: {response.status_code} {response.text[:500]}"
    data = response.json()
    if isinstance(data, dict) and "success" in data:
        assert data["success"], f"{what}: {json.dumps(data)[:1500]}"
    return data


def assignments(hub: ClassHub, student: str) -> list[dict]:
    data = _ok(hub.server(student, "GET", f"assignments?course_id={COURSE_ID}"), f"{student} lists assignments")
    return data["value"]


def _course_tools(hub: ClassHub, *args: str) -> str:
    """`course-tools` as the course account, as a grader runs it in the grading service's terminal."""
    result = run_as(COURSE_ACCOUNT, [str(classhub.VENV_BIN / "course-tools"), *args, "--course", str(hub.course)],
                    env=classhub.course_environment(hub.settings, "grader"))  # the grading service's content
    assert result.returncode == 0, f"course-tools {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass
class RoundTrip:
    released: dict
    fetched: dict[str, list[dict]] = field(default_factory=dict)
    submitted: dict[str, list[dict]] = field(default_factory=dict)
    collected_students: list[str] = field(default_factory=list)
    autograde_output: str = ""
    feedback_html: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="session")
def round_trip(class_hub: ClassHub) -> RoundTrip:
    """Release Review #6, each student fetches, answers and submits, the instructor collects,
    grades and returns feedback, each student fetches it. The instructor works in the grading service's
    formgrader (the course account's course), as every grader does."""
    hub = class_hub
    _ok(hub.grading(INSTRUCTOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/assign"), "generate review6")
    released = _ok(hub.grading(INSTRUCTOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/release"),
                   "release review6")
    trip = RoundTrip(released=released)
    for student in STUDENTS:
        listed = [a for a in assignments(hub, student) if a["assignment_id"] == ASSIGNMENT]
        assert listed and listed[0]["status"] == "released", f"{student} does not see review6 released: {listed}"
        body = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
        trip.fetched[student] = _ok(hub.server(student, "POST", "assignments/fetch", json=body),
                                    f"{student} fetches")["value"]
        path = f"api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        model = _ok(hub.server(student, "GET", path), f"{student} opens review6")
        cells = model["content"]["cells"]
        q1 = next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1")
        q1["source"] = answer_text(student)
        saved = hub.server(student, "PUT", path, json={"type": "notebook", "format": "json",
                                                       "content": model["content"]})
        assert saved.status_code == 200, f"{student} saves: {saved.status_code} {saved.text[:300]}"
        trip.submitted[student] = _ok(hub.server(student, "POST", "assignments/submit", json=body),
                                      f"{student} submits")["value"]
    _ok(hub.grading(INSTRUCTOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect"), "collect review6")
    submissions = _ok(hub.grading(INSTRUCTOR, "GET", f"formgrader/api/submissions/{ASSIGNMENT}"), "submissions")
    trip.collected_students = sorted(s["student"] for s in submissions if s["submitted"])
    trip.autograde_output = _course_tools(hub, "autograde", ASSIGNMENT)
    _course_tools(hub, "feedback", ASSIGNMENT)
    for student in STUDENTS:
        body = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
        listed = _ok(hub.server(student, "POST", "assignments/fetch_feedback", json=body),
                     f"{student} fetches feedback")["value"]
        mine = next(a for a in listed if a["assignment_id"] == ASSIGNMENT and a["status"] == "submitted")
        feedback = [s for s in mine["submissions"] if s.get("has_local_feedback")]
        assert feedback, f"{student}: no local feedback after fetch_feedback: {json.dumps(mine)[:1500]}"
        folder = feedback[0]["local_feedback_path"]
        html = hub.server(student, "GET", f"api/contents/{folder}/{ASSIGNMENT}.html")
        trip.feedback_html[student] = _ok(html, f"{student} reads feedback")["content"]
    return trip


RIGHT_CHECK = """
import json
from course_tools import notebook as ct
from course_tools.widgets import make_view
ct.start("policy_dialogue")
view = make_view(ct.course(), "policy_dialogue", "conveners")
for pair in view.spec.pairs:
    view.dropdowns[pair.id].value = pair.right
view.check_button.click()
print(json.dumps({"status": view.status.value, "feedback": view.feedback.value,
                  "lessons": len(ct.course().lessons)}))
"""  # kernel code: a student's right answer to a matching activity and its Check, as in class


def run_in_kernel(hub: ClassHub, name: str, code: str, timeout: float = 120, prefix: str | None = None,
                  claimed: str | None = None) -> str:
    """Start a kernel in `name`'s server (or in the server at `prefix`, e.g. the grading service) with their
    token, run `code` (see `execute`), stop the kernel."""
    prefix = prefix or f"/user/{name}"
    kernel_id = start_kernel(hub, name, prefix)
    try:
        return execute(hub, name, prefix, kernel_id, code, timeout=timeout, claimed=claimed)
    finally:
        hub.request(name, "DELETE", f"{prefix}/api/kernels/{kernel_id}")


def start_kernel(hub: ClassHub, name: str, prefix: str) -> str:
    kernel = hub.request(name, "POST", f"{prefix}/api/kernels", json={"name": "python3"})
    assert kernel.status_code == 201, f"{name} starts a kernel: {kernel.status_code} {kernel.text[:300]}"
    return kernel.json()["id"]


def execute(hub: ClassHub, name: str, prefix: str, kernel_id: str, code: str, timeout: float = 120,
            claimed: str | None = None) -> str:
    """Run `code` in a running kernel through its websocket with `name`'s token; return its stdout (errors
    raise). The message header claims to come from `claimed` (default: `name`), as a browser would say."""
    import uuid

    import websocket

    ws_url = hub.url.replace("http://", "ws://") + f"{prefix}/api/kernels/{kernel_id}/channels"
    sock = websocket.create_connection(ws_url, header=[f"Authorization: token {hub.users[name].token}"],
                                       timeout=timeout)
    msg_id = uuid.uuid4().hex
    sock.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "execute_request", "username": claimed or name,
                                     "session": uuid.uuid4().hex, "version": "5.3"},
                          "parent_header": {}, "metadata": {}, "channel": "shell",
                          "content": {"code": code, "silent": False, "store_history": False,
                                      "user_expressions": {}, "allow_stdin": False}}))
    out, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            message = json.loads(sock.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream" and content["name"] == "stdout":
                out.append(content["text"])
            elif kind == "error":
                raise AssertionError(f"{name}'s kernel: {content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
        raise TimeoutError(f"{name}'s kernel did not finish within {timeout}s")
    finally:
        sock.close()


def run_in_chromium(scenario: Callable[[object], None]) -> None:
    """Run `scenario(browser)` with Debian's Chromium in a thread of its own: Playwright's sync API
    refuses to start while another sync session (tests/browser's, in the same run) is open in this thread."""
    require_chromium()

    def run() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                scenario(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def login_in_browser(browser, hub: ClassHub, name: str):
    """A fresh browser context logged in through the hub's login page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.users[name].password)
    page.click("#login_submit")
    page.wait_for_url("**/user/**")  # the running server (started by the test) opens
    return context, page
