"""Issue #22, H2: a student reads the repository. As a real student of the class hub (a command run as their
local user, code in their own kernel), every way to Review #6's model answers is tried: the content file,
the git history, a listing of the checkout, the test fixtures that copy the keys, the course account's
nbgrader source, and course_tools in the kernel. All must fail, while the student's lesson still opens
(the app view) and a Check still works."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.paths import CONTENT, REPO
from tests.support.hub import RIGHT_CHECK, STUDENTS, ClassHub, classhub, run_as, run_in_kernel

pytestmark = [pytest.mark.hub, pytest.mark.timeout(420)]
STUDENT = STUDENTS[0]
REVIEW = CONTENT / "assignments" / "review6.yaml"


def model_answers() -> list[str]:
    """The first words of each Review #6 model answer (what a leak would show, however it is wrapped)."""
    questions = yaml.safe_load(REVIEW.read_text(encoding="utf-8"))["questions"]
    return [" ".join(q["instructor"]["model_answer"].split()[:8]) for q in questions]


def assert_no_key(text: str, what: str) -> None:
    flat = " ".join(text.split())
    leaked = [answer for answer in model_answers() if answer in flat]
    assert not leaked, f"{what}: a model answer reached the student: {leaked[0]}"


def attempt(hub: ClassHub, command: list[str], what: str) -> None:
    result = run_as(STUDENT, command, env={"GIT_CONFIG_NOSYSTEM": "1"})
    assert_no_key(result.stdout + result.stderr, what)
    assert result.returncode != 0, f"{what} worked for a student: {result.stdout[:300]}"


def test_a_student_cannot_read_the_review_file(class_hub: ClassHub) -> None:
    attempt(class_hub, ["cat", str(REVIEW)], "cat review6.yaml")


def test_a_student_cannot_read_the_git_history(class_hub: ClassHub) -> None:
    # safe.directory on the command line: git would refuse a root-owned checkout by default, not by design
    attempt(class_hub, ["git", "-c", "safe.directory=*", "-C", str(REPO), "log", "-p", "-n", "5", "--",
                        "content/assignments/review6.yaml"], "git log -p")


def test_a_student_cannot_list_the_checkout(class_hub: ClassHub) -> None:
    attempt(class_hub, ["ls", "-la", str(REPO)], "ls the checkout")
    attempt(class_hub, ["ls", str(REPO / "content" / "assignments")], "ls content/assignments")


def test_a_student_cannot_read_the_test_fixtures_or_instructor_notebooks(class_hub: ClassHub) -> None:
    attempt(class_hub, ["cat", str(REPO / "tests" / "fixtures" / "grading" / "content" / "assignments" /
                                   "review6.yaml")], "cat the fixtures' review6.yaml")
    attempt(class_hub, ["cat", str(REPO / "notebooks" / "instructor" / "source" / "review6" / "review6.ipynb")],
            "cat the nbgrader source notebook")
    attempt(class_hub, ["cat", str(REPO / "notebooks" / "instructor" / "lesson_notes.ipynb")],
            "cat the instructor notes")


def test_a_student_cannot_read_the_course_accounts_source(class_hub: ClassHub) -> None:
    source = class_hub.course / "source" / "review6" / "review6.ipynb"
    attempt(class_hub, ["ls", str(class_hub.course / "source")], "ls the course's source/")
    attempt(class_hub, ["cat", str(source)], "cat the course's source notebook")


KERNEL_ATTACK = """
import json, os, sys
tries = {}
def attempt(name, get):
    try:
        value = get()
        tries[name] = "GOT " + str(value)[:4000]
    except BaseException as exc:
        tries[name] = type(exc).__name__ + ": " + str(exc)[:300]
from pathlib import Path
from course_tools.content.loader import load_course
REPO = Path(%(repo)r)
attempt("edition", lambda: [q.instructor.model_answer for q in load_course().assignments["review6"].questions])
attempt("repo content", lambda: [q.instructor.model_answer
                                 for q in load_course(REPO / "content").assignments["review6"].questions])
attempt("fixture content", lambda: load_course(REPO / "tests/fixtures/grading/content").assignments["review6"])
attempt("open", lambda: open(REPO / "content/assignments/review6.yaml").read())
attempt("exit tickets", lambda: load_course().exit_tickets.lessons[0].model_answer)
attempt("notes", lambda: load_course().lessons["policy_forum"].instructor_note)
print(json.dumps({"tries": tries, "content": os.environ.get("MOBILIZING_CONTENT", "")}))
"""


def test_course_tools_in_the_students_kernel_gives_no_key(class_hub: ClassHub) -> None:
    out = run_in_kernel(class_hub, STUDENT, KERNEL_ATTACK % {"repo": str(REPO)})
    assert_no_key(out, "the student's kernel")
    seen = json.loads(out.strip().splitlines()[-1])
    tries = seen["tries"]
    assert not any(result.startswith("GOT") for result in tries.values()), tries
    assert tries["edition"] == ("InstructorMaterialError: review6's questions, model answers, key points and "
                                "rubric are instructor material: not in the student edition"), tries
    assert tries["exit tickets"].startswith("InstructorMaterialError: the exit tickets'"), tries
    assert tries["notes"].startswith("InstructorMaterialError: lesson 'policy_forum''s instructor note"), tries
    assert tries["open"].startswith("PermissionError"), tries
    assert seen["content"] == str(classhub.edition_dir(class_hub.settings) / "content")


def test_the_students_lesson_still_opens_and_a_check_works(class_hub: ClassHub) -> None:
    page = class_hub.server(STUDENT, "GET", f"voila/render/{classhub.LESSONS_SUBDIR}/04_policy_dialogue.ipynb")
    assert page.status_code == 200, f"the lesson app: {page.status_code} {page.text[:300]}"
    assert "Policy Development Dialogues" in page.text and "Traceback" not in page.text
    seen = json.loads(run_in_kernel(class_hub, STUDENT, RIGHT_CHECK).strip().splitlines()[-1])
    assert seen["lessons"] == 7 and seen["status"] == "Saved." and "✔" in seen["feedback"], seen
