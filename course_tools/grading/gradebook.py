"""nbgrader's gradebook read and written with SQLAlchemy Core on its own tables, without importing
nbgrader (its package import costs 1-2 s per command).

The tables are reflected from the database, so the columns are nbgrader's, whatever version wrote them.
The scores follow nbgrader's column properties in nbgrader/api.py: a grade's score is its manual score
(else its automatic score, else 0) plus any extra credit; a notebook's score is the sum of its grades;
a cell's maximum comes from its grade cell or task cell; seconds late are counted from the due date
plus any extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import MetaData, Select, Table, and_, bindparam, create_engine, select, update
from sqlalchemy.engine import Engine

from course_tools.grading.databases import is_postgresql

TABLES = ("student", "assignment", "notebook", "base_cell", "grade_cells", "task_cells", "submitted_assignment",
          "submitted_notebook", "grade", "comment")

_ENGINES: dict[str, Engine] = {}
_TABLES: dict[str, dict[str, Table]] = {}


def engine_for(db_url: str) -> Engine:
    """One engine per gradebook per process (creating engines is the slow part of a small query)."""
    if db_url not in _ENGINES:
        # A dashboard's kernel lives for hours: a PostgreSQL connection closed meanwhile is replaced, not an error.
        _ENGINES[db_url] = create_engine(db_url, pool_pre_ping=is_postgresql(db_url))
    return _ENGINES[db_url]


def tables(db_url: str) -> dict[str, Table]:
    """nbgrader's tables, reflected once per process."""
    if db_url not in _TABLES:
        metadata = MetaData()
        metadata.reflect(bind=engine_for(db_url), only=list(TABLES))
        _TABLES[db_url] = dict(metadata.tables)
    return _TABLES[db_url]


def seconds_late(timestamp: datetime | None, duedate: datetime | None, extension: datetime | None) -> float:
    """SubmittedAssignment.total_seconds_late (nbgrader's `extension` is the new due date)."""
    due = extension if extension is not None else duedate
    if timestamp is None or due is None:
        return 0.0
    return max(0.0, (timestamp - due).total_seconds())


@dataclass
class NotebookGrades:
    """What nbgrader's GetGrades reads for one submitted notebook."""

    submitted_notebook: str = ""
    score: float = 0.0
    max_score: float = 0.0
    late_penalty: float | None = None
    seconds_late: float = 0.0
    cells: dict[str, tuple[float, float]] = field(default_factory=dict)  # grade id -> (score, max score)
    comments: dict[str, str | None] = field(default_factory=dict)  # grade id -> comment


