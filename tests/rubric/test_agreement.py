"""The pure rules of moderation: percentages, proportional allocation, seeded stratified draws, alpha."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from course_tools import CourseToolsError
from course_tools.rubric.agreement import (
    Pair,
    agreement,
    allocate,
    check_margin,
    disagreements,
    interval_alpha,
    parse_percent,
    stratified_sample,
)
from tests.support.agreement import two_grader_alpha


@pytest.mark.parametrize(("text", "fraction"), [("20%", 0.2), ("20", 0.2), (" 100% ", 1.0), ("1%", 0.01),
                                                ("12.5%", 0.125)])
def test_percentages(text: str, fraction: float) -> None:
    assert parse_percent(text) == pytest.approx(fraction)


@pytest.mark.parametrize(("text", "message"), [
    ("120%", "--sample: 120% is not between 1% and 100%"),
    ("0%", "--sample: 0% is not between 1% and 100%"),
    ("-5%", "--sample: -5% is not between 1% and 100%"),
    ("a fifth", "--sample: 'a fifth' is not a percentage such as 20%"),
    ("nan", "--sample: nan% is not between 1% and 100%"),
])
def test_bad_percentages_say_which_field(text: str, message: str) -> None:
    with pytest.raises(CourseToolsError) as err:
        parse_percent(text)
    assert str(err.value) == message


def test_margin_must_be_zero_or_more() -> None:
    assert check_margin(0) == 0.0
    with pytest.raises(CourseToolsError, match=r"^--margin: -1 is not 0 or more points$"):
        check_margin(-1)


def test_allocation_is_proportional_and_exact() -> None:
    assert allocate({1.0: 10, 2.0: 6, 4.0: 4}, 4) == {1.0: 2, 2.0: 1, 4.0: 1}  # quotas 2, 1.2, 0.8
    assert allocate({1.0: 10, 2.0: 6, 4.0: 4}, 10) == {1.0: 5, 2.0: 3, 4.0: 2}
    rng = random.Random(6)
    for _ in range(200):
        sizes = {float(k): rng.randint(1, 30) for k in range(rng.randint(1, 8))}
        n = rng.randint(0, sum(sizes.values()))
        counts = allocate(sizes, n)
        assert sum(counts.values()) == n
        for k, size in sizes.items():  # never more than one away from the exact share
            assert math.floor(n * size / sum(sizes.values())) <= counts[k] <= math.ceil(n * size / sum(sizes.values()))


def test_stratified_sample_is_seeded() -> None:
    scores = {f"s{n:04d}": (1.0 if n <= 10 else 2.0 if n <= 16 else 4.0) for n in range(1, 21)}
    drawn = stratified_sample(scores, 0.2, random.Random("6:review6:q1"))
    assert drawn == stratified_sample(scores, 0.2, random.Random("6:review6:q1"))
    assert Counter(scores[s] for s in drawn) == {1.0: 2, 2.0: 1, 4.0: 1}
    assert len(stratified_sample(scores, 0.01, random.Random(1))) == 1  # rounded up: a small class gets a look


def test_alpha_matches_the_hand_computation() -> None:
    first, second = [0.0, 1, 2, 3, 4], [0.0, 2, 2, 3, 2]
    # by hand: sum of squared differences 5, pooled mean 1.9, sum of squared deviations 14.9, n = 10:
    # alpha = 1 - (5 / 5) / (2 * 14.9 / 9) = 1 - 45 / 149 = 104 / 149
    assert interval_alpha(first, second) == pytest.approx(104 / 149)
    assert two_grader_alpha(first, second) == pytest.approx(104 / 149)
    assert interval_alpha([1.0, 2, 4], [1.0, 2, 4]) == 1.0
    assert math.isnan(interval_alpha([2.0, 2], [2.0, 2]))  # one value only: alpha is undefined
    assert math.isnan(interval_alpha([], []))


def test_disagreements_are_beyond_the_margin() -> None:
    pairs = [Pair("q1", s, s, f, sec, "ana", "ben") for s, f, sec in
             (("a", 1.0, 2.0), ("b", 2.0, 4.0), ("c", 4.0, 1.0), ("d", 2.0, 2.0))]
    assert [p.student for p in disagreements(pairs, 1.0)] == ["b", "c"]  # exactly the margin is agreement
    assert [p.student for p in disagreements(pairs, 0.0)] == ["a", "b", "c"]
    found = agreement("q1", pairs)
    assert (found.pairs, found.mad) == (4, 1.5)
    assert found.alpha == pytest.approx(two_grader_alpha([1.0, 2, 4, 2], [2.0, 4, 1, 2]))
