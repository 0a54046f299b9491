"""Checking, scoring and feedback of every activity type: right, wrong, partial and empty answers."""

from __future__ import annotations

import pytest

from course_tools.activities import check, matrix, planner, sliders
from course_tools.activities.result import RIGHT, WRONG


def lines(result) -> str:
    return "\n".join(result.lines)


# --- choice ---------------------------------------------------------------------------------

def test_choice_right(specs) -> None:
    result = check(specs["quiz"], {"q1": 0, "q2": 1})
    assert result.score == 1 and result.answered
    assert all(i.correct for i in result.items)
    assert "Alpha is first." in lines(result) and "All 2 questions right" in result.summary


def test_choice_wrong_names_the_answer_and_why(specs) -> None:
    result = check(specs["quiz"], {"q1": 1, "q2": 0})
    assert result.score == 0
    first = result.items[0].line
    assert first.startswith(WRONG) and '"Beta": Beta is second.' in first and 'The answer is "Alpha"' in first


def test_choice_partial_counts_unanswered_as_wrong(specs) -> None:
    result = check(specs["quiz"], {"q1": 0})
    assert result.score == 0.5
    assert result.items[1].line.startswith(WRONG) and "not answered" in result.items[1].line


@pytest.mark.parametrize("answer", [None, {}, {"q1": None, "q2": None}])
def test_choice_empty(specs, answer) -> None:
    result = check(specs["quiz"], answer)
    assert not result.answered and result.score == 0 and "Nothing answered yet" in result.summary


def test_choice_out_of_range_index_is_wrong_not_an_error(specs) -> None:
    assert check(specs["quiz"], {"q1": 7, "q2": 1}).score == 0.5


# --- classify -------------------------------------------------------------------------------

def test_classify_right_wrong_partial_empty(specs) -> None:
    spec = specs["sort"]
    assert check(spec, {"a": "one", "b": "two"}).score == 1
    wrong = check(spec, {"a": "two", "b": "one"})
    assert wrong.score == 0
    assert "you chose Phase 2; it belongs in Phase 1. Publicising comes first." in wrong.items[0].line
    partial = check(spec, {"a": "one"})
    assert partial.score == 0.5 and "not answered yet" in partial.items[1].line
    assert not check(spec, {"a": None}).answered


def test_classify_unknown_group_is_wrong(specs) -> None:
    assert check(specs["sort"], {"a": "three", "b": "two"}).score == 0.5


# --- match ----------------------------------------------------------------------------------

def test_match(specs) -> None:
    spec = specs["pairs"]
    assert spec.choices() == ["ILO, IOE, ICFTU", "UN, UNDP, UNIFEM", "WTO alone"]
    assert check(spec, {"csr": "ILO, IOE, ICFTU", "gender": "UN, UNDP, UNIFEM"}).score == 1
    partial = check(spec, {"csr": "WTO alone", "gender": "UN, UNDP, UNIFEM"})
    assert partial.score == 0.5
    assert 'you chose "WTO alone"; the match is "ILO, IOE, ICFTU". The ILO convenes it.' in partial.items[0].line
    assert check(spec, {"csr": "UN, UNDP, UNIFEM", "gender": "ILO, IOE, ICFTU"}).score == 0
    assert not check(spec, {}).answered


# --- rank -----------------------------------------------------------------------------------

def test_rank_offers_items_not_in_answer_order(specs) -> None:
    assert [i.id for i in specs["order"].shuffled()] != [i.id for i in specs["order"].items]


def test_rank_right_wrong_partial_empty(specs) -> None:
    spec = specs["order"]
    assert check(spec, ["first", "second", "third"]).score == 1
    assert check(spec, ["third", "first", "second"]).score == 0
    partial = check(spec, ["first", "third", "second"])
    assert partial.score == pytest.approx(1 / 3, abs=1e-3)
    assert 'you put "Mid third"; it should be "Alpha second". It comes second.' in partial.items[1].line
    assert check(spec, ["first"]).score == pytest.approx(1 / 3, abs=1e-3)
    assert not check(spec, [None, None, None]).answered


