"""Coherence matrix: answer = {"row/column": level value}; only the spec's expected cells score,
by the sign of the rating (harms / neutral / supports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_tools.activities.result import NOT_YET, ItemResult, Result, empty, scored
from course_tools.activities.specs import MatrixSpec

if TYPE_CHECKING:  # pandas costs ~0.6 s to import; only the table view needs it
    import pandas as pd

Answer = dict[str, int | None]


def key(row: str, column: str) -> str:
    return f"{row}/{column}"


def _sign(value: int) -> str:
    return "negative" if value < 0 else "positive" if value > 0 else "neutral"


def cells(spec: MatrixSpec, answer: Answer) -> dict[str, int]:
    allowed = {lv.value for lv in spec.levels}
    raw = answer or {}
    return {k: v for k, v in raw.items() if isinstance(v, int) and v in allowed}


def check(spec: MatrixSpec, answer: Answer) -> Result:
    rated = cells(spec, answer)
    if not rated:
        return empty("rating in the matrix")
    rows = {r.id: r.label for r in spec.rows}
    cols = {c.id: c.label for c in spec.columns}
    levels = {lv.value: lv.label for lv in spec.levels}
    items = []
    for cell in spec.expected:
        label = f"{rows[cell.row]} → {cols[cell.column]}"
        value = rated.get(key(cell.row, cell.column))
        if value is None:
            items.append(ItemResult(key(cell.row, cell.column), label, False, NOT_YET))
        elif _sign(value) == cell.sign:
            items.append(ItemResult(key(cell.row, cell.column), label, True, f"{levels[value]}. {cell.why}"))
        else:
            items.append(ItemResult(key(cell.row, cell.column), label, False,
                                    f"you rated it \"{levels[value]}\"; the scenario points to a {cell.sign} "
                                    f"effect. {cell.why}"))
    return scored(items, len(spec.expected), "key cells")


def frame(spec: MatrixSpec, answer: Answer) -> pd.DataFrame:
    """Rows = policies, columns = goals, values = ratings (NaN where not rated): the heatmap's data."""
    import pandas as pd
    rated = cells(spec, answer)
    data = [[rated.get(key(r.id, c.id)) for c in spec.columns] for r in spec.rows]
    return pd.DataFrame(data, index=[r.label for r in spec.rows],
                        columns=[c.label for c in spec.columns], dtype="float")
