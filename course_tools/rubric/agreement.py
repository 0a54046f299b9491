"""The pure part of moderation: drawing a stratified sample, and agreement between first and second grades.

No I/O here, so each rule is tested directly: a sample is a seeded, proportional draw within each
first-score stratum (a sample of only middling answers would say nothing about the extremes, where
graders disagree most); agreement is Krippendorff's alpha on the interval scale (chance-corrected,
the usual measure for two graders on a point scale) plus the mean absolute difference in points.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

import krippendorff

from course_tools import CourseToolsError
from course_tools.rubric.moderation_store import Resolution

TOLERANCE = 1e-9  # scores are sums of halves and quarters: compare without float noise


def parse_percent(text: str | float) -> float:
    """'20%' or '20' -> 0.2; anything else is one line naming --sample."""
    raw = str(text).strip()
    try:
        value = float(raw.removesuffix("%"))
    except ValueError:
        raise CourseToolsError(f"--sample: '{raw}' is not a percentage such as 20%") from None
    return check_fraction(value / 100.0)


def check_fraction(fraction: float) -> float:
    if not 0.01 - TOLERANCE <= fraction <= 1.0 + TOLERANCE:  # also NaN
        raise CourseToolsError(f"--sample: {fraction * 100:g}% is not between 1% and 100%")
    return float(fraction)


def check_margin(margin: float) -> float:
    if not margin >= 0 or math.isinf(margin):  # also NaN
        raise CourseToolsError(f"--margin: {margin:g} is not 0 or more points")
    return float(margin)


def sample_size(fraction: float, available: int) -> int:
    """At least the fraction (rounded up), so a small class still gets a second look."""
    return min(available, math.ceil(fraction * available - TOLERANCE))


def allocate(sizes: dict[float, int], n: int) -> dict[float, int]:
    """Split n draws over strata in proportion to their sizes (largest remainder; ties to the larger
    stratum, then the lower score), so every stratum gets its share and the total is exactly n."""
    total = sum(sizes.values())
    if total == 0 or n == 0:
        return dict.fromkeys(sizes, 0)
    quotas = {k: n * size / total for k, size in sizes.items()}
    counts = {k: math.floor(q + TOLERANCE) for k, q in quotas.items()}
    left = n - sum(counts.values())
    for k in sorted(sizes, key=lambda k: (-(quotas[k] - counts[k]), -sizes[k], k))[:left]:
        counts[k] += 1
    return counts


def stratified_sample(first_scores: dict[str, float], fraction: float, rng: random.Random) -> list[str]:
    """Students drawn from {student: first score}: a seeded draw within each score stratum."""
    strata: dict[float, list[str]] = {}
    for student, score in sorted(first_scores.items()):
        strata.setdefault(round(score, 6), []).append(student)
    counts = allocate({k: len(v) for k, v in strata.items()}, sample_size(fraction, len(first_scores)))
    drawn: list[str] = []
    for score in sorted(strata):
        drawn += rng.sample(strata[score], counts[score])
    return sorted(drawn)


@dataclass(frozen=True)
class Pair:
    """A sampled answer with both grades (as they stand, or as they stood when it was resolved)."""

    question: str
    student: str
    label: str
    first: float
    second: float
    first_grader: str
    second_grader: str
    resolution: Resolution | None = None

    @property
    def difference(self) -> float:
        return round(self.second - self.first, 6)


@dataclass(frozen=True)
class Agreement:
    question: str
    pairs: int
    alpha: float  # NaN when undefined: no pair, or every grade the same value
    mad: float  # mean absolute difference in points (NaN without pairs)


def interval_alpha(first: list[float], second: list[float]) -> float:
    """Krippendorff's alpha, interval level, for two graders; NaN where alpha is undefined."""
    if not first or len({*first, *second}) < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=[first, second], level_of_measurement="interval"))


def agreement(question: str, pairs: Iterable[Pair]) -> Agreement:
    mine = [p for p in pairs if p.question == question]
    first, second = [p.first for p in mine], [p.second for p in mine]
    mad = sum(abs(p.difference) for p in mine) / len(mine) if mine else math.nan
    return Agreement(question, len(mine), interval_alpha(first, second), mad)


def disagreements(pairs: Iterable[Pair], margin: float) -> list[Pair]:
    """Pairs whose grades differ by more than `margin` points: the instructor resolves these."""
    return [p for p in pairs if abs(p.difference) > margin + TOLERANCE]
