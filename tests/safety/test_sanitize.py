"""What a grader is finally shown is inert: each known XSS vector, rendered by the safe Markdown
filter, and a corpus submission carried through the real autograde, feedback and formgrader, checked
with html5lib (an independent HTML5 parser) against the same page for a clean submission."""

from __future__ import annotations

import copy
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbgrader.api import Gradebook
from traitlets.config import Config

from course_tools.content.loader import Course
from course_tools.grading.feedback import feedback
from course_tools.grading.lifecycle import autograde
from course_tools.grading.render_safe import LONG_ANSWER, render_markdown
from course_tools.grading.sanitize import NeutraliseStudentHTML
from course_tools.rubric.course import CourseContext
from tests.safety.html_check import content_security_policy, dangers, image_sources, text_of
from tests.safety.payloads import ANSWER, HTML_OUTPUT
from tests.safety.xss_corpus import ATTACHMENTS, LABELS, PNG, VECTORS, corpus_cells, label
from tests.support.classroom import build_class, student_id
from tests.support.servers import course_server

A = "review6"
HOSTILE, CLEAN = student_id(1), student_id(2)


def _vector_cases() -> list[tuple[str, str, dict]]:
    cases = [(label(n, name), text, {}) for n, (name, text) in enumerate(VECTORS.items(), start=1)]
    return cases + [(label(n, name), text, att) for n, (name, (text, att)) in
                    enumerate(ATTACHMENTS.items(), start=len(VECTORS) + 1)]


def test_corpus_has_at_least_fifty_vectors() -> None:
    assert len(VECTORS) + len(ATTACHMENTS) >= 50


@pytest.mark.parametrize(("name", "text", "attachments"), _vector_cases(), ids=lambda v: v if isinstance(v, str)
                         and v.startswith("V") else "")
def test_vector_renders_inert_and_readable(name: str, text: str, attachments: dict) -> None:
    html = render_markdown(f"{name}\n\n{text}", attachments)
    assert dangers(html, fragment=True) == []
    shown = text_of(f"<body>{html}</body>")
    assert name in shown
    if text.startswith("<") and not text.startswith("<javascript"):
        assert text.split()[0].split(">")[0] in shown  # the tag the student typed is on screen as text


def test_pasted_raster_image_shows_and_nothing_else_does() -> None:
    png = render_markdown("![image.png](attachment:image.png)", {"image.png": {"image/png": PNG}})
    assert f'<img src="data:image/png;base64,{PNG}" alt="image.png">' in png
    for name in ("pasted-svg-script", "pasted-png-breakout", "pasted-html", "pasted-missing"):
        text, attachments = ATTACHMENTS[name]
        html = render_markdown(text, attachments)
        assert "<img" not in html and "not shown" in html, name


