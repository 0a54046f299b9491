"""The moderation section of `course-tools report`: agreement per question, the answers whose grades
differ by more than the margin (for the instructor to resolve), and a first-vs-second scatter."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure  # the object API, as report.py

from course_tools.grading.csv_safe import write_csv
from course_tools.rubric.agreement import Pair, agreement, check_margin, disagreements
from course_tools.rubric.grader import Grading
from course_tools.rubric.moderation import Moderation
from course_tools.rubric.moderation_store import Sample
from course_tools.rubric.report import plain

ANSWER_COLUMNS = ["question", "label", "student_id", "first", "first_grader", "second", "second_grader",
                  "difference", "over_margin", "resolution", "final_score", "resolved_by"]


@dataclass
class ModerationSummary:
    assignment: str
    sample: Sample
    margin: float
    max_points: dict[str, float]
    pairs: list[Pair]
    agreement: pd.DataFrame  # per question: sampled, second_graded, alpha, mad, over_margin, open
    answers: pd.DataFrame  # per second-graded answer: both grades, difference, resolution

    @property
    def disagreements(self) -> pd.DataFrame:
        return self.answers[self.answers.over_margin.astype(bool)]

    @property
    def open(self) -> pd.DataFrame:
        """Disagreements the instructor has not resolved yet."""
        over = self.disagreements
        return over[over.resolution == ""]


def _answer_row(pair: Pair, over: set[tuple[str, str]]) -> dict:
    done = pair.resolution
    return {"question": pair.question, "label": pair.label, "student_id": pair.student, "first": pair.first,
            "first_grader": pair.first_grader, "second": pair.second, "second_grader": pair.second_grader,
            "difference": pair.difference, "over_margin": (pair.student, pair.question) in over,
            "resolution": done.decision if done else "", "final_score": done.score if done else math.nan,
            "resolved_by": done.resolver if done else ""}


def moderation_summary(grading: Grading, assignment: str, margin: float | None = None) -> ModerationSummary | None:
    """None when the assignment has no moderation sample. `margin` (points) overrides the sample's."""
    moderation = Moderation(grading)
    sample = moderation.sample(assignment)
    if sample is None:
        return None
    margin = check_margin(sample.margin if margin is None else margin)
    pairs = moderation.pairs(assignment)
    over = {(p.student, p.question) for p in disagreements(pairs, margin)}
    sampled = Counter(q for _s, q in moderation.answers(assignment))
    rows = []
    for question in moderation.questions(assignment):
        if not sampled[question]:
            continue
        found = agreement(question, pairs)
        mine = [p for p in pairs if p.question == question]
        rows.append({"question": question, "sampled": sampled[question], "second_graded": found.pairs,
                     "alpha": round(found.alpha, 3), "mad": round(found.mad, 3),
                     "over_margin": sum((p.student, question) in over for p in mine),
                     "open": sum((p.student, question) in over and p.resolution is None for p in mine)})
    answers = pd.DataFrame([_answer_row(p, over) for p in pairs], columns=ANSWER_COLUMNS)
    max_points = {q: r.max_points for q, r in grading.rubrics(assignment).items()}
    return ModerationSummary(assignment, sample, margin, max_points, pairs, pd.DataFrame(rows), answers)


def agreement_png(summary: ModerationSummary, path: Path) -> Path:
    """First grade (x) against second grade (y) per question: dots on the diagonal agree, the band is
    the margin; answers outside it are crosses (shape, not only colour). Dot size counts answers."""
    questions = [q for q in summary.agreement.question if any(p.question == q for p in summary.pairs)]
    cols = min(3, max(len(questions), 1))
    rows = max(math.ceil(len(questions) / cols), 1)
    fig = Figure(figsize=(max(3.2 * cols, 7.5), 3.4 * rows + 0.6), layout="constrained")  # room for titles
    axes = fig.subplots(rows, cols, squeeze=False)
    stats = summary.agreement.set_index("question")
    for ax, question in zip(axes.flat, questions, strict=False):
        top = summary.max_points.get(question, 1.0)
        counts = Counter((p.first, p.second) for p in summary.pairs if p.question == question)
        ax.fill_between([0, top], [-summary.margin, top - summary.margin], [summary.margin, top + summary.margin],
                        color="#dddddd", label=f"within ±{summary.margin:g} point(s)")
        ax.plot([0, top], [0, top], color="#555555", linewidth=1)
        for over, marker, color, label in ((False, "o", "#4c72b0", "agree within the margin"),
                                           (True, "X", "#c44e52", "differ by more: to resolve")):
            mine = [(f, s, n) for (f, s), n in counts.items() if (abs(s - f) > summary.margin + 1e-9) == over]
            if mine:
                ax.scatter([m[0] for m in mine], [m[1] for m in mine], s=[30 + 30 * (m[2] - 1) for m in mine],
                           marker=marker, color=color, label=label, zorder=3)
        alpha = stats.loc[question, "alpha"]
        ax.set_title(f"{plain(question)}: α = {'n/a' if pd.isna(alpha) else f'{alpha:.2f}'}, "
                     f"MAD = {stats.loc[question, 'mad']:.2f} (n = {stats.loc[question, 'second_graded']})",
                     fontsize=9)
        ax.set_xlim(-0.3, top + 0.3)
        ax.set_ylim(-0.3, top + 0.3)
        ax.set_aspect("equal")
        ax.set_xlabel("first grade", fontsize=8)
        ax.set_ylabel("second grade", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(questions):]:
        ax.axis("off")
    handles = {label: h for ax in axes.flat for h, label in zip(*ax.get_legend_handles_labels(), strict=True)}
    if handles:
        fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(f"{plain(summary.assignment)}: first vs second grade (Krippendorff's α, interval; "
                 "bigger dot: more answers)", fontsize=11)
    fig.savefig(path, dpi=80)
    return path


def write_moderation(summary: ModerationSummary, folder: Path) -> list[Path]:
    a = summary.assignment
    return [write_csv(summary.agreement, folder / f"{a}_agreement.csv"),
            write_csv(summary.answers, folder / f"{a}_moderation.csv"),
            agreement_png(summary, folder / f"{a}_agreement.png")]


def moderation_text(summary: ModerationSummary) -> str:
    """What `course-tools report` prints about moderation."""
    s = summary.sample
    graded = len(summary.pairs)
    head = (f"moderation (second marking): {int(summary.agreement.sampled.sum())} answer(s) sampled "
            f"({s.fraction * 100:g}%, seed {s.seed}), {graded} second-graded; margin {summary.margin:g} point(s)")
    columns = ["question", "label", "student_id", "first", "first_grader", "second", "second_grader", "difference",
               "resolution"]
    over = summary.disagreements
    listing = over[columns].to_string(index=False) if len(over) else "none"
    return "\n\n".join([
        head,
        "agreement per question (alpha: Krippendorff's, interval; mad: mean absolute difference in points):\n"
        + summary.agreement.to_string(index=False, na_rep="n/a"),
        f"answers whose grades differ by more than {summary.margin:g} point(s) ({len(summary.open)} to resolve: "
        f"course-tools moderate {s.assignment} --resolve STUDENT QUESTION --keep-first | --take-second | "
        f"--score X):\n" + listing,
    ])
