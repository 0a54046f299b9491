"""The class pulse on the real class hub: students' Checks reach the instructor's live page, students
are refused, the sender is taken from the token, and a hung service never holds up a Check. Also what a
student's server is given: the overview app as landing page, no news pop-up, the app links' redirect."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from tests.browser.a11y import audit, explain
from tests.paths import REPO
from tests.support.hub import INSTRUCTOR, STUDENTS, ClassHub, classhub, login_in_browser, run_in_chromium, run_in_kernel

pytestmark = [pytest.mark.hub, pytest.mark.timeout(420)]

LESSON, ACTIVITY = "policy_dialogue", "conveners"
PULSE = f"/services/{classhub.PULSE_SERVICE}/"
SHOTS = REPO / "artifacts" / "browser"  # git-ignored; the README's docs/images/pulse.png is copied from here

CHECK = """
import json, threading, time
from course_tools import notebook as ct
from course_tools.widgets import make_view
ct.start({lesson!r})
view = make_view(ct.course(), {lesson!r}, {activity!r})
if {right}:  # every pair matched right
    for pair in view.spec.pairs:
        view.dropdowns[pair.id].value = pair.right
else:  # the first pair matched to a distractor, the rest left open
    view.dropdowns[view.spec.pairs[0].id].value = view.spec.distractors[0]
started = time.monotonic()
view.check_button.click()
took = time.monotonic() - started
for thread in threading.enumerate():
    if thread.name == "class-pulse":
        thread.join(15)
