"""Cross-field rules of activity specs are reported by `course-tools check` as one line naming file
and field; and the activity package stays free of ipywidgets."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from course_tools.content.loader import ContentError, load_course
from tests.paths import REPO


def _break(content: Path, lesson: str, edit) -> list[str]:
    path = content / "activities" / f"{lesson}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data["activities"])
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_course(content)
    return caught.value.problems


def _only(problems: list[str], needle: str) -> str:
    hits = [p for p in problems if needle in p]
    assert len(hits) == 1, problems
    return hits[0]


def test_card_group_must_be_a_group(content_copy: Path) -> None:
    def edit(activities):
        activities[0]["cards"][0]["group"] = "phase-3"
    line = _only(_break(content_copy, "global_follow_up", edit), "phase-3")
    assert line.startswith("content/activities/global_follow_up.yaml: activities[0]: ")
    assert "card 'publicise' has group 'phase-3'" in line


def test_choice_needs_exactly_one_correct_option(content_copy: Path) -> None:
    def edit(activities):
        for option in activities[1]["questions"][0]["options"]:
            option["correct"] = True
    line = _only(_break(content_copy, "global_follow_up", edit), "exactly one")
    assert "activities[1].questions[0]" in line and "found 3" in line


def test_unknown_type_and_misspelt_field(content_copy: Path) -> None:
    def edit(activities):
        activities[0]["type"] = "dragdrop"
        activities[1]["explanaton"] = "typo"
    problems = _break(content_copy, "policy_coherence", edit)
    assert any("activities[0]" in p and "dragdrop" in p for p in problems), problems
    assert any("activities[1].explanaton: unknown field" in p for p in problems), problems


def test_expected_matrix_cell_must_exist(content_copy: Path) -> None:
    def edit(activities):
        activities[0]["expected"][0]["row"] = "military"
    _only(_break(content_copy, "policy_coherence", edit), "row 'military' is not one of the rows")


def test_seed_refs_are_checked(content_copy: Path) -> None:
    def edit(activities):
        activities[0]["seed"] = ["policy-forum.99"]
    _only(_break(content_copy, "policy_forum", edit), "activities[0].seed[0]: 'policy-forum.99'")


FORBIDDEN = ("ipywidgets", "IPython", "course_tools.widgets")


def test_no_ipywidgets_import_under_activities() -> None:
    """The logic must run (and be tested) without any widget library."""
    offenders = []
    for path in sorted((REPO / "course_tools" / "activities").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == bad or n.startswith(bad + ".") for n in names for bad in FORBIDDEN):
                offenders.append(f"{path.name}: {names}")
    assert not offenders
