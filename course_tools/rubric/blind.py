"""Blind grading: each submission gets a stable anonymous label such as "Submission 7F3A".

The label is an HMAC of assignment and student id under a per-course secret kept in the course
directory (so labels cannot be recomputed from a roster by someone without it) and is stored in
rubric.db the first time it is shown, so it never changes, even when later students collide.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from pathlib import Path

from course_tools.rubric.store import RubricStore

SECRET_NAME = ".rubric_secret"
PREFIX = "Submission "


def course_secret(root: Path) -> bytes:
    """The course's secret, created once (readable by the owner only)."""
    path = Path(root) / SECRET_NAME
    if not path.is_file():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def digest(secret: bytes, assignment: str, student: str) -> str:
    return hmac.new(secret, f"{assignment}\0{student}".encode(), hashlib.sha256).hexdigest().upper()


def assign_labels(secret: bytes, assignment: str, students: Iterable[str], taken: dict[str, str]) -> dict[str, str]:
    """Labels for students without one: four hex digits, longer only where that would collide."""
    used = set(taken.values())
    new: dict[str, str] = {}
    for student in sorted(set(students) - set(taken)):
        full = digest(secret, assignment, student)
        for length in range(4, len(full) + 1, 2):
            label = PREFIX + full[:length]
            if label not in used:
                break
        used.add(label)
        new[student] = label
    return new


def labels_for(store: RubricStore, root: Path, assignment: str, students: Iterable[str]) -> dict[str, str]:
    """Every given student's label, creating and storing the missing ones."""
    students = list(students)
    taken = store.labels(assignment)
    new = assign_labels(course_secret(root), assignment, students, taken)
    store.add_labels(assignment, new)
    taken.update(new)
    return {s: taken[s] for s in students}
