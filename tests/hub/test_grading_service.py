"""One course, several graders, on the real class hub (nbgrader's "one class, multiple graders").

The course belongs to the course account; its formgrader and grading dashboard run as a hub-managed
service. The instructor and a teaching assistant (both in `graders`) each open them with their own
hub login and grade a different answer of Review #6 in the dashboard, in ONE kernel of the service
(as when two graders open the same notebook); both grades land in the one gradebook, and the rubric
store records each grader's hub name, which the service's server stamps on every kernel message (the
browser's claim is overwritten). A student and a hub user outside `graders` get 403.
"""

from __future__ import annotations

import json
import pwd
import sys
from pathlib import Path

import pytest

from tests.support.hub import (
    ASSIGNMENT,
    COURSE_ACCOUNT,
    GRADING,
    INSTRUCTOR,
    OUTSIDER,
    STUDENTS,
    TA,
    ClassHub,
    RoundTrip,
    classhub,
    execute,
    run_as,
    start_kernel,
)

pytestmark = [pytest.mark.hub, pytest.mark.timeout(420)]

QUESTION = "q1"
DASHBOARD = f"{classhub.GRADING_SUBDIR}/grading_dashboard.ipynb"

# Run after the dashboard notebook's own cells (`view = dashboard()`): grade one answer as a grader would.
GRADE = """
import getpass, json, os
view.assignment.value = {assignment!r}
view.question.value = {question!r}
view.show({student!r})
item = next(iter(view.toggles))
view.toggles[item].value = True
view.comment.value = {comment!r}
view.save_button.click()
grade = view.grading.store.grades({assignment!r}, {question!r})[({student!r}, {question!r})]
print(json.dumps({{"status": view.status.value, "grader": grade.grader, "score": grade.score, "item": item,
                  "os_user": getpass.getuser(), "cwd": os.getcwd()}}))
"""

# Read as the course account (the files are its own; root opening the WAL store could leave root-owned files).
READ_GRADES = r"""
import json, sys
from nbgrader.api import Gradebook
from course_tools.rubric.store import RubricStore
course, assignment, question = sys.argv[1:4]
out = {}
with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
    for sub in gb.assignment_submissions(assignment):
        nb = sub.notebooks[0]
        grade = next(g for g in nb.grades if g.name == question)
        comment = next(c for c in nb.comments if c.name == question)
        out[sub.student_id] = {"manual": grade.manual_score, "comment": comment.manual_comment}
for (student, _q), grade in RubricStore.for_course(course).grades(assignment, question).items():
    out.setdefault(student, {})["grader"] = grade.grader
print(json.dumps(out))
"""


def grade_in_dashboard(hub: ClassHub, grader: str, student: str, kernel_id: str) -> dict:
    """Open the grading dashboard notebook in the service, run its cells in the given kernel there and
    grade one answer; the message claims another sender, as any browser could."""
    notebook = hub.grading(grader, "GET", f"api/contents/{DASHBOARD}")
    assert notebook.status_code == 200, f"{grader} opens the dashboard: {notebook.status_code}"
    cells = "\n".join(c["source"] for c in notebook.json()["content"]["cells"] if c["cell_type"] == "code")
    code = cells + GRADE.format(assignment=ASSIGNMENT, question=QUESTION, student=student,
                                comment=f"Graded by {grader} in the shared service.")
    out = execute(hub, grader, GRADING, kernel_id, code, claimed="someone-else")
    return json.loads(out.strip().splitlines()[-1])


def test_instructor_and_ta_grade_different_answers_into_one_gradebook(class_hub: ClassHub,
                                                                      round_trip: RoundTrip) -> None:
    hub = class_hub
    assignments = {INSTRUCTOR: STUDENTS[0], TA: STUDENTS[1]}
    for grader in assignments:
        # The hub's home page offers the grading service; through the browser session (hub OAuth) the
        # formgrader and the dashboard's JupyterLab page open.
        home = hub.users[grader].session.get(f"{hub.url}/hub/home", timeout=60)
        assert f'href="{GRADING}/formgrader"' in home.text, f"{grader}'s home page has no formgrader button"
        page = hub.users[grader].session.get(f"{hub.url}{GRADING}/formgrader", timeout=60)
        assert page.status_code == 200 and "/formgrader/manage_assignments" in page.url, (grader, page.status_code)
        lab = hub.users[grader].session.get(f"{hub.url}{GRADING}/lab/tree/{DASHBOARD}", timeout=60)
        assert lab.status_code == 200 and "jupyter-config-data" in lab.text, (grader, lab.status_code)
    kernel_id = start_kernel(hub, INSTRUCTOR, GRADING)  # the instructor opens it, the TA joins the same kernel
    try:
        results = {grader: grade_in_dashboard(hub, grader, student, kernel_id)
                   for grader, student in assignments.items()}
    finally:
        hub.grading(INSTRUCTOR, "DELETE", f"api/kernels/{kernel_id}")
    account = pwd.getpwnam(COURSE_ACCOUNT)
    for grader, seen in results.items():
        assert "Saved" in seen["status"], seen
        assert seen["grader"] == grader, f"the grade records {seen['grader']!r}, not the hub user {grader!r}"
        assert seen["os_user"] == COURSE_ACCOUNT and seen["cwd"] == str(hub.course)
    # The one gradebook, as the course account's files: both grades, and each grader's name in the rubric store.
    read = run_as(COURSE_ACCOUNT, [sys.executable, "-c", READ_GRADES, str(hub.course), ASSIGNMENT, QUESTION])
    assert read.returncode == 0, read.stderr
    stored = json.loads(read.stdout)
    for grader, student in assignments.items():
        assert stored[student]["grader"] == grader
        assert stored[student]["manual"] == pytest.approx(results[grader]["score"])
        comment = stored[student]["comment"]
        assert comment.startswith("**Rubric:") and f"Graded by {grader}" in comment
    for name in ("gradebook.db", "rubric.db"):
        assert (hub.course / name).stat().st_uid == account.pw_uid
    assert hub.course.stat().st_mode & 0o777 == 0o700
    # Each grader's formgrader shows the other's grade: one gradebook behind one service.
    submissions = hub.grading(TA, "GET", f"formgrader/api/submissions/{ASSIGNMENT}").json()
    scores = {s["student"]: s["score"] for s in submissions}
    assert all(scores[student] >= results[grader]["score"] for grader, student in assignments.items()), scores


