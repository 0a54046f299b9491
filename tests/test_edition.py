"""The student edition (`course-tools edition --student DIR`): no answer key in any of its files, its
lessons run from it alone, and asking it for instructor material gives one clear line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from course_tools.content.edition import InstructorMaterialError
from course_tools.content.loader import Course, load_course
from course_tools.generate.edition import build_student_edition
from tests.paths import CONTENT, NOTEBOOKS, REPO

# Fields whose text is instructor material, as content/ names them (models.py), read straight from the YAML.
KEY_FIELDS = {"model_answer", "description", "note", "instructor_note"}
CALIBRATION_TEXT = "text"


def _key_strings(node: object, inside: str = "") -> list[str]:
    """Every model answer, rubric description, calibration answer and note, and every instructor note."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            is_key = key in KEY_FIELDS or (key == CALIBRATION_TEXT and inside in ("calibration", "key_points"))
            if is_key and isinstance(value, str):
                found.append(value)
            else:
                found += _key_strings(value, key if isinstance(value, list) else inside)
    elif isinstance(node, list):
        for item in node:
            found += _key_strings(item, inside)
    return found


def key_strings() -> list[str]:
    """The instructor texts of content/, except key points that quote the module word for word (students
    read the module's text in every lesson)."""
    texts = []
    for path in [CONTENT / "assignments" / "review6.yaml", CONTENT / "assignments" / "exit_tickets.yaml",
                 *sorted((CONTENT / "lessons").glob("*.yaml"))]:
        texts += _key_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    module = squash((CONTENT / "source" / "module6.txt").read_text(encoding="utf-8"))
    return [t for t in texts if squash(t) not in module]


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course_tools", *argv], capture_output=True, text=True, cwd=REPO)


def _answers() -> list[str]:
    """Model answers and calibration answers, whose every part is a key."""
    found = []
    for path in (CONTENT / "assignments" / "review6.yaml", CONTENT / "assignments" / "exit_tickets.yaml"):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        questions = data.get("questions") or data.get("lessons")
        for q in questions:
            side = q.get("instructor", q)
            found += [side["model_answer"], *(c["text"] for c in side.get("calibration", []))]
    return found


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("edition") / "student"
    build_student_edition(load_course(CONTENT), out)
    return out


def test_the_key_strings_are_found_in_content() -> None:
    texts = key_strings()
    review = (CONTENT / "assignments" / "review6.yaml").read_text(encoding="utf-8")
    # Six questions with a model answer, key points, rubric items and three calibration answers each.
    assert len(texts) > 120 and sum(squash(t)[:40] in squash(review) for t in texts) > 60
    assert all(len(squash(t)) >= 20 for t in texts)  # long enough that finding one is never chance


def test_no_model_answer_rubric_calibration_or_instructor_note_in_any_file(edition: Path) -> None:
    texts = [squash(t) for t in key_strings()]
    # Key points paraphrase the module as the activities' feedback does: for them only the whole text counts.
    prefixes = [squash(t)[:50] for t in _answers()]
    assert len(prefixes) > 30
    files = sorted(p for p in edition.rglob("*") if p.is_file())
    assert len(files) > 20
    for path in files:
        raw = path.read_text(encoding="utf-8")
        views = [raw]
        if path.suffix == ".ipynb":
            views += [cell.source for cell in nbformat.reads(raw, as_version=4).cells]
        if path.suffix == ".yaml":
            views.append(yaml.dump(yaml.safe_load(raw), width=100_000))
        haystack = squash("\n".join(views))
        for text in texts:
            assert text not in haystack, f"{path.relative_to(edition)}: {text[:70]}"
        for text in prefixes:  # a part of a model answer or calibration answer is a leak too
            assert text not in haystack, f"{path.relative_to(edition)}: {text}"


def test_the_edition_holds_lessons_activities_data_and_notebooks_only(edition: Path, course: Course) -> None:
    names = {str(p.relative_to(edition)) for p in edition.rglob("*") if p.is_file()}
    lessons = {f"notebooks/{p.name}" for p in NOTEBOOKS.glob("*.ipynb")}
    assert lessons <= names and not any("instructor" in n or "assignments" in n for n in names)
    assert {f"content/lessons/{lid}.yaml" for lid in course.module.lessons} <= names
    assert "content/data/timeline.csv" in names and "content/edition.yaml" in names
    for name in lessons:  # the same lesson notebooks as `course-tools build`
        assert (edition / name).read_bytes() == (REPO / name).read_bytes()
    student = load_course(edition / "content")
    assert student.edition == "student" and list(student.lessons) == list(course.lessons)
    assert student.activities == course.activities
    assert [s.discussion_prompt for s in student.lessons.values()] == [
        lesson.discussion_prompt for lesson in course.lessons.values()]  # the exit tickets' prompts


