"""Who is grading which answer right now, so two graders of one course never grade the same answer by
accident.

Opening an answer in the dashboard claims it for that grader (one open answer per grader and
assignment: opening the next releases the last); saving releases it. Another grader's queue shows the answer as
taken, with who and since when, and "Save and next ungraded" passes it by. A claim nobody renews ends
after `TTL` (a closed browser tab must not hold an answer all day). Claims live in rubric.db, taken in
one locked transaction, so two graders opening the same answer at the same moment cannot both get it.
They warn, they do not lock: the optimistic check on save (course_tools.rubric.store) stays the last
line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from course_tools.rubric.store import Base, RubricStore, now

TTL = timedelta(minutes=20)


class ClaimRow(Base):
    __tablename__ = "grading_claim"
    assignment: Mapped[str] = mapped_column(String(128), primary_key=True)
    question: Mapped[str] = mapped_column(String(128), primary_key=True)
    student: Mapped[str] = mapped_column(String(128), primary_key=True)
    grader: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column()


@dataclass(frozen=True)
class Claim:
    student: str
    question: str
    grader: str
    at: datetime

    def age(self, at: datetime | None = None) -> str:
        """"just now", "4 min" (for the queue)."""
        minutes = int(((at or now()) - self.at).total_seconds() // 60)
        return "just now" if minutes < 1 else f"{minutes} min"


class Claims:
    """The live claims of a course (rubric.db)."""

    def __init__(self, store: RubricStore, ttl: timedelta = TTL):
        self.engine = store.engine
        self.ttl = ttl
        store.create_tables([ClaimRow.__table__])

    def take(self, assignment: str, question: str, student: str, grader: str) -> Claim:
        """Claim an answer for `grader`, releasing their other open answer of this assignment. Returns the
        claim that holds: theirs, or another grader's live one (which is left alone)."""
        at = now()
        with Session(self.engine) as s, s.begin():
            row = s.get(ClaimRow, (assignment, question, student))
            if row is not None and row.grader != grader and at - row.at < self.ttl:
                return Claim(student, question, row.grader, row.at)
            s.execute(delete(ClaimRow).where(ClaimRow.assignment == assignment, ClaimRow.grader == grader,
                                             (ClaimRow.question != question) | (ClaimRow.student != student)))
            if row is None:
                s.add(ClaimRow(assignment=assignment, question=question, student=student, grader=grader, at=at))
            else:
                row.grader, row.at = grader, at
        return Claim(student, question, grader, at)

    def release(self, assignment: str, question: str, student: str, grader: str) -> None:
        """Give an answer back (saved, or the grader moved on); only the holder's claim goes."""
        with Session(self.engine) as s, s.begin():
            s.execute(delete(ClaimRow).where(ClaimRow.assignment == assignment, ClaimRow.question == question,
                                             ClaimRow.student == student, ClaimRow.grader == grader))

    def live(self, assignment: str, question: str) -> dict[str, Claim]:
        """student -> the claim on their answer, for claims younger than the TTL."""
        cutoff = now() - self.ttl
        with Session(self.engine) as s:
            rows = s.scalars(select(ClaimRow).where(ClaimRow.assignment == assignment, ClaimRow.question == question,
                                                    ClaimRow.at > cutoff))
            return {r.student: Claim(r.student, r.question, r.grader, r.at) for r in rows}

    def by_others(self, assignment: str, question: str, grader: str) -> dict[str, Claim]:
        return {k: c for k, c in self.live(assignment, question).items() if c.grader != grader}
