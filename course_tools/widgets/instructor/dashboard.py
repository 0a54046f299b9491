"""The grading dashboard: one question across all submissions, graded with rubric items.

A thin ipywidgets view over course_tools.rubric.grader.Grading, for Review #6 and every exit
ticket. Blind by default (anonymous, stable labels; names only on request). Each question opens with
its calibration answers (weak, adequate, strong, with the score and items each earns) so graders
agree on the scale before the first answer. The answer is shown as escaped text with the key
points' terms marked, never as live HTML. Every control has a visible label; status is in words.

Several graders on one course (the class hub's grading service): each can take a share of the work
("questions 1-3", "students A-M", course_tools.rubric.shares) and see only it; opening an answer
claims it (course_tools.rubric.claims), so the others' queues show it as taken, by whom and since when,
at each step or on Refresh, and "Save and next ungraded" passes it by. The optimistic check on save
stays the last line of defence.

With `moderation=True` it is the second marker's view (course_tools.rubric.moderation): only the
sampled answers, with no first score, comment or grader, names never shown, no rubric editing;
saves go to rubric.db as second grades and leave nbgrader's gradebook alone.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML, display

from course_tools import CourseToolsError
from course_tools.content.models import Question
from course_tools.rubric.claims import Claim, Claims
from course_tools.rubric.course import NO_COURSE, course_dir, has_course
from course_tools.rubric.grader import Grading
from course_tools.rubric.highlight import highlight
from course_tools.rubric.identity import sees_names
from course_tools.rubric.moderation import Moderation
from course_tools.rubric.queue import Entry
from course_tools.rubric.scoring import QuestionRubric, compute
from course_tools.rubric.shares import Share, Shares, parse_questions, parse_students
from course_tools.rubric.store import StaleGrade

LABEL_STYLE = {"description_width": "initial"}
STYLE = """<style>
.ma-dashboard .ma-rubric-item .widget-label-basic, .ma-dashboard .ma-rubric-item label {
  white-space: normal; overflow: visible; height: auto; line-height: 1.3; }
