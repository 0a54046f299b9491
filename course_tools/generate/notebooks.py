"""Lesson notebooks (one per action area plus the overview) and the instructor's notes."""

from __future__ import annotations

from pathlib import Path

from nbformat import NotebookNode

from course_tools.activities.specs import ActivitySpec
from course_tools.content.loader import Course
from course_tools.content.models import Lesson, Point
from course_tools.generate.apps import app_link
from course_tools.generate.assignments import build_assignments
from course_tools.generate.instructor import build_instructor
from course_tools.generate.slides import add_slides
from course_tools.generate.writer import code, md, new_notebook, write_notebook


def lesson_filename(course: Course, lesson_id: str) -> str:
    return f"{course.module.lessons.index(lesson_id):02d}_{lesson_id}.ipynb"


def seed_label(course: Course, seed_id: str) -> str:
    """'global-follow-up.4.2' -> 'Module 6, Global follow-up, point 4.2' (module.yaml's label and sections)."""
    section, _, number = seed_id.partition(".")
    where = "lead-in" if number == "lead" else f"point {number}"
    return f"{course.module.label}, {course.module.sections.get(section, section)}, {where}"


def _navigation(course: Course, lesson: Lesson) -> str:
    order = course.module.lessons
    i = order.index(lesson.id)
    links = []
    if i > 0:
        prev = course.lessons[order[i - 1]]
        links.append(f"[← {prev.title}]({lesson_filename(course, prev.id)})")
    if lesson.id != order[0]:
        links.append(f"[Overview]({lesson_filename(course, order[0])})")
    if i + 1 < len(order):
        nxt = course.lessons[order[i + 1]]
        links.append(f"[{nxt.title} →]({lesson_filename(course, nxt.id)})")
    return " · ".join(links)


def _point_cell(course: Course, number: int, point: Point) -> NotebookNode:
    """One point on one slide: the module's words once, one plain-language explanation, the source."""
    lines = ["## What the module says"] if number == 1 else []
    lines.append(f"**{number}.** {point.text}")
    if point.explain:
        lines.append(f"> *In plain words:* {point.explain}")
    lines.append(f"<small>Source: {seed_label(course, point.seed)} (`{point.seed}`)</small>")
    return md("\n\n".join(lines), role="point")


class _Activities:
    """Emits activity cells where they belong: the first one says how activities work, later ones
    only 'Try it', so the instructions are read once."""

    def __init__(self, specs: list[ActivitySpec]):
        self.specs = specs
        self.first = True

    def cells(self, after: str | None, heading: str = "### Try it") -> list[NotebookNode]:
        chosen = [a for a in self.specs if a.after == after]
        if not chosen:
            return []
        intro = heading
        if self.first:
            intro += ("\n\nAnswer each activity, then press **Check** (or **Save**). "
                      "Your answers are saved, so you can come back later.")
            self.first = False
        return [md(intro, role="activity")] + [code(f'ct.activity("{a.id}")', role="activity") for a in chosen]


def _overview_extras(course: Course) -> list[NotebookNode]:
    rows = ["| # | Lesson | Action area |", "|---|---|---|"]
    for lesson in course.ordered_lessons()[1:]:
        sections = ", ".join(course.module.sections.get(s, s) for s in lesson.seed_sections)
        rows.append(f"| {course.module.lessons.index(lesson.id)} | "
                    f"[{lesson.title}]({lesson_filename(course, lesson.id)}) | {sections} |")
    glossary = ["## Glossary"] + [f"- **{g.term}**: {g.definition}" for g in course.module.glossary]
    return [md("## The lessons\n\n" + "\n".join(rows), role="point"), md("\n".join(glossary), role="point")]


def lesson_notebook(course: Course, lesson: Lesson) -> NotebookNode:
    objectives = {o.id: o.text for o in course.module.objectives}
    number = course.module.lessons.index(lesson.id)
    heading = lesson.title if number == 0 else f"{number}. {lesson.title}"
    cells = [
        md(f"# {heading}\n\n*{course.module.title}: {course.module.subtitle}*\n\n{_navigation(course, lesson)}"
           f"\n\n{app_link(lesson_filename(course, lesson.id))}", role="title"),
        md("## You will be able to\n\n" + "\n".join(f"- {objectives[o]}" for o in lesson.objectives),
           role="objectives"),
        md("## Introduction\n\n" + lesson.introduction, role="hook"),
        code(f'from course_tools import notebook as ct\nct.start("{lesson.id}")', role="setup"),
    ]
    if lesson.case:
        cells.append(md("## The case: Maresia (a fictional country)\n\n" + lesson.case, role="hook"))
    spec = course.activities.get(lesson.id)
    activities = _Activities(spec.activities if spec else [])
    cells += activities.cells("introduction", heading="## Warm-up")
    if number == 0:
        cells += _overview_extras(course)
    for n, point in enumerate(lesson.points, start=1):
        cells.append(_point_cell(course, n, point))
        cells += activities.cells(point.id)
    for table in lesson.tables:
        cells.append(code(f'ct.table("{table}")', role="table"))
    if lesson.why_it_matters:
        cells.append(md("## Why it matters\n\n" + "\n".join(
            f"- {c.text} <small>(Source: {c.source})</small>" for c in lesson.why_it_matters), role="why"))
    cells += activities.cells(None, heading="## Put it together")
    if number == 0:
        cells.append(md("## Your progress", role="progress"))
        cells.append(code("ct.progress()", role="progress"))
    if lesson.takeaways:
        cells.append(md("## Key takeaways\n\n" + "\n".join(f"- {t}" for t in lesson.takeaways), role="takeaways"))
    cells.append(md("## Discuss\n\n" + lesson.discussion_prompt, role="discussion"))
    cells.append(code("ct.discussion()", role="discussion"))
    cells.append(md(_navigation(course, lesson), role="navigation"))
    return add_slides(new_notebook(cells, lesson.id, title=lesson.title))


def instructor_notes(course: Course) -> NotebookNode:
    cells = [md(f"# Instructor notes: {course.module.title}\n\n"
                "For instructors only. One section per lesson: how to run it and what to ask.")]
    for lesson in course.ordered_lessons():
        cells.append(md(f"## {lesson.title}\n\n{lesson.instructor_note}\n\n"
                        f"**Discussion prompt:** {lesson.discussion_prompt}"))
    return new_notebook(cells, "instructor-notes", title="Instructor notes")


def build_lessons(course: Course, out: Path) -> list[tuple[Path, bool]]:
    written = []
    for lesson in course.ordered_lessons():
        path = out / lesson_filename(course, lesson.id)
        written.append((path, write_notebook(lesson_notebook(course, lesson), path)))
    notes = out / "instructor" / "lesson_notes.ipynb"
    written.append((notes, write_notebook(instructor_notes(course), notes)))
    return written


BUILDERS = [build_lessons, build_assignments, build_instructor]


def build_all(course: Course, out: Path) -> list[tuple[Path, bool]]:
    """Run every builder; return each path written and whether its bytes changed."""
    return [item for builder in BUILDERS for item in builder(course, out)]
