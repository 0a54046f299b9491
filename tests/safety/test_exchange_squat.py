"""A course folder in a shared exchange that someone else made first (issue #22, M1): `init` makes it the
course account's own with nbgrader's modes; a folder another account made, or a symbolic link into the
private course, is refused by release (course-tools and nbgrader's own API, as formgrader calls it), collect
and feedback release with one line, reported by doctor with its fix, and nothing lands in the private course.
The hub replay as a real student is tests/hub/test_exchange_attacks.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from course_tools import CourseToolsError
from course_tools.cli import main
from course_tools.content.loader import Course
from course_tools.grading.coursedir import init_course, open_api
from course_tools.grading.exchange_guard import LAYOUT, claim_course_exchange, exchange_problems
from course_tools.grading.lifecycle import assign, collect, release

A = "review6"
COURSE_ID = "mobilizing-action"
NOBODY = 65534  # another account: a student's


def _shared(root: Path, tmp_path: Path) -> Path:
    """Point the course at a shared exchange (mode 1777), as the class hub's config block does."""
    shared = tmp_path / "shared-exchange"
    shared.mkdir()
    shared.chmod(0o1777)
    with (root / "nbgrader_config.py").open("a") as out:
        out.write(f"\nc.Exchange.root = {str(shared)!r}\n")
    return shared


def _modes(folder: Path) -> dict[str, int]:
    return {sub: stat.S_IMODE((folder / sub).lstat().st_mode) for sub in LAYOUT}


def test_init_makes_the_course_folder_its_own_with_nbgraders_modes(course_root: Path, tmp_path: Path,
                                                                   course: Course) -> None:
    shared = _shared(course_root, tmp_path)
    report = init_course(course, course_root)
    folder = shared / COURSE_ID
    assert _modes(folder) == LAYOUT and folder.stat().st_uid == os.geteuid()
    assert any(line.startswith("created") and str(folder) in line for line in report)
    (folder / "inbound").chmod(0o777)  # a loosened mode is put back by the next init
    init_course(course, course_root)
    assert _modes(folder) == LAYOUT and exchange_problems(shared, COURSE_ID, os.geteuid()) == []


def _squat(shared: Path, kind: str, target: Path) -> Path:
    """What a student does before the first release: a folder of theirs, or a link into the private course."""
    path = shared / COURSE_ID
    if kind == "folder":
        path.mkdir()
        (path / "inbound").mkdir()
        os.chown(path, NOBODY, NOBODY)
        os.chown(path / "inbound", NOBODY, NOBODY)
    else:
        path.symlink_to(target)
        os.lchown(path, NOBODY, NOBODY)
    return path


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="making a folder owned by another account needs root")


@needs_root
@pytest.mark.parametrize("kind", ["folder", "link"])
def test_release_refuses_a_squatted_exchange_with_one_line(course_root: Path, tmp_path: Path, course: Course,
                                                           kind: str, capsys: pytest.CaptureFixture) -> None:
    shared = _shared(course_root, tmp_path)
    squat = _squat(shared, kind, course_root)
    assign(course, course_root, A)
    expected = "a symbolic link" if kind == "link" else "owned by nobody"
    with pytest.raises(CourseToolsError, match=f"release {A} refused: .*{expected}") as caught:
        release(course_root, A)
    assert "\n" not in str(caught.value) and "move it aside" in str(caught.value)
    # nbgrader's own API, as formgrader's Release button calls it: refused with the same line
    result = open_api(course_root).release_assignment(A)
    assert not result["success"] and expected in result["log"] + result.get("error", "")
    assert not (course_root / "outbound").exists()  # nothing released into the private course through the link
    with pytest.raises(CourseToolsError, match="collect review6 refused"):
        collect(course_root, A)
    with pytest.raises(CourseToolsError, match="claiming the course's exchange folder refused"):
        init_course(course, course_root)
    assert main(["doctor", "--course", str(course_root)]) == 1
    out = capsys.readouterr().out
    assert f"PROBLEM  {squat}: {'a symbolic link' if kind == 'link' else 'owned by nobody'}" in out, out
    assert "release, collect and feedback refuse it" in out and f"fix: as root, move it aside (mv {squat}" in out


@needs_root
def test_doctor_names_a_wrong_owner_or_mode_below_our_folder(course_root: Path, tmp_path: Path, course: Course,
                                                            capsys: pytest.CaptureFixture) -> None:
    shared = _shared(course_root, tmp_path)
    claim_course_exchange(shared, COURSE_ID)
    feedback = shared / COURSE_ID / "feedback"
    feedback.chmod(0o755)  # every student could list the feedback file names
    assert main(["doctor", "--course", str(course_root)]) == 1
    out = capsys.readouterr().out
    assert f"PROBLEM  {feedback}: mode 0755, nbgrader's is 0711" in out and f"fix: chmod 0711 {feedback}" in out
    feedback.chmod(0o711)
    os.chown(feedback, NOBODY, NOBODY)
    assert main(["doctor", "--course", str(course_root)]) == 1
    assert f"PROBLEM  {feedback}: owned by nobody" in capsys.readouterr().out


def test_doctor_names_a_config_without_the_exchange_guard(course_root: Path, capsys: pytest.CaptureFixture) -> None:
    config = course_root / "nbgrader_config.py"
    config.write_text(config.read_text().replace("c.ExchangeFactory.collect", "# c.ExchangeFactory.collect"))
    assert main(["doctor", "--course", str(course_root)]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM  formgrader's Release and Collect do not check who owns" in out and "c.ExchangeFactory lines" in out
