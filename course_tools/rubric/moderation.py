"""Moderation (second marking): a blind, stratified sample of graded answers gets a second grade,
agreement is measured, and the instructor resolves the answers where the grades differ.

The first grade stays the grade of record: second grades go to rubric.db (moderation_store.py) and
never to nbgrader's gradebook; only `resolve` writes the gradebook, and it records what it did. The
second grader's queue (`queue`) carries no trace of the first grade: no score, comment or grader.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import replace

from course_tools import CourseToolsError
from course_tools.grading.backup import backup_course
from course_tools.rubric import scoring
from course_tools.rubric.agreement import Pair, check_fraction, check_margin, stratified_sample
from course_tools.rubric.grader import Grading
from course_tools.rubric.moderation_store import ModerationStore, Resolution, Sample, SampledAnswer
from course_tools.rubric.queue import Entry
from course_tools.rubric.scoring import QuestionRubric, Score
from course_tools.rubric.store import RubricGrade, now

FORMGRADER = "formgrader"  # the first grader's name where the first grade was given in formgrader
DECISIONS = ("keep-first", "take-second", "score")
DEFAULT_MARGIN = 1.0  # points: a whole rubric item's worth on Review #6


def blind_entry(entry: Entry, second: RubricGrade | None) -> Entry:
    """The queue entry as a second grader may see it: the first score, comment and grader are gone,
    and the entry's own grade is the second grade (None until one is saved)."""
    return replace(entry, auto_score=None, manual_score=None if second is None else second.score, extra_credit=None,
                   needs_manual_grade=second is None, gradebook_comment=None, rubric=second)


def _rescored(rubric: QuestionRubric, grade: RubricGrade) -> RubricGrade:
    """The second grade scored on the current rubric, as first grades are after a rubric edit."""
    try:
        return replace(grade, score=scoring.compute(rubric, grade.applied, grade.adjustment).total)
    except KeyError:  # an item removed from the rubric since: keep the score as saved
        return grade