def test_a_very_long_answer_is_escaped_text_in_one_block() -> None:
    """Past LONG_ANSWER the answer is not parsed as Markdown (seconds per MB) but escaped (milliseconds)."""
    text = "An essay line with <img src=x onerror=alert(1)> and *stars*.\n" * (LONG_ANSWER // 50)
    html = render_markdown(text)
    assert dangers(html, fragment=True) == []
    assert text_of(f"<body>{html}</body>").count("<img src=x onerror=alert(1)>") == LONG_ANSWER // 50
    assert "shown as plain text" in html


@pytest.mark.parametrize("tex", [r"$\href{javascript:alert(1)}{x}$", r"\(\url{ javascript:alert(1)}\)",
                                 r"$\\\href{javascript:alert(1)}{x}$", r"$\HREF {data:text/html,x}{y}$",
                                 r"$$\href\x{y}$$"])
def test_tex_links_mathjax_would_make_live_are_text(tex: str) -> None:
    r"""MathJax (on formgrader's page) reads TeX in the page's text: `\href` to anything but http(s) or
    mailto must reach it after an even run of backslashes (a line break, then plain text)."""
    shown = text_of(f"<body>{render_markdown(tex)}</body>")
    for start in [i for i in range(len(shown)) if shown.lower().startswith(("href", "url"), i)]:
        run = len(shown[:start]) - len(shown[:start].rstrip("\\"))
        assert run % 2 == 0, shown
    safe = render_markdown(r"$\href{https://www.ilo.org}{ILO}$")
    assert r"$\href{https://www.ilo.org}{ILO}$" in text_of(f"<body>{safe}</body>")  # a web link is kept


def test_plain_markdown_still_renders() -> None:
    html = render_markdown("## Question 1\n\nThe *two* phases, [ILO](https://www.ilo.org), `code <b>`, "
                           "3 > 2 & so on.\n\n- one\n- two\n\n```python\nx = '<b>'\n```")
    for part in ("<h2>Question 1</h2>", "<em>two</em>", 'href="https://www.ilo.org"', "<code>code &lt;b&gt;</code>",
                 "3 &gt; 2 &amp; so on", "<li>one</li>", 'class="highlight"'):
        assert part in html, part


def test_exporter_with_only_the_preprocessor_renders_safely() -> None:
    """A course config that lists NeutraliseStudentHTML but not the filter still gets the safe filter;
    raw cells, HTML/JS/SVG outputs and widget state become text."""
    nb = nbformat.v4.new_notebook()
    output = nbformat.from_dict(copy.deepcopy(HTML_OUTPUT))
    nb.cells = [nbformat.v4.new_markdown_cell(ANSWER), nbformat.v4.new_raw_cell("<script>window.__pwned=1</script>"),
                nbformat.v4.new_code_cell("display(HTML(...))", outputs=[output]), *corpus_cells()]
    nb.cells[1].metadata["raw_mimetype"] = "text/html"
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    exporter = HTMLExporter(config=Config({"HTMLExporter": {"preprocessors": [NeutraliseStudentHTML]}}))
    body, _ = exporter.from_notebook_node(nb)
    clean, _ = HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x")]))
    assert Counter(dangers(body)) - Counter(dangers(clean)) == Counter()
    shown = text_of(body)
    assert "<script>window.__pwned=1</script>" in shown and "<b>raw output</b>" in shown
    assert all(name in shown for name in LABELS)
    assert "widget-state" not in body
    once, _ = NeutraliseStudentHTML().preprocess(copy.deepcopy(nb), {})
    twice, _ = NeutraliseStudentHTML().preprocess(copy.deepcopy(once), {})
    assert once == twice


@pytest.fixture(scope="module")
def corpus_class(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course where one student's submission holds the whole corpus (one cell per vector, pasted
    images included) and the issue's payload in an answer cell; autograded and given feedback."""
    root = tmp_path_factory.mktemp("corpus") / "course"
    build_class(root, course, 2, special={1: {"q1": VECTORS["comment-in-code-span"]}})
    path = root / "submitted" / HOSTILE / A / f"{A}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.extend(corpus_cells())
    nbformat.write(nb, path)
    assert autograde(root, A, force=True, workers=1) == 2  # the pasted images do not stop grading
    feedback(root, A, release_it=False)
    return root


@pytest.fixture(scope="module")
def formgrader_pages(corpus_class: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """formgrader's submission page (as served) for the corpus student and for a clean one."""
    ctx = CourseContext(corpus_class.resolve())
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        ids = {s: gb.find_submission_notebook(A, A, s).id for s in (HOSTILE, CLEAN)}
    with course_server(corpus_class, tmp_path_factory.mktemp("formgrader_corpus")) as (url, token):
        pages = {}
        for student, sid in ids.items():
            with urllib.request.urlopen(f"{url}/formgrader/submissions/{sid}/?token={token}", timeout=60) as page:
                assert page.status == 200
                pages[student] = page.read().decode("utf-8")
        yield pages


def _feedback(root: Path, student: str) -> str:
    return (root / "feedback" / student / A / f"{A}.html").read_text(encoding="utf-8")


def test_feedback_html_is_inert_readable_and_has_a_csp(corpus_class: Path) -> None:
    hostile, clean = _feedback(corpus_class, HOSTILE), _feedback(corpus_class, CLEAN)
    assert Counter(dangers(hostile)) - Counter(dangers(clean)) == Counter()
    shown = text_of(hostile)
    assert all(name in shown for name in LABELS)
    assert "Ordinary looking answer." in shown and "onerror=" in shown
    assert f"data:image/png;base64,{PNG}" in image_sources(hostile)
    assert not any("svg" in src for src in image_sources(hostile))
    policy = content_security_policy(hostile)
    assert policy is not None and "default-src 'none'" in policy and "script-src" not in policy


def test_formgrader_page_is_inert_and_readable(formgrader_pages: dict[str, str]) -> None:
    hostile, clean = formgrader_pages[HOSTILE], formgrader_pages[CLEAN]
    extra = Counter(dangers(hostile)) - Counter(dangers(clean))
    assert extra == Counter(), extra
    shown = text_of(hostile)
    assert all(name in shown for name in LABELS)
    assert f"data:image/png;base64,{PNG}" in image_sources(hostile)


def test_names_formgrader_pastes_into_its_page_are_escaped() -> None:
    """Issue #22 M4: nbgrader's formgrade template shows resources' names unescaped."""
    import nbformat
    from nbconvert import HTMLExporter

    from course_tools.grading.sanitize import NeutraliseStudentHTML

    exporter = HTMLExporter()
    exporter.register_preprocessor(NeutraliseStudentHTML(parent=exporter), enabled=True)
    resources = {"student": "s1", "first_name": "<img src=x onerror=alert(1)>", "last_name": "O'Brien & Co"}
    _, out = exporter.from_notebook_node(nbformat.v4.new_notebook(), resources=resources)
    assert out["first_name"] == "&lt;img src=x onerror=alert(1)&gt;" and out["last_name"] == "O&#x27;Brien &amp; Co"
    assert resources["first_name"].startswith("<img")  # the caller's dict is not changed
