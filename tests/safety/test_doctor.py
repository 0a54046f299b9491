"""`course-tools doctor` on a healthy course, then on one broken in six ways: each is named with a fix."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from course_tools.cli import main
from tests.support.submissions import START, _dump, answered, drop


def doctor(capsys: pytest.CaptureFixture, root: Path) -> tuple[int, str]:
    code = main(["doctor", "--course", str(root)])
    return code, capsys.readouterr().out


def test_doctor_names_each_problem_and_its_fix(released: Path, capsys: pytest.CaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    drop(released, "alice", {"review6.ipynb": _dump(answered(released))}, START)
    assert main(["collect", "review6", "--course", str(released)]) == 0
    code, out = doctor(capsys, released)
    assert code == 0 and "doctor: everything looks right" in out, out
    assert "student HTML is neutralised" in out and "review6: source, release and exchange agree" in out

    config = released / "nbgrader_config.py"
    config.write_text(re.sub(r"c\.HTMLExporter\.preprocessors = .*\n", "", config.read_text()))
    inbound = released / "exchange" / "mobilizing-action" / "inbound"
    os.chmod(inbound, 0o777)
    source = released / "source" / "review6" / "review6.ipynb"
    release = released / "release" / "review6" / "review6.ipynb"
    later = max(source.stat().st_mtime, release.stat().st_mtime) + 60  # edited after the release, whenever made
    os.utime(source, (later, later))
    (released / "rubric.db").write_bytes(b"this is not a database" * 100)
    (released / "submitted" / "mallory" / "review6").mkdir(parents=True)

    code, out = doctor(capsys, released)
    assert code == 1 and "doctor: 6 problem(s)" in out, out
    for problem, fix in [("student HTML is not neutralised", "course-tools init"),
                         ("readable by every user", f"chmod 2733 {inbound}"),
                         ("review6: the source changed after the student version was made", "course-tools assign"),
                         ("rubric.db: not readable", "course-tools backups restore"),
                         ("rubric.db: readable by other accounts", "chmod 600"),
                         ("not on the roster: mallory", "course-tools roster import")]:
        assert re.search(re.escape(problem) + r".*\n\s+fix: .*" + re.escape(fix), out), (problem, out)


def test_doctor_names_students_whose_names_hold_markup(course_root: Path, capsys: pytest.CaptureFixture) -> None:
    """Issue #22 M4: a name imported before the roster refused markup (or added by nbgrader's own commands)."""
    from nbgrader.api import Gradebook

    from course_tools.grading.coursedir import open_api

    api = open_api(course_root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        gb.update_or_create_student("bob", first_name="<img src=x onerror=alert(1)>")
    code, out = doctor(capsys, course_root)
    assert code == 1
    assert re.search(r"PROBLEM  students whose name or email holds .*: bob .*\n\s+fix: .*roster import", out), out
