"""Rubric grades in `rubric.db` inside the course directory (SQLite through SQLAlchemy, as nbgrader), or in
the course's PostgreSQL database beside nbgrader's tables (course_tools.grading.databases).

Three things live here: the current rubric of each question (seeded from content, then edited by
instructors; every edit bumps the question's version and is logged), one grade row per
(assignment, student, question) with the applied item ids, adjustment, comment, grader and time,
and the blind labels, persisted so they never change once shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Float,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from course_tools import CourseToolsError
from course_tools.grading.course_config import CoursePaths, CourseSettings
from course_tools.grading.databases import RUBRIC_DB, is_postgresql, rubric_location
from course_tools.grading.private import owner_only
from course_tools.rubric.scoring import Item, QuestionRubric

DB_NAME = RUBRIC_DB
# Every rubric transaction on PostgreSQL takes this advisory lock (one per database), as every SQLite one takes
# the database's write lock: a save's read-check-write and a claim are one step for all graders' processes.
PG_LOCK_KEY = 0x6D6F62696C697A  # "mobiliz"
CONTENT_EDITOR = "content"  # the editor recorded when a change in content/ updates an item


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class QuestionRow(Base):
    __tablename__ = "rubric_question"
    assignment: Mapped[str] = mapped_column(String(128), primary_key=True)
    question: Mapped[str] = mapped_column(String(128), primary_key=True)
    max_points: Mapped[float] = mapped_column(Float)
    extra_credit: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ItemRow(Base):
    __tablename__ = "rubric_item"
    __table_args__ = (ForeignKeyConstraint(["assignment", "question"],
                                           ["rubric_question.assignment", "rubric_question.question"]),)
    assignment: Mapped[str] = mapped_column(String(128), primary_key=True)
    question: Mapped[str] = mapped_column(String(128), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    points: Mapped[float] = mapped_column(Float)
    key_point: Mapped[str | None] = mapped_column(String(128), nullable=True)
    position: Mapped[int] = mapped_column(Integer)


class EditRow(Base):
    """Who changed which rubric item, from what to what: re-scores are explainable afterwards."""

    __tablename__ = "rubric_edit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assignment: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(String(128))
    item_id: Mapped[str] = mapped_column(String(128))
    change: Mapped[str] = mapped_column(Text)  # JSON {"points": [old, new], ...}
    editor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column()
    rescored: Mapped[int] = mapped_column(Integer, default=0)


class GradeRow(Base):
    __tablename__ = "rubric_grade"
    __table_args__ = (UniqueConstraint("assignment", "student", "question"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assignment: Mapped[str] = mapped_column(String(128), index=True)
    student: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(String(128))
    applied: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of item ids
    adjustment: Mapped[float] = mapped_column(Float, default=0.0)
    comment: Mapped[str] = mapped_column(Text, default="")
    grader: Mapped[str] = mapped_column(String(128), default="")
    graded_at: Mapped[datetime] = mapped_column()
    score: Mapped[float] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # +1 on every save


class LabelRow(Base):
    __tablename__ = "blind_label"
    __table_args__ = (UniqueConstraint("assignment", "label"),)
    assignment: Mapped[str] = mapped_column(String(128), primary_key=True)
    student: Mapped[str] = mapped_column(String(128), primary_key=True)
    label: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class RubricGrade:
    """What an answer received, as stored (the score is recomputed from the rubric on every change)."""

    assignment: str
    student: str
    question: str
    applied: tuple[str, ...] = ()
    adjustment: float = 0.0
    comment: str = ""
    grader: str = ""
    graded_at: datetime = field(default_factory=now)
    score: float = 0.0
    version: int = 0  # as loaded (0: not saved yet); a save expecting it fails if someone saved since


class StaleGrade(CourseToolsError):
    """Another grader saved this answer after it was loaded: nothing was written."""


def _grade(row: GradeRow) -> RubricGrade:
    return RubricGrade(row.assignment, row.student, row.question, tuple(json.loads(row.applied)), row.adjustment,
                       row.comment, row.grader, row.graded_at, row.score, row.version)


def _configure_sqlite(engine) -> None:
    """WAL and a busy timeout so graders in several processes wait for each other instead of failing,
    and BEGIN IMMEDIATE so a save's read-check-write is one locked step (pysqlite's own transaction
    handling would start it lazily)."""
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _configure_postgresql(engine) -> None:
    """The advisory lock at the start of each transaction (released at its end), waiting at most 30 s as
    SQLite's busy timeout does."""
    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")


def _migrate(engine) -> None:
    """rubric.db files from before optimistic saves have no version column."""
    columns = {c["name"] for c in inspect(engine).get_columns("rubric_grade")}
    if columns and "version" not in columns:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE rubric_grade ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


