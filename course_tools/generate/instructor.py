"""Instructor notebooks for grading: the rubric dashboard and the class analytics.

Their code cells only call course_tools, so the notebooks stay short and rebuild byte-identically;
without a course directory each one says how to create it instead of failing.
"""

from __future__ import annotations

from pathlib import Path

from nbformat import NotebookNode

from course_tools.content.loader import Course
from course_tools.generate.writer import code, md, new_notebook, write_notebook

FOLDER = Path("instructor")


def dashboard_notebook(course: Course) -> NotebookNode:
    return new_notebook([
        md(f"# Grading dashboard: {course.module.title}\n\n"
           "For instructors. Grade one question for every submission with the rubric from `content/`; each save "
           "writes the score and an itemised comment into nbgrader's gradebook, so formgrader, "
           "`course-tools feedback` and `course-tools export` show the same grades.\n\n"
           "1. Choose the assignment (Review #6 or a lesson's exit ticket) and the question.\n"
           "2. Read the *Calibration* panel first: a weak, an adequate and a strong sample answer with the "
           "score and rubric items each one earns. The rubric's items reward accuracy, explaining in one's "
           "own words and applying to a case; a copied lesson earns only the first.\n"
           "3. Read the answer (shown as plain text; the key points' terms are marked, whatever their "
           "inflection or -ise/-ize spelling).\n"
           "4. Tick the rubric items it earns, add an adjustment or a comment if needed.\n"
           "5. Press **Save and next ungraded**.\n\n"
           "Names stay hidden (blind grading) unless you tick *Show student names*. Under *Edit the rubric* "
           "you can change an item's points or text: every answer that received it is re-scored.\n\n"
           "**Second marking (moderation).** Once the instructor has drawn a sample "
           "(`course-tools moderate review6 --sample 20%`), a second grader runs "
           "`view = dashboard(moderation=True, grader=\"their name\")` instead: only the sampled answers, blind "
           "(no first score, comment or grader), and the grades are kept apart from nbgrader's gradebook until "
           "the instructor resolves the differences (`course-tools report` lists them).\n\n"
           "The course directory is `course/` in the repository, or `$MOBILIZING_COURSE`."),
        code("from course_tools.widgets.instructor.dashboard import dashboard\nview = dashboard()"),
    ], "grading-dashboard", title="Grading dashboard")


def analytics_notebook(course: Course) -> NotebookNode:
    return new_notebook([
        md(f"# Class analytics: {course.module.title}\n\n"
           "For instructors. Scores per student and question, per-question statistics, how often each rubric "
           "item was given (which key points the class missed) and late submissions. The same CSV files and "
           "charts are written by `course-tools report` into the course directory's `reports/` folder."),
        code("from course_tools.widgets.instructor.analytics import analytics\nreport = analytics()"),
    ], "class-analytics", title="Class analytics")


def build_instructor(course: Course, out: Path) -> list[tuple[Path, bool]]:
    written = []
    for name, notebook in (("grading_dashboard.ipynb", dashboard_notebook(course)),
                           ("analytics.ipynb", analytics_notebook(course))):
        path = out / FOLDER / name
        written.append((path, write_notebook(notebook, path)))
    return written
