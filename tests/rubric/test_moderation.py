"""Moderation (second marking) on a real nbgrader class of 20: a seeded stratified sample, the blind
second-marking dashboard, agreement in `course-tools report`, and resolution as the only gradebook write."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from nbgrader.api import Gradebook

from course_tools import CourseToolsError
from course_tools.cli import main
from course_tools.content.loader import Course
from course_tools.grading.databases import is_postgresql
from course_tools.rubric.course import CourseContext
from course_tools.rubric.grader import Grading
from course_tools.rubric.moderation import Moderation
from course_tools.rubric.report import write_report
from course_tools.rubric.store import RubricGrade
from course_tools.widgets.instructor.dashboard import Dashboard
from tests.paths import REPO
from tests.support.agreement import two_grader_alpha
from tests.support.classroom import FIRST, LAST, build_class, student_id
from tests.support.gradebook import snapshot
from tests.support.postgres import copy_course

A = "review6"
STUDENTS = 20
FIRST_GRADER, SECOND_GRADER, INSTRUCTOR = "first-ana", "second-ben", "instructor-eve"
FIRST_COMMENT = "FIRST-COMMENT: name the two phases"
Q1 = {1: ("kp-phase-one",), 2: ("kp-phase-one", "kp-phase-two"),
      4: ("kp-phase-one", "kp-phase-two", "explains-sequence", "applies-case")}
STRATA = {1: range(1, 11), 2: range(11, 17), 4: range(17, 21)}  # first scores on q1: 10 x 1, 6 x 2, 4 x 4


def first_grade(grading: Grading, question: str, items: dict[str, tuple[str, ...]]) -> None:
    """Grades as a first grader saves them (rubric.db, then nbgrader's gradebook in one batch)."""
    grading.rubric(A, question)
    grading.store.put([RubricGrade(A, s, question, i, comment=FIRST_COMMENT, grader=grading.grader)
                       for s, i in items.items()])
    grading.rescore(A, question)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    root = tmp_path_factory.mktemp("moderation") / "course"
    db = request.getfixturevalue("postgres").database("moderation") if request.param == "postgresql" else None
    build_class(root, course, STUDENTS, db=db)
    first_grade(Grading(root, course, grader=FIRST_GRADER), "q1",
                {student_id(n): Q1[score] for score, numbers in STRATA.items() for n in numbers})
    return root


@pytest.fixture
def root(built: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return copy_course(built, tmp_path / "course", request)


def as_(root: Path, course: Course, grader: str) -> Moderation:
    return Moderation(Grading(root, course, grader=grader))


def manual_score(root: Path, student: str, question: str = "q1") -> float | None:
    grading = Grading(root)
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        return gb.find_grade(question, A, A, student).manual_score


def shown(widget: object) -> str:
    """Every text a widget tree puts on screen: values, descriptions, tooltips, the labels of options
    (a selection's value is its key, not shown)."""
    labels = getattr(widget, "_options_labels", None)
    names = ("description", "tooltip", "placeholder") if labels is not None else ("value", "description",
                                                                                  "tooltip", "placeholder")
    parts = [v for name in names if isinstance(v := getattr(widget, name, None), str)]
    parts += list(labels or ())
    parts += [shown(child) for child in getattr(widget, "children", ()) or ()]
    return "\n".join(parts)


def second_mark_q1(root: Path, course: Course) -> dict[int, list[str]]:
    """Draw 50% with seed 6 and second-grade it: the same score as the first, except one answer per
    stratum (+1 within the margin, +2 and -3 beyond it). Returns the drawn students by first score."""
    moderation = as_(root, course, SECOND_GRADER)
    drawn = moderation.draw(A, 0.5, seed=6, margin=1)
    by_score = {s: sorted(a.student for a in drawn if a.first_score == s) for s in Q1}
    second = {a.student: Q1[int(a.first_score)] for a in drawn}
    second[by_score[1][0]], second[by_score[2][0]], second[by_score[4][0]] = Q1[2], Q1[4], Q1[1]
    for student, items in second.items():
        moderation.save_second(A, "q1", student, items, 0.0, "SECOND-COMMENT")
    return by_score


def test_a_seeded_sample_is_stratified_by_first_score_and_reproducible(root: Path, built: Path, course: Course,
                                                                       tmp_path: Path,
                                                                       request: pytest.FixtureRequest) -> None:
    moderation = as_(root, course, INSTRUCTOR)
    drawn = moderation.draw(A, 0.2, seed=6)
    assert {a.question for a in drawn} == {"q1"}  # the only graded question
    assert Counter(a.first_score for a in drawn) == {1.0: 2, 2.0: 1, 4.0: 1}  # 20% of 10, 6 and 4, rounded fairly
    for a in drawn:
        assert a.student in {student_id(n) for n in STRATA[int(a.first_score)]} and a.first_grader == FIRST_GRADER
    students = sorted(a.student for a in drawn)
    elsewhere = copy_course(built, tmp_path / "elsewhere", request)  # same grades, same seed: same answers
    assert sorted(a.student for a in as_(elsewhere, course, INSTRUCTOR).draw(A, 0.2, seed=6)) == students

    with pytest.raises(CourseToolsError, match="already has a moderation sample of 4 answer"):
        moderation.draw(A, 0.2, seed=7)
    half = moderation.draw(A, 0.5, seed=7, redraw=True)
    assert Counter(a.first_score for a in half) == {1.0: 5, 2.0: 3, 4.0: 2}
    assert (moderation.sample(A).seed, moderation.sample(A).fraction) == (7, 0.5)
    as_(root, course, SECOND_GRADER).save_second(A, "q1", half[0].student, Q1[1])
    with pytest.raises(CourseToolsError, match="have a second grade already; the sample is kept"):
        moderation.draw(A, 0.2, seed=6, redraw=True)
    assert len(moderation.answers(A)) == 10


def test_the_second_marker_sees_no_trace_of_the_first_grade(root: Path, course: Course) -> None:
    as_(root, course, INSTRUCTOR).draw(A, 0.2, seed=6)
    sampled = {s for s, _q in as_(root, course, INSTRUCTOR).answers(A)}
    before = snapshot(root)
    view = Dashboard(Grading(root, course, grader=SECOND_GRADER), moderation=True)
    assert {e.student for e in view.entries} == sampled and len(view.queue.options) == 4
    assert all(": to grade" in label for label, _ in view.queue.options)
    names = [f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}" for n in range(1, STUDENTS + 1)]
    for student in sorted(sampled):
        view.queue.value = student
        text = shown(view.root)
        assert FIRST_GRADER not in text and "FIRST-COMMENT" not in text and "formgrader" not in text
        assert not any(name in text for name in names) and student not in text
        assert not any(box.value for box in view.toggles.values())  # the first grade's items are not ticked
        assert view.comment.value == "" and "Score: 0 / 4" in view.score.value
    assert view.show_names not in view.root.children[1].children  # names cannot be revealed here
    assert "0 of 4 sampled answers to q1 second-marked" in view.progress_text.value

    view.queue.value = sorted(sampled)[0]
    for item in Q1[4]:
        view.toggles[item].value = True
    view.comment.value = "second look"
    view.next_button.click()
    assert "kept as the second grade (the gradebook is unchanged)" in view.status.value
    assert snapshot(root) == before  # nbgrader's gradebook: untouched by second marking
    first = Grading(root, course).store.grades(A, "q1")
    assert {g.grader for g in first.values()} == {FIRST_GRADER} and len(first) == STUDENTS
    second = as_(root, course, INSTRUCTOR).answers(A)[(sorted(sampled)[0], "q1")].second
    assert (second.grader, second.score, second.comment) == (SECOND_GRADER, 4.0, "second look")
    assert "1 of 4 sampled answers to q1 second-marked" in view.progress_text.value

    own = Dashboard(Grading(root, course, grader=FIRST_GRADER), moderation=True)  # graded them all first
    assert own.entries == [] and "answers you graded first are not shown" in own.answer.value
    with pytest.raises(CourseToolsError, match="you gave this answer its first grade"):
        as_(root, course, FIRST_GRADER).save_second(A, "q1", sorted(sampled)[1], Q1[1])


def test_report_shows_alpha_and_the_disagreement_list(root: Path, course: Course,
                                                      capsys: pytest.CaptureFixture) -> None:
    by_score = second_mark_q1(root, course)
    pairs = as_(root, course, INSTRUCTOR).pairs(A)
    first, second = [p.first for p in pairs], [p.second for p in pairs]
    assert sorted(zip(first, second, strict=True)) == sorted(
        [(1.0, 1.0)] * 4 + [(1.0, 2.0)] + [(2.0, 2.0)] * 2 + [(2.0, 4.0), (4.0, 4.0), (4.0, 1.0)])
    # by hand: squared differences 1 + 4 + 9 = 14 over N = 10 answers; the 20 pooled grades have mean 1.9
    # and squared deviations 98 - 20 * 1.9^2 = 25.8, so alpha = 1 - (14/10) / (2 * 25.8 / 19) = 250 / 516
    assert two_grader_alpha(first, second) == pytest.approx(250 / 516)

    assert main(["report", "--course", str(root)]) == 0
    out = capsys.readouterr().out
    folder = root / "reports"
    stats = pd.read_csv(folder / "review6_agreement.csv").set_index("question")
    assert list(stats.index) == ["q1"]
    assert stats.loc["q1", "alpha"] == pytest.approx(250 / 516, abs=5e-4) and stats.loc["q1", "mad"] == 0.6
    assert stats.loc["q1", ["sampled", "second_graded", "over_margin", "open"]].tolist() == [10, 10, 2, 2]
    answers = pd.read_csv(folder / "review6_moderation.csv")
    over = answers[answers.over_margin]
    assert sorted(over.student_id) == sorted([by_score[2][0], by_score[4][0]])
    assert sorted(over.difference) == [-3.0, 2.0] and set(over.first_grader) == {FIRST_GRADER}
    assert (folder / "review6_agreement.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert "moderation (second marking): 10 answer(s) sampled (50%, seed 6), 10 second-graded" in out
    assert "q1       10             10  0.484  0.6            2     2" in out
    listing = out.split("answers whose grades differ by more than 1 point(s) (2 to resolve")[1].split("wrote")[0]
    assert by_score[2][0] in listing and by_score[4][0] in listing and by_score[1][0] not in listing

    assert main(["report", "--course", str(root), "--margin", "0.5"]) == 0  # a tighter margin lists the +1 too
    assert "more than 0.5 point(s) (3 to resolve" in capsys.readouterr().out


def test_resolution_is_the_only_change_to_the_gradebook(root: Path, course: Course,
                                                        capsys: pytest.CaptureFixture) -> None:
    before = snapshot(root)
    by_score = second_mark_q1(root, course)
    assert main(["report", "--course", str(root)]) == 0 and main(["moderate", A, "--course", str(root)]) == 0
    assert snapshot(root) == before  # sampled, second-marked, reported: the first grades stand
    over_up, over_down, within = by_score[2][0], by_score[4][0], by_score[1][0]

    done = as_(root, course, INSTRUCTOR).resolve(A, over_down, "q1", "keep-first", note="first was right")
    assert (done.decision, done.score, done.first_score, done.second_score) == ("keep-first", 4.0, 4.0, 1.0)
    assert snapshot(root) == before

    capsys.readouterr()
    assert main(["moderate", A, "--course", str(root), "--resolve", over_up, "q1", "--take-second"]) == 0
    assert "resolved (take-second): first 2, second 4, now 4 points; written to nbgrader's gradebook" in \
        capsys.readouterr().out
    assert manual_score(root, over_up) == 4.0
    grade = Grading(root, course).store.grades(A, "q1")[(over_up, "q1")]
    assert (grade.grader, grade.applied, grade.comment) == (SECOND_GRADER, Q1[4], "SECOND-COMMENT")
    changed = [row for row in snapshot(root)["grade"] if row not in before["grade"]]
    assert [(row[0], row[1], row[3]) for row in changed] == [(over_up, "q1", "4.0")]  # that answer only

    assert main(["moderate", A, "--course", str(root), "--resolve", within, "q1", "--score", "1.5"]) == 0
    assert manual_score(root, within) == 1.5
    grade = Grading(root, course).store.grades(A, "q1")[(within, "q1")]
    assert grade.applied == Q1[1] and grade.adjustment == 0.5 and grade.comment == FIRST_COMMENT

    answers = as_(root, course, INSTRUCTOR).answers(A)
    kept = answers[(over_down, "q1")].resolution
    assert (kept.resolver, kept.note) == (INSTRUCTOR, "first was right")
    assert answers[(over_up, "q1")].resolution.decision == "take-second"
    assert answers[(within, "q1")].resolution.score == 1.5

    capsys.readouterr()
    assert main(["moderate", A, "--course", str(root), "--resolve", over_up, "q1", "--keep-first"]) == 1
    assert f"--resolve: {over_up} q1 was resolved already (take-second, 4 points" in capsys.readouterr().err
    assert over_up not in {e.student for e in as_(root, course, SECOND_GRADER).queue(A, "q1")}
    stats = write_report(Grading(root, course), A).moderation.agreement.set_index("question")
    assert stats.loc["q1", "alpha"] == pytest.approx(250 / 516, abs=5e-4)  # measured on the grades as given
    assert stats.loc["q1", "open"] == 0


def test_bad_input_is_one_line_naming_the_field_and_writes_nothing(root: Path, course: Course,
                                                                   capsys: pytest.CaptureFixture) -> None:
    before = snapshot(root)
    cases = [
        (["--sample", "120%"], "--sample: 120% is not between 1% and 100%"),
        (["--sample", "a fifth"], "--sample: 'a fifth' is not a percentage such as 20%"),
        (["--sample", "20%", "--margin", "-1"], "--margin: -1 is not 0 or more points"),
        (["--resolve", "s0001", "q1"], "--resolve: say how: --keep-first, --take-second or --score X"),
        (["--take-second"], "--resolve: STUDENT QUESTION needed with --keep-first, --take-second or --score"),
        (["--resolve", "s0001", "q1", "--keep-first"], "--resolve: s0001 q1 is not in review6's moderation sample"),
    ]
    for args, message in cases:
        assert main(["moderate", A, "--course", str(root), *args]) == 1, args
        assert capsys.readouterr().err.splitlines() == [f"course-tools: error: {message}"]
    assert as_(root, course, INSTRUCTOR).sample(A) is None

    assert main(["moderate", A, "--course", str(root), "--sample", "20%", "--seed", "6"]) == 0
    out = capsys.readouterr().out
    assert "4 answer(s) of review6 drawn (20% of each question's graded answers, stratified by first score, " \
           "seed 6); margin 1 point(s)" in out and "q1: 4 answer(s) (first scores 1: 2, 2: 1, 4: 1)" in out
    student = sorted(s for s, _q in as_(root, course, INSTRUCTOR).answers(A))[0]
    assert main(["moderate", A, "--course", str(root), "--resolve", student, "q1", "--keep-first"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"course-tools: error: --resolve: {student} q1 has no "
                                                    "second grade yet"]
    as_(root, course, SECOND_GRADER).save_second(A, "q1", student, Q1[2])
    more = [(["--resolve", student, "q1", "--score", "9"],
             "--score: 9 is not between 0 and 4 (review6/q1 is worth 4 points)"),
            (["--resolve", student, "q1", "--score", "1", "--sample", "20%"],
             "--resolve: one thing at a time: not with --sample")]
    for args, message in more:
        assert main(["moderate", A, "--course", str(root), *args]) == 1, args
        assert capsys.readouterr().err.splitlines() == [f"course-tools: error: {message}"]
    assert main(["report", "--course", str(root), "--margin", "-2"]) == 1
    assert capsys.readouterr().err.splitlines() == ["course-tools: error: --margin: -2 is not 0 or more points"]
    assert not (root / "reports").exists() and snapshot(root) == before
    assert as_(root, course, INSTRUCTOR).answers(A)[(student, "q1")].resolution is None


def test_agreement_plot_for_the_readme(root: Path, course: Course) -> None:
    """Six questions first-graded and half second-graded (seeded): the README's docs/images/agreement.png."""
    rng = random.Random(6)
    first = Grading(root, course, grader=FIRST_GRADER)
    seconds: dict[tuple[str, str], tuple[str, ...]] = {}
    for question, rubric in first.rubrics(A).items():
        positive = [i.id for i in rubric.items if i.points > 0]
        items = {student_id(n): tuple(rng.sample(positive, rng.randint(1, len(positive))))
                 for n in range(1, STUDENTS + 1)}
        first_grade(first, question, items)
        for student, given in items.items():  # the second grader mostly agrees, sometimes by an item or two
            second = set(given)
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
                second ^= {rng.choice(positive)}
            seconds[(student, question)] = tuple(i for i in rubric.ids if i in second)
    moderation = as_(root, course, SECOND_GRADER)
    drawn = moderation.draw(A, 0.5, seed=6)
    for answer in drawn:
        moderation.save_second(A, answer.question, answer.student, seconds[(answer.student, answer.question)])
    report = write_report(Grading(root, course), A)
    stats = report.moderation.agreement
    assert list(stats.question) == ["q1", "q2", "q3", "q4", "q5", "q6"] and stats.second_graded.tolist() == [10] * 6
    assert stats.alpha.between(-1, 1).all()
    plot = root / "reports" / "review6_agreement.png"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if not is_postgresql(CourseContext(root).db_url):  # the same figures on both databases; one README image
        shutil.copyfile(plot, REPO / "docs" / "images" / "agreement.png")
