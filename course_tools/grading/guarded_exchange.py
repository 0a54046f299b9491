"""nbgrader's exchange classes that refuse a course folder in the exchange that is not the course account's.

The course's config names them (c.ExchangeFactory, written by `course-tools init`), so formgrader's
Release, Collect and Release Feedback buttons refuse a squatted exchange as `course-tools` does
(course_tools/grading/exchange_guard.py), with nbgrader's own failure path (the message reaches the page).
"""

from __future__ import annotations

from pathlib import Path

from nbgrader.exchange.default import ExchangeCollect, ExchangeReleaseAssignment, ExchangeReleaseFeedback

from course_tools import CourseToolsError
from course_tools.grading.exchange_guard import require_own_exchange


def _guard(exchange, action: str) -> None:
    """In nbgrader's exchange classes: fail the nbgrader way (the message reaches formgrader)."""
    try:
        require_own_exchange(Path(exchange.root), exchange.coursedir.course_id, action)
    except CourseToolsError as exc:
        exchange.fail(str(exc))


class GuardedReleaseAssignment(ExchangeReleaseAssignment):
    """nbgrader's release, refusing a course folder in the exchange that is not the course account's."""

    def init_dest(self) -> None:
        _guard(self, "release")
        super().init_dest()


class GuardedReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's feedback release, with the same refusal."""

    def init_dest(self) -> None:
        _guard(self, "release feedback")
        super().init_dest()


class GuardedCollect(ExchangeCollect):
    """nbgrader's collect, refusing to read submissions from a folder a student owns or links elsewhere."""

    def init_src(self) -> None:
        _guard(self, "collect")
        super().init_src()
