"""The nbgrader source notebooks: metadata as nbgrader writes it, deterministic, and a student
release that carries no instructor-only text."""

from __future__ import annotations

from pathlib import Path

import nbformat

from course_tools.content.loader import Course
from course_tools.generate.assignments import build_assignments, course_assignments
from course_tools.grading.lifecycle import assign

NBGRADER_KEYS = {"grade", "grade_id", "locked", "schema_version", "solution", "task"}


def instructor_strings(course: Course) -> list[str]:
    found = []
    for assignment in course.assignments.values():
        for q in assignment.questions:
            found.append(q.instructor.model_answer)
            found += [k.text for k in q.instructor.key_points]
            found += [r.description for r in q.instructor.rubric]
    found += [lesson.instructor_note for lesson in course.lessons.values()]
    return found


def test_sources_are_deterministic_with_nbgrader_metadata(course: Course, tmp_path: Path) -> None:
    first = build_assignments(course, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p, _ in first] == [
        "instructor/source/review6/review6.ipynb", "instructor/source/exit_overview/exit_overview.ipynb",
        "instructor/source/exit_global_follow_up/exit_global_follow_up.ipynb"]
    assert all(changed for _, changed in first)
    assert not any(changed for _, changed in build_assignments(course, tmp_path))
    nb = nbformat.read(tmp_path / "instructor/source/review6/review6.ipynb", as_version=4)
    answers = [c for c in nb.cells if c.metadata["nbgrader"]["solution"]]
    assert [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"]["points"]) for c in answers] == \
        [("phases", 4), ("national", 6)]
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        assert set(meta) >= NBGRADER_KEYS and meta["schema_version"] == 3 and meta["task"] is False
        assert meta["locked"] is not meta["solution"]
    assert "Total: 10 points" in nb.cells[0].source and "10% of its score per day" in nb.cells[0].source
    ticket = course_assignments(course)["exit_global_follow_up"]
    assert ticket.questions[0].prompt == course.lessons["global_follow_up"].discussion_prompt


def test_release_has_no_instructor_text(course: Course, course_root: Path) -> None:
    secrets = instructor_strings(course)
    assert len(secrets) >= 7
    for assignment_id in course_assignments(course):
        assign(course, course_root, assignment_id)
        source = (course_root / "source" / assignment_id / f"{assignment_id}.ipynb").read_text()
        released = (course_root / "release" / assignment_id / f"{assignment_id}.ipynb").read_text()
        nb = nbformat.reads(released, as_version=4)
        text = "\n".join(cell.source for cell in nb.cells) + released
        for secret in secrets:
            assert secret not in text, f"{assignment_id} leaks: {secret[:40]}"
        if assignment_id == "review6":
            assert course.assignments["review6"].questions[0].instructor.model_answer in source
            answers = [c.source for c in nb.cells if c.metadata["nbgrader"].get("solution")]
            assert answers == ["YOUR ANSWER HERE", "YOUR ANSWER HERE"]
