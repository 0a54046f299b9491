"""Who is grading: the name every rubric grade and rubric edit records.

On a laptop or in a user's own server on the class hub, the grader is the hub user
($JUPYTERHUB_USER), else the login name. In the class hub's shared grading service
(deploy/jupyterhub, nbgrader's "one class, multiple graders") every grader works in ONE Jupyter
server running as the course account, so neither the login name nor $JUPYTERHUB_USER (the course
account too) says who pressed Save. There the service's server writes the hub user it authenticated
into the `username` field of the header of every message it forwards to a kernel
(course_tools.grading.hub_service), and the service sets MOBILIZING_GRADER_IDENTITY=kernel-message:
a grade is then recorded under the name of the grader whose click or cell caused it, even when two
graders share one kernel. Outside a kernel there (a terminal in the service), $MOBILIZING_GRADER
must name the grader.

A name given in a cell (`dashboard(grader=...)`) that is not the signed-in grader's is refused there, and
$MOBILIZING_GRADER counts only where no kernel message names anyone (a terminal). This is accountability
among trusted graders, not a security boundary: a member of `graders` can run any code as the course
account (write rubric.db directly, or start a terminal and set $MOBILIZING_GRADER), and the hub does not
tell a terminal who opened it. What the service guarantees is that the name on a grade saved from the
dashboard or a notebook cell is the hub user whose browser sent the message, never the browser's claim.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable

from course_tools import CourseToolsError

IDENTITY_ENV = "MOBILIZING_GRADER_IDENTITY"
KERNEL_MESSAGE = "kernel-message"  # the value the grading service sets
GRADER_ENV = "MOBILIZING_GRADER"
INSTRUCTORS_ENV = "MOBILIZING_INSTRUCTORS"  # the grading service's instructors (the hub sets it)
FALLBACK = "instructor"


def kernel_message_user() -> str | None:
    """The `username` in the header of the message this kernel is handling (None outside a kernel)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None:
        return None
    parent = kernel.get_parent("shell") or {}
    return (parent.get("header") or {}).get("username") or None


def current_grader(claimed: str | None = None) -> str:
    """The grader to record now (see the module docstring for where the name comes from). `claimed`: a name
    the caller gives (`Grading(grader=...)`, `dashboard(grader=...)`); in the shared grading service it must
    be the signed-in grader's own, because there the server knows who sent the message and a name given in
    a cell is only a claim."""
    if os.environ.get(IDENTITY_ENV) == KERNEL_MESSAGE:
        if user := kernel_message_user():
            if claimed and claimed != user:
                raise CourseToolsError(f"grades in the shared grading service carry the name of who is signed in "
                                       f"({user}), not {claimed!r}: leave grader= out")
            return user
        if name := claimed or os.environ.get(GRADER_ENV):
            return name
        raise CourseToolsError("the shared grading service cannot tell who you are here (no kernel message "
                               f"names you): set {GRADER_ENV}=<your hub name> to grade from a terminal")
    if name := claimed or os.environ.get(GRADER_ENV) or os.environ.get("JUPYTERHUB_USER"):
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return FALLBACK


def sees_names(grader: Callable[[], str]) -> bool:
    """May the grader (asked only when it matters) see who wrote what, the map from blind labels to names?
    In the shared grading service only the members of `instructors` ($MOBILIZING_INSTRUCTORS, set by the
    hub), not teaching assistants; on a person's own server or laptop, whoever grades there."""
    if os.environ.get(IDENTITY_ENV) != KERNEL_MESSAGE or INSTRUCTORS_ENV not in os.environ:
        return True
    return grader() in {name.strip() for name in os.environ[INSTRUCTORS_ENV].split(",") if name.strip()}
