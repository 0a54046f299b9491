"""The class hub with real users: login, servers, the Review #6 round trip, and who may see what.

The round trip goes through the same doors a class uses: the grading service's formgrader API (generate,
release, collect, submissions) with the instructor's login and `course-tools` run as the course account
(autograde, feedback); each student's Assignments panel backend (`/user/<name>/assignments/...`) and
contents API.
"""

from __future__ import annotations

import json
import pwd
import subprocess
import sys

import pytest

from tests.support.hub import (
    ASSIGNMENT,
    COURSE_ACCOUNT,
    COURSE_ID,
    INSTRUCTOR,
    SERVERS,
    STUDENTS,
    TA,
    ClassHub,
    RoundTrip,
    assignments,
    classhub,
    run_as,
    run_in_kernel,
)

pytestmark = [pytest.mark.hub, pytest.mark.timeout(420)]


def test_each_user_logs_in_and_gets_a_server_with_own_lessons(class_hub: ClassHub) -> None:
    for name in SERVERS:
        user = class_hub.users[name]
        status = class_hub.server(name, "GET", "api/status")
        assert status.status_code == 200, f"{name}'s server: {status.status_code}"
        me = class_hub.hub_api("GET", "/user", token=user.token).json()
        assert me["name"] == name
        lessons = class_hub.server(name, "GET", f"api/contents/{classhub.LESSONS_SUBDIR}").json()
        notebooks = {item["name"] for item in lessons["content"]}
        assert "00_overview.ipynb" in notebooks and len([n for n in notebooks if n.endswith(".ipynb")]) >= 7
        assert ("instructor" in notebooks) is (name == INSTRUCTOR), f"{name}: instructor notebooks {notebooks}"
    groups = {g["name"]: sorted(g["users"]) for g in class_hub.hub_api("GET", "/groups").json()}
    assert groups[classhub.INSTRUCTORS_GROUP] == [INSTRUCTOR]
    assert groups[classhub.GRADERS_GROUP] == sorted([INSTRUCTOR, TA])
    assert groups[classhub.STUDENTS_GROUP] == sorted(STUDENTS)


LESSON_CODE = """
import getpass, json, os, sys
from course_tools import notebook as ct
from course_tools.activities.progress import ProgressStore, default_path
ct.start("global_follow_up")
ct.activity("two-phases")
path = default_path(ct.course().root)
ProgressStore(path).save("global_follow_up", "two-phases", "hub test", 1.0)
print(json.dumps({"user": getpass.getuser(), "python": sys.executable, "progress": str(path),
                  "owner": os.stat(path).st_uid}))
"""


def test_a_lesson_runs_in_the_students_own_kernel_and_saves_progress_at_home(class_hub: ClassHub) -> None:
    student = STUDENTS[1]
    entry = pwd.getpwnam(student)
    seen = json.loads(run_in_kernel(class_hub, student, LESSON_CODE).strip().splitlines()[-1])
    assert seen["user"] == student and seen["owner"] == entry.pw_uid
    assert seen["python"].startswith(str(classhub.VENV_BIN))
    assert seen["progress"] == f"{entry.pw_dir}/{classhub.LESSONS_SUBDIR}/.progress.json"


def test_servers_run_the_repo_venv_as_their_own_user(class_hub: ClassHub) -> None:
    for name, pid in class_hub.server_pids.items():
        from pathlib import Path

        owner = Path(f"/proc/{pid}").stat().st_uid
        assert owner == pwd.getpwnam(name).pw_uid, f"{name}'s server runs as uid {owner}"
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert str(classhub.VENV_BIN / "jupyterhub-singleuser").encode() in cmdline
    assert set(class_hub.server_pids) == set(SERVERS)


def test_review_round_trip_release_fetch_submit_collect_feedback(round_trip: RoundTrip) -> None:
    assert round_trip.collected_students == sorted(STUDENTS)
    assert "2 submission(s)" in round_trip.autograde_output
    for student in STUDENTS:
        html = round_trip.feedback_html[student]
        assert f"{student}-q1" in html, f"{student}'s feedback lacks their answer"
        others = [s for s in STUDENTS if s != student]
        assert all(f"{other}-q1" not in html for other in others), f"{student}'s feedback shows another's answer"


def test_student_gets_no_formgrader_neither_own_nor_instructors(class_hub: ClassHub) -> None:
    student = STUDENTS[0]
    # The instructor's own server has none either: the formgrader is the grading service's.
    assert class_hub.server(INSTRUCTOR, "GET", "formgrader/api/assignments").status_code == 404
    own = class_hub.server(student, "GET", "formgrader")
    assert own.status_code == 404, f"formgrader on a student's server: {own.status_code}"
    own_api = class_hub.server(student, "GET", "formgrader/api/assignments")
    assert own_api.status_code == 404
    theirs = class_hub.server(INSTRUCTOR, "GET", "formgrader/api/submissions/review6", as_user=student)
    assert theirs.status_code in (403, 404), f"student reached the instructor's formgrader: {theirs.status_code}"
    assert "mahub_stu" not in theirs.text
    # With the browser session (cookies, OAuth redirects followed), the hub refuses too.
    session = class_hub.users[student].session
    page = session.get(f"{class_hub.url}/user/{INSTRUCTOR}/formgrader", timeout=60)
    assert page.status_code in (403, 404) and "manage_assignments" not in page.url


