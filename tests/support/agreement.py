"""Krippendorff's alpha worked out by hand, to check the `krippendorff` package's number independently."""

from __future__ import annotations


def two_grader_alpha(first: list[float], second: list[float]) -> float:
    """Krippendorff's alpha (interval) for two graders with no missing grade, worked out by hand from
    alpha = 1 - D_o / D_e: with N answers and n = 2N pooled grades, D_o = sum((a - b)^2) / N and
    D_e = 2 * sum((x - mean)^2) / (n - 1), the variance of the pooled grades, twice."""
    pooled, n = first + second, 2 * len(first)
    mean = sum(pooled) / n
    observed = sum((a - b) ** 2 for a, b in zip(first, second, strict=True)) / len(first)
    expected = 2 * sum((x - mean) ** 2 for x in pooled) / (n - 1)
    return 1 - observed / expected
