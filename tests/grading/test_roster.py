"""`roster import`: good rows in, bad rows reported by line number and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools import CourseToolsError
from course_tools.cli import main
from course_tools.grading.coursedir import open_api
from course_tools.grading.roster import import_roster


def test_bad_rows_reported_good_rows_imported(course_root: Path, tmp_path: Path, capsys) -> None:
    csv = tmp_path / "class.csv"
    csv.write_text("Student ID,First Name,Last Name,Email\n"
                   "dana,Dana,Diaz,dana@example.org\n"
                   "eve+x,Eve,Evans,eve@example.org\n"
                   "femi,Femi,Fola,not-an-email\n"
                   "dana,Dana,Again,dana2@example.org\n"
                   ",No,Id,noid@example.org\n"
                   "gus,Gus,Green,\n")
    assert main(["roster", "import", str(csv), "--course", str(course_root)]) == 0
    err = capsys.readouterr()
    lines = [line for line in err.err.splitlines() if not line.startswith("course: ")]  # first: which course
    assert [line.split(": ")[1] for line in lines] == ["line 3", "line 4", "line 5", "line 6"]
    assert "eve+x" in lines[0] and "not-an-email" in lines[1] and "repeats line 2" in lines[2]
    assert "imported 2 student(s), skipped 4 row(s)" in err.out
    api = open_api(course_root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        dana = gb.find_student("dana")
        assert (dana.first_name, dana.last_name, dana.email) == ("Dana", "Diaz", "dana@example.org")
        assert gb.find_student("gus").email is None
        assert {s.id for s in gb.students} == {"alice", "bob", "carol", "dana", "gus"}


def test_missing_column_is_one_clear_error(course_root: Path, tmp_path: Path) -> None:
    csv = tmp_path / "class.csv"
    csv.write_text("id,name\nx,X\n")
    with pytest.raises(CourseToolsError, match=r"class.csv: line 1: missing column\(s\) first_name, last_name, email"):
        import_roster(course_root, csv)