.ma-dashboard .ma-rubric-item { height: auto; min-height: 28px; width: auto; }
.ma-dashboard .ma-answer-text { white-space: pre-wrap; border: 1px solid #bbb; padding: 8px; max-height: 22em;
  overflow-y: auto; background: #fff; color: #111; font-size: 14px; line-height: 1.45; }
.ma-dashboard mark.ma-kp { background: #fff176; color: #111; text-decoration: underline dotted; }
.ma-dashboard .ma-calibration summary, .ma-dashboard .ma-model summary { font-weight: bold; cursor: pointer; }
.ma-dashboard .ma-calibration-answer { border-left: 4px solid #888; margin: 6px 0; padding: 2px 8px;
  white-space: pre-wrap; }
.ma-dashboard .ma-calibration-answer p { margin: 2px 0; }
</style>"""
LEVEL_TITLES = {"weak": "Weak", "adequate": "Adequate", "strong": "Strong"}


def _points(value: float) -> str:
    return f"{value:+g}"


def calibration_html(question: Question, rubric: QuestionRubric) -> str:
    """The calibration answers (weak, adequate, strong) with their expected scores and items, and the
    model answer: open at first, so graders read them before the first answer. Escaped text only."""
    parts = []
    for sample in question.instructor.calibration:
        items = ", ".join(f"{i} ({rubric.item(i).points:+g})" if i in rubric.ids else i for i in sample.items)
        parts.append(
            f"<div class='ma-calibration-answer ma-calibration-{sample.level}'>"
            f"<p><b>{LEVEL_TITLES[sample.level]}: {sample.score:g} / {question.points:g} points</b>"
            f"{' · items: ' + html.escape(items) if items else ' · no item'}</p>"
            f"<p>{html.escape(sample.text)}</p>"
            + (f"<p><i>{html.escape(sample.note)}</i></p>" if sample.note else "") + "</div>")
    calibration = ("<details class='ma-calibration' open><summary>Calibration: read these sample answers "
                   "before grading</summary>" + "".join(parts) + "</details>") if parts else ""
    model = (f"<details class='ma-model'><summary>Model answer</summary><div class='ma-calibration-answer'>"
             f"{html.escape(question.instructor.model_answer)}</div></details>")
    return calibration + model


class Dashboard:
    """Widgets plus the state of the submission on screen. Tests drive it by setting `.value` and
    calling `.click()` on its controls, as a grader would."""

    def __init__(self, grading: Grading, assignment: str | None = None, question: str | None = None,
                 moderation: bool = False):
        self.grading = grading
        self.moderation = Moderation(grading) if moderation else None
        # The grading team (not in second marking, which is blind and sampled for one grader).
        self.claims = None if moderation else Claims(grading.store)
        self.shares = None if moderation else Shares(grading.store)
        self.others: dict[str, Claim] = {}  # answers to this question other graders have open
        self.my_share: Share | None = None
        self.entries: list[Entry] = []
        self.current: Entry | None = None
        self.dirty = False
        self._loading = False
        assignments = grading.assignments()
        if not assignments:
            raise CourseToolsError("no assignment in content has a rubric")
        self.assignment = widgets.Dropdown(options=assignments, value=assignment or assignments[0],
                                           description="Assignment", style=LABEL_STYLE)
        self.question = widgets.Dropdown(description="Question", style=LABEL_STYLE)
        self.show_names = widgets.Checkbox(value=False, description="Show student names (blind grading is off)",
                                           indent=False, layout=widgets.Layout(width="auto"))
        self.show_names.add_class("ma-show-names")
        if not sees_names(lambda: grading.grader):  # the map from labels to names is the instructor's only
            self.show_names.disabled = True
            self.show_names.description = "Student names: instructors only (blind grading)"
        self.progress_bar = widgets.IntProgress(description="Graded", style=LABEL_STYLE)
        self.progress_text = widgets.HTML()
        self.progress_text.add_class("ma-progress")
        self.prompt = widgets.HTML()
        self.prompt.add_class("ma-prompt")
        self.calibration = widgets.HTML()
        self.calibration.add_class("ma-calibration-panel")
        self.queue = widgets.Select(description="Submissions", rows=10, style=LABEL_STYLE,
                                    layout=widgets.Layout(width="100%"))
        self.queue.add_class("ma-queue")
        self.heading = widgets.HTML()
        self.heading.add_class("ma-heading")
        self.answer = widgets.HTML()
        self.answer.add_class("ma-answer")
        self.found = widgets.HTML()
        self.found.add_class("ma-found")
        self.items = widgets.VBox([])
        self.items.add_class("ma-rubric")
        self.toggles: dict[str, widgets.Checkbox] = {}
        self.adjustment = widgets.FloatText(value=0.0, step=0.5, description="Adjustment (points, + or -)",
                                            style=LABEL_STYLE)
        self.adjustment.add_class("ma-adjust")
        self.comment = widgets.Textarea(description="Comment to the student", style=LABEL_STYLE,
                                        placeholder="Shown in the student's feedback under the rubric items",
                                        layout=widgets.Layout(width="100%", height="5em"))
        self.comment.add_class("ma-comment")
        self.score = widgets.HTML()
        self.score.add_class("ma-score")
        self.save_button = widgets.Button(description="Save", tooltip="Save this grade")
        self.save_button.add_class("ma-save")
        self.next_button = widgets.Button(description="Save and next ungraded", button_style="primary",
                                          tooltip="Save this grade, then open the next answer still to grade",
                                          layout=widgets.Layout(width="auto", min_width="13em"))
        self.next_button.add_class("ma-save-next")
        self.prev_nav = widgets.Button(description="Previous", tooltip="Previous submission (unsaved changes are lost)")
        self.next_nav = widgets.Button(description="Next", tooltip="Next submission (unsaved changes are lost)")
        self.status = widgets.HTML()
        self.status.add_class("ma-status")
        self.editor = self._build_editor()
        self.team = self._build_team()

        self.assignment.observe(lambda _c: self._load_questions(), "value")
        self.question.observe(lambda _c: self.load(), "value")
        self.show_names.observe(lambda _c: self._refresh_queue_labels(), "value")
        self.queue.observe(self._on_pick, "value")
        self.adjustment.observe(self._on_change, "value")
        self.comment.observe(self._on_change, "value")
        self.save_button.on_click(lambda _b: self.save())
        self.next_button.on_click(lambda _b: self.save_and_next())
        self.prev_nav.on_click(lambda _b: self.step(-1))
        self.next_nav.on_click(lambda _b: self.step(1))

        grading_box = widgets.VBox([
            self.heading, self.answer, self.found,
            widgets.HTML("<b>Rubric items</b> (tick each one the answer earns or deserves)"), self.items,
            self.adjustment, self.comment, self.score,
            widgets.HBox([self.next_button, self.save_button, self.prev_nav, self.next_nav]), self.status,
        ], layout=widgets.Layout(width="66%"))
        intro = ("<h2>Grading dashboard</h2><p>Grade one question for every submission. Names are hidden until "
                 "you ask for them; answers are shown as plain text with the key points' terms "
                 "<mark class='ma-kp'>marked</mark>.</p>")
        if self.moderation is not None:
            intro = ("<h2>Second marking</h2><p>Grade the sampled answers as if no one had graded them: the first "
                     "grade is not shown, and yours is kept apart from it (nbgrader's gradebook is unchanged) "
                     "until the instructor compares the two.</p>")
        self.root = widgets.VBox([
            widgets.HTML(STYLE + intro),
            widgets.HBox([self.assignment, self.question] + ([] if self.moderation else [self.show_names]),
                         layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.progress_bar, self.progress_text]), *([] if self.moderation else [self.team]),
            self.prompt, self.calibration,
            widgets.HBox([widgets.VBox([self.queue], layout=widgets.Layout(width="34%")), grading_box]),
        ] + ([] if self.moderation else [self.editor]))
        self.root.add_class("ma-dashboard")
        if self.moderation is not None:
            self.root.add_class("ma-moderation")
        self._load_questions(question)
        if self.my_share is not None:  # the share this grader took earlier, ready to change
            self.share_questions.value = ", ".join(self.my_share.questions)
            self.share_students.value = f"{self.my_share.first}-{self.my_share.last}" if self.my_share.first else ""

    # --- loading ---------------------------------------------------------------------------------
    def _load_questions(self, question: str | None = None) -> None:
        spec = self.grading.assignment(self.assignment.value)
        options = [(f"{q.id}: {q.prompt}"[:90], q.id) for q in spec.questions]
        self._loading = True
        self.question.options = options
        self.question.value = question or options[0][1]
        self._loading = False
        self.load()

    def load(self, keep: str | None = None) -> None:
        """(Re)load the queue of the selected question; show `keep`, else the first ungraded answer."""
        if self._loading or self.question.value is None:
            return
        a, q = self.assignment.value, self.question.value
        self.rubric = self.grading.rubric(a, q)
        spec = next(x for x in self.grading.assignment(a).questions if x.id == q)
        self.key_points = self.grading.key_points(a, q)
        self.prompt.value = (f"<p><b>{html.escape(q)}</b> ({spec.points:g} points): {html.escape(spec.prompt)}</p>")
        self.calibration.value = calibration_html(spec, self.rubric)
        self._build_items()
        self.entries = self._queue()
        self._refresh_queue_labels()
        self._update_progress()
        if not self.entries:
            self.current = None
            self.heading.value = ""
            if self.moderation is not None:
                self.answer.value = (f"<p role='status'>No answer to {html.escape(q)} is in {html.escape(a)}'s "
                                     "moderation sample for you (answers you graded first are not shown). The "
                                     f"instructor draws one with <code>course-tools moderate {html.escape(a)} "
                                     "--sample 20%</code>.</p>")
                return
            if self.my_share is not None and self.only_mine.value:
                self.answer.value = (f"<p role='status'>No answer to {html.escape(q)} is in your share "
                                     f"({html.escape(self.my_share.describe())}): untick "
                                     "<i>Show only my share</i> to see them all.</p>")
                return
            self.answer.value = (f"<p role='status'>No submissions of {html.escape(a)} in the gradebook yet: run "
                                 f"<code>course-tools collect {html.escape(a)}</code> and <code>course-tools "
                                 f"autograde {html.escape(a)}</code>.</p>")
            return
        target = keep if keep in {e.student for e in self.entries} else self._next_ungraded(-1)
        self.show(target or self.entries[0].student)

    def _build_items(self) -> None:
        self.toggles = {}
        for item in self.rubric.items:
            box = widgets.Checkbox(value=False, description=f"({_points(item.points)}) {item.description}",
                                   indent=False, layout=widgets.Layout(width="auto"),
                                   tooltip=f"{item.id}: {_points(item.points)} points")
            box.add_class("ma-rubric-item")
            box.add_class(f"ma-item-{item.id}")
            box.observe(self._on_change, "value")
            self.toggles[item.id] = box
        self.items.children = tuple(self.toggles.values())
        self.edit_item.options = [(f"{i.id} ({_points(i.points)})", i.id) for i in self.rubric.items]

    def _queue(self) -> list[Entry]:
        """The question's queue; in moderation, the sampled answers with no trace of their first grade;
        else, with the team's claims read again, and only this grader's share if they asked so."""
        a, q = self.assignment.value, self.question.value
        if self.moderation is not None:
            return self.moderation.queue(a, q)
        me = self.grading.grader
        self.others = self.claims.by_others(a, q, me)
        self.my_share = self.shares.of(a, me)
        entries = self.grading.queue(a, q)
        if self.only_mine.value and self.my_share is not None:
            entries = [e for e in entries if self.my_share.covers(q, e.surname)]
        self._show_team()
        return entries

    def _names(self) -> bool:
        # Second marking is blind, always; and the grader of this very click must be an instructor (one
        # kernel of the shared grading service may serve an instructor and a teaching assistant).
        return self.show_names.value and self.moderation is None and sees_names(lambda: self.grading.grader)

    def _label(self, entry: Entry) -> str:
        who = f"{entry.label} · {entry.name}" if self._names() else entry.label
        if entry.rubric is not None:
            state = f"{'second grade' if self.moderation else 'graded'} {entry.score:g}/{entry.max_score:g}"
        elif entry.no_response:
            state = "no response (0)"
        elif entry.graded:
            state = f"graded in formgrader {entry.score:g}/{entry.max_score:g}"
        else:
            state = "to grade"
        claim = self.others.get(entry.student)
        taken = f" · taken by {claim.grader} ({claim.age()})" if claim else ""
        return f"{'✓' if entry.graded else '•'} {who}: {state}{' · late' if entry.late else ''}{taken}"

    def _refresh_queue_labels(self) -> None:
        current = self.current.student if self.current else None
        self._loading = True
        self.queue.options = [(self._label(e), e.student) for e in self.entries]
        self.queue.value = current if current in {e.student for e in self.entries} else None
        self._loading = False
        if self.current is not None:
            self._show_heading(self.current)

    def _update_progress(self) -> None:
        graded = sum(e.graded for e in self.entries)
        self.progress_bar.max = max(len(self.entries), 1)
        self.progress_bar.value = graded
        what = ("sampled answers to" if self.moderation else
                "answers in your share to" if self.my_share is not None and self.only_mine.value else "answers to")
        done = "second-marked" if self.moderation else "graded"
        self.progress_text.value = (f"<span role='status'>{graded} of {len(self.entries)} {what} "
                                    f"{html.escape(str(self.question.value))} {done}</span>")

    # --- one submission ------------------------------------------------------------------------
    def entry(self, student: str) -> Entry:
        return next(e for e in self.entries if e.student == student)

    def _show_heading(self, entry: Entry) -> None:
        who = f"{entry.label} ({entry.name}, {entry.student})" if self._names() else entry.label
        late = f" · submitted {entry.seconds_late / 3600:.1f} h late" if entry.late else ""
        self.heading.value = f"<h3>{html.escape(who + late)}</h3>"

    def show(self, student: str) -> None:
        """Put one submission on screen with its saved grade (if any)."""
        entry = self.entry(student)
        self.current = entry
        self._loading = True
        self.queue.value = student
        text = self.grading.answer(self.assignment.value, entry, self.question.value)
        terms = {kp: t for kp, (_text, t) in self.key_points.items()}
        if text is None:
            self.answer.value = "<p role='status'>No answer cell found in this submission.</p>"
            self.found.value = ""
        else:
            body, found = highlight(text, terms)
            self.answer.value = f"<div class='ma-answer-text' aria-label='Student answer'>{body}</div>"
            used = [f"<li><b>{html.escape(kp)}</b>: {html.escape(', '.join(found[kp]))}</li>"
                    for kp in self.key_points if kp in found]
            missed = [html.escape(kp) for kp in self.key_points if kp not in found]
            self.found.value = ("<details open><summary>Key points the answer uses (terms found)</summary><ul>"
                                + ("".join(used) or "<li>none of the key points' terms</li>") + "</ul>"
                                + (f"<p>Not found: {', '.join(missed)}</p>" if missed else "") + "</details>")
        grade = entry.rubric
        for item_id, box in self.toggles.items():
            box.value = bool(grade and item_id in grade.applied)
        self.adjustment.value = grade.adjustment if grade else 0.0
        self.comment.value = grade.comment if grade else ""
        self._loading = False
        self.dirty = False
        self._show_heading(entry)
        self._update_score()
        if grade is None and entry.graded and not entry.no_response:
            self._say(f"Graded in formgrader ({entry.score:g} points). "
                      "Saving here replaces that grade with the rubric's.")
        self._claim(entry)

    def _claim(self, entry: Entry) -> None:
        """Tell the team this answer is open here; warn if another grader has it open."""
        if self.claims is None:
            return
        claim = self.claims.take(self.assignment.value, self.question.value, entry.student, self.grading.grader)
        if claim.grader != self.grading.grader:
            self.others[entry.student] = claim
            self.status.value = (f"<span role='alert'>{html.escape(claim.grader)} opened this answer "
                                 f"({html.escape(claim.age())} ago) and may be grading it: pick another one. If "
                                 "they save first, your save is refused and their grade is shown.</span>")

    def applied(self) -> list[str]:
        return [item_id for item_id, box in self.toggles.items() if box.value]

    def _update_score(self) -> None:
        score = compute(self.rubric, self.applied(), self.adjustment.value or 0.0)
        note = "" if score.raw == score.total else f" (raw {score.raw:g}, kept within the bounds)"
        saved = "" if not self.dirty else " · not saved yet"
        self.score.value = (f"<p role='status'><b>Score: {score.total:g} / {self.rubric.max_points:g}</b>"
                            f"{note}{saved}</p>")

    def _on_change(self, _change: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self._update_score()

    def _on_pick(self, change: dict) -> None:
        if self._loading or change["new"] is None or (self.current and change["new"] == self.current.student):
            return
        self._leave_note()
        self.show(change["new"])

    def _leave_note(self) -> None:
        if self.dirty and self.current is not None:
            self._say(f"Changes to {self.current.label} were not saved.")
        else:
            self.status.value = ""

    # --- actions -------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.current is None:
            return False
        entry = self.current
        loaded = entry.rubric.version if entry.rubric is not None else 0
        save = self.moderation.save_second if self.moderation else self.grading.save
        try:
            score = save(self.assignment.value, self.question.value, entry.student, self.applied(),
                         float(self.adjustment.value or 0.0), self.comment.value, expected_version=loaded)
        except StaleGrade as exc:  # another grader saved it meanwhile: show theirs, keep nothing of ours silently
            self.entries = self._queue()
            self._refresh_queue_labels()
            self._update_progress()
            self.show(entry.student)
            self.status.value = f"<span role='alert'>Not saved: {html.escape(str(exc))}.</span>"
            return False
        except (CourseToolsError, KeyError, OSError) as exc:
            self.status.value = f"<span role='alert'>Not saved: {html.escape(str(exc))}</span>"
            return False
        self.dirty = False
        if self.claims is not None:  # graded: the answer is free again
            self.claims.release(self.assignment.value, self.question.value, entry.student, self.grading.grader)
        self.entries = self._queue()
        self.current = self.entry(entry.student)
        self._refresh_queue_labels()
        self._update_progress()
        self._update_score()
        where = ("kept as the second grade (the gradebook is unchanged)" if self.moderation
                 else "written to nbgrader's gradebook")
        self.saved_note = f"Saved {entry.label}: {score.total:g} / {self.rubric.max_points:g} points, {where}."
        self._say(self.saved_note)
        return True

    def _say(self, text: str) -> None:
        self.status.value = f"<span role='status'>{html.escape(text)}</span>"

    def _next_ungraded(self, start: int) -> str | None:
        """The next answer still to grade that no other grader has open."""
        n = len(self.entries)
        for step in range(1, n + 1):
            entry = self.entries[(start + step) % n]
            if not entry.graded and entry.student not in self.others:
                return entry.student
        return None

    def save_and_next(self) -> bool:
        if not self.save():
            return False
        index = next(i for i, e in enumerate(self.entries) if e.student == self.current.student)
        target = self._next_ungraded(index)
        if target is None:
            self._say(f"{self.saved_note} All {len(self.entries)} answers to this question are "
                      f"{'second-marked' if self.moderation else 'graded'}.")
            return True
        self.show(target)
        self._say(self.saved_note)
        return True

    def step(self, delta: int) -> None:
        if not self.entries or self.current is None:
            return
        index = next(i for i, e in enumerate(self.entries) if e.student == self.current.student)
        self._leave_note()
        self.show(self.entries[(index + delta) % len(self.entries)].student)

    # --- the grading team ----------------------------------------------------------------------
    def _build_team(self) -> widgets.Widget:
        self.share_questions = widgets.Text(description="My questions", style=LABEL_STYLE,
                                            placeholder="e.g. 1-3 or q1, q4 (empty: all)")
        self.share_students = widgets.Text(description="My students (by last name)", style=LABEL_STYLE,
                                           placeholder="e.g. A-M (empty: all)")
        self.share_button = widgets.Button(description="Take this share", tooltip="Keep this part of the work "
                                           "for yourself; the other graders see it")
        self.share_button.add_class("ma-share-take")
        self.only_mine = widgets.Checkbox(value=True, description="Show only my share", indent=False,
                                          layout=widgets.Layout(width="auto"))
        self.refresh_button = widgets.Button(description="Refresh", tooltip="See which answers other graders "
                                             "have open now")
        self.refresh_button.add_class("ma-refresh")
        self.team_status = widgets.HTML()
        self.team_status.add_class("ma-team")
        self.share_button.on_click(lambda _b: self.take_share())
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.only_mine.observe(lambda _c: self.refresh(), "value")
        box = widgets.VBox([widgets.HBox([self.share_questions, self.share_students, self.share_button],
                                         layout=widgets.Layout(flex_flow="row wrap")),
                            widgets.HBox([self.only_mine, self.refresh_button]), self.team_status])
        team = widgets.Accordion(children=[box], titles=("Grading team: split the work",))
        team.selected_index = None
        team.add_class("ma-team-panel")
        return team

    def _show_team(self) -> None:
        """Everyone's share (and overlaps) and what others have open: the words under the team panel."""
        shares = self.shares.all(self.assignment.value)
        me = self.grading.grader
        lines = [f"<li><b>{html.escape(s.grader)}</b>{' (you)' if s.grader == me else ''}: "
                 f"{html.escape(s.describe())}</li>" for s in shares.values()]
        clash = sorted({" and ".join(sorted((a.grader, b.grader))) for a in shares.values() for b in shares.values()
                        if a.grader < b.grader and a.overlaps(b)})
        warn = "".join(f"<p role='alert'>The shares of {html.escape(pair)} overlap.</p>" for pair in clash)
        taken = (f"<p>{len(self.others)} answer(s) to {html.escape(str(self.question.value))} open by other "
                 "graders now (marked <i>taken</i> in the list).</p>") if self.others else ""
        shared = f"<ul>{''.join(lines)}</ul>" if lines else "<p>No shares yet: everyone sees every answer.</p>"
        self.team_status.value = f"<div role='status'>{shared}{warn}{taken}</div>"

    def take_share(self) -> bool:
        """Keep the typed questions and students for this grader (empty fields: the whole assignment)."""
        a = self.assignment.value
        try:
            questions = parse_questions(self.share_questions.value,
                                        [q.id for q in self.grading.assignment(a).questions])
            first, last = parse_students(self.share_students.value)
        except CourseToolsError as exc:
            self.team_status.value = f"<span role='alert'>Share not taken: {html.escape(str(exc))}</span>"
            return False
        self.shares.set(a, Share(self.grading.grader, questions, first, last))
        self.refresh()
        return True

    def refresh(self) -> None:
        """Read the team's claims and shares again (other graders' work since the last step)."""
        if self._loading or self.claims is None or self.question.value is None:
            return
        keep = self.current.student if self.current else None
        self.load(keep=keep)

    # --- rubric editing ------------------------------------------------------------------------
    def _build_editor(self) -> widgets.Widget:
        self.edit_item = widgets.Dropdown(description="Rubric item", style=LABEL_STYLE)
        self.edit_points = widgets.FloatText(description="New points", style=LABEL_STYLE, step=0.5)
        self.edit_text = widgets.Textarea(description="New description", style=LABEL_STYLE,
                                          layout=widgets.Layout(width="100%"))
        self.edit_button = widgets.Button(description="Apply and re-score", button_style="warning",
                                          tooltip="Change the item and re-score every answer that received it")
        self.edit_button.add_class("ma-edit-apply")
        self.edit_status = widgets.HTML()
        self.edit_status.add_class("ma-edit-status")
        self.edit_item.observe(self._on_edit_pick, "value")
        self.edit_button.on_click(lambda _b: self.apply_edit())
        box = widgets.VBox([widgets.HTML("<p>Changing an item's points or text re-scores every submission "
                                         "that received it, here and in nbgrader's gradebook.</p>"),
                            self.edit_item, self.edit_points, self.edit_text, self.edit_button, self.edit_status])
        editor = widgets.Accordion(children=[box], titles=("Edit the rubric",))
        editor.selected_index = None
        editor.add_class("ma-editor")
        return editor

    def _on_edit_pick(self, change: dict) -> None:
        if change["new"] is None:
            return
        item = self.rubric.item(change["new"])
        self.edit_points.value = item.points
        self.edit_text.value = item.description

    def apply_edit(self) -> int:
        item_id = self.edit_item.value
        if item_id is None:
            return 0
        try:
            count = self.grading.edit_item(self.assignment.value, self.question.value, item_id,
                                           points=float(self.edit_points.value), description=self.edit_text.value)
        except CourseToolsError as exc:
            self.edit_status.value = f"<span role='alert'>Not changed: {html.escape(str(exc))}</span>"
            return 0
        keep = self.current.student if self.current else None
        self.load(keep=keep)
        self.edit_item.value = item_id
        self.edit_status.value = (f"<span role='status'>Rubric item {html.escape(item_id)} changed; "
                                  f"{count} submission(s) re-scored.</span>")
        return count


def dashboard(course: Path | str | None = None, moderation: bool = False,
              grader: str | None = None) -> Dashboard | None:
    """Show the grading dashboard for the course directory (see `course_dir`), or say what is missing.
    `moderation=True`: second marking of the sample drawn by `course-tools moderate` (blind); `grader`
    names who grades (default: the login name), which second marking needs to tell graders apart."""
    root = course_dir(course)
    if not has_course(root):
        display(HTML(f"<p role='status'><b>Grading dashboard:</b> {html.escape(NO_COURSE)} "
                     f"(looked in <code>{html.escape(str(root))}</code>).</p>"))
        return None
    view = Dashboard(Grading(root, grader=grader), moderation=moderation)
    display(view.root)
    return view
