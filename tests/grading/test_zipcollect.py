"""`collect --zip`: an LMS download goes to the right students on the roster, through the same
backup, intake and roster steps as the exchange collect; every odd entry is named and skipped."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, Student

from course_tools.cli import main
from course_tools.grading.lifecycle import autograde
from course_tools.grading.roster import import_roster

A = "review6"


def _notebook(root: Path, answer: str | None = None) -> str:
    nb = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    if answer is not None:
        next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "phases").source = answer
    return nbformat.writes(nb)


def _collect(capsys: pytest.CaptureFixture, root: Path, archive: Path, *extra: str) -> tuple[int, str, list[str]]:
    code = main(["collect", A, "--zip", str(archive), "--course", str(root), *extra])
    out = capsys.readouterr()
    lines = out.err.splitlines()
    assert lines[0] == f"course: {root.resolve()} (from --course)"  # the first line names the course
    return code, out.out, lines[1:]


def _answer(root: Path, folder: str, student: str) -> str:
    nb = json.loads((root / folder / student / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "phases")
    return "".join(cell["source"])


def test_lms_zip_files_roster_students_and_names_every_odd_entry(released: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture) -> None:
    roster = tmp_path / "more.csv"
    roster.write_text("id,first_name,last_name,email\ndave,Dave,D,\nerin,Erin,E,\nfrank,Frank,F,\n")
    import_roster(released, roster)
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("bob_1002_5002_review6.ipynb", _notebook(released, "Filed as Bob by a nested zip."))
    mapping = tmp_path / "map.csv"
    mapping.write_text("lms_id,student_id\nlms-77,dave\n")
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("alice_1001_5001_review6.ipynb", _notebook(released, "Alice's answer."))
        zf.writestr("bob_LATE_1002_5002_review6.ipynb", _notebook(released, "Bob's first try."))
        zf.writestr("bob_LATE_1002_5002_review6-2.ipynb", _notebook(released, "Bob's answer."))
        zf.writestr("bob_LATE_1002_5002_review6-1.ipynb", _notebook(released, "Bob's second try."))
        zf.writestr("carol_1003_5003_mywork.zip", inner.read_bytes())
        zf.writestr("../carol_1003_5003_review6.ipynb", _notebook(released, "Out of the folder."))
        zf.writestr("/abs/carol_1003_5003_review6.ipynb", _notebook(released, "Absolute."))
        zf.writestr("x/.._1_2_review6.ipynb", _notebook(released))
        zf.writestr("<img src=x onerror=alert(1)>_1_2_review6.ipynb", _notebook(released))
        zf.writestr('=HYPERLINK("http://evil.example")_1_2_review6.ipynb', _notebook(released))
        zf.writestr("mallory_1_2_review6.ipynb", _notebook(released))
        zf.writestr("lms-77_1_2_review6.ipynb", _notebook(released, "Dave's answer."))
        setuid = zipfile.ZipInfo("erin_1_2_review6.ipynb")
        setuid.external_attr = (stat.S_IFREG | 0o4777) << 16
        zf.writestr(setuid, _notebook(released, "Erin's answer."))
        zf.writestr("frank_1_2_review6.ipynb", "{not json")
        zf.writestr("review6.ipynb", _notebook(released))  # no LMS name: cannot tell whose it is
    code, out, err = _collect(capsys, released, archive, "--map", str(mapping))
    assert code == 0
    assert "collect: from submissions.zip: alice, bob, dave, erin, frank" in out
    assert sorted(p.name for p in (released / "submitted").iterdir()) == ["alice", "bob", "dave", "erin", "frank"]
    assert _answer(released, "submitted", "bob") == "Bob's answer."  # -2 is the newest by the LMS numbering
    assert _answer(released, "submitted", "dave") == "Dave's answer."

    def said(*words: str) -> list[str]:
        return [line for line in err if all(w in line for w in words)]

    assert said("bob", "several files", "review6-2.ipynb) counts", "_review6.ipynb is skipped")
    assert said("bob", "several files", "review6-2.ipynb) counts", "review6-1.ipynb is skipped")
    assert said("carol_1003_5003_mywork.zip", "archive inside the zip; never unpacked")
    assert said("../carol_1003_5003_review6.ipynb", "leaves the folder")
    assert said("/abs/carol_1003_5003_review6.ipynb", "leaves the folder")
    for bad in ("'..'", "<img src=x onerror=alert(1)>", '=HYPERLINK("http://evil.example")'):
        assert said(bad, "breaks the roster's id rule"), bad
    assert said("mallory_1_2_review6.ipynb", "'mallory' is not on the roster", "--map")
    assert said("'review6.ipynb'", "does not match the pattern")
    assert "; 8 file(s) in the zip skipped (listed above)" in out
    assert said("collect: frank: review6.ipynb: not valid JSON")  # the intake step runs for zips too
    assert not (released / "review6").exists() and not (released / "carol_1003_5003_review6.ipynb").exists()
    mode = (released / "submitted" / "erin" / A / f"{A}.ipynb").stat().st_mode
    assert mode & 0o7777 == 0o644
    with Gradebook(f"sqlite:///{released / 'gradebook.db'}", "mobilizing-action") as gb:
        ids = {s.id for s in gb.db.query(Student)}
    assert ids == {"alice", "bob", "carol", "dave", "erin", "frank"}  # nothing created from the zip
    assert list((released / "backups").iterdir())  # the same backup step as the exchange collect
    assert autograde(released, A) == 4


def test_second_zip_is_a_resubmission_by_content(released: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    with zipfile.ZipFile(first, "w") as zf:
        zf.writestr("alice_1001_5001_review6.ipynb", _notebook(released, "Alice's first answer."))
        zf.writestr("bob_1002_5002_review6.ipynb", _notebook(released, "Bob's only answer."))
    with zipfile.ZipFile(second, "w") as zf:  # same LMS names, no timestamp: only the content tells
        zf.writestr("alice_1001_5001_review6.ipynb", _notebook(released, "Alice's second answer."))
        zf.writestr("bob_1002_5002_review6.ipynb", _notebook(released, "Bob's only answer."))
    assert _collect(capsys, released, first)[0] == 0
    assert autograde(released, A) == 2
    code, out, err = _collect(capsys, released, second)
    assert code == 0 and "collect: from second.zip: alice" in out
    assert [line for line in err if line.startswith("collect: alice: resubmitted") and "kept in" in line]
    assert [line for line in err if line.startswith("collect: alice: the earlier graded copy") and "grades" in line]
    assert [line for line in err if line.startswith("collect: bob: same files") and "unchanged" in line]
    kept = list((released / "backups").glob(f"*/submitted/alice/{A}/{A}.ipynb"))
    assert len(kept) == 1 and "Alice's first answer." in kept[0].read_text(encoding="utf-8")
    assert autograde(released, A) == 1  # alice regraded, bob unchanged
    assert _answer(released, "autograded", "alice") == "Alice's second answer."
    assert _answer(released, "autograded", "bob") == "Bob's only answer."


def test_zip_bomb_refused_in_one_line(released: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    archive = tmp_path / "bomb.zip"
    with (zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
          zf.open("alice_1001_5001_review6.ipynb", "w") as handle):
        for _ in range(200):
            handle.write(b"\0" * (1024 * 1024))
    assert archive.stat().st_size < 300_000
    code, out, err = _collect(capsys, released, archive)
    assert code == 1 and len(err) == 1
    assert "bomb.zip: 200 MB uncompressed, over the 100 MB cap (c.Intake.max_zip_bytes" in err[0]
    assert not (released / "submitted").exists() or not list((released / "submitted").iterdir())


def test_bad_map_file_named_with_line(released: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    archive = tmp_path / "s.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice_1001_5001_review6.ipynb", _notebook(released))
    mapping = tmp_path / "map.csv"
    mapping.write_text("lms_id,student_id\nx1,<b>bob</b>\n")
    code, _out, err = _collect(capsys, released, archive, "--map", str(mapping))
    assert code == 1 and err == [f"course-tools: error: {mapping}: line 2: student_id '<b>bob</b>' is not an id "
                                 "(only letters, digits and . _ @ -, starting with a letter or digit)"]
