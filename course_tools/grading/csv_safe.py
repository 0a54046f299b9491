"""CSV files a spreadsheet opens safely: no text cell may start a formula.

Excel and LibreOffice read a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula (CSV injection: `=HYPERLINK(...)` in a roster name becomes a live link). Following OWASP,
such text is prefixed with `'`, which the spreadsheet shows as plain text. Numbers stay numbers:
numeric columns are not touched, nor a text that is only a number (`-2.5`).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """`value` with a leading `'` if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names are all safe_cell."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):  # object or str dtype: any cell may be text
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` (no index) as UTF-8 CSV with every text cell made safe."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return path
