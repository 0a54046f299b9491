"""Issue #22, M1 replayed on the real class hub: a student's program squats `exchange/<course>` before the
first release, with a folder of theirs or with a symbolic link into the course account's private course.

The hub's setup makes that folder, as the course account and before any student can act
(classhub.prepare_course_exchange), so a student's program can neither make, replace nor remove it. Where
a squat is there before the setup (an exchange from an older hub), formgrader's Release is refused with one
clear line naming it, `course-tools doctor` reports it with the fix, nothing is written into the private
course, and the hub's setup at its next start moves the squat aside so release works again.
"""

from __future__ import annotations

import json
import pwd
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hub import (
    ASSIGNMENT,
    COURSE_ACCOUNT,
    COURSE_ID,
    INSTRUCTOR,
    STUDENTS,
    ClassHub,
    RoundTrip,
    assignments,
    classhub,
    run_as,
    run_in_kernel,
)

pytestmark = [pytest.mark.hub, pytest.mark.timeout(600)]

STUDENT = STUDENTS[0]

# Run in the student's own kernel: what their program can do to the course's folder in the exchange.
TAMPER = """
import json, os
path = {path!r}
tries = {{"mkdir": lambda: os.mkdir(path), "symlink": lambda: os.symlink({target!r}, path),
         "rename": lambda: os.rename(path, path + "-mine"), "rmdir": lambda: os.rmdir(path),
         "outbound": lambda: os.mkdir(os.path.join(path, "outbound", "planted"))}}
out = {{}}
for name, act in tries.items():
    try:
        act()
        out[name] = "done"
    except OSError as exc:
        out[name] = type(exc).__name__
print(json.dumps(out))
"""

# Run in the student's own kernel before the course has its folder: the squat itself, then a look through it.
SQUAT = """
import json, os
path, kind, target = {path!r}, {kind!r}, {target!r}
if kind == "folder":
    for sub in ("", "outbound", "inbound"):
        os.mkdir(os.path.join(path, sub))
        os.chmod(os.path.join(path, sub), 0o777)
else:
    os.symlink(target, path)
print(json.dumps({{"made": os.path.lexists(path)}}))
"""

LOOK = """
import json, os
try:
    seen = sorted(os.listdir({path!r}))
except OSError as exc:
    seen = type(exc).__name__
print(json.dumps(seen))
"""


def _doctor(hub: ClassHub) -> tuple[int, str]:
    result = run_as(COURSE_ACCOUNT, [str(classhub.VENV_BIN / "course-tools"), "doctor", "--course", str(hub.course)],
                    env={"MOBILIZING_CONTENT": str(classhub.REPO / "content")})
    return result.returncode, result.stdout + result.stderr


