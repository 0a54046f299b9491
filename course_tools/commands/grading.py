"""Grading commands: init, roster, assign, release, collect, autograde, feedback, export."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from course_tools.commands import add_command
from course_tools.defaults import COURSE_ID


def _course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, help="course directory (default: the current directory if it "
                        "holds nbgrader_config.py, else $MOBILIZING_COURSE, else course/ in the repo)")


def _root(args: argparse.Namespace) -> Path:
    """The course directory, announced on the first line so nobody grades the wrong course."""
    from course_tools.grading.course_config import find_course_dir

    root, origin = (args.course, "--course") if args.course else find_course_dir()
    print(f"course: {Path(root).resolve()} (from {origin})", file=sys.stderr, flush=True)
    return root


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def register(subparsers) -> None:
    init = add_command(subparsers, "init", run_init,
                       "Create (or complete) the nbgrader course directory: config, exchange, sources, gradebook.",
                       "  course-tools init\n  course-tools init /srv/mobilizing --course-id fairglob-2026\n"
                       "  course-tools init --force        # also replace an edited config or source\n"
                       "  course-tools init --db postgresql://grader@db.example.org/fairglob   # a grading team\n")
    init.add_argument("dir", nargs="?", type=Path, help="course directory (default: $MOBILIZING_COURSE, else "
                      "course/ in the repo)")
    init.add_argument("--course-id", default=COURSE_ID, help=f"nbgrader course id (default: {COURSE_ID})")
    init.add_argument("--content", type=Path, help="content folder (default: ./content)")
    init.add_argument("--force", action="store_true", help="replace an edited config or source notebook")
    init.add_argument("--db", metavar="URL", help="gradebook and rubric store in this database, e.g. "
                      "postgresql://USER@HOST/DATABASE (password: ~/.pgpass); default: SQLite files in the course")

    roster = add_command(subparsers, "roster", run_roster, "Manage the students in the gradebook.",
                         "  course-tools roster import students.csv\n")
    roster.add_argument("action", choices=["import"], help="what to do")
    roster.add_argument("file", type=Path, help="CSV with columns id, first_name, last_name, email")
    _course_option(roster)

    assign = add_command(subparsers, "assign", run_assign,
                         "Generate the student version of an assignment (nbgrader generate_assignment).",
                         "  course-tools assign review6\n  course-tools assign exit_policy_forum\n")
    assign.add_argument("assignment", help="assignment id, e.g. review6")
    assign.add_argument("--content", type=Path, help="content folder (default: ./content)")
    assign.add_argument("--force", action="store_true", help="replace an edited source notebook with content's")
    _course_option(assign)

    release = add_command(subparsers, "release", run_release, "Release an assignment to the exchange.",
                          "  course-tools release review6\n")
    release.add_argument("assignment")
    _course_option(release)

    collect = add_command(subparsers, "collect", run_collect,
                          "Collect submissions from the exchange, or from an LMS download with --zip.",
                          "  course-tools collect review6\n"
                          "  course-tools collect review6 --zip ~/Downloads/submissions.zip\n"
                          "  course-tools collect review6 --zip submissions.zip --map lms_ids.csv\n")
    collect.add_argument("assignment")
    collect.add_argument("--zip", type=Path, help="zip of submissions downloaded from an LMS")
    collect.add_argument("--pattern", help="named regexp for the LMS file names (see README)")
    collect.add_argument("--map", type=Path, help="with --zip: CSV lms_id,student_id for LMS ids that are not "
                         "roster ids")
    _course_option(collect)

    autograde = add_command(subparsers, "autograde", run_autograde,
                            "Record submissions in the gradebook (no kernel for essay-only assignments).",
                            "  course-tools autograde review6\n  course-tools autograde review6 --force\n")
    autograde.add_argument("assignment")
    autograde.add_argument("--force", action="store_true", help="redo submissions already autograded")
    autograde.add_argument("--workers", type=int, default=2, help="processes for the notebooks (default 2)")
    _course_option(autograde)

    feedback = add_command(subparsers, "feedback", run_feedback,
                           "Apply late penalties, generate feedback HTML and release it to students.",
                           "  course-tools feedback review6\n  course-tools feedback review6 --no-release\n")
    feedback.add_argument("assignment")
    feedback.add_argument("--no-release", action="store_true", help="generate only")
    _course_option(feedback)

    backups = add_command(subparsers, "backups", run_backups,
                          "List or restore the copies of gradebook.db and rubric.db taken before each step "
                          "that can overwrite grades (collect, autograde, feedback, init --force, rubric edits).",
                          "  course-tools backups list\n"
                          "  course-tools backups restore 20261215-170000-123456-autograde\n")
    backups.add_argument("action", choices=["list", "restore"])
    backups.add_argument("name", nargs="?", help="backup to restore (a unique prefix is enough)")
    _course_option(backups)

    doctor = add_command(subparsers, "doctor", run_doctor,
                         "Check a course directory (config, exchange permissions, roster, source vs release, "
                         "databases); print what is wrong and how to fix it; exit 1 if anything is.",
                         "  course-tools doctor\n  course-tools doctor --course /srv/mobilizing\n")
    _course_option(doctor)

    export = add_command(subparsers, "export", run_export,
                         "Export grades: one row per student, one column per question (csv, canvas, moodle).",
                         "  course-tools export review6\n"
                         "  course-tools export review6 --format canvas --out canvas.csv\n")
    export.add_argument("assignment")
    export.add_argument("--format", default="csv", choices=["csv", "canvas", "moodle"])
    export.add_argument("--out", type=Path, help="output file (default: <course>/exports/<id>_<format>.csv)")
    export.add_argument("--title", help="assignment name in the LMS (default: the assignment id)")
    _course_option(export)


def run_backups(args: argparse.Namespace) -> int:
    from course_tools.grading.backup import keep_count, list_backups, restore_backup

    root = _root(args)
    if args.action == "restore":
        if not args.name:
            from course_tools import CourseToolsError

            raise CourseToolsError("backups restore: name the backup (see `course-tools backups list`)")
        chosen = restore_backup(root, args.name)
        print(f"backups: restored {', '.join(chosen.files)} from {chosen.path} (the state before is saved too)")
        return 0
    found = list_backups(root)
    for backup in found:
        print(f"{backup.name}  {', '.join(backup.files)}")
    print(f"backups: {len(found)} in {root / 'backups'} (the last {keep_count()} are kept)")
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    from course_tools.grading.doctor import diagnose

    findings = diagnose(_root(args))
    for finding in findings:
        print(finding.line())
    problems = sum(not f.ok for f in findings)
    print(f"doctor: {problems} problem(s)" if problems else "doctor: everything looks right")
    return 1 if problems else 0


def run_init(args: argparse.Namespace) -> int:
    from course_tools.content.loader import find_content_dir, load_course
    from course_tools.grading.coursedir import default_course_dir, init_course

    course = load_course(args.content or find_content_dir())
    for line in init_course(course, args.dir or default_course_dir(), args.course_id, args.force, args.db):
        print(line)
    return 0


def run_roster(args: argparse.Namespace) -> int:
    from course_tools.grading.roster import import_roster

    report = import_roster(_root(args), args.file)
    for line in report.problems:
        print(line, file=sys.stderr)
    if report.problems:
        print(f"roster: nothing imported: {len(report.problems)} line(s) of {args.file} to fix first "
              "(a roster is imported whole or not at all)", file=sys.stderr)
        return 1
    print(f"roster: imported {len(report.imported)} student(s)")
    return 0


def run_assign(args: argparse.Namespace) -> int:
    from course_tools.content.loader import find_content_dir, load_course
    from course_tools.grading.lifecycle import assign

    course = load_course(args.content or find_content_dir())
    root = _root(args)
    note = assign(course, root, args.assignment, force=args.force)
    print(note)
    print(f"assign: {args.assignment} generated in {root / 'release' / args.assignment}")
    return 0


def run_release(args: argparse.Namespace) -> int:
    from course_tools.grading.lifecycle import release

    release(_root(args), args.assignment)
    print(f"release: {args.assignment} is in the exchange; students can fetch it")
    return 0


def _print_batch(report) -> int:
    for line in report.lines():
        print(line, file=sys.stderr)
    print(report.summary())
    return 0


def run_collect(args: argparse.Namespace) -> int:
    from course_tools.grading.lifecycle import collect_batch

    if args.zip:
        from course_tools.grading.zipcollect import DEFAULT_PATTERN, zip_collect

        report = zip_collect(_root(args), args.assignment, args.zip, args.pattern or DEFAULT_PATTERN, args.map)
        print(f"collect: from {args.zip.name}: {', '.join(report.graded) or 'none'}")
        return _print_batch(report)
    return _print_batch(collect_batch(_root(args), args.assignment))


def run_autograde(args: argparse.Namespace) -> int:
    from course_tools.grading.lifecycle import autograde_batch

    start = time.perf_counter()
    report = autograde_batch(_root(args), args.assignment, force=args.force, progress=_progress,
                             workers=args.workers)
    _print_batch(report)
    print(f"autograde: done in {time.perf_counter() - start:.1f} s"
          + (f" ({report.skipped} unchanged submission(s) skipped; --force redoes them)" if report.skipped else ""))
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    from course_tools.grading.feedback import feedback

    notes: list[str] = []
    count = feedback(_root(args), args.assignment, release_it=not args.no_release, notes=notes)
    for line in notes:
        print(f"feedback: {line}", file=sys.stderr)
    print(f"feedback: {count} feedback file(s){'' if args.no_release else ' released'}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from course_tools.grading.export import export

    root = _root(args)
    out = args.out or root / "exports" / f"{args.assignment}_{args.format}.csv"
    count = export(root, args.assignment, out, args.format, args.title)
    print(f"export: {count} student(s) -> {out}")
    return 0
