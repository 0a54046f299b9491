"""Autograde killed mid-run, or started twice: nobody ends up "not submitted", no worker survives.

300 submissions are filed as `collect` leaves them; `course-tools autograde` runs as the user's
command (a process of its own) and is killed with SIGKILL once graded copies appear. doctor names
the half-done state, the next run takes over the dead run's lock, grades everyone, and a second
run started while one is working is refused in one line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from course_tools.grading.private import readable_by_others
from tests.support.submissions import START, A, _dump, answered

N = 300
BIN = Path(sys.executable).parent


def file_class(root: Path, n: int) -> list[str]:
    """n answered submissions in submitted/, each with nbgrader's timestamp.txt."""
    students = [f"s{i:04d}" for i in range(n)]
    for number, student in enumerate(students):
        folder = root / "submitted" / student / A
        folder.mkdir(parents=True)
        nb = answered(root, {"phases": f"Student {number}: first the Report is spread, then action follows.",
                             "national": "People live globalization at home, so the follow-up needs ownership."})
        (folder / f"{A}.ipynb").write_bytes(_dump(nb))
        (folder / "timestamp.txt").write_text(START.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return students


def tool(*args: str) -> list[str]:
    return [str(BIN / "course-tools"), *args]


def descendants(pid: int) -> set[int]:
    """Every live process below pid, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def graded_copies(root: Path) -> int:
    return len(list((root / "autograded").glob(f"*/{A}/{A}.ipynb")))


def exported(root: Path) -> pd.DataFrame:
    out = root / "grades.csv"
    done = subprocess.run(tool("export", A, "--course", str(root), "--out", str(out)), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return pd.read_csv(out)


def assert_everyone_submitted(root: Path, students: list[str]) -> None:
    grades = exported(root).set_index("student_id").loc[students]
    assert (grades["status"] != "not submitted").all(), grades["status"].value_counts()
    assert grades["submitted"].notna().all()


def test_killed_autograde_is_redone_and_a_second_run_is_refused(released: Path) -> None:
    students = file_class(released, N)
    run = subprocess.Popen(tool("autograde", A, "--course", str(released)), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    wait_for(lambda: graded_copies(released) >= 30, 120, "the first graded copies")
    workers = descendants(run.pid)
    assert workers, "autograde ran no worker processes"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), 10, "the workers to die with their parent")

    # The killed run wrote graded copies but committed nothing: doctor names them
    doctor = subprocess.run(tool("doctor", "--course", str(released)), capture_output=True, text=True)
    assert "graded copies without a gradebook row" in doctor.stdout, doctor.stdout
    assert f"fix: course-tools autograde {A}" in doctor.stdout

    rerun = subprocess.run(tool("autograde", A, "--course", str(released)), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "took over the lock" in rerun.stderr and f"pid {run.pid}" in rerun.stderr, rerun.stderr
    assert f"graded {N} submission(s)" in rerun.stdout, rerun.stdout
    assert_everyone_submitted(released, students)
    doctor = subprocess.run(tool("doctor", "--course", str(released)), capture_output=True, text=True)
    assert f"{A}: every graded copy has its gradebook row and the reverse" in doctor.stdout, doctor.stdout

    # Two runs at once: the second refuses at once, in one line naming the holder; nothing is lost
    first = subprocess.Popen(tool("autograde", A, "--force", "--course", str(released)), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    lock = released / ".course-tools.lock"
    wait_for(lambda: lock.is_file() and lock.read_text().strip(), 30, "the first run's lock")
    holder = json.loads(lock.read_text())
    second = subprocess.run(tool("autograde", A, "--course", str(released)), capture_output=True, text=True)
    assert second.returncode == 1
    lines = [line for line in second.stderr.strip().splitlines() if not line.startswith("course: ")]
    assert len(lines) == 1 and "is working on this course" in lines[0] and f"pid {holder['pid']}" in lines[0], lines
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert f"graded {N} submission(s)" in out
    assert lock.read_text() == ""  # released cleanly
    assert_everyone_submitted(released, students)


def test_databases_and_backups_are_owner_only(released: Path) -> None:
    old = os.umask(0o022)
    try:
        file_class(released, 2)
        done = subprocess.run(tool("autograde", A, "--course", str(released)), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        from course_tools.rubric.store import RubricStore

        RubricStore.for_course(released).close()
        subprocess.run(tool("autograde", A, "--course", str(released)), capture_output=True, check=True)
    finally:
        os.umask(old)
    backups = released / "backups"
    for path in (released, released / "gradebook.db", released / "rubric.db", backups,
                 *backups.iterdir(), *backups.glob("*/*.db")):
        assert not readable_by_others(path), (path, oct(path.stat().st_mode))
    doctor = subprocess.run(tool("doctor", "--course", str(released)), capture_output=True, text=True)
    assert "course folder, databases and backups are owner-only" in doctor.stdout, doctor.stdout
    os.chmod(released / "gradebook.db", 0o644)
    doctor = subprocess.run(tool("doctor", "--course", str(released)), capture_output=True, text=True)
    assert f"{released / 'gradebook.db'}: readable by other accounts" in doctor.stdout
    assert f"fix: chmod 600 {released / 'gradebook.db'}" in doctor.stdout
