"""The analytics view: the tables and charts of `course-tools report`, shown in a notebook."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML, display

from course_tools.defaults import REVIEW_ASSIGNMENT
from course_tools.rubric.course import NO_COURSE, course_dir, has_course
from course_tools.rubric.grader import Grading
from course_tools.rubric.report import Report, write_report


def _table(frame, caption: str) -> widgets.HTML:
    body = frame.to_html(index=False, na_rep="", float_format=lambda v: f"{v:g}", border=0)
    view = widgets.HTML(f"<h3>{html.escape(caption)}</h3>{body}")
    view.add_class("ma-table")
    return view


def _image(path: Path, alt: str) -> widgets.VBox:
    image = widgets.Image(value=path.read_bytes(), format="png", layout=widgets.Layout(max_width="760px"))
    image.add_class("ma-chart")
    return widgets.VBox([image, widgets.HTML(f"<small>{html.escape(alt)}</small>")])


def analytics_view(report: Report) -> widgets.VBox:
    data = report.analytics
    pngs = {p.stem: p for p in report.files if p.suffix == ".png"}
    missed = data.items[data.items.points > 0].sort_values("given_percent")
    children = [
        widgets.HTML(f"<h2>Analytics: {html.escape(data.assignment)}</h2><p>Files written to "
                     f"<code>{html.escape(str(report.files[0].parent))}</code>.</p>"),
        _table(data.questions, "Per question (graded answers only)"),
        _image(pngs[f"{data.assignment}_hist"], "Histogram per question: how many graded answers got each score."),
        _table(missed[["question", "item", "level", "given", "graded", "given_percent"]],
               "Rubric items, least often given first (what the class missed: accurate, explains, applies)"),
        _image(pngs[f"{data.assignment}_rubric_items"],
               "Bar chart: share of graded answers that received each rubric item; red bars are deductions."),
        _table(data.late, f"Late submissions ({len(data.late)})"),
        _table(data.scores[["student_id", "status", *data.question_ids, "raw_score", "late_penalty", "final_score"]],
               "Students x questions (as `course-tools export` writes them)"),
    ]
    root = widgets.VBox(children)
    root.add_class("ma-analytics")
    return root


def analytics(course: Path | str | None = None, assignment: str = REVIEW_ASSIGNMENT) -> Report | None:
    """Write the report for the course directory and show it, or say what is missing."""
    root = course_dir(course)
    if not has_course(root):
        display(HTML(f"<p role='status'><b>Analytics:</b> {html.escape(NO_COURSE)} "
                     f"(looked in <code>{html.escape(str(root))}</code>).</p>"))
        return None
    report = write_report(Grading(root), assignment)
    display(analytics_view(report))
    return report
