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

The baseline is what a user would run instead, in a copy of the same course with the three-line
config a stock nbgrader user writes: `nbgrader autograde review6 --force` and
`nbgrader generate_feedback review6 --force`, on the 1 kB class (stock start-up) and, unless
--no-stock-large, on the large one (stock took 101 s + 194 s when the issue was filed).

    .venv/bin/python benchmarks/large_submission.py
    .venv/bin/python benchmarks/large_submission.py --answers 5 --mb 2 --no-stock-large
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from lifecycle import make_vanilla

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
    nb = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)  # what students get
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for cell in cells[:answers]:
        cell.source = long_answer(int(megabytes * 1024 * 1024), rng, vocabulary)
    folder = root / "submitted" / STUDENT / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    (folder / "timestamp.txt").write_text(datetime(2026, 12, 10, 9).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return (folder / f"{ASSIGNMENT}.ipynb").stat().st_size


def run(cmd: list[str], cwd: Path = REPO) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one command: its process tree, as wait4 reports it (kB on Linux)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def stock(root: Path) -> dict[str, tuple[float, float]]:
    """The same two steps with stock nbgrader and its own default config, in a copy of the course."""
    make_vanilla(root)
    nbgrader = str(BIN / "nbgrader")
    return {"autograde": run([nbgrader, "autograde", ASSIGNMENT, "--force"], root),
            "feedback": run([nbgrader, "generate_feedback", ASSIGNMENT, "--force"], root)}


def timed_course(answers: int, megabytes: float,
                 with_stock: bool) -> tuple[int, int, dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Submission size, feedback file size and (seconds, peak MB) per command for ours and for stock
    nbgrader (empty when not run), each in its own fresh copy of one tmp course."""
    with tempfile.TemporaryDirectory(prefix="large-submission-") as tmp:
        root = Path(tmp) / "course"
        course = load_course()
        init_course(course, root)
        assign(course, root, ASSIGNMENT)
        api = open_api(root)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
            gb.update_or_create_student(STUDENT, first_name="Large", last_name="Submission")
        size = submission(root, answers, megabytes)
        baseline = root.parent / "stock"
        shutil.copytree(root, baseline, symlinks=True)
        tool = str(BIN / "course-tools")
        rows = {"autograde": run([tool, "autograde", ASSIGNMENT, "--course", str(root), "--force"]),
                "feedback": run([tool, "feedback", ASSIGNMENT, "--course", str(root), "--no-release"])}
        html = root / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"
        if not html.is_file():
            raise SystemExit(f"{html}: no feedback file was written")
        return size, html.stat().st_size, rows, stock(baseline) if with_stock else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=5, help="answer cells to fill (default 5)")
    parser.add_argument("--mb", type=float, default=2.0, help="MB per answer (default 2)")
    parser.add_argument("--no-stock-large", action="store_true",
                        help="skip stock nbgrader on the large submission (minutes)")
    args = parser.parse_args()
    _, _, small, stock_small = timed_course(args.answers, 0.001, True)
    size, html_size, rows, stock_large = timed_course(args.answers, args.mb, not args.no_stock_large)
    print(f"submission: {size / 1e6:.1f} MB ({args.answers} answers of {args.mb} MB); "
          f"feedback file {html_size / 1e6:.1f} MB")

    def cell(measures: dict[str, tuple[float, float]], step: str) -> str:
        return f"{measures[step][0]:6.1f} s {measures[step][1]:5.0f} MB" if step in measures else f"{'not run':>15}"

    def total(measures: dict[str, tuple[float, float]]) -> float:
        return sum(s for s, _ in measures.values())

    print(f"  {'step':<10} {'ours, large':>15}   {'ours, 1 kB':>15}   {'stock, large':>15}   {'stock, 1 kB':>15}")
    for step in rows:
        print(f"  {step:<10} {cell(rows, step)}   {cell(small, step)}   {cell(stock_large, step)}   "
              f"{cell(stock_small, step)}")
    peak = max(mb for _, mb in rows.values())
    print(f"  {'together':<10} {total(rows):6.1f} s {peak:5.0f} MB   {total(small):6.1f} s"
          + (f"{'':>12}{total(stock_large):6.1f} s" if stock_large else f"{'':>12}{'not run':>8}")
          + f"{'':>12}{total(stock_small):6.1f} s")
    extra = total(rows) - total(small)
    print(f"size costs ours {extra:.1f} s" + (f", stock {total(stock_large) - total(stock_small):.1f} s" if stock_large
                                               else ""))
    print(f"start-up (1 kB class): ours {total(small):.1f} s, stock {total(stock_small):.1f} s, "
          f"ratio stock/ours {total(stock_small) / total(small):.1f}x")
    if stock_large:
        print(f"large submission: ratio stock/ours {total(stock_large) / total(rows):.1f}x time, "
              f"{max(mb for _, mb in stock_large.values()) / peak:.1f}x memory")
    print(f"goal < {GOAL_SECONDS:.0f} s and < {GOAL_MB:.0f} MB: time ratio {total(rows) / GOAL_SECONDS:.2f} "
          f"(size alone {extra / GOAL_SECONDS:.2f}), memory ratio {peak / GOAL_MB:.2f}")


if __name__ == "__main__":
    main()
