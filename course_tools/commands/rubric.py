"""Rubric commands: `report`, `rubric` (show, edit, add, sync), `grade` (for scripts) and `moderate`."""

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
    report.add_argument("--margin", type=float, help="moderation: list answers whose two grades differ by more "
                        "than this many points (default: the margin set with `moderate --sample`)")

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
    _register_moderate(subparsers)


def _register_moderate(subparsers) -> None:
    moderate = add_command(subparsers, "moderate", run_moderate,
                           "Moderation (second marking): draw a blind sample of graded answers, stratified by "
                           "score, for a second grader (the dashboard with moderation=True); show the sample; "
                           "resolve an answer whose two grades differ. Only a resolution changes the gradebook.",
                           "  course-tools moderate review6 --sample 20%\n"
                           "  course-tools moderate review6 --sample 20% --seed 6 --margin 1 --second-grader ta1\n"
                           "  course-tools moderate review6            # the sample: agreement, what to resolve\n"
                           "  course-tools moderate review6 --resolve s0003 q1 --keep-first\n"
                           "  course-tools moderate review6 --resolve s0003 q1 --take-second\n"
                           "  course-tools moderate review6 --resolve s0003 q1 --score 2.5 --note 'agreed with ta1'\n")
    moderate.add_argument("assignment", nargs="?", default=REVIEW_ASSIGNMENT,
                          help=f"assignment id (default: {REVIEW_ASSIGNMENT})")
    moderate.add_argument("--course", type=Path, help="course directory (default: $MOBILIZING_COURSE or course/)")
    moderate.add_argument("--sample", metavar="PERCENT", help="draw this share of each question's graded answers, "
                          "e.g. 20%%")
    moderate.add_argument("--seed", type=int, help="with --sample: the random seed (default: a random one, recorded)")
    moderate.add_argument("--margin", type=float, default=1.0,
                          help="with --sample: grades differing by more points than this are listed to resolve "
                          "(default 1)")
    moderate.add_argument("--second-grader", default="", metavar="NAME",
                          help="with --sample: only this grader second-marks (default: anyone but the first grader)")
    moderate.add_argument("--redraw", action="store_true",
                          help="with --sample: replace a sample that has no second grade yet")
    moderate.add_argument("--resolve", nargs=2, metavar=("STUDENT", "QUESTION"),
                          help="settle one sampled answer with --keep-first, --take-second or --score X")
    decision = moderate.add_mutually_exclusive_group()
    decision.add_argument("--keep-first", action="store_const", const="keep-first", dest="decision",
                          help="keep the first grade (the gradebook is not changed)")
    decision.add_argument("--take-second", action="store_const", const="take-second", dest="decision",
                          help="replace the first grade with the second grader's items, adjustment and comment")
    decision.add_argument("--score", type=float, help="set this score (the first grade's items, adjusted)")
    moderate.add_argument("--note", default="", help="with --resolve: why, kept with the resolution")


def run_report(args: argparse.Namespace) -> int:
    from course_tools.rubric.report import summary_text, write_report

    start = time.perf_counter()
    report = write_report(_grading(args), args.assignment, args.out, args.margin)
    print(summary_text(report.analytics))
    print()
    if report.moderation is not None:
        from course_tools.rubric.moderation_report import moderation_text

        print(moderation_text(report.moderation))
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


def run_moderate(args: argparse.Namespace) -> int:
    from course_tools import CourseToolsError
    from course_tools.rubric.agreement import check_margin, parse_percent
    from course_tools.rubric.moderation import Moderation
    from course_tools.rubric.moderation_report import moderation_summary, moderation_text

    if args.score is not None:
        args.decision = "score"
    if args.resolve and args.sample is not None:
        raise CourseToolsError("--resolve: one thing at a time: not with --sample")
    if args.decision and not args.resolve:
        raise CourseToolsError("--resolve: STUDENT QUESTION needed with --keep-first, --take-second or --score")
    if args.resolve and not args.decision:
        raise CourseToolsError("--resolve: say how: --keep-first, --take-second or --score X")
    if args.sample is not None:  # parse before opening anything: a typo writes nothing
        fraction, margin = parse_percent(args.sample), check_margin(args.margin)
    grading = _grading(args)
    moderation = Moderation(grading)
    if args.resolve:
        student, question = args.resolve
        done = moderation.resolve(args.assignment, student, question, args.decision, args.score, args.note)
        changed = "gradebook unchanged" if done.decision == "keep-first" else "written to nbgrader's gradebook"
        print(f"moderate: {student} {args.assignment}/{question} resolved ({done.decision}): first "
              f"{done.first_score:g}, second {done.second_score:g}, now {done.score:g} points; {changed}")
        return 0
    if args.sample is not None:
        drawn = moderation.draw(args.assignment, fraction, seed=args.seed, margin=margin,
                                second_grader=args.second_grader, redraw=args.redraw)
        sample = moderation.sample(args.assignment)
        print(f"moderate: {len(drawn)} answer(s) of {args.assignment} drawn ({sample.fraction * 100:g}% of each "
              f"question's graded answers, stratified by first score, seed {sample.seed}); margin "
              f"{sample.margin:g} point(s)")
        for question in moderation.questions(args.assignment):
            scores = sorted(a.first_score for a in drawn if a.question == question)
            if scores:
                strata = ", ".join(f"{s:g}: {scores.count(s)}" for s in sorted(set(scores)))
                print(f"  {question}: {len(scores)} answer(s) (first scores {strata})")
        who = sample.second_grader or "any grader other than the first"
        print(f"second marking: {who}, blind, in the dashboard: dashboard(moderation=True)")
        return 0
    summary = moderation_summary(grading, args.assignment)
    if summary is None:
        print(f"moderate: {args.assignment} has no moderation sample yet: "
              f"course-tools moderate {args.assignment} --sample 20%")
        return 0
    print(moderation_text(summary))
    return 0