def _formgrader(hub: ClassHub, action: str) -> dict:
    response = hub.grading(INSTRUCTOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/{action}")
    assert response.status_code == 200, f"{action}: {response.status_code} {response.text[:500]}"
    return response.json()


def test_a_students_program_cannot_make_replace_or_remove_the_course_folder(class_hub: ClassHub) -> None:
    """The hub's setup made it before any student could act, so there is nothing left to squat."""
    folder = class_hub.settings.exchange / COURSE_ID
    owner = pwd.getpwnam(COURSE_ACCOUNT).pw_uid
    assert folder.lstat().st_uid == owner and folder.is_dir() and not folder.is_symlink()
    out = run_in_kernel(class_hub, STUDENT, TAMPER.format(path=str(folder), target=str(class_hub.course)))
    assert json.loads(out) == {"mkdir": "FileExistsError", "symlink": "FileExistsError",
                               "rename": "PermissionError", "rmdir": "PermissionError",
                               "outbound": "PermissionError"}
    assert folder.lstat().st_uid == owner and not folder.is_symlink()


@pytest.fixture
def unclaimed(class_hub: ClassHub) -> Iterator[Path]:
    """The exchange as an older hub left it: no course folder yet (the real one is put back afterwards)."""
    folder = class_hub.settings.exchange / COURSE_ID
    kept = folder.with_name(f".kept-by-test-{COURSE_ID}")
    if folder.is_dir() and not folder.is_symlink():
        folder.rename(kept)
    try:
        yield folder
    finally:
        for path in [folder, *folder.parent.glob(f".squatted-{COURSE_ID}-*")]:
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path)
        if kept.is_dir():
            kept.rename(folder)


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_squat_before_the_setup_is_refused_reported_and_moved_aside(class_hub: ClassHub, unclaimed: Path,
                                                                      kind: str) -> None:
    hub, folder = class_hub, unclaimed
    course = hub.course
    assert _formgrader(hub, "assign")["success"]  # the student version exists: release has something to copy
    made = run_in_kernel(hub, STUDENT, SQUAT.format(path=str(folder), kind=kind, target=str(course)))
    assert json.loads(made) == {"made": True}

    released = _formgrader(hub, "release")
    message = released.get("error", "") + released.get("log", "")
    assert not released["success"], released
    why = "a symbolic link" if kind == "link" else f"owned by {STUDENT}"
    assert f"release refused: {folder}: {why}" in message and "move it aside" in message, message
    assert not (course / "outbound").exists()  # nothing released into the private course through the link
    seen = json.loads(run_in_kernel(hub, STUDENT, LOOK.format(path=str(folder))))
    assert seen == ("PermissionError" if kind == "link" else ["inbound", "outbound"])  # only their own folders

    code, out = _doctor(hub)
    assert code == 1 and f"PROBLEM  {folder}: {why}" in out, out
    assert "release, collect and feedback refuse it" in out and "fix: as root, move it aside" in out, out

    # The hub's setup at its next start (`make hub`, classhub.up) moves the squat aside and claims the folder.
    notes = classhub.prepare_course_exchange(hub.settings)
    assert any(line.startswith(f"moved {folder}") for line in notes), notes
    assert folder.lstat().st_uid == pwd.getpwnam(COURSE_ACCOUNT).pw_uid and not folder.is_symlink()
    assert _formgrader(hub, "release")["success"]
    listed = [a for a in assignments(hub, STUDENT) if a["assignment_id"] == ASSIGNMENT]
    assert listed and listed[0]["status"] in ("released", "fetched", "submitted"), listed
    code, out = _doctor(hub)
    assert f"PROBLEM  {folder}" not in out, out


# Run in a student's own kernel: what of the class their program can list through the exchange.
LIST = """
import glob, json, os
exchange, course = {exchange!r}, {course!r}
out = {{}}
for name in ("inbound", "feedback", "outbound"):
    try:
        out[name] = sorted(os.listdir(os.path.join(exchange, course, name)))
    except OSError as exc:
        out[name] = type(exc).__name__
out["glob"] = sorted(glob.glob(os.path.join(exchange, course, "*", "*+*")))
print(json.dumps(out))
"""


def test_a_student_cannot_list_classmates_through_the_exchange_or_the_hub(class_hub: ClassHub,
                                                                          round_trip: RoundTrip) -> None:
    """Issue #22 L: after everyone has submitted and got feedback, a student's program cannot list who else
    submitted (inbound, feedback) and the student's own hub token cannot list users or the class's groups.
    (The OS user list, /home and /proc are the machine's: README, "What a student can still see".)"""
    hub = class_hub
    out = json.loads(run_in_kernel(hub, STUDENT, LIST.format(exchange=str(hub.settings.exchange), course=COURSE_ID)))
    assert out["inbound"] == "PermissionError" and out["feedback"] == "PermissionError", out
    assert out["outbound"] == [ASSIGNMENT] and out["glob"] == [], out
    for path in ("/hub/api/users", "/hub/api/groups", f"/hub/api/groups/{classhub.STUDENTS_GROUP}",
                 f"/hub/api/users/{STUDENTS[1]}"):
        response = hub.request(STUDENT, "GET", path)
        assert response.status_code in (403, 404), (path, response.status_code, response.text[:300])
        assert STUDENTS[1] not in response.text
