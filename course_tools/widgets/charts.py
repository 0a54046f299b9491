"""Charts as PNG bytes, drawn offline with matplotlib's object API (no pyplot state, no backend
to configure), so they display the same in JupyterLab, nbclient and tests. Every bar or cell also
carries its value as text: nothing is said by colour alone."""

from __future__ import annotations

import io
import math

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def bar_chart(labels: list[str], values: list[float | None], title: str, xlabel: str,
              xmax: float | None = None) -> bytes:
    """Horizontal bars, first label at the top, each bar labelled with its value."""
    fig = Figure(figsize=(6.4, 0.5 + 0.45 * max(len(labels), 1)))
    ax = fig.add_subplot()
    clean = [0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]
    positions = list(range(len(labels)))[::-1]
    bars = ax.barh(positions, clean, color="#3b6ea8")
    ax.bar_label(bars, labels=[("–" if v is None else f"{v:g}") for v in values], padding=3)
    ax.set_yticks(positions, labels=[_wrap(label) for label in labels])
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.set_xlim(0, (xmax or max(clean + [1.0])) * 1.12)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def stacked_bars(frame: pd.DataFrame, title: str, xlabel: str) -> bytes:
    """One horizontal bar per row of `frame`, one hatched segment per column, with counts."""
    fig = Figure(figsize=(6.4, 0.8 + 0.45 * max(len(frame), 1)))
    ax = fig.add_subplot()
    positions = list(range(len(frame)))[::-1]
    left = [0.0] * len(frame)
    for column, color, hatch in zip(frame.columns, ["#3b6ea8", "#d9a441", "#888888"], ["", "//", ".."],
                                    strict=False):
        values = [float(v) for v in frame[column]]
        bars = ax.barh(positions, values, left=left, color=color, hatch=hatch, label=str(column))
        ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in values], label_type="center",
                     bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(positions, labels=[_wrap(str(i)) for i in frame.index])
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(left + [1.0]) + 0.5)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def heatmap(frame: pd.DataFrame, labels: dict[int, str], title: str) -> bytes:
    """A diverging heatmap of ratings; each cell shows its rating in words ('not rated' if empty)."""
    fig = Figure(figsize=(1.8 + 2.2 * len(frame.columns), 0.8 + 0.6 * len(frame)))
    ax = fig.add_subplot()
    low, high = min(labels), max(labels)
    bound = max(abs(low), abs(high), 1)
    image = ax.imshow(frame.to_numpy(dtype=float), cmap="PuOr", vmin=-bound, vmax=bound, aspect="auto")
    for i, row in enumerate(frame.index):
        for j, column in enumerate(frame.columns):
            value = frame.loc[row, column]
            text = "not rated" if pd.isna(value) else labels.get(int(value), f"{value:g}")
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1})
    ax.set_xticks(range(len(frame.columns)), labels=[_wrap(str(c), 18) for c in frame.columns])
    ax.set_yticks(range(len(frame.index)), labels=list(frame.index))
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8, ticks=sorted(labels)).set_ticklabels(
        [labels[k] for k in sorted(labels)], fontsize=7)
    return _png(fig)


def _wrap(text: str, width: int = 32) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
