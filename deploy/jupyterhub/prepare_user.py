"""Run AS THE USER before their server starts (the hub's pre_spawn_hook calls it), and as the course
account before the grading service starts (its command: `--role grader ... --then jupyterhub-singleuser`).

- Copies the lesson notebooks into ~/mobilizing-action/, only files that do not exist yet, so a
  course update never overwrites a student's edits (delete a file to get the new version).
  Instructors and teaching assistants also get the instructor notes.
- For the course account (role `grader`), creates or updates the nbgrader course directory ~/course
  (`course-tools init`, with `--db` from $MOBILIZING_COURSE_DB when the hub sets it: PostgreSQL for a
  grading team), pointed at the hub's shared exchange, with the grading dashboard and
  analytics notebooks in ~/course/grading/, and makes sure the course's folder in the shared exchange is
  its own (course_tools/grading/exchange_guard.py); then becomes the command after `--then`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

LESSONS_SUBDIR = "mobilizing-action"
COURSE_SUBDIR = "course"
GRADING_SUBDIR = "grading"
# Instructor notebooks that work on the course, so they live in the grading service, not in people's servers.
GRADING_NOTEBOOKS = ("grading_dashboard.ipynb", "analytics.ipynb")
HUB_MARK = "# --- class hub (deploy/jupyterhub) ---"
COURSE_DB_ENV = "MOBILIZING_COURSE_DB"  # classhub.COURSE_DB_ENV


def copy_missing(source: Path, dest: Path, names: list[str]) -> list[str]:
    """Copy source/<name> to dest/<name> for each name whose destination does not exist.

    Opens with O_EXCL|O_NOFOLLOW: an existing file, or a link the user left there, is kept as is.
    """
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in names:
        target = dest / name
        if target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (source / name).read_bytes()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        copied.append(name)
    return copied


def lesson_names(lessons: Path, role: str) -> list[str]:
    """Student lessons for everyone; for instructors also the instructor notebooks that need no course
    (not the nbgrader sources, not the grading notebooks, which are the grading service's)."""
    names = sorted(p.name for p in lessons.glob("*.ipynb"))
    if role == "instructor":
        names += sorted(f"instructor/{p.name}" for p in (lessons / "instructor").glob("*.ipynb")
                        if p.name not in GRADING_NOTEBOOKS)
    return names


def hub_block(exchange: Path) -> str:
    return (f"\n{HUB_MARK}\n# The hub's shared exchange; prepare_user.py re-adds this after each `course-tools init`.\n"
            f"c.Exchange.root = {str(exchange)!r}\n")


def split_hub_block(text: str) -> str:
    """The config as course-tools wrote it, without our block (so its checksum still holds)."""
    index = text.find("\n" + HUB_MARK + "\n")
    return text if index < 0 else text[:index]


def ensure_course(home: Path, exchange: Path, course_id: str, db: str | None = None) -> str:
    """`course-tools init ~/course [--db URL]` (create, or bring a generated config up to date), then point
    its config at the shared exchange. A config an instructor edited is kept as it is."""
    from course_tools.content.loader import find_content_dir, load_course
    from course_tools.grading.coursedir import config_is_generated, init_course

    course = home / COURSE_SUBDIR
    config = course / "nbgrader_config.py"
    existed = config.is_file()
    if existed:
        base = split_hub_block(config.read_text(encoding="utf-8"))
        if not config_is_generated(base):
            if HUB_MARK not in config.read_text(encoding="utf-8"):
                with config.open("a", encoding="utf-8") as out:
                    out.write(hub_block(exchange))
            return f"course {course} kept (config edited by an instructor)"
        config.write_text(base, encoding="utf-8")  # init sees its own file and may update it
    init_course(load_course(find_content_dir()), course, course_id, db=db or None)
    with config.open("a", encoding="utf-8") as out:
        out.write(hub_block(exchange))
    course.chmod(0o700)
    return f"course {course} {'updated' if existed else 'created'}"


def claim_exchange(exchange: Path, course_id: str) -> str:
    """The course's folder in the shared exchange, made or checked as the course account (issue #22 M1). A
    folder someone else made is reported, not fatal: the service must start so that doctor can say what to
    do, and release refuses it meanwhile."""
    from course_tools import CourseToolsError
    from course_tools.grading.exchange_guard import claim_course_exchange

    try:
        done = claim_course_exchange(exchange, course_id)
    except CourseToolsError as exc:
        return f"exchange: PROBLEM {exc}"
    return f"exchange {exchange / course_id}: the course account's" + (f" ({len(done)} folder(s) made)" if done else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=["instructor", "student", "grader"], required=True)
    parser.add_argument("--lessons", type=Path, required=True, help="the repo's notebooks/ folder")
    parser.add_argument("--exchange", type=Path, required=True)
    parser.add_argument("--course-id", required=True)
    parser.add_argument("--then", nargs=argparse.REMAINDER, default=[],
                        help="a command to become once prepared (the grading service's server)")
    args = parser.parse_args(argv)
    home = Path.home()
    if args.role == "grader":
        print(ensure_course(home, args.exchange, args.course_id, os.environ.get(COURSE_DB_ENV)))
        print(claim_exchange(args.exchange, args.course_id))
        copied = copy_missing(args.lessons / "instructor", home / COURSE_SUBDIR / GRADING_SUBDIR,
                              list(GRADING_NOTEBOOKS))
        print(f"grading notebooks: {len(copied)} new file(s) in ~/{COURSE_SUBDIR}/{GRADING_SUBDIR}", flush=True)
    else:
        copied = copy_missing(args.lessons, home / LESSONS_SUBDIR, lesson_names(args.lessons, args.role))
        print(f"lessons: {len(copied)} new file(s) in ~/{LESSONS_SUBDIR}", flush=True)
    if args.then:
        os.execv(args.then[0], args.then)  # the grading service's server, with the hub's environment
    return 0


if __name__ == "__main__":
    sys.exit(main())
