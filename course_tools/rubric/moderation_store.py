"""Moderation (second marking) in `rubric.db`: the drawn sample, the second grades and the resolutions.

Second grades live here and only here: nothing in this module touches nbgrader's gradebook, and
`Grading.sync`/`rescore` read `rubric_grade` only, so a second grade can never reach a student's
score. The gradebook changes when the instructor resolves a sampled answer (moderation.py), and the
resolution (who, when, first and second score as they stood, the decision) is recorded on its row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, ForeignKeyConstraint, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from course_tools import CourseToolsError
from course_tools.rubric.store import Base, RubricGrade, RubricStore, StaleGrade, now


class SampleRow(Base):
    """One moderation sample per assignment: how it was drawn, so it can be explained and redrawn alike."""

    __tablename__ = "moderation_sample"
    assignment: Mapped[str] = mapped_column(String(128), primary_key=True)
    fraction: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer)
    margin: Mapped[float] = mapped_column(Float)
    second_grader: Mapped[str] = mapped_column(String(128), default="")  # "" = anyone but the first grader
    drawn_by: Mapped[str] = mapped_column(String(128))
    drawn_at: Mapped[datetime] = mapped_column()


class AnswerRow(Base):
    """One sampled answer: its first grade when drawn, the second grade, and the resolution."""

    __tablename__ = "moderation_answer"
    __table_args__ = (ForeignKeyConstraint(["assignment"], ["moderation_sample.assignment"]),)
    assignment: Mapped[str] = mapped_column(String(128), primary_key=True)
    student: Mapped[str] = mapped_column(String(128), primary_key=True)
    question: Mapped[str] = mapped_column(String(128), primary_key=True)
    first_score: Mapped[float] = mapped_column(Float)  # at draw time: the stratum
    first_grader: Mapped[str] = mapped_column(String(128), default="")  # "" = graded in formgrader
    applied: Mapped[str | None] = mapped_column(Text, nullable=True)  # second grade: JSON item ids
    adjustment: Mapped[float] = mapped_column(Float, default=0.0)
    comment: Mapped[str] = mapped_column(Text, default="")
    grader: Mapped[str] = mapped_column(String(128), default="")
    graded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str | None] = mapped_column(String(32), nullable=True)  # keep-first, take-second, score
    resolved_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    resolved_first: Mapped[float | None] = mapped_column(Float, nullable=True)
    resolved_second: Mapped[float | None] = mapped_column(Float, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class Sample:
    assignment: str
    fraction: float
    seed: int
    margin: float
    second_grader: str = ""
    drawn_by: str = ""
    drawn_at: datetime | None = None


@dataclass(frozen=True)
class Resolution:
    """What the instructor decided for a sampled answer, with both grades as they stood then."""

    decision: str
    score: float
    first_score: float
    second_score: float
    resolver: str
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class SampledAnswer:
    assignment: str
    student: str
    question: str
    first_score: float
    first_grader: str
    second: RubricGrade | None = None
    resolution: Resolution | None = None


def _answer(row: AnswerRow) -> SampledAnswer:
    second = None
    if row.applied is not None:
        second = RubricGrade(row.assignment, row.student, row.question, tuple(json.loads(row.applied)),
                             row.adjustment, row.comment, row.grader, row.graded_at, row.score or 0.0, row.version)
    resolution = None
    if row.decision is not None:
        resolution = Resolution(row.decision, row.resolved_score, row.resolved_first, row.resolved_second,
                                row.resolved_by or "", row.resolved_at, row.note)
    return SampledAnswer(row.assignment, row.student, row.question, row.first_score, row.first_grader,
                         second, resolution)


class ModerationStore:
    """The moderation tables of one course's rubric.db (same engine, same locking as the rubric store)."""

    def __init__(self, store: RubricStore):
        self.engine = store.engine
        store.create_tables([SampleRow.__table__, AnswerRow.__table__])

    def sample(self, assignment: str) -> Sample | None:
        with Session(self.engine) as s:
            row = s.get(SampleRow, assignment)
            return None if row is None else Sample(row.assignment, row.fraction, row.seed, row.margin,
                                                   row.second_grader, row.drawn_by, row.drawn_at)

    def answers(self, assignment: str, question: str | None = None) -> dict[tuple[str, str], SampledAnswer]:
        """(student, question) -> sampled answer, in one query."""
        query = select(AnswerRow).where(AnswerRow.assignment == assignment)
        if question is not None:
            query = query.where(AnswerRow.question == question)
        with Session(self.engine) as s:
            return {(r.student, r.question): _answer(r) for r in s.scalars(query)}

    def create(self, sample: Sample, answers: list[SampledAnswer], replace: bool = False) -> None:
        """Store a new sample; an existing one is replaced only with `replace` and only while it has no
        second grade (a second grader's work is never thrown away)."""
        with Session(self.engine) as s, s.begin():
            old = s.get(SampleRow, sample.assignment)
            if old is not None:
                rows = s.scalars(select(AnswerRow).where(AnswerRow.assignment == sample.assignment)).all()
                done = sum(r.applied is not None for r in rows)
                if not replace:
                    raise CourseToolsError(f"--sample: {sample.assignment} already has a moderation sample of "
                                           f"{len(rows)} answer(s) (seed {old.seed}); `course-tools moderate "
                                           f"{sample.assignment}` shows it, --redraw replaces it")
                if done:
                    raise CourseToolsError(f"--redraw: {done} answer(s) of {sample.assignment}'s sample have a "
                                           "second grade already; the sample is kept")
                for row in rows:
                    s.delete(row)
                s.delete(old)
                s.flush()
            s.add(SampleRow(assignment=sample.assignment, fraction=sample.fraction, seed=sample.seed,
                            margin=sample.margin, second_grader=sample.second_grader, drawn_by=sample.drawn_by,
                            drawn_at=sample.drawn_at or now()))
            s.flush()
            s.add_all(AnswerRow(assignment=a.assignment, student=a.student, question=a.question,
                                first_score=a.first_score, first_grader=a.first_grader) for a in answers)

    def put_second(self, grade: RubricGrade, check: bool = False) -> None:
        """Store a second grade. With `check`, `grade.version` must still be the stored one, else
        StaleGrade names who saved it meanwhile and nothing is written."""
        with Session(self.engine) as s, s.begin():
            row = s.get(AnswerRow, (grade.assignment, grade.student, grade.question))
            if row is None:
                raise CourseToolsError(f"{grade.assignment}/{grade.question}: this answer is not in the "
                                       "moderation sample")
            if check and row.version != grade.version:
                when = f" at {row.graded_at:%H:%M:%S} UTC" if row.graded_at else ""
                raise StaleGrade(f"the second grade of {grade.question} was saved by {row.grader or 'someone'}"
                                 f"{when} after you opened it; nothing was written: their grade is shown now")
            row.applied = json.dumps(list(grade.applied))
            row.adjustment, row.comment, row.grader = float(grade.adjustment), grade.comment, grade.grader
            row.graded_at, row.score = grade.graded_at, grade.score
            row.version += 1

    def record_resolution(self, assignment: str, student: str, question: str, resolution: Resolution) -> None:
        with Session(self.engine) as s, s.begin():
            row = s.get(AnswerRow, (assignment, student, question))
            row.decision, row.resolved_score = resolution.decision, resolution.score
            row.resolved_first, row.resolved_second = resolution.first_score, resolution.second_score
            row.resolved_by, row.resolved_at, row.note = resolution.resolver, resolution.at, resolution.note
