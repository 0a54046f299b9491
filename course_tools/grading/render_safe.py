"""Render a notebook's Markdown to HTML that is safe to show a grader.

nbconvert's own `markdown2html` pastes raw HTML through and embeds any attachment (SVG included).
This filter, installed in place of it for every HTML view of a submission (formgrader's page, the
feedback files), decides safety in two independent steps, neither of them a hand-written tag check:

1. mistune renders the Markdown with raw HTML escaped as text (a student's `<img onerror>` shows as
   the characters they typed), links other than http(s)/mailto shown as text, pasted images
   (`attachment:`) embedded only as PNG/JPEG/GIF data URIs, other attachments (SVG, ...) as a note
   saying why, remote images as links (a grader's page loads nothing from elsewhere).
2. The HTML is cleaned by nh3 (Ammonia on html5ever, a browser-grade HTML5 parser) with an allowlist of
   tags, attributes and URL forms. Whatever step 1 missed cannot survive step 2.

An answer longer than LONG_ANSWER is not parsed as Markdown at all but escaped into one block (pure
Python Markdown parsing costs seconds per megabyte). TeX links MathJax would make live get a second
backslash. The result is final: the templates insert it as is; nbconvert's HTMLExporter then re-parses
the whole page with BeautifulSoup (tests check that final page with html5lib).
"""

from __future__ import annotations

import base64
import binascii
import html
import importlib.util
import re
from collections.abc import Mapping
from pathlib import Path

import nh3
from jinja2 import pass_context
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

