"""Our feedback (made without importing nbgrader) must leave the same files as nbgrader's own
generate_feedback and release_feedback on the same graded class: the feedback folders byte for byte
with their modes, the released files in the exchange, and the late penalties in the gradebook."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from course_tools.grading.course_config import load_config
from course_tools.grading.feedback import feedback, uses_nbgrader
from course_tools.grading.lifecycle import autograde, collect
from tests.support.classroom import XSS
from tests.support.exchange import LATE, ON_TIME, fetch_and_submit, set_submitted_time
from tests.support.gradebook import snapshot

REPO = Path(__file__).resolve().parents[2]


def files(folder: Path) -> dict[str, tuple[bytes, str]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), oct(p.stat().st_mode & 0o777))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def grade_by_hand(root: Path) -> None:
    """A grader's scores (with extra credit) and a comment for alice only, as formgrader stores them."""
    engine = create_engine(f"sqlite:///{root / 'gradebook.db'}")
    with engine.begin() as conn:
        conn.execute(text("""UPDATE grade SET manual_score = 2, extra_credit = 0.5 WHERE id IN (
            SELECT g.id FROM grade g JOIN base_cell c ON c.id = g.cell_id WHERE c.name = 'phases')"""))
        conn.execute(text("""UPDATE comment SET manual_comment = 'Name the *second* phase. <b>x</b>' WHERE id IN (
            SELECT m.id FROM comment m JOIN base_cell c ON c.id = m.cell_id
            JOIN submitted_notebook sn ON sn.id = m.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id
            WHERE c.name = 'national' AND sa.student_id = 'alice')"""))
    engine.dispose()


def test_same_feedback_as_nbgrader_without_importing_it(released: Path, tmp_path: Path) -> None:
    fetch_and_submit(released, "alice", {"phases": "Dissemination, then a programme.",
                                         "national": "Ownership matters."}, tmp_path / "alice")
    fetch_and_submit(released, "bob", {"national": "It is where people live. " + XSS}, tmp_path / "bob")
    collect(released, "review6")
    (released / "submitted" / "alice" / "review6" / "notes.txt").write_text("my sources")
    set_submitted_time(released, "alice", ON_TIME)
    set_submitted_time(released, "bob", LATE)
    autograde(released, "review6", workers=1)
    grade_by_hand(released)
    stock = tmp_path / "stock"
    shutil.copytree(released, stock, symlinks=True)
    with (stock / "nbgrader_config.py").open("a") as config:  # a key only nbgrader applies: its own path
        config.write("\nc.GenerateFeedback.permissions = 644\n")
    assert uses_nbgrader(load_config(released)) is None
    assert uses_nbgrader(load_config(stock)) == "GenerateFeedback.permissions"

    script = ("import sys; from pathlib import Path; from course_tools.grading.feedback import feedback; "
              f"print(feedback(Path({str(released)!r}), 'review6')); "
              "assert 'nbgrader' not in sys.modules, 'nbgrader was imported'")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "2"
    assert feedback(stock, "review6") == 2

    ours, theirs = files(released / "feedback"), files(stock / "feedback")
    assert ours == theirs
    assert "alice/review6/notes.txt" in ours and "bob/review6/review6.html" in ours
    page = ours["bob/review6/review6.html"][0].decode()
    assert "Name the <em>second</em> phase. &lt;b&gt;x&lt;/b&gt;" not in page  # bob did not get alice's comment
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror" in page
    alice = ours["alice/review6/review6.html"][0].decode()
    assert "Name the <em>second</em> phase. &lt;b&gt;x&lt;/b&gt;" in alice  # Markdown rendered, tags as text
    assert "Score: 2.5" in alice  # 2 points + 0.5 extra credit
    exchange = Path(load_config(released).Exchange.root) / "mobilizing-action" / "feedback"
    released_files = files(exchange)
    assert len(released_files) == 2
    stock_exchange = Path(load_config(stock).Exchange.root) / "mobilizing-action" / "feedback"
    assert released_files == files(stock_exchange)
    assert oct(exchange.stat().st_mode & 0o777) == oct(stock_exchange.stat().st_mode & 0o777)
    assert snapshot(released, ("notebook",)) == snapshot(stock, ("notebook",))
    assert ("bob", "review6", "0", "0.75") in snapshot(released, ("notebook",))["notebook"]  # 30% of 2.5