def test_rank_repeating_one_item_scores_once_and_is_named(specs) -> None:
    result = check(specs["order"], ["first", "first", "first"])
    assert result.score == pytest.approx(1 / 3, abs=1e-3) and "more than once: Zeta first" in result.summary


def test_rank_scored_checks_only_the_top(specs) -> None:
    spec = specs["top"]
    assert check(spec, ["growth", "health", "poverty"]).score == 1
    wrong = check(spec, ["poverty", "growth", "health"])
    assert wrong.score == 0 and len(wrong.items) == 1 and "Highest priority." in wrong.items[0].line


# --- planner --------------------------------------------------------------------------------

def test_planner_right(specs) -> None:
    answer = {"who": ["gov", "unions"], "where": ["agencies"]}
    result = check(specs["plan"], answer)
    assert result.score == 1 and all(i.correct for i in result.items)
    frame = planner.plan_frame(specs["plan"], answer)
    assert list(frame["Choice"]) == ["Government", "Unions", "Multilateral agencies"]
    assert set(frame["Fits the module"]) == {"Yes"}
    assert planner.plan_summary(specs["plan"], answer) == (
        "Your plan. Who: Government and Unions. Where: Multilateral agencies.")


def test_planner_wrong_flags_poor_and_missing(specs) -> None:
    result = check(specs["plan"], {"who": ["few"], "where": ["drawer"]})
    assert result.score == 0
    text = lines(result)
    assert f"{WRONG}: Who: Officials only: Too narrow." in text
    assert f"{WRONG}: Who: Government: missing from your plan. Needed." in text
    counts = planner.part_counts(specs["plan"], {"who": ["few", "gov"], "where": []})
    assert counts.loc["Who"].tolist() == [1, 1] and counts.loc["Where"].tolist() == [0, 0]


def test_planner_partial_and_empty(specs) -> None:
    partial = check(specs["plan"], {"who": ["gov"], "where": []})
    assert partial.score == 0.5 and "1 of 2 parts" in partial.summary
    assert not check(specs["plan"], {"who": [], "where": []}).answered
    assert not check(specs["plan"], {"who": ["not-an-option"]}).answered


# --- sliders --------------------------------------------------------------------------------

def test_sliders_low_and_high_feedback(specs) -> None:
    result = check(specs["rate"], {"subject": "The IMF", "ratings": {"democratic": 1, "transparent": 5}})
    assert result.score == 1
    assert "Needs reform." in result.items[0].line and "Keep it open." in result.items[1].line
    assert "The IMF" in result.summary and "most needed, by your rating: Democratic" in result.summary
    assert all(i.correct is None for i in result.items)  # no right answer, never shown as wrong


def test_sliders_partial_and_empty(specs) -> None:
    partial = check(specs["rate"], {"ratings": {"democratic": 4, "transparent": 99}})
    assert partial.score == 0.5 and "not rated yet" in partial.items[1].line
    assert not check(specs["rate"], {}).answered
    assert not check(specs["rate"], {"ratings": "garbage"}).answered
    assert sliders.ratings_frame(specs["rate"], {"ratings": {"democratic": 2}})["Rating"].tolist()[0] == 2


# --- matrix ---------------------------------------------------------------------------------

def test_matrix_right_wrong_partial_empty(specs) -> None:
    spec = specs["grid"]
    right = {"trade/progress": -1, "environmental/progress": 1}
    assert check(spec, right).score == 1
    wrong = check(spec, {"trade/progress": 1, "environmental/progress": -1})
    assert wrong.score == 0 and 'you rated it "Supports"; the scenario points to a negative effect' in lines(wrong)
    partial = check(spec, {"trade/progress": -1, "environmental/progress": 0})
    assert partial.score == 0.5 and partial.items[0].line.startswith(RIGHT)
    assert not check(spec, {"trade/progress": 5}).answered  # not a level
    frame = matrix.frame(spec, {"trade/progress": -1})
    assert frame.loc["Trade", "Social progress"] == -1 and frame.isna().sum().sum() == 1
