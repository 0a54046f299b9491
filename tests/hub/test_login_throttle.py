"""Login throttling on a real hub with PAM (the default `make hub` login), through its HTML login form.

Issue #22 (point 10): a student could guess a classmate's or the instructor's password at full speed.
This module starts its own small hub (one local student and the course account) with the throttle's
window shortened through MOBILIZING_HUB_EXTRA_CONFIG, the file an administrator would use: five wrong
passwords lock the name out, the right one is then refused with the same page an unknown name gets, and
is accepted once the lockout has passed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

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
)

pytestmark = [pytest.mark.hub, pytest.mark.timeout(420)]

STUDENT = "mahub_thr_stu"
COURSE_ACCOUNT = "mahub_grader7"  # this hub's own course account (the grading service needs one)
ACCOUNTS = (STUDENT, COURSE_ACCOUNT)
LOCKOUT = 8  # seconds, in the hub's config below (the default is 300)
LOCK_FILE = Path(tempfile.gettempdir()) / "mobilizing-hub-throttle-tests.lock"
THROTTLE_CONFIG = f"""
c.LoginThrottle.max_failures = 5
c.LoginThrottle.window_seconds = 120
c.LoginThrottle.lockout_seconds = {LOCKOUT}
"""


@pytest.fixture(scope="module")
def pam_hub() -> Iterator[ClassHub]:
    _require_hub()
    with exclusive(LOCK_FILE):
        remove_users(ACCOUNTS)
        runtime = Path(tempfile.mkdtemp(prefix="mobilizing-hub-throttle-"))
        runtime.chmod(0o755)
        settings = classhub.HubSettings(runtime=runtime, port=_free_port(), **root_ports(), instructors=(),
                                        students=(STUDENT,), graders=(), exchange=runtime / "exchange",
                                        course_account=COURSE_ACCOUNT)
        classhub.open_path_for_users(classhub.needed_paths())
        token = classhub.prepare_runtime(settings)
        passwords = classhub.ensure_users(settings)
        classhub.ensure_course_account(settings)
        extra = settings.private / "throttle_test_config.py"
        extra.write_text(THROTTLE_CONFIG)
        env = classhub.hub_environment(settings, token)
        env[classhub.ENV_PREFIX + "EXTRA_CONFIG"] = str(extra)
        log = settings.private / "jupyterhub.log"
        with log.open("w") as out:
            proc = subprocess.Popen([str(classhub.VENV_BIN / "jupyterhub"), "-f", str(classhub.CONFIG_FILE)],
                                    cwd=settings.private, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        hub = ClassHub(settings, token, proc, log, {STUDENT: HubUser(STUDENT, passwords[STUDENT])})
        try:
            _wait(lambda: _hub_answers(settings.url), 90, "the throttle test's hub answering", proc=proc, log=log)
            yield hub
        finally:
            _stop(hub, ACCOUNTS)
            if os.environ.get("MOBILIZING_HUB_KEEP") != "1":
                remove_users(ACCOUNTS)
                shutil.rmtree(runtime, ignore_errors=True)


def form_login(hub: ClassHub, name: str, password: str):
    """One try through the login page, as a browser: GET the form (its _xsrf), POST it."""
    import requests

    session = requests.Session()
    page = session.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    assert xsrf, page.text[:500]
    answer = session.post(f"{hub.url}/hub/login", data={"username": name, "password": password,
                                                       "_xsrf": xsrf.group(1)}, allow_redirects=False, timeout=60)
    return session, answer


def refusal(answer) -> str:
    """The message the login form shows."""
    import html

    found = re.search(r'<p class="login_error">(.*?)</p>', answer.text, re.S)
    return html.unescape(found.group(1)) if found else answer.text[:2000]


def test_password_guessing_is_throttled_on_the_login_form(pam_hub: ClassHub) -> None:
    right = pam_hub.users[STUDENT].password
    for attempt in range(5):
        _, answer = form_login(pam_hub, STUDENT, f"guess-{attempt}")
        assert answer.status_code == 403 and refusal(answer) == "Invalid username or password", refusal(answer)
    locked_at = time.monotonic()
    session, answer = form_login(pam_hub, STUDENT, right)
    assert answer.status_code == 429, f"the right password after 5 guesses: {answer.status_code}"
    assert refusal(answer).startswith("Too many failed logins: try again in"), refusal(answer)
    assert not session.cookies.get("jupyterhub-hub-login"), "logged in while locked out"
    # A name that is no account reads the same: the lock tells nothing about who exists.
    for attempt in range(5):
        form_login(pam_hub, "mahub_nobody", f"guess-{attempt}")
    _, unknown = form_login(pam_hub, "mahub_nobody", "anything")
    assert unknown.status_code == 429 and refusal(unknown) == refusal(answer)
    assert "Login throttled for name:" + STUDENT in pam_hub.log_tail(20000)
    time.sleep(max(0.0, locked_at + LOCKOUT + 1 - time.monotonic()))  # the configured lockout, then the form
    session, answer = form_login(pam_hub, STUDENT, right)
    assert answer.status_code == 302, f"after the lockout: {answer.status_code} {refusal(answer)}"
    assert session.cookies.get("jupyterhub-hub-login")
