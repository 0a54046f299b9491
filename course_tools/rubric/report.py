"""`course-tools report`: the class analytics as CSV files and PNG charts in <course>/reports/."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure  # the object API: no pyplot state, no process-wide backend switch

from course_tools.grading.csv_safe import write_csv
from course_tools.rubric.analytics import ClassAnalytics, class_analytics, distribution
from course_tools.rubric.grader import Grading

if TYPE_CHECKING:
    from course_tools.rubric.moderation_report import ModerationSummary


def plain(text: object) -> str:
    """Label text as text: matplotlib reads `$...$` as mathtext (a parse error or odd output)."""
    return str(text).replace("$", r"\$")


@dataclass
class Report:
    analytics: ClassAnalytics
    files: list[Path]
    moderation: ModerationSummary | None = None  # when the assignment has a moderation sample


def histogram_png(data: ClassAnalytics, path: Path) -> Path:
    """One small histogram per question: how many students got each score."""
    questions = data.question_ids
    cols = 3
    rows = math.ceil(len(questions) / cols)
    fig = Figure(figsize=(9, 2.6 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    points = dict(zip(data.questions.question, data.questions.points, strict=True))
    for ax, question in zip(axes.flat, questions, strict=False):
        counts = distribution(data, question)
        ax.bar([f"{v:g}" for v in counts.index], counts.values, color="#4c72b0")
        ax.set_title(f"{plain(question)} (out of {points[question]:g}, {int(counts.sum())} graded)", fontsize=10)
        ax.set_xlabel("score", fontsize=8)
        ax.set_ylabel("answers", fontsize=8)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(questions):]:
        ax.axis("off")
    fig.suptitle(f"{plain(data.assignment)}: scores per question", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return path


def items_png(data: ClassAnalytics, path: Path) -> Path:
    """Share of graded answers that received each rubric item (short bars = key points missed)."""
    items = data.items.dropna(subset=["given_percent"])
    fig = Figure(figsize=(9, max(2.5, 0.22 * len(items) + 1)))
    ax = fig.subplots()
    labels = [plain(f"{q} {i}") for q, i in zip(items.question, items.item, strict=True)]
    colors = ["#c44e52" if p < 0 else "#55a868" for p in items.points]
    ax.barh(labels[::-1], items.given_percent.values[::-1], color=colors[::-1])
    ax.set_xlabel("% of graded answers that received the item (red: deductions)", fontsize=8)
    ax.set_xlim(0, 100)
    ax.tick_params(labelsize=7)
    ax.set_title(f"{plain(data.assignment)}: rubric items given", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return path


def write_report(grading: Grading, assignment: str, out: Path | None = None, margin: float | None = None) -> Report:
    """The class analytics, plus the moderation section when a sample exists (`margin` in points
    overrides the one recorded with the sample)."""
    from course_tools.rubric.moderation_report import moderation_summary, write_moderation  # it uses `plain`

    moderation = moderation_summary(grading, assignment, margin)  # first: a bad --margin writes nothing
    data = class_analytics(grading, assignment)
    folder = Path(out) if out else grading.ctx.root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, frame in (("scores", data.scores), ("questions", data.questions), ("rubric_items", data.items),
                        ("late", data.late)):
        files.append(write_csv(frame, folder / f"{assignment}_{name}.csv"))
    files.append(histogram_png(data, folder / f"{assignment}_hist.png"))
    files.append(items_png(data, folder / f"{assignment}_rubric_items.png"))
    if moderation is not None:
        files += write_moderation(moderation, folder)
    return Report(data, files, moderation)


def summary_text(data: ClassAnalytics) -> str:
    """The tables `course-tools report` prints."""
    columns = ["student_id", "status", *data.question_ids, "raw_score", "late_penalty", "final_score"]
    missed = data.items[data.items.points > 0].sort_values("given_percent").head(5)
    return "\n\n".join([
        data.scores[columns].to_string(index=False),
        "per question:\n" + data.questions.to_string(index=False),
        "rubric items least often given (what the class missed):\n"
        + missed[["question", "item", "level", "given", "graded", "given_percent"]].to_string(index=False),
        f"late submissions: {len(data.late)}",
    ])
