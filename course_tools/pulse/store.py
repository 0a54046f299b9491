"""Answers for the class pulse, stored with SQLAlchemy (SQLite by default; a PostgreSQL URL works the same).

One row per student, lesson and activity within a class session: a second Check replaces the first,
so the counts show where the room stands now, and the summary is bounded by the course's size and the
class's, never by the number of posts. It is computed once per change and served from memory between
changes (this process is the database's only writer). "Reset for this session" starts a new session; older
rows stay in the database (nothing a class did is deleted) but are no longer shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String, UniqueConstraint, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class ClassSession(Base):
    __tablename__ = "pulse_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str] = mapped_column(String(255))


class Answer(Base):
    __tablename__ = "pulse_answers"
    __table_args__ = (UniqueConstraint("session_id", "user", "lesson", "activity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(Integer, index=True)
    user: Mapped[str] = mapped_column(String(255))
    lesson: Mapped[str] = mapped_column(String(128))
    activity: Mapped[str] = mapped_column(String(128))
    score: Mapped[float] = mapped_column(Float)
    choices: Mapped[dict] = mapped_column(JSON)
    saved: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass
class PulseStore:
    """The pulse database behind one SQLAlchemy URL."""

    url: str

    def __post_init__(self) -> None:
        self.engine = create_engine(self.url, future=True)
        Base.metadata.create_all(self.engine)
        self._version = 0  # bumped by every write; a cached summary of an older version is stale
        self._summaries: dict[bool, tuple[int, dict[str, Any]]] = {}

    def current_session(self, db: Session) -> int:
        latest = db.scalar(select(func.max(ClassSession.id)))
        if latest is None:
            db.add(ClassSession(started=datetime.now(UTC), started_by=""))
            db.flush()
            latest = db.scalar(select(func.max(ClassSession.id)))
        return int(latest)

    def record(self, user: str, lesson: str, activity: str, score: float, choices: dict[str, list[str]]) -> None:
        """Keep `user`'s latest answer to one activity in the current session."""
        with Session(self.engine) as db, db.begin():
            session_id = self.current_session(db)
            row = db.scalar(select(Answer).where(Answer.session_id == session_id, Answer.user == user,
                                                 Answer.lesson == lesson, Answer.activity == activity))
            if row is None:
                row = Answer(session_id=session_id, user=user, lesson=lesson, activity=activity)
                db.add(row)
            row.score, row.choices, row.saved = min(max(float(score), 0.0), 1.0), dict(choices), datetime.now(UTC)
        self._version += 1

    def reset(self, by: str) -> int:
        """Start a new class session (the page then shows no answers); return its number."""
        with Session(self.engine) as db, db.begin():
            self.current_session(db)
            db.add(ClassSession(started=datetime.now(UTC), started_by=by))
            db.flush()
            session = int(db.scalar(select(func.max(ClassSession.id))))
        self._version += 1
        return session

    def summary(self, names: bool = False) -> dict[str, Any]:
        """Per lesson and activity: answers, share right, and per question the count of each option
        chosen (with who chose it only when `names`)."""
        cached = self._summaries.get(names)
        if cached and cached[0] == self._version:
            return cached[1]
        version = self._version
        summary = self._summary(names)
        self._summaries[names] = (version, summary)
        return summary

    def _summary(self, names: bool) -> dict[str, Any]:
        with Session(self.engine) as db, db.begin():
            session_id = self.current_session(db)
            rows = db.scalars(select(Answer).where(Answer.session_id == session_id)
                              .order_by(Answer.lesson, Answer.activity, Answer.user)).all()
            grouped: dict[tuple[str, str], list[Answer]] = {}
            for row in rows:
                grouped.setdefault((row.lesson, row.activity), []).append(row)
            activities = [_activity_summary(lesson, activity, answers, names)
                          for (lesson, activity), answers in grouped.items()]
            return {"session": session_id, "activities": activities}


def _activity_summary(lesson: str, activity: str, answers: list[Answer], names: bool) -> dict[str, Any]:
    right = sum(1 for a in answers if a.score >= 0.999)
    who: dict[str, dict[str, set[str]]] = {}  # question -> option -> the students who chose it
    for answer in answers:
        for question, options in sorted((answer.choices or {}).items()):
            for option in options if isinstance(options, list) else [options]:
                who.setdefault(question, {}).setdefault(option, set()).add(answer.user)
    questions = {q: Counter({o: len(users) for o, users in options.items()}) for q, options in who.items()}
    out = {"lesson": lesson, "activity": activity, "answered": len(answers),
           "right": right, "share_right": round(right / len(answers), 3),
           "mean_score": round(sum(a.score for a in answers) / len(answers), 3),
           "questions": [{"question": q, "options": [
               {"option": o, "count": n, **({"users": sorted(who[q][o])} if names else {})}
               for o, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]}
               for q, counts in questions.items()]}
    if names:
        out["users"] = sorted(a.user for a in answers)
    return out
