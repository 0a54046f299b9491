"""The course's late policies as an nbgrader plugin (`AssignLatePenalties.plugin_class`), for the
steps nbgrader runs itself (stock autograde, formgrader). The rule is late.policy_penalty."""

from __future__ import annotations

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Dict, Unicode

from course_tools.grading.late import policy_penalty


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
        return policy_penalty(policy, score, total_seconds_late)
