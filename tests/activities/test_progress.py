"""The progress file: save/load, atomic replace, and a fresh start (with a warning, never a
traceback) when it is missing or corrupt; a corrupt file is kept, never deleted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from course_tools.activities.progress import PROGRESS_ENV, ProgressStore, ProgressWarning, default_path, progress_frame


def test_save_then_load_in_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    ProgressStore(path).save("global_follow_up", "two-phases", {"a": "phase-1"}, 0.5)
    ProgressStore(path).save("support", "funding", {"x": ["y"]}, 1)
    fresh = ProgressStore(path)  # as after a kernel restart
    entry = fresh.load("global_follow_up", "two-phases")
    assert entry["answer"] == {"a": "phase-1"} and entry["score"] == 0.5 and entry["saved"]
    assert fresh.load("support", "funding")["score"] == 1
    assert json.loads(path.read_text())["version"] == 1


def test_save_replaces_the_latest_answer(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "p.json")
    store.save("l", "a", [1], 0.2)
    store.save("l", "a", [2], 0.9)
    assert store.load("l", "a")["answer"] == [2]


def test_write_is_atomic_via_os_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.json"
    store = ProgressStore(path)
    store.save("l", "a", 1, 1)
    before = path.read_text()

    def boom(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.save("l", "b", 2, 1)
    assert path.read_text() == before  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]  # no temp file left behind


def test_missing_file_warns_and_starts_fresh(tmp_path: Path) -> None:
    with pytest.warns(ProgressWarning, match="No saved progress yet"):
        assert ProgressStore(tmp_path / "none.json").load("l", "a") is None


@pytest.mark.parametrize("text", ["{not json", "[]", '{"version": 1, "activities": []}', '{"version": 99}', ""])
def test_corrupt_file_is_kept_and_progress_starts_fresh(tmp_path: Path, text: str) -> None:
    path = tmp_path / ".progress.json"
    path.write_text(text, encoding="utf-8")
    store = ProgressStore(path)
    with pytest.warns(ProgressWarning, match="could not be read"):
        assert store.load("l", "a") is None
    kept = list(tmp_path.glob(".progress.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == text
    store.save("l", "a", 1, 1.0)  # and saving works again
    assert store.load("l", "a")["score"] == 1.0


def test_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert default_path(tmp_path / "content") == (tmp_path / "notebooks" / ".progress.json").resolve()
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "elsewhere.json"))
    assert default_path(tmp_path / "content") == tmp_path / "elsewhere.json"


def test_progress_frame_counts_unanswered_as_zero() -> None:
    entries = {"a/x": {"score": 1.0}, "a/y": {"score": 0.5}, "b/z": {"score": "bad"}}
    frame = progress_frame([("a", "Lesson A", ["x", "y", "w"]), ("b", "Lesson B", ["z"]), ("c", "C", [])], entries)
    assert frame.to_dict("records") == [
        {"Lesson": "Lesson A", "Done": 2, "Activities": 3, "Score %": 50},
        {"Lesson": "Lesson B", "Done": 0, "Activities": 1, "Score %": 0}]
