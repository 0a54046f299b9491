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

This is accountability among trusted graders, not a security boundary: a member of `graders` can run
any code as the course account.
"""

from __future__ import annotations

import getpass
import os

from course_tools import CourseToolsError

IDENTITY_ENV = "MOBILIZING_GRADER_IDENTITY"
KERNEL_MESSAGE = "kernel-message"  # the value the grading service sets
GRADER_ENV = "MOBILIZING_GRADER"
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


def current_grader() -> str:
    """The grader to record now (see the module docstring for where the name comes from)."""
    if os.environ.get(IDENTITY_ENV) == KERNEL_MESSAGE:
        if name := kernel_message_user() or os.environ.get(GRADER_ENV):
            return name
        raise CourseToolsError("the shared grading service cannot tell who you are here (no kernel message "
                               f"names you): set {GRADER_ENV}=<your hub name> to grade from a terminal")
    if name := os.environ.get(GRADER_ENV) or os.environ.get("JUPYTERHUB_USER"):
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return FALLBACK
