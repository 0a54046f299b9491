"""What the exchange `collect` reports besides copying: a folder owned by another account
(nbgrader's "cheating attempt?" warning) and submissions over the size and cell caps, which are
named with the setting that changes them."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from course_tools.cli import main
from course_tools.grading.roster import import_roster
from tests.support.submissions import A, answered, drop

WHEN = datetime(2026, 12, 10, 9, 0, 0)


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[str, list[str]]:
    assert main(list(argv)) == 0
    out = capsys.readouterr()
    return out.out, out.err.splitlines()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another account needs root")
def test_folder_owned_by_another_account_is_a_problem_line(released: Path, capsys: pytest.CaptureFixture) -> None:
    mine = drop(released, "alice", {f"{A}.ipynb": json.dumps(answered(released)).encode()}, WHEN)
    drop(released, "bob", {f"{A}.ipynb": json.dumps(answered(released)).encode()}, WHEN)
    for path in [mine, *mine.rglob("*")]:
        os.chown(path, 65534, 65534)  # nobody: another account than the one running collect
    out, err = _run(capsys, "collect", A, "--course", str(released))
    alice = [line for line in err if line.startswith("collect: alice: ") and "cheating attempt?" in line]
    assert len(alice) == 1 and "owned by the account 'nobody'" in alice[0] and "needs attention" in alice[0]
    assert not [line for line in err if line.startswith("collect: bob: ")]  # owned by the instructor's account
    assert "1 need attention: alice" in out


def test_size_and_cell_caps_named_with_their_setting(released: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    with (released / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write("\nc.Intake.max_submission_bytes = 300_000\n")
    roster = tmp_path / "more.csv"
    roster.write_text("id,first_name,last_name,email\ndave,Dave,D,\n")
    import_roster(released, roster)
    big = answered(released, {"phases": "A long answer. " * 30_000, "national": "Short."})  # ~450 kB
    many = answered(released)
    many["cells"] += [{"cell_type": "markdown", "metadata": {}, "source": "."} for _ in range(1000)]
    drop(released, "alice", {f"{A}.ipynb": json.dumps(big).encode()}, WHEN)
    drop(released, "bob", {f"{A}.ipynb": json.dumps(many).encode()}, WHEN)
    drop(released, "dave", {f"{A}.ipynb": json.dumps(answered(released)).encode()}, WHEN)
    for step in ("collect", "autograde"):
        out, err = _run(capsys, step, A, "--course", str(released))
        alice = [line for line in err if line.startswith(f"{step}: alice: ")]
        bob = [line for line in err if line.startswith(f"{step}: bob: ")]
        assert any("over the 293 kB cap (c.Intake.max_submission_bytes in nbgrader_config.py)" in line
                   for line in alice), alice
        assert any("1005 cells, over the 1000-cell cap (c.Intake.max_cells in nbgrader_config.py)" in line
                   for line in bob), bob
        assert not [line for line in err if line.startswith(f"{step}: dave: ")]
    assert "autograde: graded 1 submission(s)" in out
