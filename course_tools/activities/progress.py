"""The student's answers and scores, in a local JSON file, so a restarted kernel loses nothing.

The file is read before every write (several notebooks may save to it) and replaced atomically
(temp file + os.replace), so a crash never leaves half a file. A corrupt file is moved aside as
`<name>.corrupt-<timestamp>`, never deleted, and the student starts fresh with a warning.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas costs ~0.6 s to import; only the views' tables need it
    import pandas as pd

PROGRESS_ENV = "MOBILIZING_PROGRESS"
FILENAME = ".progress.json"
VERSION = 1


class ProgressWarning(UserWarning):
    """Progress could not be read; the student starts fresh."""


def default_path(content_root: Path) -> Path:
    """$MOBILIZING_PROGRESS, else notebooks/.progress.json beside the content folder."""
    if env := os.environ.get(PROGRESS_ENV):
        return Path(env).expanduser()
    return Path(content_root).resolve().parent / "notebooks" / FILENAME


@dataclass
class ProgressStore:
    path: Path

    def _key(self, lesson: str, activity: str) -> str:
        return f"{lesson}/{activity}"

    def read(self, warn_missing: bool = True) -> dict[str, dict[str, Any]]:
        """All saved entries by 'lesson/activity'; {} (with a warning) if missing or corrupt."""
        if not self.path.is_file():
            if warn_missing:
                warnings.warn(f"No saved progress yet ({self.path}): starting fresh.", ProgressWarning,
                              stacklevel=2)
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = data["activities"]
            if data.get("version") != VERSION or not isinstance(entries, dict) or not all(
                    isinstance(v, dict) for v in entries.values()):
                raise ValueError("unexpected structure")
            return entries
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            kept = self._set_aside()
            warnings.warn(f"Progress file {self.path} could not be read ({type(exc).__name__}: {exc}); "
                          f"kept as {kept.name}, starting fresh.", ProgressWarning, stacklevel=2)
            return {}

    def _set_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        os.replace(self.path, kept)
        return kept

    def load(self, lesson: str, activity: str) -> dict[str, Any] | None:
        """The latest saved entry ({answer, score, saved}) of one activity, or None."""
        return self.read().get(self._key(lesson, activity))

    def save(self, lesson: str, activity: str, answer: Any, score: float) -> None:
        """Record the latest answer and score of one activity (atomic replace of the file)."""
        entries = self.read(warn_missing=False)
        entries[self._key(lesson, activity)] = {
            "answer": answer, "score": round(float(score), 4),
            "saved": datetime.now(UTC).isoformat(timespec="seconds")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"version": VERSION, "activities": entries}, indent=1, sort_keys=True, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def progress_frame(lessons: list[tuple[str, str, list[str]]], entries: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Per lesson: activities done, activities in all, and the mean score (of all activities, so
    an unanswered one counts 0). `lessons` = [(lesson id, title, [activity ids])]."""
    import pandas as pd

    rows = []
    for lesson_id, title, activity_ids in lessons:
        if not activity_ids:
            continue
        scores = [entries.get(f"{lesson_id}/{a}", {}).get("score") for a in activity_ids]
        done = [float(s) for s in scores if isinstance(s, int | float)]
        rows.append({"Lesson": title, "Done": len(done), "Activities": len(activity_ids),
                     "Score %": round(100 * sum(done) / len(activity_ids))})
    return pd.DataFrame(rows, columns=["Lesson", "Done", "Activities", "Score %"])