class RubricStore:
    """The rubric database of one course directory: a SQLite file (a path) or a PostgreSQL URL."""

    def __init__(self, location: Path | str):
        if isinstance(location, str) and is_postgresql(location):
            self.path: Path | None = None
            self.engine = create_engine(location, connect_args={"options": "-c lock_timeout=30000"},
                                        pool_pre_ping=True)
            _configure_postgresql(self.engine)
        else:
            self.path = Path(location)
            self.engine = create_engine(f"sqlite:///{self.path}")
            _configure_sqlite(self.engine)
        self.create_tables()
        _migrate(self.engine)
        if self.path is not None:
            owner_only(self.path)  # it holds the map from blind labels to names

    @classmethod
    def for_course(cls, root: Path) -> RubricStore:
        """Beside the course's gradebook (nbgrader_config.py's db_url)."""
        root = Path(root)
        if not CoursePaths(root).config.is_file():
            return cls(root / DB_NAME)
        return cls(rubric_location(root, CourseSettings.load(root).db_url))

    def close(self) -> None:
        self.engine.dispose()

    def create_tables(self, tables: list | None = None) -> None:
        """Create what is missing in one locked transaction, so graders opening a new course at the same
        moment do not race to create the same table."""
        with self.engine.begin() as conn:
            Base.metadata.create_all(conn, tables=tables)

    # --- rubrics ---------------------------------------------------------------------------------
    def seed(self, rubrics: Iterable[QuestionRubric]) -> list[tuple[str, str, str]]:
        """Bring rubric.db in line with content without losing an instructor's work: add new items;
        update items no instructor has edited to their content points and text; drop items content
        no longer has, unless an instructor added them or an answer received them. Items an
        instructor edited keep their edits. Returns the (assignment, question, item) whose points
        or text changed and that some answer received: those answers need re-scoring."""
        changed: list[tuple[str, str, str]] = []
        with Session(self.engine) as s, s.begin():
            for rubric in rubrics:
                key = (rubric.assignment, rubric.question)
                question = s.get(QuestionRow, key)
                if question is None:
                    question = QuestionRow(assignment=key[0], question=key[1], max_points=rubric.max_points,
                                           extra_credit=rubric.extra_credit, version=1)
                    s.add(question)
                    s.flush()
                rows = {r.item_id: r for r in s.scalars(select(ItemRow).where(ItemRow.assignment == key[0],
                                                                                 ItemRow.question == key[1]))}
                touched = set(s.scalars(select(EditRow.item_id).where(EditRow.assignment == key[0],
                                                                      EditRow.question == key[1],
                                                                      EditRow.editor != CONTENT_EDITOR)))
                applied = {i for a in s.scalars(select(GradeRow.applied).where(
                    GradeRow.assignment == key[0], GradeRow.question == key[1])) for i in json.loads(a)}
                content_ids = {item.id for item in rubric.items}
                for position, item in enumerate(rubric.items):
                    row = rows.get(item.id)
                    if row is None:
                        s.add(ItemRow(assignment=key[0], question=key[1], item_id=item.id,
                                      description=item.description, points=item.points,
                                      key_point=item.key_point, position=position))
                        continue
                    row.position = position
                    if item.id in touched:
                        continue
                    change = {f: [old, new] for f, old, new in (("points", row.points, item.points),
                                                                 ("description", row.description, item.description))
                              if old != new}
                    if change:
                        row.points, row.description = item.points, item.description
                        question.version += 1
                        s.add(EditRow(assignment=key[0], question=key[1], item_id=item.id,
                                      change=json.dumps(change), editor=CONTENT_EDITOR, at=now()))
                        if item.id in applied:  # score or the comment that lists it
                            changed.append((key[0], key[1], item.id))
                for item_id, row in rows.items():
                    if item_id not in content_ids and item_id not in touched and item_id not in applied:
                        s.delete(row)
                        question.version += 1
        return changed

    def rubrics(self, assignment: str) -> dict[str, QuestionRubric]:
        with Session(self.engine) as s:
            questions = s.scalars(select(QuestionRow).where(QuestionRow.assignment == assignment)).all()
            items = s.scalars(select(ItemRow).where(ItemRow.assignment == assignment)
                              .order_by(ItemRow.position, ItemRow.item_id)).all()
            found = {}
            for q in questions:
                own = tuple(Item(i.item_id, i.description, i.points, i.key_point) for i in items
                            if i.question == q.question)
                found[q.question] = QuestionRubric(assignment, q.question, q.max_points, own, q.extra_credit)
            return found

    def version(self, assignment: str, question: str) -> int:
        with Session(self.engine) as s:
            row = s.get(QuestionRow, (assignment, question))
            return row.version if row else 0

    def update_item(self, assignment: str, question: str, item_id: str, editor: str, *,
                    points: float | None = None, description: str | None = None) -> dict[str, list]:
        """Change one item; return the change as {field: [old, new]} (empty if nothing changed)."""
        with Session(self.engine) as s, s.begin():
            row = s.get(ItemRow, (assignment, question, item_id))
            if row is None:
                raise KeyError(f"{assignment}/{question} has no rubric item '{item_id}'")
            change: dict[str, list] = {}
            if points is not None and float(points) != row.points:
                change["points"] = [row.points, float(points)]
                row.points = float(points)
            if description is not None and description.strip() and description.strip() != row.description:
                change["description"] = [row.description, description.strip()]
                row.description = description.strip()
            if change:
                s.get(QuestionRow, (assignment, question)).version += 1
                s.add(EditRow(assignment=assignment, question=question, item_id=item_id,
                              change=json.dumps(change), editor=editor, at=now()))
            return change

    def add_item(self, assignment: str, question: str, item: Item, editor: str) -> None:
        with Session(self.engine) as s, s.begin():
            if s.get(ItemRow, (assignment, question, item.id)) is not None:
                raise KeyError(f"{assignment}/{question} already has a rubric item '{item.id}'")
            q = s.get(QuestionRow, (assignment, question))
            if q is None:
                raise KeyError(f"{assignment} has no question '{question}' in the rubric database")
            last = s.scalars(select(ItemRow.position).where(ItemRow.assignment == assignment,
                                                            ItemRow.question == question)).all()
            s.add(ItemRow(assignment=assignment, question=question, item_id=item.id, description=item.description,
                          points=item.points, key_point=item.key_point, position=max(last, default=-1) + 1))
            q.version += 1
            s.add(EditRow(assignment=assignment, question=question, item_id=item.id,
                          change=json.dumps({"added": [None, item.points]}), editor=editor, at=now()))

    def note_rescored(self, assignment: str, question: str, item_id: str, count: int) -> None:
        with Session(self.engine) as s, s.begin():
            last = s.scalars(select(EditRow).where(EditRow.assignment == assignment, EditRow.question == question,
                                                   EditRow.item_id == item_id).order_by(EditRow.id.desc())).first()
            if last is not None:
                last.rescored = count

    def edits(self, assignment: str) -> list[dict]:
        with Session(self.engine) as s:
            rows = s.scalars(select(EditRow).where(EditRow.assignment == assignment).order_by(EditRow.id)).all()
            return [{"question": r.question, "item": r.item_id, "change": json.loads(r.change), "editor": r.editor,
                     "at": r.at, "rescored": r.rescored} for r in rows]

    # --- grades ----------------------------------------------------------------------------------
    def grades(self, assignment: str, question: str | None = None) -> dict[tuple[str, str], RubricGrade]:
        """(student, question) -> grade, in one query."""
        query = select(GradeRow).where(GradeRow.assignment == assignment)
        if question is not None:
            query = query.where(GradeRow.question == question)
        with Session(self.engine) as s:
            return {(r.student, r.question): _grade(r) for r in s.scalars(query)}

    def put(self, grades: Iterable[RubricGrade], check: bool = False,
            write_through: Callable[[], None] | None = None) -> None:
        """Insert or replace grades, in one locked transaction. With `check`, each grade's `version`
        must still be the stored one (0: none stored), else StaleGrade names who saved it and when and
        nothing is written. `write_through` (the gradebook write) runs inside the lock, before commit."""
        grades = list(grades)
        if not grades:
            return
        with Session(self.engine) as s, s.begin():
            assignment = grades[0].assignment
            students = {g.student for g in grades}
            existing = {(r.student, r.question): r for r in s.scalars(select(GradeRow).where(
                GradeRow.assignment == assignment, GradeRow.student.in_(students)))}
            for g in grades:
                if g.assignment != assignment:
                    raise ValueError("put() takes the grades of one assignment at a time")
                row = existing.get((g.student, g.question))
                if check and (row.version if row else 0) != g.version:
                    raise StaleGrade(f"{g.question} of this submission was saved by {row.grader or 'someone'} at "
                                     f"{row.graded_at:%H:%M:%S} UTC ({row.score:g} points) after you opened it; "
                                     "nothing was written: their grade is shown now")
            if write_through is not None:
                write_through()
            for g in grades:
                row = existing.get((g.student, g.question))
                if row is None:
                    row = GradeRow(assignment=g.assignment, student=g.student, question=g.question, version=0)
                    s.add(row)
                row.applied = json.dumps(list(g.applied))
                row.adjustment, row.comment, row.grader = float(g.adjustment), g.comment, g.grader
                row.graded_at, row.score = g.graded_at, g.score
                row.version = (row.version or 0) + 1

    def delete(self, assignment: str, student: str, question: str) -> bool:
        with Session(self.engine) as s, s.begin():
            row = s.scalars(select(GradeRow).where(GradeRow.assignment == assignment, GradeRow.student == student,
                                                   GradeRow.question == question)).first()
            if row is None:
                return False
            s.delete(row)
            return True

    # --- blind labels ----------------------------------------------------------------------------
    def labels(self, assignment: str) -> dict[str, str]:
        with Session(self.engine) as s:
            rows = s.execute(select(LabelRow.student, LabelRow.label).where(LabelRow.assignment == assignment))
            return {student: label for student, label in rows}

    def add_labels(self, assignment: str, labels: dict[str, str]) -> None:
        if not labels:
            return
        with Session(self.engine) as s, s.begin():
            s.add_all(LabelRow(assignment=assignment, student=k, label=v) for k, v in labels.items())
