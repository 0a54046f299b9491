"""Grades out of nbgrader's gradebook: one row per student, one column per question, in one query
(grading/gradebook.py), without importing nbgrader.

Stock `nbgrader export` writes totals only; instructors and LMSs want per-question scores too.
A question's score follows nbgrader's own rule (Grade.score): the manual score if there is one,
else the auto score, plus any extra credit.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from course_tools import CourseToolsError
from course_tools.grading.course_config import CourseSettings
from course_tools.grading.csv_safe import write_csv
from course_tools.grading.gradebook import engine_for, export_rows, graded_cell_maxima
from course_tools.grading.late import reapply_late_penalties

FORMATS = ("csv", "canvas", "moodle")

def question_order(source_dir: Path) -> list[str]:
    """Grade ids in the order students see them (the gradebook keeps no order)."""
    order = []
    for path in sorted(source_dir.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                order.append(meta["grade_id"])
    return order


def grade_table(db_url: str, assignment_id: str, order: list[str] | None = None) -> pd.DataFrame:
    with engine_for(db_url).connect() as conn:
        rows = pd.read_sql(export_rows(db_url, assignment_id), conn)
        maxima = pd.read_sql(graded_cell_maxima(db_url, assignment_id), conn)
    if maxima.empty:
        raise CourseToolsError(f"assignment '{assignment_id}': not in the gradebook (run `course-tools assign`)")
    cells = [c for c in (order or []) if c in set(maxima.cell)] + sorted(set(maxima.cell) - set(order or []))
    extra = rows.extra_credit.fillna(0.0)
    rows["score"] = rows.manual_score.where(rows.manual_score.notna(), rows.auto_score) + extra
    # no manual and no automatic score: not graded yet, left empty (nbgrader would count 0)
    people = rows.drop_duplicates("student_id").set_index("student_id")[
        ["first_name", "last_name", "email", "timestamp", "duedate"]]
    graded = rows.dropna(subset=["cell"])
    scores = pd.to_numeric(graded.score, errors="coerce")
    table = scores.groupby([graded.student_id, graded.cell]).sum(min_count=1).unstack()  # all-NaN stays NaN
    table = table.reindex(index=people.index, columns=cells)
    penalties = rows.drop_duplicates("notebook").groupby("student_id").penalty.sum(min_count=1)
    pending = graded.groupby("student_id").needs_manual_grade.any()
    out = people[["first_name", "last_name", "email"]].fillna("").copy()
    submitted = pd.to_datetime(people.timestamp)
    due = pd.to_datetime(people.duedate)
    out["submitted"] = submitted.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    out["seconds_late"] = (submitted - due).dt.total_seconds().clip(lower=0).fillna(0).round().astype(int)
    has_submission = people.timestamp.notna() | table.notna().any(axis=1)
    out["status"] = "not submitted"
    out.loc[has_submission, "status"] = "graded"
    out.loc[has_submission & pending.reindex(out.index).fillna(False).astype(bool), "status"] = "needs grading"
    for cell in cells:
        out[cell] = table[cell].round(2)
    out["raw_score"] = table.sum(axis=1, min_count=1).fillna(0.0).round(2)
    out["late_penalty"] = penalties.reindex(out.index).fillna(0.0).round(2)
    out["final_score"] = (out.raw_score - out.late_penalty).round(2)
    out["max_score"] = round(float(maxima.max_score.sum()), 2)
    return out.reset_index()


def canvas_table(table: pd.DataFrame, title: str) -> pd.DataFrame:
    """Canvas Gradebook > Import: identity columns, then one column named after the assignment;
    the 'Points Possible' row tells Canvas the maximum."""
    column = title
    frame = pd.DataFrame({
        "Student": (table.last_name + ", " + table.first_name).where(table.last_name != "", table.student_id),
        "ID": "", "SIS User ID": table.student_id, "SIS Login ID": table.email, "Section": "",
        column: table.final_score,
    })
    possible = pd.DataFrame([{"Student": "Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "",
                              "Section": "", column: table.max_score.iloc[0] if len(table) else ""}])
    return pd.concat([possible, frame], ignore_index=True)


def moodle_table(table: pd.DataFrame, title: str) -> pd.DataFrame:
    """Moodle Grades > Import > CSV file: map 'Email address' (or 'ID number') to the user, the
    assignment column to the grade item and 'Feedback' to its feedback."""
    feedback = table.apply(lambda r: f"Late penalty: {r.late_penalty:g} points." if r.late_penalty else "", axis=1)
    return pd.DataFrame({
        "First name": table.first_name, "Last name": table.last_name, "ID number": table.student_id,
        "Email address": table.email, title: table.final_score, "Feedback": feedback,
    })


def export(root: Path, assignment_id: str, out: Path, fmt: str = "csv", title: str | None = None) -> int:
    """Write the grades of one assignment; return the number of students."""
    if fmt not in FORMATS:
        raise CourseToolsError(f"--format {fmt}: unknown (use one of {', '.join(FORMATS)})")
    settings = CourseSettings.load(Path(root))
    reapply_late_penalties(settings.db_url, assignment_id, settings.config)
    table = grade_table(settings.db_url, assignment_id, question_order(settings.root / "source" / assignment_id))
    name = title or assignment_id
    frame = {"csv": lambda: table, "canvas": lambda: canvas_table(table, name),
             "moodle": lambda: moodle_table(table, name)}[fmt]()
    write_csv(frame, Path(out))  # no cell may start a spreadsheet formula
    return len(table)
