"""No blind strategy beats chance: over every choice item in content, always picking the longest
option, or always the first, scores at most chance + 10 points; and `course-tools check` names an
item whose key is the longest by far, or whose wrong option gives itself away with an absolute."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from course_tools.activities.fairness import chance, strategy_score
from course_tools.cli import main
from course_tools.content.loader import Course


def choice_questions(course: Course) -> list:
    return [q for acts in course.activities.values() for a in acts.activities if a.type == "choice"
            for q in a.questions]


def test_longest_and_first_score_no_better_than_chance(course: Course) -> None:
    questions = choice_questions(course)
    assert len(questions) >= 12
    baseline = chance(questions)
    longest = strategy_score(questions, lambda q: max(range(len(q.options)), key=lambda i: len(q.options[i].text)))
    first = strategy_score(questions, lambda q: 0)
    print(f"\nchoice items: {len(questions)}; chance {baseline:.0%}, always longest {longest:.0%}, "
          f"always first {first:.0%}")
    assert longest <= baseline + 0.10
    assert first <= baseline + 0.10
    keys = {next(i for i, o in enumerate(q.options) if o.correct) for q in questions}
    assert len(keys) == 3  # the key sits in every position somewhere


def test_check_names_a_key_given_away(content_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = content_copy / "activities" / "overview.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    question = data["activities"][0]["questions"][0]
    key = next(o for o in question["options"] if o.get("correct"))
    key["text"] = key["text"] + ", which is what the module says in its first point about the global phases"
    wrong = next(o for o in question["options"] if not o.get("correct"))
    wrong["text"] = "Only the ILO alone"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert main(["check", "--content", str(content_copy)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("course-tools:")]
    where = f"content/activities/overview.yaml: activities[0].questions[0] ({question['id']})"
    assert any(line.startswith(where) and "the key is the longest option by far" in line for line in lines), lines
    assert any(line.startswith(where) and "'alone', 'only'" in line for line in lines), lines
    assert len(lines) == 2, lines


def test_planners_have_real_wrong_options_and_picking_everything_fails(course: Course) -> None:
    """At least a third of each plan's options do not fit, so ticking every box scores poorly."""
    from course_tools.activities import planner

    planners = [a for acts in course.activities.values() for a in acts.activities if a.type == "planner"]
    assert planners
    for spec in planners:
        options = [o for part in spec.parts for o in part.options]
        wrong = [o for o in options if o.fit == "poor"]
        assert len(wrong) * 3 >= len(options), (spec.id, len(wrong), len(options))
        everything = {p.id: [o.id for o in p.options] if p.many else [p.options[0].id] for p in spec.parts}
        assert planner.check(spec, everything).score <= 0.5, spec.id


def test_every_objective_is_assessed_and_check_names_one_that_is_not(content_copy: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = content_copy / "activities" / "support.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for activity in data["activities"]:
        activity["objectives"] = [o for o in activity.get("objectives", []) if o != "evaluate-outcomes"]
    forum = content_copy / "activities" / "policy_forum.yaml"
    other = yaml.safe_load(forum.read_text(encoding="utf-8"))
    for activity in other["activities"]:
        activity["objectives"] = [o for o in activity.get("objectives", []) if o != "evaluate-outcomes"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    forum.write_text(yaml.safe_dump(other, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert main(["check", "--content", str(content_copy)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("course-tools:")]
    assert lines == ["content/module.yaml: objectives[7] (evaluate-outcomes): assessed by no activity: add it to "
                     "the `objectives` of an activity that tests it"], lines


def _one_item_answered(spec) -> tuple[object, list[str]]:
    """An answer with only the first item filled in (wrongly where the type allows), and the key
    texts of the items left blank: what Check must not give away."""
    if spec.type == "choice":
        first = spec.questions[0]
        wrong = next(i for i, o in enumerate(first.options) if not o.correct)
        return {first.id: wrong}, [next(o.text for o in q.options if o.correct) for q in spec.questions[1:]]
    if spec.type == "classify":
        return {spec.cards[0].id: spec.groups[0].id}, [c.why for c in spec.cards[1:]]
    if spec.type == "match":
        return {spec.pairs[0].id: spec.pairs[0].right}, [p.right for p in spec.pairs[1:]]
    if spec.type == "rank":
        return [spec.items[-1].id], [i.text for i in spec.items[1:spec.scored_positions]]
    if spec.type == "matrix":
        cell = spec.expected[0]
        return {f"{cell.row}/{cell.column}": 0}, [c.why for c in spec.expected[1:]]
    raise AssertionError(spec.type)


def test_checking_one_item_does_not_give_away_the_others(course: Course) -> None:
    """Answer one item, press Check: the feedback on the blank items says 'not answered yet' and
    carries no key, or a learner could read every answer off one Check and score full marks."""
    from course_tools.activities import check

    specs = [a for acts in course.activities.values() for a in acts.activities
             if a.type in {"choice", "classify", "match", "rank", "matrix"}]
    assert len(specs) >= 8
    for spec in specs:
        answer, hidden = _one_item_answered(spec)
        result = check(spec, answer)
        blank = result.items[1:]
        if not hidden:  # one scored item only (a rank that checks the top): nothing else to give away
            continue
        assert blank and all("not answered yet" in item.feedback for item in blank), (spec.id, blank)
        shown = "\n".join(item.line for item in blank)
        leaked = [text for text in hidden if text and text in shown]
        assert not leaked, (spec.id, leaked)


def test_the_explanation_waits_until_every_item_is_answered(course: Course, tmp_path: Path) -> None:
    """The activity's explanation ("Why:") covers all items, so it is not shown while some are blank."""
    from course_tools.activities import check
    from course_tools.activities.progress import ProgressStore
    from course_tools.widgets import make_view

    spec = next(a for a in course.activities["global_follow_up"].activities if a.id == "who-decides")
    view = make_view(course, "global_follow_up", spec.id)
    view.store = ProgressStore(tmp_path / "progress.json")
    answer, _ = _one_item_answered(spec)
    view.render(check(spec, answer))
    assert "Why:" not in view.feedback.value and "✘ Not quite" in view.feedback.value
    full = {q.id: next(i for i, o in enumerate(q.options) if not o.correct) for q in spec.questions}
    view.render(check(spec, full))
    assert "Why:" in view.feedback.value