def test_student_cannot_open_another_users_server(class_hub: ClassHub) -> None:
    for student in STUDENTS:
        for owner in SERVERS:
            if owner == student:
                continue
            api = class_hub.server(owner, "GET", "api/contents", as_user=student)
            assert api.status_code in (403, 404), f"{student} -> {owner}'s contents API: {api.status_code}"
            page = class_hub.users[student].session.get(f"{class_hub.url}/user/{owner}/lab", timeout=60)
            assert page.status_code in (403, 404), f"{student} -> {owner}'s JupyterLab: {page.status_code}"
            assert "jupyter-config-data" not in page.text


def test_student_token_cannot_act_as_the_instructor(class_hub: ClassHub) -> None:
    token = class_hub.users[STUDENTS[0]].token
    steal = class_hub.hub_api("POST", f"/users/{INSTRUCTOR}/tokens", token=token, json={"note": "x"})
    assert steal.status_code in (403, 404), f"student minted an instructor token: {steal.status_code}"
    start = class_hub.hub_api("POST", f"/users/{INSTRUCTOR}/server", token=token)
    assert start.status_code in (403, 404)
    who = class_hub.hub_api("GET", f"/users/{INSTRUCTOR}", token=token)
    assert who.status_code in (403, 404)
    groups = class_hub.hub_api("POST", f"/groups/{classhub.INSTRUCTORS_GROUP}/users", token=token,
                               json={"users": [STUDENTS[0]]})
    assert groups.status_code in (403, 404), f"student joined the instructors group: {groups.status_code}"
    me = class_hub.hub_api("GET", "/user", token=token).json()
    assert me["name"] == STUDENTS[0] and me["admin"] is False


PROBE = r"""
import glob, json, os, sys
results = {}
for label, path in json.loads(sys.argv[1]).items():
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        results[label] = "read"
    except PermissionError:
        results[label] = "denied"
    except FileNotFoundError:
        results[label] = "missing"
results["glob"] = glob.glob(sys.argv[2])
print(json.dumps(results))
"""


def test_student_cannot_read_another_students_submission_on_disk(class_hub: ClassHub,
                                                                 round_trip: RoundTrip) -> None:
    other, prober = STUDENTS
    course_root = class_hub.settings.exchange / COURSE_ID
    inbound = course_root / "inbound"
    feedback = course_root / "feedback"
    assert any(p.name.startswith(other + "+") for p in inbound.iterdir()), "the submission is not in the exchange"
    course = class_hub.course
    other_home = pwd.getpwnam(other).pw_dir
    targets = {"inbound": str(inbound), "feedback": str(feedback),
               "other_home": other_home, "other_answer": f"{other_home}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
               "course": str(course), "gradebook": str(course / "gradebook.db"),
               "rubric_store": str(course / "rubric.db"),
               "submitted": str(course / "submitted" / other / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
               "hub_database": str(class_hub.settings.private / "jupyterhub.sqlite")}
    result = run_as(prober, [sys.executable, "-c", PROBE, json.dumps(targets), str(inbound / f"{other}+*")])
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen.pop("glob") == [], "a student can find another's submission by name"
    assert seen == dict.fromkeys(targets, "denied"), seen
    # The Assignments panel shows a student their own submissions only.
    mine = [a for a in assignments(class_hub, prober) if a["assignment_id"] == ASSIGNMENT and a.get("submissions")]
    assert mine and {s["student_id"] for a in mine for s in a["submissions"]} <= {prober}


def test_lesson_copies_are_never_overwritten(class_hub: ClassHub) -> None:
    student = STUDENTS[0]
    path = f"api/contents/{classhub.LESSONS_SUBDIR}/01_global_follow_up.ipynb"
    model = class_hub.server(student, "GET", path).json()
    model["content"]["cells"][0]["source"] = "My own notes on global follow-up."
    saved = class_hub.server(student, "PUT", path, json={"type": "notebook", "format": "json",
                                                         "content": model["content"]})
    assert saved.status_code == 200
    assert class_hub.server(student, "DELETE", f"api/contents/{classhub.LESSONS_SUBDIR}/02_national_follow_up.ipynb"
                            ).status_code == 204
    # What the hub's pre-spawn hook runs at each server start, as the student.
    again = run_as(student, [str(classhub.VENV_BIN / "python"), str(classhub.PREPARE_USER), "--role", "student",
                             "--lessons", str(classhub.lesson_source(class_hub.settings, "student")), "--exchange",
                             str(class_hub.settings.exchange), "--course-id", COURSE_ID])
    assert again.returncode == 0, again.stderr
    assert "1 new file(s)" in again.stdout
    kept = class_hub.server(student, "GET", path).json()
    assert kept["content"]["cells"][0]["source"] == "My own notes on global follow-up."
    restored = class_hub.server(student, "GET", f"api/contents/{classhub.LESSONS_SUBDIR}/02_national_follow_up.ipynb")
    assert restored.status_code == 200


def test_the_exchange_has_the_permissions_nbgrader_documents(class_hub: ClassHub, round_trip: RoundTrip) -> None:
    exchange = class_hub.settings.exchange
    assert exchange.stat().st_mode & 0o7777 == 0o1777 and exchange.stat().st_uid == 0
    course_root = exchange / COURSE_ID
    assert course_root.stat().st_uid == pwd.getpwnam(COURSE_ACCOUNT).pw_uid  # released by the grading service
    assert (course_root / "inbound").stat().st_mode & 0o777 == 0o733  # students write, cannot list
    assert (course_root / "feedback").stat().st_mode & 0o777 == 0o711
    listed = subprocess.run(["stat", "-c", "%a %U", str(pwd.getpwnam(STUDENTS[0]).pw_dir)], capture_output=True,
                            text=True, check=True).stdout.split()
    assert listed == ["700", STUDENTS[0]]
