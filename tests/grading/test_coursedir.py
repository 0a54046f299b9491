"""`init` creates a self-contained course and is safe to run again."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course
from course_tools.grading.coursedir import init_course, load_config, open_api


def test_init_is_self_contained(course: Course, tmp_path: Path) -> None:
    root = tmp_path / "course"
    report = init_course(course, root)
    assert any(line.startswith("wrote") and line.endswith("nbgrader_config.py") for line in report)
    config = load_config(root)
    assert Path(config.Exchange.root) == root / "exchange" and (root / "exchange").is_dir()
    assert Path(config.CourseDirectory.root) == root
    assert config.AssignLatePenalties.plugin_class == "course_tools.grading.late.CourseLatePenalty"
    settings = [line for line in (root / "nbgrader_config.py").read_text().splitlines() if line.startswith("c.")]
    assert not [line for line in settings if "'/" in line or '"/' in line]  # every path is relative to HERE
    api = open_api(root)
    assert api.exchange_is_functional
    assert set(api.get_source_assignments()) >= {"review6", "exit_overview", "exit_global_follow_up"}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        assert str(gb.find_assignment("review6").duedate) == "2026-12-15 17:00:00"


def test_init_again_keeps_edits_and_grades(course: Course, tmp_path: Path) -> None:
    root = tmp_path / "course"
    init_course(course, root)
    api = open_api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        gb.add_student("alice")
        gb.add_submission("review6", "alice")
    config = root / "nbgrader_config.py"
    assert all(line.startswith(("unchanged", "kept")) for line in init_course(course, root))
    edited = config.read_text() + "c.Exchange.timezone = 'Europe/Geneva'\n"
    config.write_text(edited)
    report = init_course(course, root)
    assert any("kept" in line and "edited by you" in line for line in report)
    assert config.read_text() == edited
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        assert gb.find_submission("review6", "alice").student.id == "alice"
    report = init_course(course, root, force=True)
    assert any(line.startswith("saved") for line in report) and (root / "nbgrader_config.py.bak").read_text() == edited
    assert "Europe/Geneva" not in config.read_text()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        assert len(gb.find_assignment("review6").submissions) == 1


def test_a_command_run_inside_a_course_acts_on_that_course(released: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture) -> None:
    """nbgrader's convention: the course is the current directory when it holds nbgrader_config.py;
    the first line says which course a command acts on."""
    from course_tools.cli import main

    monkeypatch.setenv("MOBILIZING_COURSE", str(tmp_path / "elsewhere"))
    monkeypatch.chdir(released)
    assert main(["doctor"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"course: {released.resolve()} (from the current directory)", err
    monkeypatch.chdir(tmp_path)
    main(["doctor"])
    assert capsys.readouterr().err.splitlines()[0] == f"course: {tmp_path / 'elsewhere'} (from $MOBILIZING_COURSE)"
