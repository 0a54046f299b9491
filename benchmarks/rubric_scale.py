"""Rubric grading at scale: build a class of N autograded Review #6 submissions, then time what a
grader waits for (open a question's queue and the dashboard, save a grade, re-score after a rubric
edit) next to stock `nbgrader export` on the same gradebook.

    python -m benchmarks.rubric_scale --students 500        (or: make bench-rubric)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course_tools.content.loader import load_course
from course_tools.rubric.grader import Grading
from course_tools.rubric.store import RubricGrade, now
from tests.support.classroom import build_class

A = "review6"


def timed(label: str, results: list[tuple[str, float]], func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    results.append((label, time.perf_counter() - start))
    print(f"  {label:<58} {results[-1][1]:7.3f} s", flush=True)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="build the class here and keep it (default: a temp folder)")
    args = parser.parse_args(argv)
    course = load_course()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="rubric-bench-"))
    root = folder / "course"
    results: list[tuple[str, float]] = []
    try:
        print(f"building a class of {args.students} submissions in {root} ...", flush=True)
        timed(f"build class (init, assign, {args.students} submissions, autograde)", results,
              build_class, root, course, args.students, late_every=10)
        grading = Grading(root, course, grader="bench")
        entries = timed("open q1 queue, first time (labels created)", results, grading.queue, A, "q1")
        timed("open q1 queue", results, grading.queue, A, "q1")
        from course_tools.widgets.instructor.dashboard import Dashboard

        view = timed("open the dashboard (queue + first answer + widgets)", results, Dashboard, grading)
        view.toggles["kp-phase-one"].value = True
        timed("dashboard: save and next ungraded (incl. queue reload)", results, view.save_and_next)
        timed("save one grade (rubric.db + gradebook)", results, grading.save, A, "q1", entries[1].student,
              ["kp-phase-one", "kp-phase-two"], 0.5, "ok")
        rubric = grading.rubric(A, "q1")
        grades = [RubricGrade(A, e.student, "q1", ("kp-phase-one", "kp-phase-two"), 0.0, "", "bench", now())
                  for e in entries]
        timed(f"grade all {len(grades)} answers to q1 in one batch", results, grading._write, rubric, grades)
        count = timed("edit kp-phase-one's points: re-score every answer with it", results,
                      grading.edit_item, A, "q1", "kp-phase-one", points=1.5)
        print(f"    ({count} answers re-scored)")
        from course_tools.rubric.report import write_report

        timed("course-tools report (CSV + 2 PNG)", results, write_report, grading, A)
        nbgrader = shutil.which("nbgrader", path=str(Path(sys.executable).parent))
        timed("stock `nbgrader export` (totals only), same gradebook", results, subprocess.run,
              [nbgrader, "export", "--to", str(folder / "nbgrader_export.csv")], cwd=root, check=True,
              capture_output=True)
        print()
        print(f"| step ({args.students} submissions) | seconds |")
        print("|---|---:|")
        for label, seconds in results:
            print(f"| {label} | {seconds:.3f} |")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
