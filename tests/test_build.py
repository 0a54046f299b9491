"""`course-tools build`: deterministic, in sync with the committed notebooks, and what a student needs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from course_tools.content.loader import Course
from course_tools.generate.notebooks import build_all, lesson_filename
from tests.paths import NOTEBOOKS


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in p.parts}


def test_building_twice_gives_identical_bytes(course: Course, tmp_path: Path) -> None:
    build_all(course, tmp_path / "a")
    second = build_all(course, tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert all(changed for _, changed in second)
    assert not any(changed for _, changed in build_all(course, tmp_path / "a"))


def test_committed_notebooks_equal_a_fresh_build(course: Course, tmp_path: Path) -> None:
    build_all(course, tmp_path)
    fresh, committed = _tree(tmp_path), _tree(NOTEBOOKS)
    assert sorted(fresh) == sorted(committed), "run `course-tools build` and commit notebooks/"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"out of date, run `course-tools build`: {stale}"


def _lesson_notebooks(course: Course) -> dict[str, nbformat.NotebookNode]:
    return {lesson_id: nbformat.read(NOTEBOOKS / lesson_filename(course, lesson_id), as_version=4)
            for lesson_id in course.module.lessons}


def test_notebooks_have_kernelspec_no_outputs_and_short_code_cells(course: Course) -> None:
    for path in NOTEBOOKS.rglob("*.ipynb"):
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert raw["metadata"]["kernelspec"]["name"] == "python3", path
        for cell in raw["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path
                lines = "".join(cell["source"]).splitlines()
                assert 1 <= len(lines) <= 2, (path, lines)
                assert "course_tools" in lines[0] or lines[0].startswith("ct."), (path, lines)


def test_each_lesson_has_title_objectives_and_navigation(course: Course) -> None:
    notebooks = _lesson_notebooks(course)
    order = course.module.lessons
    for i, lesson_id in enumerate(order):
        cells = notebooks[lesson_id].cells
        first = cells[0].source
        assert first.startswith("# ") and course.lessons[lesson_id].title in first
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        objectives = {o.id: o.text for o in course.module.objectives}
        for objective in course.lessons[lesson_id].objectives:
            assert objectives[objective] in text
        if i > 0:
            assert f"]({lesson_filename(course, order[i - 1])})" in first
            assert f"]({lesson_filename(course, order[0])})" in first
        if i + 1 < len(order):
            assert f"]({lesson_filename(course, order[i + 1])})" in first


def test_every_module_bullet_appears_in_a_lesson_notebook(course: Course) -> None:
    text = "\n".join(c.source for nb in _lesson_notebooks(course).values() for c in nb.cells)
    missing = [p.seed for lesson in course.lessons.values() for p in lesson.points
               if p.text not in text or f"`{p.seed}`" not in text]
    assert not missing
    taught = {p.seed for lesson in course.lessons.values() for p in lesson.points}
    assert taught == {b.id for b in course.seed.values() if b.kind != "question"}


def test_student_lessons_hold_no_instructor_notes(course: Course) -> None:
    notebooks = _lesson_notebooks(course)
    for lesson in course.lessons.values():
        for nb in notebooks.values():
            assert lesson.instructor_note not in "\n".join(c.source for c in nb.cells)
    notes = nbformat.read(NOTEBOOKS / "instructor" / "lesson_notes.ipynb", as_version=4)
    assert all(lesson.instructor_note in "\n".join(c.source for c in notes.cells)
               for lesson in course.lessons.values())


def test_activities_follow_the_point_they_test_and_lessons_close_with_takeaways(course: Course) -> None:
    """What a reader sees: each placed activity comes after its point and before the next one;
    the others come after all points; every lesson ends with key takeaways before the discussion."""
    for lesson_id, nb in _lesson_notebooks(course).items():
        lesson = course.lessons[lesson_id]
        sources = [c.source for c in nb.cells]
        point_at = {p.id: next(i for i, s in enumerate(sources) if p.text in s) for p in lesson.points}
        ends = sorted(point_at.values())[1:] + [len(sources)]
        spec = course.activities.get(lesson_id)
        for activity in spec.activities if spec else []:
            at = sources.index(f'ct.activity("{activity.id}")')
            if activity.after == "introduction":
                assert at < min(point_at.values(), default=len(sources)), (lesson_id, activity.id)
            elif activity.after:
                start = point_at[activity.after]
                assert start < at < min(e for e in ends if e > start), (lesson_id, activity.id)
            else:
                assert at > max(point_at.values(), default=0), (lesson_id, activity.id)
        headings = [s.splitlines()[0] for s in sources if s.startswith("## ")]
        assert headings[-2:] == ["## Key takeaways", "## Discuss"], (lesson_id, headings)
        takeaways = next(s for s in sources if s.startswith("## Key takeaways"))
        assert lesson.takeaways and all(t in takeaways for t in lesson.takeaways), lesson_id
    placed = [a for f in course.activities.values() for a in f.activities if a.after]
    assert len(placed) >= len([a for f in course.activities.values() for a in f.activities]) / 2
