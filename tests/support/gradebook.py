"""A gradebook as sorted rows, to compare two course directories (ours against stock nbgrader)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from course_tools.grading.course_config import CoursePaths, CourseSettings

ROWS = {
    "student": "SELECT id, first_name, last_name, email FROM student",
    "submission": """SELECT s.student_id, s.timestamp, s.extension FROM submitted_assignment s""",
    "notebook": """SELECT sa.student_id, n.name, sn.flagged, sn.late_submission_penalty
                   FROM submitted_notebook sn JOIN submitted_assignment sa ON sa.id = sn.assignment_id
                   JOIN notebook n ON n.id = sn.notebook_id""",
    "grade": """SELECT sa.student_id, c.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade
                FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id
                JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN base_cell c ON c.id = g.cell_id""",
    "comment": """SELECT sa.student_id, c.name, m.auto_comment, m.manual_comment
                  FROM comment m JOIN submitted_notebook sn ON sn.id = m.notebook_id
                  JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN base_cell c ON c.id = m.cell_id""",
}


def snapshot(root: Path, tables: tuple[str, ...] = tuple(ROWS)) -> dict[str, list[tuple]]:
    """Every row of the named views of the course's gradebook (its config's db_url, else root/gradebook.db),
    as sorted tuples of strings."""
    has_config = CoursePaths(root).config.is_file()
    engine = create_engine(CourseSettings.load(root).db_url if has_config else f"sqlite:///{root / 'gradebook.db'}")
    with engine.connect() as conn:
        out = {name: sorted(tuple(map(str, row)) for row in conn.execute(text(ROWS[name]))) for name in tables}
    engine.dispose()
    return out
