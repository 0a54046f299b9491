"""Late penalties: the course's per-assignment policies, applied the same way everywhere.

nbgrader computes the penalty at autograde time, when an essay's manual grade does not exist yet
(the score is 0, so every penalty is clipped to 0). `reapply_late_penalties` therefore computes it again
on the current scores; `feedback` and `export` call it, so the penalty that students see and that the LMS
receives is the one on the graded work. `penalty_function` is the one rule that autograde, the rubric
sync and this module share: the configured plugin's penalty, clipped to [0, score], none when on time.

Our plugin class (nbgrader's `AssignLatePenalties.plugin_class`) lives in late_plugin.py, since it
subclasses nbgrader's; this module works without importing nbgrader when the course uses it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from traitlets.config import Config

DAY = 86400.0
PLUGIN = "course_tools.grading.late.CourseLatePenalty"  # the name course configs have always used

Penalty = Callable[[str, float, float], float | None]  # (student, score, seconds late) -> penalty or None


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


def policy_penalty(policy: dict, score: float, seconds_late: float) -> float:
    """CourseLatePenalty's penalty: the lost share of the score, rounded as it is stored."""
    return round(score * penalty_fraction(policy, seconds_late), 6)


def clip_penalty(penalty: float | None, score: float) -> float | None:
    """nbgrader's AssignLatePenalties._check_late_penalty: between 0 and the score."""
    if penalty is None:
        return None
    return min(max(penalty, 0.0), score)


def _configured_plugin(config: Config) -> str | None:
    value = config.AssignLatePenalties.get("plugin_class") if "AssignLatePenalties" in config else None
    return value if isinstance(value, str) else None


def penalty_function(config: Config, assignment_id: str) -> Penalty:
    """The course's late penalty for one assignment. Our plugin with a policy for the assignment is computed
    here; any other plugin (or none: nbgrader's default) is nbgrader's own, imported only then."""
    policies = config.CourseLatePenalty.get("policies", {}) if "CourseLatePenalty" in config else {}
    plugin_name = _configured_plugin(config)
    if plugin_name in (PLUGIN, "course_tools.grading.late_plugin.CourseLatePenalty") and assignment_id in policies:
        policy = dict(policies[assignment_id])

        def ours(student: str, score: float, seconds: float) -> float | None:
            return clip_penalty(policy_penalty(policy, score, seconds), score) if seconds > 0 else None
        return ours
    from nbgrader.preprocessors import AssignLatePenalties  # noqa: PLC0415 (1-2 s; only for other plugins)

    holder = AssignLatePenalties(config=config)
    holder.assignment_id = assignment_id
    holder.init_plugin()
    plugin = holder.plugin_inst
    if hasattr(plugin, "assignment_id"):
        plugin.assignment_id = assignment_id

    def nbgraders(student: str, score: float, seconds: float) -> float | None:
        if seconds <= 0:
            return None
        holder.student_id = student
        return clip_penalty(plugin.late_submission_penalty(student, score, seconds), score)
    return nbgraders


def reapply_late_penalties(db_url: str, assignment_id: str, config: Config) -> int:
    """Recompute every submission's late penalty on its current score; return how many are late."""
    from course_tools.grading.gradebook import write_late_penalties  # noqa: PLC0415 (SQLAlchemy when used)

    return write_late_penalties(db_url, assignment_id, penalty_function(config, assignment_id))


def __getattr__(name: str) -> object:
    """`course_tools.grading.late.CourseLatePenalty`, the plugin named in course configs, loaded (with
    nbgrader) only when nbgrader asks for it."""
    if name == "CourseLatePenalty":
        from course_tools.grading.late_plugin import CourseLatePenalty  # noqa: PLC0415

        return CourseLatePenalty
    raise AttributeError(name)
