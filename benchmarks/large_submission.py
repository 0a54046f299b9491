"""Benchmark (not a test): autograde and feedback of one very large submission.

Issue 15 part 4: a 10.5 MB notebook (five 2 MB answers) took autograde 101 s and feedback 194 s with
3.3 GB of RAM. This builds that submission in a temporary course (Review #6 of the real content, the
five answer cells filled with 2 MB of Markdown prose each: paragraphs, emphasis, lists, links, code
spans and a few tags, as a pasted essay would have), then runs, as a user types them,

    course-tools autograde review6 --course <tmp> --force
    course-tools feedback review6 --course <tmp> --no-release

and prints each command's wall time and peak RSS (the process and its waited-for children), next to
the same two commands on a class with 1 kB answers (what start-up, gradebook and backups cost
whatever the size), against the goal: under 5 s and 300 MB for the two together.

    .venv/bin/python benchmarks/large_submission.py
    .venv/bin/python benchmarks/large_submission.py --answers 5 --mb 2
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nbgrader.api import Gradebook  # noqa: E402

from course_tools.content.loader import load_course  # noqa: E402
from course_tools.grading.coursedir import init_course, open_api  # noqa: E402
from course_tools.grading.lifecycle import assign  # noqa: E402

BIN = Path(sys.executable).parent
ASSIGNMENT = "review6"
STUDENT = "s0001"
GOAL_SECONDS, GOAL_MB = 5.0, 300.0


def long_answer(size: int, rng: random.Random, vocabulary: list[str]) -> str:
    """About `size` bytes of Markdown prose with the constructs a renderer has to work on."""
    parts, total = [], 0
    while total < size:
        words = [rng.choice(vocabulary) for _ in range(rng.randint(40, 120))]
        words[3] = f"*{words[3]}*"
        words[9] = f"`{words[9]} <b>`"
        words[15] = f"[{words[15]}](https://www.ilo.org)"
        paragraph = " ".join(words) + "."
        if rng.random() < 0.2:
            paragraph += "\n\n- " + "\n- ".join(rng.choice(vocabulary) for _ in range(5))
        if rng.random() < 0.05:
            paragraph += "\n\n<img src=x onerror=alert(1)> 3 < 4 & 5 > 2"
        parts.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(parts)


def submission(root: Path, answers: int, megabytes: float) -> int:
    """The student's notebook in submitted/ as `nbgrader collect` leaves it; returns its size."""
    course = load_course()
    vocabulary = re.findall(r"[A-Za-z][a-z]+", " ".join(b.text for b in course.seed.values()))
    rng = random.Random(15)
    nb = nbformat.read(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for cell in cells[:answers]:
        cell.source = long_answer(int(megabytes * 1024 * 1024), rng, vocabulary)
    folder = root / "submitted" / STUDENT / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    (folder / "timestamp.txt").write_text(datetime(2026, 12, 10, 9).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return (folder / f"{ASSIGNMENT}.ipynb").stat().st_size


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one command: its process tree, as wait4 reports it (kB on Linux)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def timed_course(answers: int, megabytes: float) -> tuple[int, int, dict[str, tuple[float, float]]]:
    """Submission size, feedback file size and (seconds, peak MB) per command, in a fresh tmp course."""
    with tempfile.TemporaryDirectory(prefix="large-submission-") as tmp:
        root = Path(tmp) / "course"
        course = load_course()
        init_course(course, root)
        assign(course, root, ASSIGNMENT)
        api = open_api(root)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
            gb.update_or_create_student(STUDENT, first_name="Large", last_name="Submission")
        size = submission(root, answers, megabytes)
        tool = str(BIN / "course-tools")
        rows = {"autograde": run([tool, "autograde", ASSIGNMENT, "--course", str(root), "--force"]),
                "feedback": run([tool, "feedback", ASSIGNMENT, "--course", str(root), "--no-release"])}
        html = root / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"
        if not html.is_file():
            raise SystemExit(f"{html}: no feedback file was written")
        return size, html.stat().st_size, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=5, help="answer cells to fill (default 5)")
    parser.add_argument("--mb", type=float, default=2.0, help="MB per answer (default 2)")
    args = parser.parse_args()
    _, _, small = timed_course(args.answers, 0.001)
    size, html_size, rows = timed_course(args.answers, args.mb)
    print(f"submission: {size / 1e6:.1f} MB ({args.answers} answers of {args.mb} MB); "
          f"feedback file {html_size / 1e6:.1f} MB")
    print("  step          large         same step, 1 kB answers (start-up, gradebook, backups)")
    for step, (seconds, mb) in rows.items():
        print(f"  {step:<10} {seconds:5.1f} s {mb:5.0f} MB   {small[step][0]:5.1f} s {small[step][1]:5.0f} MB")
    total = sum(s for s, _ in rows.values())
    extra = total - sum(s for s, _ in small.values())
    peak = max(mb for _, mb in rows.values())
    print(f"  together   {total:5.1f} s {peak:5.0f} MB   (of which the size costs {extra:.1f} s)")
    print(f"goal < {GOAL_SECONDS:.0f} s and < {GOAL_MB:.0f} MB: time ratio {total / GOAL_SECONDS:.2f} "
          f"(size alone {extra / GOAL_SECONDS:.2f}), memory ratio {peak / GOAL_MB:.2f}")


if __name__ == "__main__":
    main()
