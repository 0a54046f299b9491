"""Rubric commands: `report`, `rubric` (show, edit, add, sync) and `grade` (for scripts)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from course_tools.commands import add_command
from course_tools.defaults import REVIEW_ASSIGNMENT


def _common(parser: argparse.ArgumentParser, question: bool = True) -> None:
    parser.add_argument("--course", type=Path, help="course directory (default: $MOBILIZING_COURSE or course/)")
    parser.add_argument("--assignment", default=REVIEW_ASSIGNMENT, help=f"assignment id (default: {REVIEW_ASSIGNMENT})")
    if question:
        parser.add_argument("--question", required=True, help="question id, e.g. q1")


def _grading(args: argparse.Namespace):
    from course_tools.rubric.grader import Grading

    return Grading(args.course)


def register(subparsers) -> None:
    report = add_command(subparsers, "report", run_report,
                         "Class analytics: scores per student and question, statistics, rubric items given, "
                         "late work; CSV and PNG into <course>/reports/.",
                         "  course-tools report\n  course-tools report --assignment review6 --out /tmp/reports\n")
    _common(report, question=False)
    report.add_argument("--out", type=Path, help="folder for the files (default: <course>/reports)")

    rubric = add_command(subparsers, "rubric", run_rubric,
                         "Show or change a question's rubric; a change re-scores every answer that received the item.",
                         "  course-tools rubric show --question q1\n"
                         "  course-tools rubric show --assignment exit_policy_forum --question discussion\n"
                         "  course-tools rubric edit --question q1 --item kp-phase-one --points 2\n"
                         "  course-tools rubric edit --question q1 --item distorts --description 'Misstates it'\n"
                         "  course-tools rubric add --question q1 --item example --points 0.5 "
                         "--description 'Gives an example'\n"
                         "  course-tools rubric sync       # rewrite nbgrader's manual grades from rubric.db\n")
    rubric.add_argument("action", choices=["show", "edit", "add", "sync"])
    _common(rubric, question=False)
    rubric.add_argument("--question", help="question id, e.g. q1 (show, edit, add)")
    rubric.add_argument("--item", help="rubric item id (edit, add)")
    rubric.add_argument("--points", type=float, help="new points (edit, add)")
    rubric.add_argument("--description", help="new text (edit, add)")

    grade = add_command(subparsers, "grade", run_grade,
                        "Grade one answer with rubric items (what the dashboard's Save does), for scripts.",
                        "  course-tools grade --question q1 --student s0001 --items kp-phase-one,kp-phase-two\n"
                        "  course-tools grade --question q2 --student s0001 --items '' --adjust 1 --comment 'See me'\n")
    _common(grade)
    grade.add_argument("--student", required=True, help="student id")
    grade.add_argument("--items", required=True, help="comma-separated rubric item ids ('' for none)")
    grade.add_argument("--adjust", type=float, default=0.0, help="point adjustment, + or -")
    grade.add_argument("--comment", default="", help="comment to the student")


def run_report(args: argparse.Namespace) -> int:
    from course_tools.rubric.report import summary_text, write_report

    start = time.perf_counter()
    report = write_report(_grading(args), args.assignment, args.out)
    print(summary_text(report.analytics))
    print()
    for path in report.files:
        print(f"wrote     {path}")
    print(f"report: {len(report.analytics.scores)} student(s) in {time.perf_counter() - start:.1f} s")
    return 0


def _need(args: argparse.Namespace, *names: str) -> None:
    from course_tools import CourseToolsError

    missing = [f"--{n}" for n in names if getattr(args, n) is None]
    if missing:
        raise CourseToolsError(f"rubric {args.action}: {', '.join(missing)} needed")


def run_rubric(args: argparse.Namespace) -> int:
    grading = _grading(args)
    if args.action == "sync":
        print(f"rubric sync: {grading.sync(args.assignment)} answer(s) rewritten in nbgrader's gradebook")
        return 0
    _need(args, "question")
    if args.action == "edit":
        _need(args, "item")
        if args.points is None and args.description is None:
            _need(args, "points")
        count = grading.edit_item(args.assignment, args.question, args.item, points=args.points,
                                  description=args.description)
        print(f"rubric edit: {args.assignment}/{args.question}/{args.item} changed; {count} answer(s) re-scored")
    elif args.action == "add":
        _need(args, "item", "points", "description")
        grading.add_item(args.assignment, args.question, args.item, args.description, args.points)
        print(f"rubric add: {args.assignment}/{args.question}/{args.item} ({args.points:+g})")
    rubric = grading.rubric(args.assignment, args.question)
    print(f"{args.assignment}/{args.question}: {rubric.max_points:g} points"
          f"{' (extra credit allowed)' if rubric.extra_credit else ''}")
    spec = grading.question(args.assignment, args.question)
    levels = {item.id: item.level or "" for item in spec.instructor.rubric}
    for item in rubric.items:
        print(f"  {item.points:+5g}  {levels.get(item.id, ''):<9} {item.id:<26} {item.description}")
    for sample in spec.instructor.calibration:
        print(f"  calibration {sample.level:<8} {sample.score:g} / {rubric.max_points:g}: "
              f"{', '.join(sample.items) or 'no item'}")
    return 0


def run_grade(args: argparse.Namespace) -> int:
    grading = _grading(args)
    items = [i.strip() for i in args.items.split(",") if i.strip()]
    try:
        score = grading.save(args.assignment, args.question, args.student, items, args.adjust, args.comment)
    except KeyError as exc:
        from course_tools import CourseToolsError

        raise CourseToolsError(str(exc).strip("'\"")) from None
    print(f"grade: {args.student} {args.assignment}/{args.question}: {score.total:g} / "
          f"{grading.rubric(args.assignment, args.question).max_points:g}")
    return 0
