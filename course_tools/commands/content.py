"""`check` and `build`: validate content/ and generate notebooks/."""

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


def run_check(args: argparse.Namespace) -> int:
    from course_tools.content.loader import find_content_dir, load_course

    course = load_course(args.content or find_content_dir())
    points = sum(len(lesson.points) for lesson in course.lessons.values())
    activities = sum(len(a.activities) for a in course.activities.values())
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