LONG_ANSWER = 100_000  # characters of Markdown rendered as Markdown; longer ones as plain text
RASTER_TYPES = ("image/png", "image/jpeg", "image/gif")
LINK_SCHEMES = ("http:", "https:", "mailto:")
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "del", "span", "div", "dl", "dt", "dd", "sup",
    "sub", "input",
}
ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"},
    "span": {"class"}, "div": {"class"}, "code": {"class"}, "pre": {"class"},
    "input": {"type", "checked", "disabled"},
}
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*\Z")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")
# MathJax (formgrader loads it) turns \href{javascript:...} in any TeX it finds into a live link.
# An odd run of backslashes before href/url is a command; an even one is text.
_TEX_LINK = re.compile(r"(?<!\\)((?:\\\\)*)\\(href|url)(?!\s*\{\s*(?:https?|mailto):)", re.I)


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Keep a URL only in a form that cannot run or fetch anything: web and mail links, in-page
    anchors, raster data URIs for images; a task-list `input` only as a disabled checkbox."""
    if name == "href":
        return value if value.lower().startswith(LINK_SCHEMES) or value.startswith("#") else None
    if name == "src":
        return value if _DATA_IMAGE.match(value) else None
    if name == "type":
        return value if value == "checkbox" else None
    return value


_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_attribute, strip_comments=True,
                       link_rel="noopener noreferrer nofollow", url_schemes={"http", "https", "mailto", "data"},
                       clean_content_tags={"script", "style"}, set_tag_attribute_values={"input": {"disabled": ""}})


def clean_html(fragment: str) -> str:
    """The allowlist sanitiser (nh3) every rendered fragment goes through."""
    return _CLEANER.clean(fragment)


def raster_data_uri(attachment: object) -> str | None:
    """A data: URI for the first PNG, JPEG or GIF in an attachment bundle whose data is base64."""
    if not isinstance(attachment, Mapping):
        return None
    for mime in RASTER_TYPES:
        data = attachment.get(mime)
        if isinstance(data, list):
            data = "".join(str(part) for part in data)
        if isinstance(data, str) and _BASE64.match(data):
            try:
                base64.b64decode(data, validate=False)
            except (binascii.Error, ValueError):
                continue
            return f"data:{mime};base64,{''.join(data.split())}"
    return None


def _why_not(attachment: object) -> str:
    if not isinstance(attachment, Mapping):
        return "it is missing from the cell"
    if any(mime in attachment for mime in RASTER_TYPES):
        return "its data is not valid base64"
    kinds = ", ".join(str(mime) for mime in attachment) or "no data"
    return f"{kinds}; only PNG, JPEG and GIF are shown"


class EscapingRenderer(IPythonRenderer):
    """nbconvert's renderer with raw HTML escaped, no harmful protocols, no mermaid pass-through,
    pasted images as raster data URIs only and remote images as links (see module doc)."""

    def __init__(self, attachments: Mapping | None = None) -> None:
        super().__init__(escape=True, allow_harmful_protocols=False, exclude_anchor_links=True,
                         attachments=dict(attachments) if isinstance(attachments, Mapping) else {})

    def block_mermaidjs(self, code: str) -> str:
        return super(IPythonRenderer, self).block_code(code)  # shown as code, not handed to mermaid.js

    def multiline_math(self, text: str) -> str:
        return self.escape_html(text)  # nbconvert returns it unescaped

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if url.strip().lower().startswith(LINK_SCHEMES):
            return super().link(text, url, title)
        return f"[{text}]({html.escape(url)})"  # any other target stays visible, as text

    def image(self, text: str, url: str, title: str | None = None) -> str:
        alt = html.escape(text)
        if url.startswith("attachment:"):
            name = url[len("attachment:"):]
            uri = raster_data_uri(self.attachments.get(name))
            if uri is not None:
                return f'<img src="{uri}" alt="{alt}">'
            return f"<em>[pasted image {html.escape(name)} not shown: {_why_not(self.attachments.get(name))}]</em>"
        label = f"[image: {alt or 'no description'}]"
        if url.lower().startswith(("http:", "https:")):
            return f'<a href="{html.escape(url)}">{label}</a>'  # a link a grader may follow, not a fetch
        return f"{label} ({html.escape(url)})"


def plain_text_block(source: str) -> str:
    """Text escaped in one block that keeps its line breaks: one pass, three tags whatever the size."""
    note = (f"<p><em>[A long answer ({len(source.encode()) // 1000} kB): shown as plain text, not rendered "
            f"as Markdown.]</em></p>\n")
    return f'{note}<div style="white-space: pre-wrap">{html.escape(source)}</div>\n'


def render_markdown(source: str, attachments: Mapping | None = None) -> str:
    """Markdown to HTML that is safe to show a grader. Past LONG_ANSWER characters (no essay is that
    long; a pasted dump is) the text is shown as plain paragraphs: Markdown parsing in pure Python
    costs seconds per megabyte, escaping costs milliseconds."""
    if len(source) > LONG_ANSWER:
        html_text = plain_text_block(source)  # escaped text in fixed tags: nothing for nh3 to find
    else:
        html_text = clean_html(MarkdownWithMath(renderer=EscapingRenderer(attachments)).render(source))
    return disarm_tex_links(html_text)


def disarm_tex_links(html_text: str) -> str:
    """A TeX link to anything but http(s)/mailto gets a second backslash (a TeX line break, then text)."""
    return _TEX_LINK.sub(r"\1\\\\\2", html_text) if "\\" in html_text else html_text


@pass_context
def markdown2html(context, source: str) -> str:
    """Jinja filter replacing nbconvert's `markdown2html` (the cell's attachments come from the context)."""
    cell = context.get("cell", {})
    attachments = cell.get("attachments", {}) if isinstance(cell, Mapping) else {}
    return render_markdown(source if isinstance(source, str) else str(source), attachments)


def feedback_template_dirs() -> list[str]:
    """Template folders for feedback files: ours (`course_feedback`, nbgrader's page plus a CSP) and
    nbgrader's own (`feedback`, which it extends)."""
    spec = importlib.util.find_spec("nbgrader")  # its folder, without importing nbgrader (1-2 s)
    assert spec is not None and spec.submodule_search_locations, "nbgrader is a dependency"
    nbgrader_templates = Path(spec.submodule_search_locations[0]) / "server_extensions" / "formgrader" / "templates"
    return [str(Path(__file__).parent / "templates"), str(nbgrader_templates)]
