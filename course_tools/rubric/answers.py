"""A student's answer to one question, read from the graded copy of the notebook.

The gradebook keeps scores, not answers, so the text comes from the notebook file; it is read only
for the submission on screen, which keeps opening a queue independent of the class size.
"""

from __future__ import annotations

import json
from pathlib import Path

from course_tools.grading.sanitize import plain_text


def read_answer(path: Path | None, question: str) -> str | None:
    """The source of the cell whose nbgrader grade_id is `question`, or None if there is none. The
    graded copy holds `<` as `&lt;` (see grading/sanitize.py); the caller escapes the text it shows."""
    if path is None:
        return None
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for cell in nb.get("cells", []):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == question:
            source = cell.get("source", "")
            return plain_text("".join(source) if isinstance(source, list) else source)
    return None