print(json.dumps({{"status": view.status.value, "took": took, "feedback": view.feedback.value}}))
"""


def press_check(hub: ClassHub, student: str, right: bool) -> dict:
    out = run_in_kernel(hub, student, CHECK.format(lesson=LESSON, activity=ACTIVITY, right=right))
    return json.loads(out.strip().splitlines()[-1])


def pulse_api(hub: ClassHub, name: str, method: str, path: str, **kwargs):
    import requests

    return requests.request(method, f"{hub.url}{PULSE}{path}", timeout=30, allow_redirects=False,
                            headers={"Authorization": f"token {hub.users[name].token}"}, **kwargs)


def conveners(summary: dict) -> dict:
    return next(a for a in summary["activities"] if a["lesson"] == LESSON and a["activity"] == ACTIVITY)


def test_two_checks_reach_the_instructors_live_page_within_5_seconds(class_hub: ClassHub) -> None:
    assert pulse_api(class_hub, INSTRUCTOR, "POST", "api/reset").status_code == 200
    run_in_chromium(lambda browser: _instructor_watches(browser, class_hub))


def _instructor_watches(browser, hub: ClassHub) -> None:
    context, page = login_in_browser(browser, hub, INSTRUCTOR)
    try:
        page.goto(f"{hub.url}{PULSE}")  # the hub's OAuth, no second login
        page.wait_for_url(f"**{PULSE}")
        page.get_by_text("No answers yet in this session.").wait_for()
        results = [press_check(hub, STUDENTS[0], right=True), press_check(hub, STUDENTS[1], right=False)]
        checked = time.monotonic()
        assert all(r["status"] == "Saved." for r in results), results
        section = page.locator(f"section[data-activity='{ACTIVITY}']")
        section.get_by_text("2 answered").wait_for(timeout=5_000)
        assert time.monotonic() - checked < 5.5
        text = section.inner_text()
        assert "50% right (1 of 2)" in text
        first = section.locator(".question").first.inner_text()
        assert first and text.count("1 (50%)") >= 2  # first pair: the right option and the distractor, once each
        assert STUDENTS[0] not in page.inner_text("body")  # anonymous by default
        page.get_by_label("Show names").check()
        section.get_by_text(STUDENTS[0]).first.wait_for(timeout=5_000)
        page.get_by_label("Show names").uncheck()
        page.wait_for_function(f"() => !document.body.innerText.includes({STUDENTS[0]!r})", timeout=5_000)
        blocking = audit(page, "class pulse page (hub)", include=["body"])
        assert not blocking, explain(blocking)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "pulse.png"))
        page.on("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Reset for this session").click()
        page.get_by_text("No answers yet in this session.").wait_for(timeout=5_000)
    finally:
        context.close()


def test_students_get_403_on_the_page_and_the_api(class_hub: ClassHub) -> None:
    student = STUDENTS[0]
    assert pulse_api(class_hub, student, "GET", "api/summary").status_code == 403
    assert pulse_api(class_hub, student, "POST", "api/reset").status_code == 403
    page = class_hub.users[student].session.get(f"{class_hub.url}{PULSE}", timeout=60)  # OAuth followed
    assert page.status_code == 403 and "Class pulse" not in page.text
    summary = pulse_api(class_hub, INSTRUCTOR, "GET", "api/summary")
    assert summary.status_code == 200 and "activities" in summary.json()


def test_the_hub_is_jupyterhub_6_and_its_oauth_requires_pkce(class_hub: ClassHub) -> None:
    """The pulse's login (JupyterHub 6's HubOAuth) asks the hub for a code with a PKCE challenge and gets
    one; the same request without the challenge is refused (c.JupyterHub.oauth_require_pkce): OAuth sends
    the client back an `invalid_request` error instead of a code."""
    from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

    import requests

    assert requests.get(f"{class_hub.url}/hub/api/", timeout=10).json()["version"].startswith("6.")
    session = class_hub.users[INSTRUCTOR].session
    login = session.get(f"{class_hub.url}{PULSE}", timeout=60, allow_redirects=False)
    assert login.status_code == 302, login.status_code
    authorize = urljoin(f"{class_hub.url}{PULSE}", login.headers["Location"])
    url = urlsplit(authorize)
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert params["client_id"] == f"service-{classhub.PULSE_SERVICE}" and params["code_challenge_method"] == "S256"

    def answer(query: dict[str, str]) -> dict[str, list[str]]:
        response = session.get(url._replace(query=urlencode(query)).geturl(), timeout=60, allow_redirects=False)
        assert response.status_code == 302, response.status_code
        back = urlsplit(response.headers["Location"])
        assert back.path == params["redirect_uri"], response.headers["Location"]
        return parse_qs(back.query)

    granted = answer(params)
    assert granted["code"] and granted["state"] == [params["state"]], granted
    refused = answer({k: v for k, v in params.items() if not k.startswith("code_challenge")})
    assert "code" not in refused and refused["error"] == ["invalid_request"], refused
    assert "challenge" in refused["error_description"][0].lower(), refused


def test_a_forged_sender_is_recorded_as_the_tokens_owner(class_hub: ClassHub) -> None:
    sender, victim = STUDENTS
    assert pulse_api(class_hub, INSTRUCTOR, "POST", "api/reset").status_code == 200
    body = {"user": victim, "lesson": LESSON, "activity": ACTIVITY, "answer": {"csr": None, "gender": None,
                                                                              "fdi": None, "social-protection": None}}
    assert pulse_api(class_hub, sender, "POST", "api/answers", json=body).status_code == 400  # nothing answered
    body["answer"]["csr"] = "The ILO convenes, with IOE and ICFTU playing major roles"  # content/activities
    posted = pulse_api(class_hub, sender, "POST", "api/answers", json=body)
    assert posted.status_code == 201 and posted.json()["recorded_as"] == sender, posted.text
    named = pulse_api(class_hub, INSTRUCTOR, "GET", "api/summary?names=1").json()
    assert conveners(named)["users"] == [sender]
    bad = pulse_api(class_hub, sender, "POST", "api/answers", json={**body, "lesson": "<b>x</b>"})
    assert bad.status_code == 400 and "lesson" in bad.json()["error"]


def _service_pid(hub: ClassHub) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except (FileNotFoundError, ProcessLookupError):
                continue
            if b"course_tools.pulse.service" in cmdline and str(hub.settings.runtime).encode() in (
                    entry / "environ").read_bytes():
                return int(entry.name)
    raise AssertionError("the class-pulse service process is not running")


def test_service_down_the_check_still_saves_at_once(class_hub: ClassHub) -> None:
    pid = _service_pid(class_hub)
    os.kill(pid, signal.SIGSTOP)  # a hung service: connections queue, nothing answers
    try:
        result = press_check(class_hub, STUDENTS[1], right=True)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert result["status"] == "Saved." and result["took"] < 1.0, result
    assert "✔ Right" in result["feedback"]
    progress = class_hub.users[STUDENTS[1]].home / classhub.LESSONS_SUBDIR / ".progress.json"
    saved = json.loads(progress.read_text(encoding="utf-8"))["activities"]
    assert saved[f"{LESSON}/{ACTIVITY}"]["score"] > 0
    log = class_hub.users[STUDENTS[1]].home / ".cache" / "mobilizing-action" / "pulse.log"
    assert f"{LESSON}/{ACTIVITY} not sent" in log.read_text(encoding="utf-8")


def test_students_land_on_the_overview_app_without_news(class_hub: ClassHub) -> None:
    student = STUDENTS[0]
    model = class_hub.hub_api("GET", f"/users/{student}").json()
    assert model["servers"][""]["url"] == f"/user/{student}/"
    settings = class_hub.server(student, "GET", "lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert settings.status_code == 200  # the overrides become the schema's defaults
    assert settings.json()["schema"]["properties"]["fetchNews"]["default"] == "false"
    status = class_hub.server(student, "GET", "lab/api/settings/@jupyterlab/statusbar-extension:plugin").json()
    assert status["schema"]["properties"]["visible"]["default"] is False
    app = class_hub.server(student, "GET", f"voila/render/{classhub.LESSONS_SUBDIR}/00_overview.ipynb")
    assert app.status_code == 200 and "ct.start(" not in app.text
    # The lessons' "Open as app" link (/voila/render/notebooks/<lesson>) leads to the user's own copy.
    session = class_hub.users[student].session
    opened = session.get(f"{class_hub.url}/voila/render/notebooks/01_global_follow_up.ipynb", timeout=120)
    assert opened.status_code == 200
    assert opened.url.endswith(f"/user/{student}/voila/render/{classhub.LESSONS_SUBDIR}/01_global_follow_up.ipynb")
