"""Every view: answer by setting values, click Check, see feedback in words, find the answer
saved, and see it again in a new view (as after a kernel restart)."""

from __future__ import annotations

import warnings

import ipywidgets as widgets
import pytest

from course_tools.activities.progress import ProgressStore
from course_tools.widgets import VIEWS
from course_tools.widgets.widget_choice import ChoiceView
from course_tools.widgets.widget_classify import ClassifyView
from course_tools.widgets.widget_match import MatchView
from course_tools.widgets.widget_matrix import MatrixView
from course_tools.widgets.widget_planner import PlannerView
from course_tools.widgets.widget_rank import RankView
from course_tools.widgets.widget_sliders import SlidersView
from tests.support.widgets import PNG_IMG

LESSON = "sample"
pytestmark = pytest.mark.filterwarnings("ignore:No saved progress yet")


def saved(store: ProgressStore, activity: str) -> dict:
    return store.load(LESSON, activity)


def reopen(view_type, spec, store):
    return view_type(spec, LESSON, store)


def test_choice_view(specs, store) -> None:
    view = ChoiceView(specs["quiz"], LESSON, store)
    view.radios["q1"].value = 0
    view.radios["q2"].value = 0
    view.check_button.click()
    assert "Score 50%" in view.feedback.value and "✔ Right" in view.feedback.value
    assert "✘ Not quite" in view.feedback.value and "Because the module says so." in view.feedback.value
    assert saved(store, "quiz")["answer"] == {"q1": 0, "q2": 0} and saved(store, "quiz")["score"] == 0.5
    again = reopen(ChoiceView, specs["quiz"], store)
    assert again.radios["q2"].value == 0 and "Score 50%" in again.feedback.value
    assert "Your saved answer" in again.status.value


def test_empty_check_gives_a_nudge_and_saves_nothing(specs, store) -> None:
    view = ChoiceView(specs["quiz"], LESSON, store)
    view.check_button.click()
    assert "Nothing answered yet" in view.feedback.value
    assert not store.path.exists()


def test_classify_view(specs, store) -> None:
    view = ClassifyView(specs["sort"], LESSON, store)
    view.dropdowns["a"].value = "one"
    view.dropdowns["b"].value = "one"
    view.check_button.click()
    assert "✘ Not quite: Research: you chose Phase 1; it belongs in Phase 2." in view.feedback.value
    assert saved(store, "sort")["answer"] == {"a": "one", "b": "one"}
    assert reopen(ClassifyView, specs["sort"], store).dropdowns["b"].value == "one"


def test_match_view(specs, store) -> None:
    view = MatchView(specs["pairs"], LESSON, store)
    view.dropdowns["csr"].value = "ILO, IOE, ICFTU"
    view.dropdowns["gender"].value = "UN, UNDP, UNIFEM"
    view.check_button.click()
    assert "All 2 matches right" in view.feedback.value and saved(store, "pairs")["score"] == 1
    assert reopen(MatchView, specs["pairs"], store).dropdowns["csr"].value == "ILO, IOE, ICFTU"


def test_rank_view(specs, store) -> None:
    view = RankView(specs["order"], LESSON, store)
    for dropdown, item in zip(view.positions, ["first", "third", "second"], strict=True):
        dropdown.value = item
    view.check_button.click()
    assert "1 of 3 positions right" in view.feedback.value
    assert saved(store, "order")["answer"] == ["first", "third", "second"]
    assert [d.value for d in reopen(RankView, specs["order"], store).positions] == ["first", "third", "second"]


def test_planner_view_shows_table_summary_and_chart(specs, store) -> None:
    view = PlannerView(specs["plan"], LESSON, store)
    view.boxes["who"]["gov"].value = True
    view.boxes["who"]["few"].value = True
    view.single["where"].value = "agencies"
    view.check_button.click()
    assert "✘ Not quite: Who: Officials only: Too narrow." in view.feedback.value
    summary, table, chart = view.extra.children
    assert "Who: Government and Officials only." in summary.value
    assert "<table" in table.value and "Multilateral agencies" in table.value
    assert PNG_IMG in chart.children[0].value
    assert "Add one line saying why your plan fits" in view.feedback.value
    assert saved(store, "plan")["answer"] == {"who": ["gov", "few"], "where": ["agencies"], "_reason": ""}
    again = reopen(PlannerView, specs["plan"], store)
    assert again.boxes["who"]["few"].value and again.single["where"].value == "agencies"


def test_planner_reason_is_saved_restored_and_shown_as_text(specs, store) -> None:
    view = PlannerView(specs["plan"], LESSON, store)
    view.boxes["who"]["gov"].value = True
    view.reason.value = "  Governments <b>decide</b>,\n and agencies carry it out  "
    view.check_button.click()
    assert saved(store, "plan")["answer"]["_reason"] == "Governments <b>decide</b>,\n and agencies carry it out"
    summary = view.extra.children[0].value
    assert "Your reason: Governments &lt;b&gt;decide&lt;/b&gt;, and agencies carry it out" in summary
    assert "Add one line" not in view.feedback.value
    again = reopen(PlannerView, specs["plan"], store)
    assert again.reason.value == "Governments <b>decide</b>, and agencies carry it out"


def test_sliders_view_draws_a_chart(specs, store) -> None:
    view = SlidersView(specs["rate"], LESSON, store)
    view.subject.value = "The WTO"
    view.sliders["democratic"].value = 1
    view.sliders["transparent"].value = 5
    view.check_button.click()
    assert "Needs reform." in view.feedback.value and "The WTO" in view.feedback.value
    chart, table = view.extra.children
    assert PNG_IMG in chart.children[0].value and "Democratic 1" in chart.children[1].value
    assert saved(store, "rate")["answer"] == {"subject": "The WTO", "ratings": {"democratic": 1, "transparent": 5}}
    assert reopen(SlidersView, specs["rate"], store).sliders["democratic"].value == 1


