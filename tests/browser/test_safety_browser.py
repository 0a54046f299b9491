"""Hostile answers in a real browser: script, event-handler, javascript: link, SVG, iframe and raw
HTML output payloads, and the whole XSS corpus (tests/safety/xss_corpus.py, one cell per vector,
pasted images included), run nothing on formgrader's submission page, in the feedback HTML or in the
grading dashboard (JupyterLab): no dialog, no `window.__pwned`, no request leaves the page; their
text is still on screen and the pasted PNG shows as an image."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course
from course_tools.grading.feedback import feedback
from course_tools.grading.lifecycle import autograde
from course_tools.rubric.course import CourseContext
from course_tools.rubric.store import RubricStore
from tests.safety.payloads import ANSWER, HTML_OUTPUT, VISIBLE
from tests.safety.xss_corpus import LABELS, PNG, VECTOR_LABELS, corpus_answer, corpus_cells
from tests.support.classroom import build_class, student_id
from tests.support.servers import course_server, dashboard_notebook

pytestmark = pytest.mark.browser

A = "review6"
# RAW: its graded copy is replaced by the unneutralised submission; CORPUS answers q1 with every XSS vector
HOSTILE, RAW, CORPUS = student_id(1), student_id(2), student_id(3)
SHOWN = ["My answer: the two phases.", VISIBLE["script"], VISIBLE["onerror"], VISIBLE["svg"], VISIBLE["iframe"]]
# What would be live if a payload got through (the JS check looks for any of them).
LIVE = ("script:not([src])", "img[onerror]", "svg[onload]", "iframe", "details[ontoggle]", "a[href^='javascript' i]")


def _add_output(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("display(HTML(...))", outputs=[nbformat.from_dict(HTML_OUTPUT)]))
    nb.cells.extend(corpus_cells())
    os.chmod(path, 0o644)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def hostile_class(lab, course: Course) -> Path:
    root = lab.root / "safety_course"
    build_class(root, course, 4, special={1: {"q1": ANSWER}, 2: {"q1": ANSWER}, 3: {"q1": corpus_answer()}})
    for student in (HOSTILE, RAW):
        _add_output(root / "submitted" / student / A / f"{A}.ipynb")
    autograde(root, A, force=True, workers=1)
    graded = root / "autograded" / RAW / A / f"{A}.ipynb"
    os.chmod(graded, 0o644)
    shutil.copy(root / "submitted" / RAW / A / f"{A}.ipynb", graded)  # as stock nbgrader without our config left it
    feedback(root, A, release_it=False)
    dashboard_notebook(lab.root, root, "grading_dashboard_safety.ipynb")
    return root


@pytest.fixture(scope="module")
def formgrader(hostile_class: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """formgrader of the course, served from its own directory."""
    with course_server(hostile_class, tmp_path_factory.mktemp("formgrader_safety")) as server:
        yield server


def _watch(page) -> list[str]:
    """Record (and dismiss) any dialog a payload would open."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


# nbgrader's own formgrader page asks a CDN for MathJax; nothing else may leave.
OWN_ASSETS = ("https://cdnjs.cloudflare.com/ajax/libs/mathjax/",)


def _outbound(page, origin: str) -> list[str]:
    """Every request the page makes that is not to `origin` (or a data: URI) is recorded and aborted."""
    leaving: list[str] = []

    def check(route) -> None:
        url = route.request.url
        if url.startswith((origin, "data:")):
            route.continue_()
            return
        if not url.startswith(OWN_ASSETS):
            leaving.append(url)
        route.abort()

    page.route("**/*", check)
    return leaving


def _assert_corpus_readable(page) -> None:
    text = page.inner_text("body")
    missing = [name for name in LABELS if name not in text]
    assert missing == []
    loaded = page.evaluate("""png => [...document.images].filter(img => img.src.endsWith(png))
                               .map(img => img.complete && img.naturalWidth)""", PNG)
    assert loaded == [1]  # the pasted 1x1 PNG is shown, once


def _assert_nothing_ran(page, dialogs: list[str], scope: str = "body") -> None:
    page.wait_for_load_state("load")
    for frame in page.frames:  # an iframe payload would run in a child frame
        assert frame.evaluate("() => window.__pwned === undefined && document.title !== 'PWNED'"), frame.url
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    live = page.evaluate("""([scope, selectors]) => selectors.filter(sel => [...document.querySelectorAll(
        scope + ' ' + sel)].some(el => (el.outerHTML || '').includes('__pwned')))""", [scope, list(LIVE)])
    assert live == []


def _submission_id(root: Path, student: str) -> str:
    ctx = CourseContext(root.resolve())
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        return gb.find_submission_notebook(A, A, student).id


@pytest.mark.parametrize("student", [HOSTILE, RAW])
def test_formgrader_submission_page_runs_nothing(formgrader, hostile_class: Path, page, student: str) -> None:
    url, token = formgrader
    dialogs = _watch(page)
    leaving = _outbound(page, url)
    page.goto(f"{url}/formgrader/submissions/{_submission_id(hostile_class, student)}/?token={token}")
    page.locator(".nbgrader_cell").first.wait_for()
    text = page.inner_text("body")
    for shown in SHOWN:
        assert shown in text, shown
    assert "[text/html shown as text]" in text and "raw output" in text
    assert page.locator("a", has_text="click me").count() == 0  # the javascript: link is text, not a link
    _assert_corpus_readable(page)
    _assert_nothing_ran(page, dialogs)
    assert leaving == []


def test_feedback_html_runs_nothing(hostile_class: Path, page) -> None:
    dialogs = _watch(page)
    leaving = _outbound(page, "file://")
    page.goto((hostile_class / "feedback" / HOSTILE / A / f"{A}.html").as_uri())
    text = page.inner_text("body")
    for shown in SHOWN:
        assert shown in text, shown
    _assert_corpus_readable(page)
    _assert_nothing_ran(page, dialogs)
    assert leaving == []


def test_dashboard_shows_payloads_as_text(lab, hostile_class: Path, page) -> None:
    dialogs = _watch(page)
    lab.open(page, "instructor/grading_dashboard_safety.ipynb")
    lab.run_all(page)
    dash = ".jp-NotebookPanel:not(.lm-mod-hidden) .ma-dashboard"
    page.locator(dash).wait_for()
    label = RubricStore.for_course(hostile_class).labels(A)[HOSTILE]
    option = page.locator(f"{dash} .ma-queue select option", has_text=label)
    page.locator(f"{dash} .ma-queue select").select_option(value=option.get_attribute("value"))
    page.locator(f"{dash} .ma-heading h3", has_text=label).wait_for()
    answer = page.locator(f"{dash} .ma-answer").inner_text()
    for shown in SHOWN:
        assert shown in answer, shown
    assert "&lt;" not in answer  # the student's own characters, not our escapes
    _assert_nothing_ran(page, dialogs, dash)

    # the whole XSS corpus as one answer: every vector is text on screen, none runs
    label = RubricStore.for_course(hostile_class).labels(A)[CORPUS]
    option = page.locator(f"{dash} .ma-queue select option", has_text=label)
    page.locator(f"{dash} .ma-queue select").select_option(value=option.get_attribute("value"))
    page.locator(f"{dash} .ma-heading h3", has_text=label).wait_for()
    answer = page.locator(f"{dash} .ma-answer").inner_text()
    assert [name for name in VECTOR_LABELS if name not in answer] == []
    assert "onerror=" in answer and "<svg" in answer  # shown as the characters typed
    _assert_nothing_ran(page, dialogs, dash)
