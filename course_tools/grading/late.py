"""Late penalties through nbgrader's own plugin mechanism (`AssignLatePenalties.plugin_class`).

nbgrader computes the penalty at autograde time, when an essay's manual grade does not exist yet
(the score is 0, so every penalty is clipped to 0). `reapply_late_penalties` therefore runs the
same plugin again on the current scores; `feedback` and `export` call it, so the penalty that
students see and that the LMS receives is the one on the graded work.
"""

from __future__ import annotations

import math

from nbgrader.api import Gradebook
from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Dict, Unicode
from traitlets.config import Config

DAY = 86400.0


def penalty_fraction(policy: dict, seconds_late: float) -> float:
    """Share of the score lost: 'zero' loses all; 'percent_per_day' loses percent_per_day for each
    started day late, up to cap_percent; 'none' loses nothing."""
    if seconds_late <= 0:
        return 0.0
    kind = policy.get("kind", "none")
    if kind == "zero":
        return 1.0
    if kind == "percent_per_day":
        days = math.ceil(seconds_late / DAY)
        return min(days * float(policy.get("percent_per_day", 0)), float(policy.get("cap_percent", 100))) / 100
    return 0.0


class CourseLatePenalty(LateSubmissionPlugin):
    """Per-assignment late policies from content, configured in the course's nbgrader_config.py."""

    policies = Dict(
        {}, help="Assignment id -> {'kind': 'none'|'zero'|'percent_per_day', 'percent_per_day', 'cap_percent'}."
    ).tag(config=True)
    assignment_id = Unicode("", help="Set when used outside autograde (nbgrader sets it on the parent).")

    def _assignment(self) -> str:
        return self.assignment_id or getattr(self.parent, "assignment_id", "") or ""

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        policy = self.policies.get(self._assignment())
        if policy is None:  # not ours: keep nbgrader's own behaviour (penalty_method)
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        return round(score * penalty_fraction(policy, total_seconds_late), 6)


def clip_penalty(penalty: float | None, score: float) -> float | None:
    """nbgrader's AssignLatePenalties._check_late_penalty: between 0 and the score."""
    if penalty is None:
        return None
    return min(max(penalty, 0.0), score)


def reapply_late_penalties(db_url: str, course_id: str, assignment_id: str, config: Config) -> int:
    """Recompute every submission's late penalty on its current score; return how many are late."""
    from nbgrader.preprocessors import AssignLatePenalties

    plugin_class = AssignLatePenalties(config=config).plugin_class
    plugin = plugin_class(config=config)
    if isinstance(plugin, CourseLatePenalty):
        plugin.assignment_id = assignment_id
    late = 0
    with Gradebook(db_url, course_id) as gb:
        for submission in gb.find_assignment(assignment_id).submissions:
            seconds = submission.total_seconds_late
            for notebook in submission.notebooks:
                penalty = None
                if seconds > 0:
                    penalty = clip_penalty(plugin.late_submission_penalty(submission.student_id, notebook.score,
                                                                          seconds), notebook.score)
                notebook.late_submission_penalty = penalty
            late += seconds > 0
        gb.db.commit()
    return late
