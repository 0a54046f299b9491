"""Parse the module text (the seed) into addressable bullets.

Every point taught in `content/` cites one of these ids (for example
``global-follow-up.4.2``), so validation can prove nothing of the module is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_ACTION = re.compile(r"^Action:\s*(?P<title>.+)$")
_BULLET = re.compile(r"^-\s+(?P<text>\S.*)$")
_SUB_BULLET = re.compile(r"^\s+-\s+(?P<text>\S.*)$")
_QUESTION = re.compile(r"^(?P<n>\d+)\.\s+(?P<text>\S.*)$")


@dataclass(frozen=True)
class SeedBullet:
    """One bullet, sub-bullet, lead-in sentence or review question of the module."""

    id: str
    section: str
    text: str
    kind: str  # "lead", "bullet", "sub-bullet" or "question"


def slug(title: str) -> str:
    """'GLOBAL FOLLOW-UP' -> 'global-follow-up'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def parse_seed(text: str, headings: Iterable[str] = ()) -> list[SeedBullet]:
    """Return the module's bullets in reading order, each with a stable id. `headings`: lines that open
    a section without an 'Action:' line (module.yaml's seed_headings)."""
    headings = set(headings)
    bullets: list[SeedBullet] = []
    section: str | None = None
    bullet_no = sub_no = 0
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        stripped = line.strip()
        action = _ACTION.match(stripped)
        if action or stripped in headings or stripped.startswith("REVIEW #"):
            if action:
                section = slug(action.group("title"))
            elif stripped.startswith("REVIEW #"):
                section = "review"
            else:
                section = slug(stripped)
            bullet_no = sub_no = 0
            continue
        if section is None:
            continue
        if sub := _SUB_BULLET.match(line):
            sub_no += 1
            bullets.append(
                SeedBullet(f"{section}.{bullet_no}.{sub_no}", section, sub["text"], "sub-bullet")
            )
        elif bullet := _BULLET.match(line):
            bullet_no += 1
            sub_no = 0
            bullets.append(SeedBullet(f"{section}.{bullet_no}", section, bullet["text"], "bullet"))
        elif section == "review" and (question := _QUESTION.match(stripped)):
            bullets.append(
                SeedBullet(f"review.{question['n']}", section, question["text"], "question")
            )
        elif section != "review" and bullet_no == 0:
            bullets.append(SeedBullet(f"{section}.lead", section, stripped, "lead"))
        else:
            section = None if section == "review" else section
    return bullets


def load_seed(path: Path, headings: Iterable[str] = ()) -> dict[str, SeedBullet]:
    """Read the seed file and index its bullets by id."""
    return {b.id: b for b in parse_seed(path.read_text(encoding="utf-8"), headings)}
