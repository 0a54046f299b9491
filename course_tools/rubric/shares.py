"""Splitting one assignment's grading among a team: each grader's share ("questions 1-3", "students A-M").

A share is a set of questions and a range of initials; the dashboard shows a grader only their share
(they can show everything again). Students are matched by last name (nbgrader's roster), else by
student id, so "A-M" means what it says on a class list; in blind grading only the range is known,
never a name. Shares live in rubric.db beside the grades, one per grader and assignment, so every
grader's dashboard sees the same split. They guide, they do not lock: claims (course_tools.rubric.claims)
and the optimistic check on save keep two graders off the same answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from course_tools import CourseToolsError
from course_tools.rubric.store import Base, RubricStore


class ShareRow(Base):
    __tablename__ = "grader_share"
    assignment: Mapped[str] = mapped_column(String(128), primary_key=True)
    grader: Mapped[str] = mapped_column(String(128), primary_key=True)
    questions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of question ids; [] = all
    first: Mapped[str] = mapped_column(String(1), default="")   # initials range, "" = every student
    last: Mapped[str] = mapped_column(String(1), default="")


@dataclass(frozen=True)
class Share:
    """What one grader takes of an assignment."""

    grader: str
    questions: tuple[str, ...] = ()  # empty: every question
    first: str = ""                  # initials range, inclusive, upper case; "" = every student
    last: str = ""

    def covers(self, question: str, surname: str) -> bool:
        """Is this answer (its question, the student's last name or id) in the share?"""
        if self.questions and question not in self.questions:
            return False
        if not self.first:
            return True
        initial = surname.strip()[:1].upper()
        return self.first <= initial <= self.last

    def overlaps(self, other: Share) -> bool:
        """Could an answer be in both shares (so two graders may both think it is theirs)?"""
        questions = not self.questions or not other.questions or bool(set(self.questions) & set(other.questions))
        students = not self.first or not other.first or (self.first <= other.last and other.first <= self.last)
        return questions and students

    def describe(self) -> str:
        questions = ", ".join(self.questions) if self.questions else "all questions"
        students = f"students {self.first}-{self.last}" if self.first else "all students"
        return f"{questions} · {students}"


def parse_questions(text: str, known: list[str]) -> tuple[str, ...]:
    """"1-3", "q1, q4" or "" (all) into question ids, in the assignment's order; numbers are positions."""
    chosen: set[str] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        if m := re.fullmatch(r"(\d+)\s*-\s*(\d+)", part):
            low, high = int(m[1]), int(m[2])
            if not 1 <= low <= high <= len(known):
                raise CourseToolsError(f"questions {part}: this assignment has questions 1-{len(known)}")
            chosen.update(known[low - 1:high])
        elif part.isdigit() and 1 <= int(part) <= len(known):
            chosen.add(known[int(part) - 1])
        elif part in known:
            chosen.add(part)
        else:
            raise CourseToolsError(f"question {part!r}: not in this assignment ({', '.join(known)}, or 1-{len(known)})")
    return tuple(q for q in known if q in chosen)


def parse_students(text: str) -> tuple[str, str]:
    """"A-M", "N-z", "K" or "" (all) into an inclusive range of initials."""
    text = text.strip().upper()
    if not text:
        return "", ""
    if m := re.fullmatch(r"([A-Z])(?:\s*-\s*([A-Z]))?", text):
        first, last = m[1], m[2] or m[1]
        if first <= last:
            return first, last
    raise CourseToolsError(f"students {text!r}: give a range of initials such as A-M")


class Shares:
    """The shares of a course (rubric.db)."""

    def __init__(self, store: RubricStore):
        self.engine = store.engine
        store.create_tables([ShareRow.__table__])

    def set(self, assignment: str, share: Share) -> None:
        """Give `share.grader` this share (replacing theirs); an empty share removes it."""
        with Session(self.engine) as s, s.begin():
            row = s.get(ShareRow, (assignment, share.grader))
            if not share.questions and not share.first:
                if row is not None:
                    s.delete(row)
                return
            if row is None:
                row = ShareRow(assignment=assignment, grader=share.grader)
                s.add(row)
            row.questions, row.first, row.last = json.dumps(list(share.questions)), share.first, share.last

    def all(self, assignment: str) -> dict[str, Share]:
        with Session(self.engine) as s:
            rows = s.scalars(select(ShareRow).where(ShareRow.assignment == assignment).order_by(ShareRow.grader))
            return {r.grader: Share(r.grader, tuple(json.loads(r.questions)), r.first, r.last) for r in rows}

    def of(self, assignment: str, grader: str) -> Share | None:
        return self.all(assignment).get(grader)
