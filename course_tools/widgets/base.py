"""The frame every activity view shares: title, instructions, controls, a Check button,
feedback in words, and saving the answer to the progress file.

A view only builds its controls and converts between them and an answer; checking and
scoring live in course_tools.activities (no widgets there)."""

from __future__ import annotations

import base64
import html
from typing import Any

import ipywidgets as widgets

from course_tools.activities import check
from course_tools.activities.progress import ProgressStore
from course_tools.activities.result import Result
from course_tools.pulse import client as pulse

LABEL_STYLE = {"description_width": "initial"}
WIDE = widgets.Layout(width="auto")
# A long option must wrap, not squeeze its radio button to nothing (ipywidgets keeps labels on one line).
ACTIVITY_STYLE = ("<style>.ma-activity .widget-radio-box label{display:flex;align-items:flex-start;"
                  "white-space:normal;height:auto;line-height:1.35;margin:3px 0}"
                  ".ma-activity .widget-radio-box input{float:none;order:-1;flex-shrink:0;height:auto;"
                  "margin:3px 8px 0 1px}"
                  "</style>")
TABLE_STYLE = ("<style>.ma-table{border-collapse:collapse}.ma-table th,.ma-table td{text-align:left;"
               "padding:2px 10px;border-bottom:1px solid #bbb}</style>")


def label(text: str, strong: bool = False) -> widgets.HTML:
    """A visible text label (HTML-escaped)."""
    body = html.escape(text)
    return widgets.HTML(f"<b>{body}</b>" if strong else body, layout=widgets.Layout(margin="6px 0 0 0"))


def dropdown(options: list[tuple[str, Any]], description: str, placeholder: str = "— choose —") -> widgets.Dropdown:
    """A keyboard-usable choice that starts empty, with a visible description."""
    return widgets.Dropdown(options=[(placeholder, None), *options], index=0, description=description,
                            style=LABEL_STYLE, layout=widgets.Layout(width="max-content", max_width="100%"))


def select(control: widgets.Dropdown, value: Any) -> None:
    """Set a dropdown made by `dropdown()`; an unknown or empty value shows the placeholder."""
    values = [v for _label, v in control.options]
    control.index = values.index(value) if value is not None and value in values else 0


class ActivityView:
    """Base of the views; subclasses set `controls` and implement answer()/set_answer()."""

    def __init__(self, spec: Any, lesson_id: str, store: ProgressStore | None):
        self.spec = spec
        self.lesson_id = lesson_id
        self.store = store
        self.result: Result | None = None
        self.check_button = widgets.Button(description="Check", button_style="primary",
                                           tooltip="Check your answer and save it")
        self.check_button.add_class("ma-check")
        self.check_button.on_click(lambda _button: self.check())
        self.status = widgets.HTML("")
        self.status.add_class("ma-status")
        self.feedback = widgets.HTML("")
        self.feedback.add_class("ma-feedback")
        self.extra = widgets.VBox([])
        self.extra.add_class("ma-extra")
        controls = self.build()
        self.root = widgets.VBox([
            widgets.HTML(f"<h3>{html.escape(spec.title)}</h3><p>{html.escape(spec.instructions)}</p>{ACTIVITY_STYLE}"),
            controls, widgets.HBox([self.check_button, self.status]), self.feedback, self.extra,
        ])
        self.root.add_class("ma-activity")
        self.root.add_class(f"ma-activity-{spec.id}")
        self.restore()

    # --- what subclasses provide -----------------------------------------------------------
    def build(self) -> widgets.Widget:
        raise NotImplementedError

    def answer(self) -> Any:
        raise NotImplementedError

    def set_answer(self, answer: Any) -> None:
        raise NotImplementedError

    def extras(self, result: Result) -> list[widgets.Widget]:
        """Tables and charts shown after checking (none by default)."""
        return []

    # --- shared behaviour -------------------------------------------------------------------
    def restore(self) -> None:
        """Show the saved answer, and its feedback, when the activity is reopened."""
        if self.store is None:
            return
        saved = self.store.load(self.lesson_id, self.spec.id)
        if not saved:
            return
        try:
            self.set_answer(saved.get("answer"))
        except (TypeError, ValueError, KeyError, AttributeError, widgets.TraitError):
            self.status.value = "Your saved answer no longer fits this activity: please answer again."
            return
        self.render(check(self.spec, self.answer()))
        self.status.value = f"Your saved answer (from {html.escape(str(saved.get('saved', '')))}) is shown."

    def check(self) -> Result:
        """Check the current answer, show the feedback, and save answer and score."""
        answer = self.answer()
        result = check(self.spec, answer)
        self.render(result)
        if result.answered and self.store is not None:
            try:
                self.store.save(self.lesson_id, self.spec.id, answer, result.score)
                self.status.value = "Saved."
            except OSError as exc:
                self.status.value = f"Not saved: {html.escape(str(exc))}"
            pulse.report_check(self.spec, self.lesson_id, answer)  # class hub only; never blocks
        return result

    def render(self, result: Result) -> None:
        self.result = result
        items = "".join(f"<li>{html.escape(item.line)}</li>" for item in result.items)
        explanation = getattr(self.spec, "explanation", "")
        # The explanation covers every item, so it waits until every item is answered (it would give
        # away the keys of the blank ones).
        why = f"<p><b>Why:</b> {html.escape(explanation)}</p>" if explanation and result.complete else ""
        self.feedback.value = (f"<div role='status'><p><b>{html.escape(result.summary)}</b></p>"
                               f"{'<ul>' + items + '</ul>' if items else ''}{why}</div>")
        self.extra.children = tuple(self.extras(result)) if result.answered else ()


def png(data: bytes, alt: str) -> widgets.VBox:
    """A chart image with alt text and a visible caption. An <img> in an HTML widget: ipywidgets' Image
    has no alt text (axe-core: image-alt, critical) and breaks when given a tooltip."""
    encoded = base64.b64encode(data).decode("ascii")
    image = widgets.HTML(f'<img class="ma-chart" src="data:image/png;base64,{encoded}" alt="{html.escape(alt)}" '
                         'style="max-width:640px;width:100%">')
    return widgets.VBox([image, widgets.HTML(f"<small>{html.escape(alt)}</small>")])


def table(frame: Any, caption: str) -> widgets.HTML:
    """A pandas DataFrame as an HTML table with a caption."""
    body = frame.to_html(index=False, na_rep="–", escape=True, border=0, classes="ma-table")
    out = widgets.HTML(f"{TABLE_STYLE}<p><b>{html.escape(caption)}</b></p>{body}")
    out.add_class("ma-table-box")
    return out
