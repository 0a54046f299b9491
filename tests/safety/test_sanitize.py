"""The neutralising preprocessor on its own: no tag or script-y link survives nbconvert's renderer,
the text stays, instructor Markdown is untouched, and a second pass changes nothing."""

from __future__ import annotations

import copy
import html

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets.config import Config

from course_tools.grading.sanitize import NeutraliseStudentHTML, neutralise_markdown, unsafe_html, url_scheme
from tests.safety.payloads import ANSWER, HTML_OUTPUT, PAYLOADS, VISIBLE

TRICKY = [
    '[a](b "`") <img src=x onerror=alert(6)> `"`',  # a backtick in a link title is not code
    "```mermaid\n<img src=x onerror=alert(7)>\n```",  # nbconvert pastes mermaid blocks unescaped
    "- a\n  ```\n<img src=x onerror=alert(5)>\n  ```",
    "[x](javascript\\:alert(1))", "[x](\njavascript:alert(1))", "![i](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>", "$\\href{javascript:alert(1)}{x}$",
]


@pytest.mark.parametrize("text", list(PAYLOADS.values()) + TRICKY)
def test_no_tag_or_live_link_survives(text: str) -> None:
    out = neutralise_markdown(text)
    assert unsafe_html(out) == []
    rendered = markdown2html_mistune(out)
    assert "javascript:" not in "".join(a for a in rendered.split('href="')[1:2])
    assert neutralise_markdown(out) == out


@pytest.mark.parametrize("text", PAYLOADS.values())
def test_payloads_are_hostile_to_stock_nbconvert(text: str) -> None:
    rendered = markdown2html_mistune(text)
    assert unsafe_html(text) or 'href="javascript' in rendered.lower().replace("&#115;", "s")


@pytest.mark.parametrize("name", PAYLOADS)
def test_payload_text_stays_readable(name: str) -> None:
    rendered = html.unescape(markdown2html_mistune(neutralise_markdown(PAYLOADS[name])))
    assert VISIBLE[name] in rendered


def test_plain_markdown_is_untouched() -> None:
    for text in ["## Question 1 (4 points)\n\nWhat are the *two* phases?", "> a quote\n\n- one\n- two",
                 "Q&A: 3 > 2 and [a link](https://www.ilo.org) `code <b>`", "```\n<b>in a fence</b>\n```"]:
        assert neutralise_markdown(text) == text


def test_url_scheme_sees_what_a_browser_sees() -> None:
    assert url_scheme(" JaVa&#115;cript:x") == "javascript"
    assert url_scheme("java\tscript:x") == "javascript"
    assert url_scheme("javascript\\:x") == "javascript"
    assert url_scheme("https://x.org") == "https"
    assert url_scheme("notes.html") is None


def test_notebook_outputs_raw_cells_and_widgets_become_text() -> None:
    nb = nbformat.v4.new_notebook()
    output = nbformat.from_dict(copy.deepcopy(HTML_OUTPUT))
    nb.cells = [nbformat.v4.new_markdown_cell(ANSWER), nbformat.v4.new_raw_cell("<script>window.__pwned=1</script>"),
                nbformat.v4.new_code_cell("display(HTML(...))", outputs=[output])]
    nb.cells[1].metadata["raw_mimetype"] = "text/html"
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    exporter = HTMLExporter(config=Config({"HTMLExporter": {"preprocessors": [NeutraliseStudentHTML]}}))
    body, _ = exporter.from_notebook_node(nb)
    for marker in ("<img src=x onerror", "<script>window.__pwned", "<svg onload", "<b>raw output</b>"):
        assert marker not in body
    assert "&lt;script&gt;window.__pwned=1" in body  # the raw cell, as text
    assert "&lt;b&gt;raw output&lt;/b&gt;" in body  # the HTML output, as text
    assert "widget-state" not in body
    # the exporter works on a copy; the preprocessor itself is idempotent on the notebook
    once, _ = NeutraliseStudentHTML().preprocess(copy.deepcopy(nb), {})
    twice, _ = NeutraliseStudentHTML().preprocess(copy.deepcopy(once), {})
    assert once == twice
