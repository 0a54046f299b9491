"""`course-tools check` validates the rubric: one line naming the file and the question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from course_tools.cli import main
from tests.support.cli import edit_yaml

FILE = "content/assignments/review6.yaml"


def _q1_rubric(change: Callable[[list], None]) -> Callable[[dict], None]:
    return lambda d: change(d["questions"][0]["instructor"]["rubric"])


def _q1_calibration(change: Callable[[list], None]) -> Callable[[dict], None]:
    return lambda d: change(d["questions"][0]["instructor"]["calibration"])


BREAKAGES = [
    ("kp- item without its key point", _q1_rubric(lambda r: r[0].update(id="kp-phase-1")),
     f"{FILE}: questions[0].instructor: Value error, rubric item 'kp-phase-1' names key point 'phase-1'"),
    ("full marks unreachable", _q1_rubric(lambda r: r.pop(0)),
     f"{FILE}: questions[0]: Value error, rubric: positive items add up to 3, less than the question's 4 points"),
    ("item worth more than the question", _q1_rubric(lambda r: r[4].update(points=-5)),
     f"{FILE}: questions[0]: Value error, rubric item 'distorts': -5 points is more than the whole question"),
    ("zero points", _q1_rubric(lambda r: r[4].update(points=0)),
     f"{FILE}: questions[0].instructor.rubric[4]: Value error, rubric item 'distorts': points must not be 0"),
    ("duplicate item", _q1_rubric(lambda r: r.append(dict(r[0]))),
     f"{FILE}: questions[0].instructor.rubric: duplicate id 'kp-phase-one'"),
    ("positive item without a level", _q1_rubric(lambda r: r[0].pop("level")),
     f"{FILE}: questions[0].instructor.rubric[0]: Value error, rubric item 'kp-phase-one': a positive item needs "
     "a level"),
    ("nothing rewards explaining or applying",
     _q1_rubric(lambda r: [item.update(level="accurate") for item in r if "level" in item]),
     f"{FILE}: questions[0]: Value error, rubric: no item at level 'explains' or 'applies'"),
    ("calibration score does not add up", _q1_calibration(lambda c: c[1].update(score=2)),
     f"{FILE}: questions[0]: Value error, calibration 'adequate': score 2, but its items give 3"),
    ("calibration scores do not rise", _q1_calibration(lambda c: c[0].update(items=c[2]["items"], score=4)),
     f"{FILE}: questions[0]: Value error, calibration: scores 4, 3, 4 must rise from weak to adequate to strong"),
    ("calibration levels out of order", _q1_calibration(lambda c: c.reverse()),
     f"{FILE}: questions[0]: Value error, calibration: levels are strong, adequate, weak"),
    ("calibration names an unknown item", _q1_calibration(lambda c: c[0]["items"].append("kp-typo")),
     f"{FILE}: questions[0]: Value error, calibration 'weak': no rubric item(s) kp-typo"),
]


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in BREAKAGES], ids=[b[0] for b in BREAKAGES])
def test_rubric_breakage_is_one_line(content_copy: Path, capsys: pytest.CaptureFixture[str],
                                     change: Callable[[dict], None], expected: str) -> None:
    edit_yaml(content_copy / "assignments" / "review6.yaml", change)
    assert main(["check", "--content", str(content_copy)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("course-tools:")]
    assert [line for line in lines if line.startswith(expected)] and len(lines) == 1, lines


def test_items_may_exceed_the_points_and_extra_credit_is_known(content_copy: Path) -> None:
    def generous(d: dict) -> None:
        d["questions"][0]["extra_credit"] = True
        d["questions"][0]["instructor"]["rubric"][3]["points"] = 2  # applies-case
        d["questions"][0]["instructor"]["calibration"][2]["score"] = 5  # the strong answer earns 5 of 4
    edit_yaml(content_copy / "assignments" / "review6.yaml", generous)
    assert main(["check", "--content", str(content_copy)]) == 0


TICKETS = "content/assignments/exit_tickets.yaml"
TICKET_BREAKAGES = [
    ("a lesson without an exit ticket", lambda d: d["lessons"].pop(),
     f"{TICKETS}: lessons: no exit-ticket entry for lesson 'support'"),
    ("an exit ticket for no lesson", lambda d: d["lessons"].append({**d["lessons"][0], "lesson": "trade_rules"}),
     f"{TICKETS}: lessons[7].lesson: unknown lesson 'trade_rules'"),
    ("rubric short of the points", lambda d: d.update(points=3),
     f"{TICKETS}: (file): Value error, lesson 'overview': rubric: positive items add up to 2, less than "
     "the question's 3"),
    ("key point citing no bullet", lambda d: d["lessons"][2]["key_points"][0].update(seed="national-follow-up.9"),
     f"{TICKETS}: lessons[2].key_points[0].seed: 'national-follow-up.9' is not a bullet of the module"),
]


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in TICKET_BREAKAGES],
                         ids=[b[0] for b in TICKET_BREAKAGES])
def test_exit_ticket_breakage_is_one_line(content_copy: Path, capsys: pytest.CaptureFixture[str],
                                          change: Callable[[dict], None], expected: str) -> None:
    edit_yaml(content_copy / "assignments" / "exit_tickets.yaml", change)
    assert main(["check", "--content", str(content_copy)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("course-tools:")]
    assert [line for line in lines if line.startswith(expected)] and len(lines) == 1, lines