def test_only_graders_reach_the_grading_service(class_hub: ClassHub) -> None:
    hub = class_hub
    for grader in (INSTRUCTOR, TA):
        assert hub.grading(grader, "GET", "api/status").status_code == 200
    for name in (STUDENTS[0], OUTSIDER):
        api = hub.grading(name, "GET", "formgrader/api/assignments")
        assert api.status_code == 403, f"{name}'s token -> grading service: {api.status_code}"
        page = hub.users[name].session.get(f"{hub.url}{GRADING}/formgrader", timeout=60)  # hub OAuth followed
        assert page.status_code == 403, f"{name} in the browser -> grading service: {page.status_code} {page.url}"
        assert "manage_assignments" not in page.url and "jupyter-config-data" not in page.text
        home = hub.users[name].session.get(f"{hub.url}/hub/home", timeout=60)
        assert 'id="formgrader"' not in home.text
    # A student's own server token (which every kernel of theirs holds) gets no more than the student.
    environ = Path(f"/proc/{hub.server_pids[STUDENTS[0]]}/environ").read_bytes().split(b"\0")
    token = next(v.split(b"=", 1)[1].decode() for v in environ if v.startswith(b"JUPYTERHUB_API_TOKEN="))
    import requests

    stolen = requests.get(f"{hub.url}{GRADING}/api/status", headers={"Authorization": f"token {token}"},
                          timeout=30, allow_redirects=False)
    assert stolen.status_code == 403, f"a student's server token -> grading service: {stolen.status_code}"


def test_instructors_course_list_links_the_grading_service(class_hub: ClassHub) -> None:
    """nbgrader's Course List in the instructor's own JupyterLab finds the service named after the course."""
    listed = class_hub.server(INSTRUCTOR, "GET", "formgraders").json()
    assert listed["success"], listed
    assert [c["url"].split(class_hub.url, 1)[-1] for c in listed["value"]] == [f"{GRADING}/lab?formgrader=true"]


# Run in the grading service by a grader: a grade in someone else's name, and the dashboard's names switch.
FORGE = """
import json
from course_tools import CourseToolsError
from course_tools.rubric.grader import Grading
from course_tools.widgets.instructor.dashboard import dashboard
out = {{}}
try:
    out["claimed"] = Grading(grader={claimed!r}).grader
except CourseToolsError as exc:
    out["claimed"] = "refused: " + str(exc)
out["own"] = Grading().grader
view = dashboard()
view.show_names.value = True
out["names_disabled"] = view.show_names.disabled
out["names_shown"] = any("·" in label for label, _ in view.queue.options)
print(json.dumps(out))
"""


def test_a_ta_cannot_grade_in_the_instructors_name_nor_see_names(class_hub: ClassHub, round_trip: RoundTrip) -> None:
    """Issue #22 point 10, replayed by the TA in the service: `Grading(grader=<instructor>)` (what
    `dashboard(grader=...)` passes) and a message header claiming the instructor record nothing in the
    instructor's name; the TA cannot turn blind grading off; the instructor can."""
    hub = class_hub
    kernel_id = start_kernel(hub, TA, GRADING)
    try:
        seen = json.loads(execute(hub, TA, GRADING, kernel_id, FORGE.format(claimed=INSTRUCTOR),
                                  claimed=INSTRUCTOR).strip().splitlines()[-1])
        assert seen["claimed"].startswith(f"refused: grades in the shared grading service carry the name of who "
                                          f"is signed in ({TA}), not '{INSTRUCTOR}'"), seen
        assert seen["own"] == TA and seen["names_disabled"] and not seen["names_shown"], seen
        instructor = json.loads(execute(hub, INSTRUCTOR, GRADING, kernel_id, FORGE.format(claimed=INSTRUCTOR)
                                        ).strip().splitlines()[-1])
        assert instructor["claimed"] == INSTRUCTOR and not instructor["names_disabled"], instructor
        assert instructor["names_shown"], instructor
    finally:
        hub.grading(TA, "DELETE", f"api/kernels/{kernel_id}")
