"""The course's folder in nbgrader's exchange: made by the course account, checked before it is used.

nbgrader's exchange root is shared ground (mode 1777 on the class hub) and whoever creates
`<root>/<course>` first owns it. A student who makes that folder before the first release makes every
release fail (nbgrader: "You don't own the directory"), and the sticky bit stops the course account from
removing it; a symbolic link there into the private course makes release "succeed" into a folder no
student can reach (issue #22, M1). So:

- `course-tools init` (and the class hub's setup, as root, before any student can act) creates the course
  folder and its `outbound`, `inbound` and `feedback` folders as the course account, with nbgrader's own
  modes (release_assignment.py, release_feedback.py): 0755, 0755, 2733 (write-only for students, the
  course's group on every submission), 0711;
- `course-tools doctor` checks owner, mode and "not a symbolic link" of each (`exchange_problems`);
- release, collect and feedback release refuse a squatted folder with one line (`require_own_exchange`),
  in `course-tools` and in nbgrader's own exchange classes (grading/guarded_exchange.py), which the
  course's config names (c.ExchangeFactory), so formgrader's buttons refuse it too.

No nbgrader import here: feedback release checks the folder without loading nbgrader.
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

from course_tools import CourseToolsError

# nbgrader's modes (not group-shared): the course folder first, so its parts are made inside our own folder.
LAYOUT: dict[str, int] = {".": 0o755, "outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}
FIX = ("as root, move it aside (mv {path} {path}.squatted), then restart the hub or run `course-tools init` "
       "as the course account: it makes the folder again")


def _name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def folder_problem(path: Path, mode: int, owner: int) -> str | None:
    """What is wrong with one exchange folder (None if it is right or missing), without following links."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return f"{path}: a symbolic link (to {os.readlink(path)}), not the course's folder"
    if not stat.S_ISDIR(info.st_mode):
        return f"{path}: not a folder"
    if info.st_uid != owner:
        return f"{path}: owned by {_name(info.st_uid)}, not by the course account {_name(owner)}"
    if stat.S_IMODE(info.st_mode) != mode:
        return f"{path}: mode {stat.S_IMODE(info.st_mode):04o}, nbgrader's is {mode:04o}"
    return None


def exchange_problems(exchange: Path, course_id: str, owner: int) -> list[str]:
    """One line per wrong folder of the course in the exchange (a squatted course folder hides the rest)."""
    exchange = Path(exchange)
    if exchange.is_symlink():
        return [f"{exchange}: the exchange root is a symbolic link (to {os.readlink(exchange)})"]
    course = exchange / course_id
    problems = []
    for sub, mode in LAYOUT.items():
        problem = folder_problem(course if sub == "." else course / sub, mode, owner)
        if problem:
            problems.append(problem)
            if sub == ".":
                break
    return problems


def squatted(exchange: Path, course_id: str, owner: int) -> str | None:
    """The first problem that is about who owns what (a link, another owner, not a folder), or None:
    a wrong mode on our own folder is for doctor to report, not a reason to refuse a release."""
    for problem in exchange_problems(exchange, course_id, owner):
        if " mode " not in problem:
            return problem
    return None


def require_own_exchange(exchange: Path, course_id: str, action: str) -> None:
    """Refuse `action` (release, collect, ...) on a course folder in the exchange that is not ours."""
    problem = squatted(Path(exchange), course_id, os.geteuid())
    if problem:
        path = Path(exchange) / course_id
        raise CourseToolsError(f"{action} refused: {problem} (someone else made it before the course did); "
                               + FIX.format(path=path))


def claim_course_exchange(exchange: Path, course_id: str) -> list[str]:
    """Create the course's folders in the exchange as the calling account, with nbgrader's modes; fix the
    mode of our own folders. Raise (one line) if one exists and is not ours. Returns what was done."""
    exchange = Path(exchange)
    if not exchange.exists():
        exchange.mkdir(parents=True)  # the local exchange inside the course folder (the hub's is made by root)
    me = os.geteuid()
    require_own_exchange(exchange, course_id, "claiming the course's exchange folder")
    done = []
    for sub, mode in LAYOUT.items():
        path = exchange / course_id if sub == "." else exchange / course_id / sub
        try:
            os.mkdir(path, mode)
            done.append(f"created   {path}/ ({mode:04o})")
        except FileExistsError:
            problem = folder_problem(path, mode, me)
            if problem and " mode " not in problem:
                raise CourseToolsError(f"{problem}; " + FIX.format(path=exchange / course_id)) from None
        os.chmod(path, mode, follow_symlinks=False)  # mkdir's mode passes through the umask; setgid needs chmod
    return done