def test_rebuilding_gives_the_same_bytes_and_drops_strays(edition: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_student_edition(load_course(CONTENT), again)
    (again / "notebooks" / "stray.ipynb").write_text("{}", encoding="utf-8")
    build_student_edition(load_course(CONTENT), again)
    first = {p.relative_to(edition): p.read_bytes() for p in edition.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second
    assert all(p.stat().st_mode & 0o777 in (0o644, 0o755) for p in again.rglob("*"))


def test_instructor_material_from_the_edition_is_one_clear_line(edition: Path) -> None:
    student = load_course(edition / "content")
    with pytest.raises(InstructorMaterialError, match="review6's .*model answers.* instructor material: not in "
                                                      "the student edition"):
        student.assignments["review6"]
    with pytest.raises(InstructorMaterialError, match="exit tickets.*instructor material"):
        _ = student.exit_tickets.lessons
    with pytest.raises(InstructorMaterialError, match="lesson 'policy_forum''s instructor note is instructor"):
        _ = student.lessons["policy_forum"].instructor_note
    with pytest.raises(InstructorMaterialError, match="assignments.*instructor material"):
        list(student.assignments)


def test_a_student_kernel_gets_one_line_not_a_traceback(edition: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBILIZING_CONTENT", str(edition / "content"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from course_tools.content.loader import load_course\nload_course().assignments['review6']")])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    (error,) = nb.cells[0].outputs
    assert error.output_type == "error" and error.ename == "InstructorMaterialError"
    assert error.traceback == ["InstructorMaterialError: review6's questions, model answers, key points and rubric "
                               "are instructor material: not in the student edition"]


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_each_lesson_runs_from_the_edition_alone(edition: Path, name: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """No MOBILIZING_CONTENT: the kernel finds the edition's content/ beside its notebooks, as a student's
    copy does; the exit ticket (the discussion box), every activity and progress come from it."""
    monkeypatch.delenv("MOBILIZING_CONTENT", raising=False)
    monkeypatch.setenv("MOBILIZING_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    copy = Path(shutil.copytree(edition, tmp_path / "edition"))
    nb = nbformat.read(copy / "notebooks" / name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print(ct.course().root, ct.course().edition)"))
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(copy / "notebooks")}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert nb.cells[-1].outputs[0].text.split() == [str(copy / "content"), "student"]
    discussion = [c for c in nb.cells if c.cell_type == "code" and c.source == "ct.discussion()"]
    assert discussion and discussion[0].outputs, "the exit ticket's answer box is shown"


def test_cli_builds_refuses_a_foreign_folder_and_an_edition_as_source(edition: Path, tmp_path: Path) -> None:
    out = tmp_path / "ed"
    result = cli("edition", "--student", str(out), "--content", str(CONTENT))
    assert result.returncode == 0 and "student edition:" in result.stdout
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("edition", "--student", str(foreign), "--content", str(CONTENT))
    assert result.returncode == 1 and result.stderr.strip().endswith("is not a student edition: choose a new or "
                                                                      "empty folder")
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    result = cli("edition", "--student", str(tmp_path / "x"), "--content", str(edition / "content"))
    assert result.returncode == 1 and "already a student edition" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    checked = cli("check", "--content", str(out / "content"))
    assert checked.returncode == 0 and checked.stdout.startswith("student edition OK")


def test_released_answers_are_the_model_answer_and_key_points_only(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """After class the instructor releases one exit ticket's answers: that lesson's answer box shows them
    after Save; the rubric, the calibration answers and every other ticket's answers stay out."""
    from course_tools import notebook as ct

    out = tmp_path / "released"
    build_student_edition(load_course(CONTENT), out, ["exit_policy_forum"])
    tickets = yaml.safe_load((CONTENT / "assignments" / "exit_tickets.yaml").read_text(encoding="utf-8"))
    forum = next(t for t in tickets["lessons"] if t["lesson"] == "policy_forum")
    released = squash((out / "content" / "released" / "exit_policy_forum.yaml").read_text(encoding="utf-8"))
    assert squash(forum["model_answer"]) in released
    withheld = [squash(t) for t in key_strings() if squash(t) != squash(forum["model_answer"])
                and squash(t) not in {squash(k["text"]) for k in forum["key_points"]}]
    everything = squash("\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()))
    assert not [t for t in withheld if t in everything]
    monkeypatch.setenv("MOBILIZING_CONTENT", str(out / "content"))
    ct.course.cache_clear()
    try:
        outline = ct.released_outline("policy_forum")
        assert squash(forum["model_answer"]) in squash(outline[0]) and len(outline) == 1 + len(forum["key_points"])
        assert ct.released_outline("support") == []
        with pytest.raises(InstructorMaterialError):
            _ = ct.course().assignments["exit_policy_forum"]  # released answers, not the assignment's rubric
    finally:
        ct.course.cache_clear()
    unknown = cli("edition", "--student", str(tmp_path / "x"), "--content", str(CONTENT), "--release", "nope")
    assert unknown.stderr.startswith("course-tools: error: --release nope: no such assignment (one of: review6, ")
