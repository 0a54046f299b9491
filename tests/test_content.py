"""`course-tools check`: good content passes; each kind of bad content gives one line naming file and field."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from course_tools.cli import main
from course_tools.content.loader import Course
from tests.paths import CONTENT, REPO
from tests.support.cli import edit_yaml

STOPWORDS = frozenset({
    "the", "and", "for", "with", "that", "this", "from", "their", "into", "which", "would", "should",
    "could", "will", "have", "been", "also", "more", "than", "such", "other", "those", "these", "them",
    "they", "were", "being", "must", "some", "many", "between", "within", "under", "over", "only", "both",
    "including", "among", "about", "through",
})


def run_check(content: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content)])
    err = capsys.readouterr().err.strip().splitlines()
    return code, [line for line in err if not line.startswith("course-tools:")]


def test_repository_content_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--content", str(CONTENT)]) == 0
    assert "content OK" in capsys.readouterr().out


def test_console_script_reports_problems_with_exit_code(content_copy: Path) -> None:
    edit_yaml(content_copy / "lessons" / "policy_forum.yaml", lambda d: d.pop("title"))
    result = subprocess.run([sys.executable, "-m", "course_tools", "check", "--content", str(content_copy)],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 1
    assert "content/lessons/policy_forum.yaml: title: required field is missing" in result.stderr


def _drop_first_point(d: dict) -> None:
    d["points"].pop(0)


BREAKAGES: list[tuple[str, str, Callable[[dict], None], str]] = [
    ("missing field", "lessons/policy_forum.yaml", lambda d: d.pop("discussion_prompt"),
     "content/lessons/policy_forum.yaml: discussion_prompt: required field is missing"),
    ("wrong type", "assignments/review6.yaml", lambda d: d["questions"][1].update(points="many"),
     "content/assignments/review6.yaml: questions[1].points: Input should be a valid number"),
    ("unknown lesson in order", "module.yaml", lambda d: d["lessons"].append("trade_rules"),
     "content/module.yaml: lessons[7]: unknown lesson 'trade_rules'"),
    ("duplicate id", "lessons/policy_coherence.yaml",
     lambda d: d["points"][1].update(id=d["points"][0]["id"]),
     "content/lessons/policy_coherence.yaml: points: duplicate id"),
    ("seed reference that does not exist", "lessons/support.yaml",
     lambda d: d["points"][0].update(seed="research-support.9"),
     "content/lessons/support.yaml: points[0].seed: 'research-support.9' is not a bullet of the module"),
    ("misspelt field", "lessons/global_follow_up.yaml", lambda d: d.update(introduktion="typo"),
     "content/lessons/global_follow_up.yaml: introduktion: unknown field"),
    ("unknown objective", "lessons/national_follow_up.yaml", lambda d: d["objectives"].append("juggle"),
     "content/lessons/national_follow_up.yaml: objectives["),
    ("activity placed after a point that does not exist", "activities/policy_forum.yaml",
     lambda d: d["activities"][0].update(after="create-forums"),
     "content/activities/policy_forum.yaml: activities[0].after: 'create-forums' is not a point of lesson"),
    ("introduction longer than a hook", "lessons/policy_forum.yaml",
     lambda d: d.update(introduction=d["introduction"] + "\n\nA second paragraph restating the points."),
     "content/lessons/policy_forum.yaml: introduction: more than one paragraph"),
    ("no key takeaways", "lessons/support.yaml", lambda d: d.pop("takeaways"),
     "content/lessons/support.yaml: takeaways: 0 given"),
    ("seed section without a title", "module.yaml", lambda d: d["sections"].pop("policy-forum"),
     "content/module.yaml: sections: no title for the seed's section 'policy-forum'"),
    ("title for a section the seed does not have", "module.yaml",
     lambda d: d["sections"].update({"trade-rules": "Trade rules"}),
     "content/module.yaml: sections.trade-rules: not a section of the seed"),
    ("bullet no longer taught", "lessons/policy_dialogue.yaml", _drop_first_point,
     "content/source/module6.txt: policy-dialogue.1: not covered by any of content/lessons"),
]


@pytest.mark.parametrize(("relative", "change", "expected"), [b[1:] for b in BREAKAGES],
                         ids=[b[0] for b in BREAKAGES])
def test_each_breakage_gives_one_line_naming_file_and_field(
        content_copy: Path, capsys: pytest.CaptureFixture[str], relative: str,
        change: Callable[[dict], None], expected: str) -> None:
    edit_yaml(content_copy / relative, change)
    code, lines = run_check(content_copy, capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected), lines


def test_invalid_yaml_names_the_line(content_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = content_copy / "lessons" / "policy_forum.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")
    code, lines = run_check(content_copy, capsys)
    assert code == 1
    assert len(lines) == 1 and re.match(r"content/lessons/policy_forum.yaml: line \d+: invalid YAML", lines[0])


def test_table_without_source_column(content_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (content_copy / "data" / "extra.csv").write_text("year,event\n2004,Report\n", encoding="utf-8")
    code, lines = run_check(content_copy, capsys)
    assert code == 1
    assert lines == ["content/data/extra.csv: source: every table needs a source column"]


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]+", text.lower()) if len(w) > 3 and w not in STOPWORDS}


def test_every_point_keeps_the_module_wording(course: Course) -> None:
    """Faithful in meaning: most content words of the seed bullet stay in the taught point."""
    weak = []
    for lesson in course.lessons.values():
        for point in lesson.points:
            words = _content_words(course.seed[point.seed].text)
            kept = len(words & _content_words(point.text)) / len(words)
            if kept < 0.7:
                weak.append(f"{lesson.id}/{point.id} keeps {kept:.0%} of {point.seed}")
    assert not weak, weak


def test_each_bullet_is_taught_once_and_each_question_asked(course: Course) -> None:
    taught = [p.seed for lesson in course.lessons.values() for p in lesson.points]
    assert sorted(taught) == sorted(b.id for b in course.seed.values() if b.kind != "question")
    review = course.assignments["review6"]
    assert [q.seed for q in review.questions] == [f"review.{n}" for n in range(1, 7)]
    for question in review.questions:
        assert question.prompt == course.seed[question.seed].text


def test_tables_have_sources(course: Course) -> None:
    assert {"timeline", "organisations"} <= set(course.tables)
