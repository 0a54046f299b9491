"""`roster import`: every bad line reported by number; a file with any bad line imports nobody."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools import CourseToolsError
from course_tools.cli import main
from course_tools.grading.coursedir import open_api
from course_tools.grading.roster import import_roster


def _students(root: Path) -> dict[str, tuple]:
    api = open_api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        return {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}


def test_bad_rows_reported_and_nothing_imported(course_root: Path, tmp_path: Path, capsys) -> None:
    before = _students(course_root)
    csv = tmp_path / "class.csv"
    csv.write_text("Student ID,First Name,Last Name,Email\n"
                   "dana,Dana,Diaz,dana@example.org\n"
                   "eve+x,Eve,Evans,eve@example.org\n"
                   "femi,Femi,Fola,not-an-email\n"
                   "dana,Dana,Again,dana2@example.org\n"
                   ",No,Id,noid@example.org\n"
                   "gus,Gus,Green,\n")
    assert main(["roster", "import", str(csv), "--course", str(course_root)]) == 1
    err = capsys.readouterr()
    lines = [line for line in err.err.splitlines() if line.startswith(str(csv))]
    assert [line.split(": ")[1] for line in lines] == ["line 3", "line 4", "line 5", "line 6"]
    assert "eve+x" in lines[0] and "not-an-email" in lines[1] and "repeats line 2" in lines[2]
    assert "nothing imported: 4 line(s)" in err.err
    assert _students(course_root) == before  # dana and gus, though good, are not in


def test_a_good_file_is_imported_whole(course_root: Path, tmp_path: Path, capsys) -> None:
    csv = tmp_path / "class.csv"
    csv.write_text("\ufeffStudent ID,First Name,Last Name,Email\n"
                   "dana,Dana,Diaz,dana@example.org\n\n"
                   'gus,Gus,"Green, Jr.",\n')
    assert main(["roster", "import", str(csv), "--course", str(course_root)]) == 0
    assert "imported 2 student(s)" in capsys.readouterr().out
    students = _students(course_root)
    assert students["dana"] == ("Dana", "Diaz", "dana@example.org")
    assert students["gus"] == ("Gus", "Green, Jr.", None)


@pytest.mark.parametrize("line", ["1002,John,Smith, Jr.,john@example.org", "1002,John,Smith",
                                  "jsmith,John,Smith, Jr.,john@example.org"])
def test_an_unquoted_comma_is_an_error_naming_the_line_and_nothing_is_imported(
        course_root: Path, tmp_path: Path, line: str) -> None:
    """M5: with numeric ids, pandas took the extra field as the row's index and shifted every column:
    student 1002 came in as someone else, silently; with other ids, a traceback."""
    before = _students(course_root)
    csv = tmp_path / "class.csv"
    csv.write_text(f"id,first_name,last_name,email\n1001,Ana,Alves,ana@example.org\n{line}\n"
                   "1003,Ben,Berg,ben@example.org\n")
    report = import_roster(course_root, csv)
    assert report.imported == []
    assert len(report.problems) == 1 and report.problems[0].startswith(f"{csv}: line 3: ")
    assert "the header has 4" in report.problems[0]
    assert _students(course_root) == before


@pytest.mark.parametrize("column, value", [("first_name", "<img src=x onerror=alert(1)>"),
                                           ("last_name", "Smith&lt;b&gt;"), ("first_name", 'Eve"onclick'),
                                           ("email", "<svg/onload=alert(1)>@x.org")])
def test_a_name_with_markup_is_refused_naming_the_line(course_root: Path, tmp_path: Path, column: str,
                                                       value: str) -> None:
    """M4: refused, not escaped: nbgrader's submission page shows names unescaped, others escape themselves."""
    before = _students(course_root)
    row = {"id": "zoe", "first_name": "Zoe", "last_name": "Zed", "email": "zoe@example.org", column: value}
    csv = tmp_path / "class.csv"
    csv.write_text('id,first_name,last_name,email\nyan,Yan,Yu,\n'
                   + ",".join('"' + row[c].replace('"', '""') + '"' for c in ("id", "first_name", "last_name",
                                                                         "email")) + "\n")
    report = import_roster(course_root, csv)
    assert report.imported == [] and len(report.problems) == 1
    assert report.problems[0].startswith(f"{csv}: line 3: {column} ") and "plain text" in report.problems[0]
    assert _students(course_root) == before


def test_names_with_apostrophes_and_accents_are_fine(course_root: Path, tmp_path: Path) -> None:
    csv = tmp_path / "class.csv"
    csv.write_text("id,first_name,last_name,email\nsean,Seán,O'Brien-Núñez,\n", encoding="utf-8")
    assert import_roster(course_root, csv).imported == ["sean"]
    assert _students(course_root)["sean"] == ("Seán", "O'Brien-Núñez", None)


def test_missing_column_is_one_clear_error(course_root: Path, tmp_path: Path) -> None:
    csv = tmp_path / "class.csv"
    csv.write_text("id,name\nx,X\n")
    with pytest.raises(CourseToolsError, match=r"class.csv: line 1: missing column\(s\) first_name, last_name, email"):
        import_roster(course_root, csv)
