"""Options in an order of each student's own, stable across kernel restarts.

A fixed order lets a class pass "it's the second one" around, and a key always in the same place
teaches position, not content. The order is drawn from a hash of the student, the activity and
the question, so it never changes for that student; answers keep the option's index in content,
so scoring and saved progress do not depend on the order shown."""

from __future__ import annotations

import getpass
import hashlib
import os
import random


def student_name() -> str:
    """The hub user ($JUPYTERHUB_USER) when on the class hub, else the login name."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def option_order(student: str, activity_id: str, question_id: str, count: int) -> list[int]:
    """The content indexes 0..count-1 in the order this student sees them."""
    seed = hashlib.sha256(f"{student}\0{activity_id}\0{question_id}".encode()).hexdigest()
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order