def notebook_grades(db_url: str, assignment_id: str,
                    students: set[str] | None = None) -> dict[tuple[str, str], NotebookGrades]:
    """(student, notebook) -> its grades, comments, score and late penalty, for a whole assignment (or
    only `students`' submissions) in three queries."""
    t = tables(db_url)
    a, nb, sa, sn = t["assignment"], t["notebook"], t["submitted_assignment"], t["submitted_notebook"]
    cell, grade, comment = t["base_cell"], t["grade"], t["comment"]
    gcell, tcell = t["grade_cells"], t["task_cells"]
    base = (sn.join(sa, sa.c.id == sn.c.assignment_id).join(a, a.c.id == sa.c.assignment_id)
            .join(nb, nb.c.id == sn.c.notebook_id))
    chosen = [a.c.name == assignment_id] + ([sa.c.student_id.in_(students)] if students is not None else [])
    submitted = select(sn.c.id).select_from(base).where(*chosen)  # this assignment's notebooks
    found: dict[tuple[str, str], NotebookGrades] = {}
    by_id: dict[str, NotebookGrades] = {}
    with engine_for(db_url).connect() as db:
        rows = db.execute(select(sn.c.id, sa.c.student_id, nb.c.name, sn.c.late_submission_penalty, sa.c.timestamp,
                                 a.c.duedate, sa.c.extension).select_from(base).where(*chosen))
        for sn_id, student, notebook, penalty, timestamp, duedate, extension in rows:
            grades = NotebookGrades(submitted_notebook=sn_id, late_penalty=penalty,
                                    seconds_late=seconds_late(timestamp, duedate, extension))
            found[(student, notebook)] = by_id[sn_id] = grades
        rows = db.execute(select(grade.c.notebook_id, cell.c.name, grade.c.auto_score, grade.c.manual_score,
                                 grade.c.extra_credit, gcell.c.max_score, tcell.c.max_score)
                          .select_from(grade.join(cell, cell.c.id == grade.c.cell_id)
                                       .outerjoin(gcell, gcell.c.id == grade.c.cell_id)
                                       .outerjoin(tcell, tcell.c.id == grade.c.cell_id))
                          .where(grade.c.notebook_id.in_(submitted)))
        for sn_id, name, auto, manual, extra, grade_max, task_max in rows:
            given = manual if manual is not None else auto
            score = 0.0 if given is None else given + (extra or 0.0)
            maximum = grade_max if grade_max is not None else task_max if task_max is not None else 0.0
            target = by_id[sn_id]
            target.cells[name] = (score, maximum)
            target.score += score
            target.max_score += maximum
        rows = db.execute(select(comment.c.notebook_id, cell.c.name, comment.c.auto_comment, comment.c.manual_comment)
                          .select_from(comment.join(cell, cell.c.id == comment.c.cell_id))
                          .where(comment.c.notebook_id.in_(submitted)))
        for sn_id, name, auto, manual in rows:
            by_id[sn_id].comments[name] = manual if manual is not None else auto
    return found


def write_late_penalties(db_url: str, assignment_id: str,
                         penalty: Callable[[str, float, float], float | None], students: set[str] | None = None) -> int:
    """Set every submitted notebook's late penalty (of `students`, default all) to `penalty(student, score,
    seconds late)` (None when on time), in one transaction; return how many submissions are late."""
    grades = notebook_grades(db_url, assignment_id, students)
    sn = tables(db_url)["submitted_notebook"]
    late_students: set[str] = set()
    with engine_for(db_url).begin() as db:
        for (student, _), g in grades.items():
            value = None
            if g.seconds_late > 0:
                late_students.add(student)
                value = penalty(student, g.score, g.seconds_late)
            db.execute(update(sn).where(sn.c.id == g.submitted_notebook).values(late_submission_penalty=value))
    return len(late_students)


def export_rows(db_url: str, assignment_id: str) -> Select:
    """Every student (submitted or not) with each grade of the assignment: one row per student and
    grade, for export."""
    t = tables(db_url)
    s, a, sa, sn = t["student"], t["assignment"], t["submitted_assignment"], t["submitted_notebook"]
    g, bc = t["grade"], t["base_cell"]
    return (select(s.c.id.label("student_id"), s.c.first_name, s.c.last_name, s.c.email, sa.c.timestamp,
                   a.c.duedate, sn.c.late_submission_penalty.label("penalty"), sn.c.id.label("notebook"),
                   bc.c.name.label("cell"), g.c.auto_score, g.c.manual_score, g.c.extra_credit,
                   g.c.needs_manual_grade)
            .select_from(s.join(a, a.c.name == assignment_id)
                         .outerjoin(sa, and_(sa.c.student_id == s.c.id, sa.c.assignment_id == a.c.id))
                         .outerjoin(sn, sn.c.assignment_id == sa.c.id)
                         .outerjoin(g, g.c.notebook_id == sn.c.id)
                         .outerjoin(bc, bc.c.id == g.c.cell_id))
            .order_by(s.c.id))


