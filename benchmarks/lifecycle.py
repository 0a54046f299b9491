"""Benchmark (not a test): our collect + autograde + export against the stock nbgrader commands.

Builds one synthetic class of N essay submissions (realistic answers of varied length, some
unanswered, some late) in the exchange, copies the course and runs, on the same data:

  ours                   course-tools collect / autograde / export
  stock --no-execute     nbgrader collect / autograde --no-execute / export, vanilla config
  stock default          nbgrader collect / autograde (a kernel per notebook) / export, vanilla config
  stock + our safety     stock --no-execute with our course config (our neutraliser and late plugin)

"Vanilla config" is what a user of stock nbgrader writes: course id, root and exchange, nothing of
ours, so the baseline is never slowed by our code. The last column shows what our safety layer costs
stock autograde. Ours and vanilla --no-execute must leave the same grades in the gradebook (asserted;
late penalties differ by design: vanilla has no late policy).

then, on a class of EXPORT_N graded submissions, `course-tools export` (per-question columns)
against `nbgrader export` (totals only). Every step runs as the command a user would type.

    .venv/bin/python benchmarks/lifecycle.py            # N=300, export at N=1000
    .venv/bin/python benchmarks/lifecycle.py -n 40 --export-n 100 --skip-default
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.auth import Authenticator  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from nbgrader.exchange.default import ExchangeSubmit  # noqa: E402

from course_tools.content.loader import load_course  # noqa: E402
from course_tools.grading.coursedir import init_course, load_config, open_api  # noqa: E402
from course_tools.grading.lifecycle import assign, autograde, collect, release  # noqa: E402
from tests.support.gradebook import snapshot  # noqa: E402

BIN = Path(sys.executable).parent
ASSIGNMENT = "review6"
DUE = datetime(2030, 1, 15, 17, 0, 0)
LATE_POLICY = ('\nc.CourseLatePenalty.policies = {"review6": {"kind": "percent_per_day", '
               '"percent_per_day": 10, "cap_percent": 50}}\n')


def words(course) -> list[str]:
    text = " ".join(b.text for b in course.seed.values())
    return re.findall(r"[A-Za-z][a-z]+", text)


def essay(rng: random.Random, vocabulary: list[str]) -> str:
    """One to twelve sentences of module vocabulary: short and long answers, like a real class."""
    sentences = []
    for _ in range(rng.choice([1, 2, 3, 4, 6, 8, 12])):
        sentence = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 24)))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def build_class(root: Path, n: int, seed: int = 6) -> list[str]:
    """N students fetch, answer and submit through nbgrader's exchange; about 15% late."""
    course = load_course()
    init_course(course, root)
    with open(root / "nbgrader_config.py", "a") as handle:
        handle.write("# benchmark: a due date in the gradebook and a late policy\n" + LATE_POLICY)
    assign(course, root, ASSIGNMENT)
    api = open_api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    release(root, ASSIGNMENT)
    rng = random.Random(seed)
    vocabulary = words(course)
    released = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    config = load_config(root)
    students = [f"s{i:04d}" for i in range(n)]
    inbound = root / "exchange" / api.coursedir.course_id / "inbound"
    work = root.parent / f"{root.name}-students"
    for student in students:
        home = work / student / ASSIGNMENT
        home.mkdir(parents=True)
        nb = nbformat.from_dict(released)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and rng.random() > 0.05:
                cell.source = essay(rng, vocabulary)
        nbformat.write(nb, home / f"{ASSIGNMENT}.ipynb")
        config.Exchange.assignment_dir = str(work / student)
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id, coursedir.student_id = ASSIGNMENT, student
        ExchangeSubmit(coursedir=coursedir, authenticator=Authenticator(config=config), config=config).start()
    for folder in inbound.iterdir():  # the submission time, as the exchange would have stamped it
        late = rng.random() < 0.15
        when = DUE + timedelta(hours=rng.randint(1, 120)) if late else DUE - timedelta(hours=rng.randint(1, 200))
        os.chmod(folder / "timestamp.txt", 0o644)
        (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    shutil.rmtree(work)
    return students


VANILLA = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.Exchange.root = {exchange!r}
"""


def make_vanilla(root: Path) -> None:
    """Replace our generated config by the three lines a stock nbgrader user would write."""
    course_id = open_api(root).coursedir.course_id
    (root / "nbgrader_config.py").write_text(VANILLA.format(course_id=course_id, root=str(root),
                                                            exchange=str(root / "exchange")))


def run(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def ours(root: Path) -> dict[str, float]:
    tool = str(BIN / "course-tools")
    return {"collect": run([tool, "collect", ASSIGNMENT, "--course", str(root)], REPO),
            "autograde": run([tool, "autograde", ASSIGNMENT, "--course", str(root)], REPO),
            "export": run([tool, "export", ASSIGNMENT, "--course", str(root), "--out", str(root / "grades.csv")],
                          REPO)}


def stock(root: Path, *flags: str) -> dict[str, float]:
    nbgrader = str(BIN / "nbgrader")
    return {"collect": run([nbgrader, "collect", ASSIGNMENT], root),
            "autograde": run([nbgrader, "autograde", ASSIGNMENT, *flags], root),
            "export": run([nbgrader, "export"], root)}


def graded_class(root: Path, n: int) -> None:
    """A class of n collected and autograded submissions with manual grades, for the export race."""
    build_class(root, n, seed=7)
    collect(root, ASSIGNMENT)
    autograde(root, ASSIGNMENT)
    api = open_api(root)
    rng = random.Random(8)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for submission in gb.find_assignment(ASSIGNMENT).submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.auto_score is None:
                        grade.manual_score = rng.randint(0, int(grade.max_score))
        gb.db.commit()


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="submissions for collect/autograde (default 300)")
    parser.add_argument("--export-n", type=int, default=1000, help="students for the export race (default 1000)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out", help="scratch folder")
    parser.add_argument("--skip-default", action="store_true", help="skip stock autograde with kernels (slow)")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)

    print(f"building a class of {args.n} submissions ...", flush=True)
    base = args.out / "base"
    build_class(base, args.n)
    copies = {name: args.out / name for name in ("ours", "no_execute", "default", "safety")}
    for name, path in copies.items():
        shutil.copytree(base, path, symlinks=True)
        if name in ("no_execute", "default"):
            make_vanilla(path)

    times = {"ours": ours(copies["ours"]), "stock --no-execute": stock(copies["no_execute"], "--no-execute")}
    print(f"ours: {times['ours']}\nstock --no-execute: {times['stock --no-execute']}", flush=True)
    tables = ("student", "submission", "grade", "comment")
    same = snapshot(copies["ours"], tables) == snapshot(copies["no_execute"], tables)
    if not same:
        raise SystemExit("ours and stock --no-execute left different grades in the gradebook")
    if not args.skip_default:
        print("stock default autograde (a kernel per notebook) ...", flush=True)
        times["stock default"] = stock(copies["default"])
    times["stock + our safety"] = stock(copies["safety"], "--no-execute")

    print(f"building a graded class of {args.export_n} for export ...", flush=True)
    big = args.out / "export"
    graded_class(big, args.export_n)
    export_ours = run([str(BIN / "course-tools"), "export", ASSIGNMENT, "--course", str(big),
                       "--out", str(big / "ours.csv")], REPO)
    export_stock = run([str(BIN / "nbgrader"), "export"], big)

    rows = [("step", *times)]
    for step in ("collect", "autograde", "export"):
        rows.append((step, *(f"{t[step]:.1f} s" for t in times.values())))
    totals = {name: sum(t.values()) for name, t in times.items()}
    rows.append(("collect+autograde+export", *(f"{v:.1f} s" for v in totals.values())))
    rows.append(("ratio (stock / ours)", *(f"{v / totals['ours']:.1f}x" for v in totals.values())))
    print(f"\nN = {args.n} submissions of {ASSIGNMENT}, {os.cpu_count()} cores\n")
    print(table(rows))
    print(f"\ngradebooks of ours and stock --no-execute (vanilla): {'identical' if same else 'DIFFERENT'} "
          f"({', '.join(tables)})")
    cost = times["stock + our safety"]["autograde"] / times["stock --no-execute"]["autograde"]
    print(f"our safety layer inside stock autograde --no-execute: {cost:.2f}x its vanilla time")
    print(f"\nexport, N = {args.export_n}: course-tools export (per question) {export_ours:.1f} s, "
          f"nbgrader export (totals) {export_stock:.1f} s, ratio {export_stock / export_ours:.1f}x")


if __name__ == "__main__":
    main()