def test_matrix_view_draws_a_heatmap_from_a_dataframe(specs, store) -> None:
    view = MatrixView(specs["grid"], LESSON, store)
    view.cells["trade/progress"].value = -1
    view.cells["environmental/progress"].value = -1
    view.check_button.click()
    assert "1 of 2 key cells right" in view.feedback.value
    table, heatmap = view.extra.children
    assert "Harms" in table.value and PNG_IMG in heatmap.children[0].value
    assert reopen(MatrixView, specs["grid"], store).cells["environmental/progress"].value == -1


def test_saved_answer_that_no_longer_fits_is_dropped_quietly(specs, store) -> None:
    store.save(LESSON, "sort", {"a": "deleted-group", "zzz": "one"}, 0.0)
    view = ClassifyView(specs["sort"], LESSON, store)
    assert view.dropdowns["a"].value is None


def test_corrupt_progress_file_warns_and_the_view_still_works(specs, store) -> None:
    store.path.write_text("{ corrupt", encoding="utf-8")
    with pytest.warns(UserWarning, match="could not be read"):
        view = MatchView(specs["pairs"], LESSON, store)
    view.dropdowns["csr"].value = "WTO alone"
    view.check_button.click()
    assert saved(store, "pairs")["answer"]["csr"] == "WTO alone"
    assert list(store.path.parent.glob(".progress.json.corrupt-*"))


def test_unwritable_progress_file_is_reported_not_raised(specs, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    view = ChoiceView(specs["quiz"], LESSON, ProgressStore(blocker / "sub" / "p.json"))
    view.radios["q1"].value = 0
    view.check_button.click()
    assert "Not saved" in view.status.value and "Score" in view.feedback.value


@pytest.mark.parametrize("activity", ["quiz", "sort", "pairs", "order", "plan", "rate", "grid"])
def test_classes_and_visible_labels(specs, store, activity) -> None:
    """Every control has visible text (its description or an option text) and the root and
    feedback carry the classes the browser tests use."""
    spec = specs[activity]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        view = VIEWS[spec.type](spec, LESSON, store)
    assert {"ma-activity", f"ma-activity-{spec.id}"} <= set(view.root._dom_classes)
    assert "ma-feedback" in view.feedback._dom_classes
    assert view.check_button.description == "Check"
    controls = [w for w in _walk(view.root) if isinstance(w, widgets.ValueWidget) and not isinstance(
        w, widgets.HTML | widgets.Label)]
    assert controls
    for control in controls:
        assert control.description.strip(), f"{type(control).__name__} without a visible label"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _shown(view: ChoiceView) -> dict[str, list[str]]:
    return {qid: [text for text, _ in radio.options] for qid, radio in view.radios.items()}


def test_choice_options_are_shuffled_per_student_and_stable(store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two students see different orders; one student sees the same order after a kernel restart
    (a new view); scoring follows the option, not its place."""
    from course_tools.content.loader import load_course
    from tests.paths import CONTENT

    course = load_course(CONTENT)
    quizzes = [a for acts in course.activities.values() for a in acts.activities if a.type == "choice"]
    orders = {}
    for student in ("amina", "bruno"):
        monkeypatch.setenv("JUPYTERHUB_USER", student)
        orders[student] = [_shown(ChoiceView(spec, LESSON, store)) for spec in quizzes]
        assert orders[student] == [_shown(ChoiceView(spec, LESSON, store)) for spec in quizzes]  # after a restart
    assert orders["amina"] != orders["bruno"]

    monkeypatch.setenv("JUPYTERHUB_USER", "amina")
    spec = quizzes[0]
    view = ChoiceView(spec, LESSON, store)
    question = spec.questions[0]
    key = next(i for i, o in enumerate(question.options) if o.correct)
    view.radios[question.id].value = key  # the value is the option's index in content, wherever it is shown
    view.check_button.click()
    assert saved(store, spec.id)["answer"][question.id] == key
    monkeypatch.setenv("JUPYTERHUB_USER", "bruno")  # another order restores the same option
    assert ChoiceView(spec, LESSON, store).radios[question.id].value == key


def test_reflection_is_saved_restored_and_never_html(store) -> None:
    """A written answer (the capstone, a discussion answer): saved as typed, shown back only in
    the text area, a draft below the word count, and the outline shown after saving."""
    from course_tools.activities.specs import ReflectionSpec
    from course_tools.widgets.widget_reflection import ReflectionView

    spec = ReflectionSpec(id="plan", type="reflection", title="Plan", instructions="Write.", prompt="Your plan?",
                          min_words=10, outline=["Names the dialogue."])
    view = ReflectionView(spec, LESSON, store)
    assert view.check_button.description == "Save"
    view.text.value = "Short <img src=x onerror=alert(1)> draft"
    view.check_button.click()
    assert "Saved as a draft" in view.feedback.value and "Names the dialogue." in view.feedback.value
    assert "<img" not in view.feedback.value and "onerror" not in view.feedback.value
    assert saved(store, "plan") == {**saved(store, "plan"), "answer": "Short <img src=x onerror=alert(1)> draft",
                                    "score": 0.5}
    view.text.value = "Maresia holds a national dialogue with unions, employers and the migrant workers."
    view.check_button.click()
    assert "Saved (12 words)" in view.feedback.value
    again = reopen(ReflectionView, spec, store)
    assert again.text.value.startswith("Maresia holds") and "Saved (12 words)" in again.feedback.value
