"""`check`, `build` and `edition`: validate content/, generate notebooks/, build the student edition."""

from __future__ import annotations

import argparse
from pathlib import Path

from course_tools.commands import add_command


def register(subparsers) -> None:
    check = add_command(subparsers, "check", run_check, "Validate content/ against its schema.",
                        "  course-tools check\n  course-tools check --content /path/to/content\n")
    check.add_argument("--content", type=Path, help="content folder (default: ./content)")
    build = add_command(subparsers, "build", run_build,
                        "Generate lesson notebooks (and assignment sources) from content/.",
                        "  course-tools build\n  course-tools build --out /tmp/notebooks\n")
    build.add_argument("--content", type=Path, help="content folder (default: ./content)")
    build.add_argument("--out", type=Path, help="notebooks folder (default: beside content/)")
    edition = add_command(subparsers, "edition", run_edition,
                          "Build the student edition: lessons, activities, data and lesson notebooks, without "
                          "model answers, rubrics, calibration answers, instructor notes or nbgrader sources.",
                          "  course-tools edition --student /srv/mobilizing/edition\n"
                          "  course-tools edition --student /tmp/edition --content /path/to/content\n"
                          "  course-tools edition --student /tmp/edition --release exit_policy_forum\n"
                          "  MOBILIZING_CONTENT=/tmp/edition/content jupyter lab /tmp/edition/notebooks\n")
    edition.add_argument("--student", type=Path, required=True, metavar="DIR",
                         help="folder to write (new, empty, or an earlier edition, which is replaced whole)")
    edition.add_argument("--content", type=Path, help="the full content folder (default: ./content)")
    edition.add_argument("--release", action="append", default=[], metavar="ASSIGNMENT",
                         help="include this assignment's model answers and key points (never its rubric): "
                              "once the class has answered; repeat for more")


def run_check(args: argparse.Namespace) -> int:
    from course_tools.content.loader import find_content_dir, load_course

    course = load_course(args.content or find_content_dir())
    points = sum(len(lesson.points) for lesson in course.lessons.values())
    activities = sum(len(a.activities) for a in course.activities.values())
    if course.edition != "full":
        print(f"student edition OK: {len(course.lessons)} lessons, {points} points, {activities} activities "
              "(no assignments, exit-ticket keys or instructor notes)")
        return 0
    print(f"content OK: {len(course.lessons)} lessons, {points} points, {activities} activities, "
          f"{len(course.assignments)} assignments, every one of {len(course.seed)} module bullets covered")
    return 0


def run_build(args: argparse.Namespace) -> int:
    from course_tools.content.loader import find_content_dir, load_course
    from course_tools.generate.notebooks import build_all

    course = load_course(args.content or find_content_dir())
    out = args.out or course.root.parent / "notebooks"
    written = build_all(course, out)
    for path, changed in written:
        print(f"{'wrote    ' if changed else 'unchanged'} {path}")
    return 0


def run_edition(args: argparse.Namespace) -> int:
    from course_tools.content.loader import find_content_dir, load_course
    from course_tools.generate.edition import build_student_edition

    course = load_course(args.content or find_content_dir())
    files = build_student_edition(course, args.student, args.release)
    released = f"; model answers released: {', '.join(args.release)}" if args.release else ""
    print(f"student edition: {len(files)} files in {args.student} (content/ and notebooks/; "
          f"no assignments, exit-ticket keys or instructor notes{released})")
    return 0