class Moderation:
    """Second marking of one course directory, over the same Grading the dashboard uses."""

    def __init__(self, grading: Grading):
        self.grading = grading
        self.store = ModerationStore(grading.store)

    def questions(self, assignment: str) -> list[str]:
        return [q.id for q in self.grading.assignment(assignment).questions]

    def sample(self, assignment: str) -> Sample | None:
        return self.store.sample(assignment)

    def answers(self, assignment: str, question: str | None = None) -> dict[tuple[str, str], SampledAnswer]:
        return self.store.answers(assignment, question)

    # --- drawing the sample ----------------------------------------------------------------------
    def first_grades(self, assignment: str, question: str) -> dict[str, Entry]:
        """Answers a grader has graded (here or in formgrader); "No response." zeros need no second look."""
        return {e.student: e for e in self.grading.queue(assignment, question)
                if e.graded and not e.no_response and e.score is not None}

    def draw(self, assignment: str, fraction: float, *, seed: int | None = None, margin: float = DEFAULT_MARGIN,
             second_grader: str = "", redraw: bool = False) -> list[SampledAnswer]:
        """Draw `fraction` of each question's graded answers, stratified by first score, with `seed`
        (a random one, recorded, if None): the same seed on the same grades draws the same sample."""
        fraction = check_fraction(fraction)
        margin = check_margin(margin)
        seed = secrets.randbelow(1_000_000) if seed is None else int(seed)
        drawn: list[SampledAnswer] = []
        for question in self.questions(assignment):
            firsts = {s: e for s, e in self.first_grades(assignment, question).items()
                      if not second_grader or _first_grader(e) != second_grader}
            rng = random.Random(f"{seed}:{assignment}:{question}")
            for student in stratified_sample({s: e.score for s, e in firsts.items()}, fraction, rng):
                drawn.append(SampledAnswer(assignment, student, question, firsts[student].score,
                                           _first_grader(firsts[student])))
        if not drawn:
            raise CourseToolsError(f"--sample: {assignment} has no graded answer yet: grade first, then moderate")
        self.store.create(Sample(assignment, fraction, seed, margin, second_grader, self.grading.grader, now()),
                          drawn, replace=redraw)
        return drawn

    # --- second marking --------------------------------------------------------------------------
    def _refusal(self, sample: Sample, answer: SampledAnswer) -> str | None:
        """Why the current grader may not second-mark this answer (None: they may)."""
        me = self.grading.grader
        if sample.second_grader and me != sample.second_grader:
            return f"the sample of {sample.assignment} is assigned to {sample.second_grader}"
        if answer.first_grader == me:
            return "you gave this answer its first grade; a second grade needs another grader"
        if answer.resolution is not None:
            return "the instructor has resolved this answer already"
        return None

    def queue(self, assignment: str, question: str) -> list[Entry]:
        """The sampled answers to `question` the current grader may second-mark, blind, in label order."""
        sample = self.store.sample(assignment)
        answers = self.store.answers(assignment, question)
        if sample is None or not answers:
            return []
        rubric = self.grading.rubric(assignment, question)
        out = []
        for entry in self.grading.queue(assignment, question):
            answer = answers.get((entry.student, question))
            if answer is not None and self._refusal(sample, answer) is None:
                out.append(blind_entry(entry, answer.second and _rescored(rubric, answer.second)))
        return out

    def save_second(self, assignment: str, question: str, student: str, applied: Iterable[str],
                    adjustment: float = 0.0, comment: str = "", expected_version: int | None = None) -> Score:
        """Store a second grade in rubric.db (never in the gradebook); return its score."""
        sample = self.store.sample(assignment)
        answer = self.store.answers(assignment, question).get((student, question))
        if sample is None or answer is None:
            raise CourseToolsError(f"{assignment}/{question}: this answer is not in the moderation sample")
        reason = self._refusal(sample, answer)
        if reason:
            raise CourseToolsError(f"{assignment}/{question}: not saved: {reason}")
        rubric = self.grading.rubric(assignment, question)
        applied = list(applied)
        score = scoring.compute(rubric, applied, adjustment)  # an unknown item raises before anything is written
        grade = RubricGrade(assignment, student, question, tuple(i.id for i in scoring.ordered(rubric, applied)),
                            float(adjustment), comment, self.grading.grader, now(), score.total,
                            version=expected_version or 0)
        self.store.put_second(grade, check=expected_version is not None)
        return score

    # --- agreement and resolution ----------------------------------------------------------------
    def pairs(self, assignment: str) -> list[Pair]:
        """Every sampled answer with a second grade, in question and label order: the first grade as it
        stands in the gradebook (as it stood when resolved, once resolved) and the second grade."""
        answers = self.store.answers(assignment)
        out = []
        for question in self.questions(assignment):
            if not any(q == question for _s, q in answers):
                continue
            rubric = self.grading.rubric(assignment, question)
            for entry in self.grading.queue(assignment, question):
                answer = answers.get((entry.student, question))
                if answer is None or answer.second is None:
                    continue
                second = _rescored(rubric, answer.second)
                if answer.resolution is not None:
                    first, second_score = answer.resolution.first_score, answer.resolution.second_score
                elif entry.graded and entry.score is not None:
                    first, second_score = entry.score, second.score
                else:  # the first grade was cleared since: nothing to compare until it is graded again
                    continue
                out.append(Pair(question, entry.student, entry.label, first, second_score,
                                answer.first_grader or FORMGRADER, second.grader, answer.resolution))
        return out

    def resolve(self, assignment: str, student: str, question: str, decision: str, score: float | None = None,
                note: str = "") -> Resolution:
        """Settle a sampled answer: keep the first grade, take the second, or set a score. Only here does
        moderation write nbgrader's gradebook (after a backup); the decision is recorded either way."""
        if decision not in DECISIONS:
            raise CourseToolsError(f"--resolve: decision '{decision}' is not one of {', '.join(DECISIONS)}")
        answer = self.store.answers(assignment, question).get((student, question))
        where = f"{student} {question}"
        if answer is None:
            raise CourseToolsError(f"--resolve: {where} is not in {assignment}'s moderation sample")
        if answer.second is None:
            raise CourseToolsError(f"--resolve: {where} has no second grade yet")
        if answer.resolution is not None:
            done = answer.resolution
            raise CourseToolsError(f"--resolve: {where} was resolved already ({done.decision}, {done.score:g} "
                                   f"points, by {done.resolver} at {done.at:%Y-%m-%d %H:%M} UTC)")
        rubric = self.grading.rubric(assignment, question)
        entry = next((e for e in self.grading.queue(assignment, question) if e.student == student), None)
        if entry is None or not entry.graded or entry.score is None:
            raise CourseToolsError(f"--resolve: {where} has no first grade any more; grade it in the dashboard")
        second = _rescored(rubric, answer.second)
        if decision == "score":
            _check_score(rubric, score)
        backup_course(self.grading.ctx.root, "moderate-resolve")
        if decision == "keep-first":
            final = entry.score
        elif decision == "take-second":
            final = self.grading.save(assignment, question, student, second.applied, second.adjustment,
                                      second.comment, grader=second.grader).total
        else:  # the first grade's items and comment, with the adjustment that makes the instructor's score
            first = entry.rubric
            applied = first.applied if first else ()
            items = sum(rubric.item(i).points for i in applied)
            comment = first.comment if first else (entry.gradebook_comment or "")
            final = self.grading.save(assignment, question, student, applied, round(score - items, 6),
                                      comment).total
        resolution = Resolution(decision, final, entry.score, second.score, self.grading.grader, now(), note)
        self.store.record_resolution(assignment, student, question, resolution)
        return resolution


def _first_grader(entry: Entry) -> str:
    return entry.rubric.grader if entry.rubric is not None else ""


def _check_score(rubric: QuestionRubric, score: float | None) -> None:
    if score is None:
        raise CourseToolsError("--score: a score is needed to resolve with a score")
    points = f"({rubric.assignment}/{rubric.question} is worth {rubric.max_points:g} points)"
    if rubric.extra_credit and not score >= 0:
        raise CourseToolsError(f"--score: {score:g} is below 0 {points}")
    if not rubric.extra_credit and not 0 <= score <= rubric.max_points:
        raise CourseToolsError(f"--score: {score:g} is not between 0 and {rubric.max_points:g} {points}")