def graded_cell_maxima(db_url: str, assignment_id: str) -> Select:
    """Each grade cell of the assignment and its points."""
    t = tables(db_url)
    gc, bc, nb, a = t["grade_cells"], t["base_cell"], t["notebook"], t["assignment"]
    return (select(bc.c.name.label("cell"), gc.c.max_score)
            .select_from(gc.join(bc, bc.c.id == gc.c.id).join(nb, nb.c.id == bc.c.notebook_id)
                         .join(a, a.c.id == nb.c.assignment_id))
            .where(a.c.name == assignment_id))


def _answer_columns(db, t: dict[str, Table], table: Table, assignment_id: str, students: set[str], cells: set[str],
                    column) -> dict[tuple[str, str], tuple]:
    """(student, cell) -> (row id, `column`) of `table` (grade or comment) for one assignment's answers."""
    a, sa, sn, cell = t["assignment"], t["submitted_assignment"], t["submitted_notebook"], t["base_cell"]
    rows = db.execute(
        select(table.c.id, sa.c.student_id, cell.c.name, column)
        .select_from(table.join(sn, sn.c.id == table.c.notebook_id).join(sa, sa.c.id == sn.c.assignment_id)
                     .join(a, a.c.id == sa.c.assignment_id).join(cell, cell.c.id == table.c.cell_id))
        .where(a.c.name == assignment_id, sa.c.student_id.in_(students), cell.c.name.in_(cells)))
    return {(student, name): (row_id, value) for row_id, student, name, value in rows}


def set_manual_grades(db_url: str, assignment_id: str, grades: dict[tuple[str, str], tuple[float | None, float | None]],
                      comments: dict[tuple[str, str], str | None]) -> set[tuple[str, str]]:
    """Write answers' manual scores and extra credit ((None, None) clears them: back to "needs grading", as
    formgrader does) and manual comments, keyed by (student, grade cell), in one transaction on the cached
    engine. Returns the answers that have no gradebook row; then nothing is written."""
    t = tables(db_url)
    g, c = t["grade"], t["comment"]
    students, cells = {s for s, _ in grades}, {cell for _, cell in grades}
    with engine_for(db_url).begin() as db:
        grade_rows = _answer_columns(db, t, g, assignment_id, students, cells, g.c.auto_score)
        missing = set(grades) - set(grade_rows)
        if missing:
            return missing
        db.execute(update(g).where(g.c.id == bindparam("row")).values(
            manual_score=bindparam("manual"), extra_credit=bindparam("extra"), needs_manual_grade=bindparam("needs")),
            [{"row": grade_rows[key][0], "manual": manual, "extra": extra,
              "needs": manual is None and grade_rows[key][1] is None}
             for key, (manual, extra) in grades.items()])
        comment_rows = _answer_columns(db, t, c, assignment_id, students, cells, c.c.manual_comment)
        rows = [{"row": comment_rows[key][0], "text": text} for key, text in comments.items() if key in comment_rows]
        if rows:
            db.execute(update(c).where(c.c.id == bindparam("row")).values(manual_comment=bindparam("text")), rows)
    return set()


def answer_rows(db: object, model: type, assignment_id: str, students: set[str] | None = None,
                cells: set[str] | None = None) -> dict[tuple[str, str, str], object]:
    """nbgrader ORM rows of `model` (Grade or Comment) of one assignment, by (student, notebook, cell), in
    one query: for the writers that update them inside nbgrader's own session (autograde, rubric sync).
    Only they import nbgrader.api, so this module does not at import time."""
    from nbgrader.api import (  # noqa: PLC0415
        Assignment,
        BaseCell,
        Notebook,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    query = (db.query(model, SubmittedAssignment.student_id, Notebook.name, BaseCell.name)
             .join(SubmittedNotebook, model.notebook_id == SubmittedNotebook.id)
             .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
             .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
             .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
             .join(BaseCell, model.cell_id == BaseCell.id)
             .filter(Assignment.name == assignment_id))
    if students is not None:
        query = query.filter(SubmittedAssignment.student_id.in_(students))
    if cells is not None:
        query = query.filter(BaseCell.name.in_(cells))
    return {(student, notebook, cell): row for row, student, notebook, cell in query}
