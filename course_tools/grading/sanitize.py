"""Neutralise student-authored HTML before any grader sees it.

formgrader and feedback render a submission with nbconvert's Markdown renderer, which passes raw
HTML through (`escape=False`) and allows `javascript:` links. An `<img src=x onerror=...>` in an
answer would then run in the instructor's authenticated Jupyter session. This preprocessor rewrites
the notebook so that no tag, script-y link or active output survives, while every word the student
wrote stays visible:

- Markdown: every `<` outside code becomes `&lt;` (a tag becomes visible text; Markdown itself still
  renders), link and image targets whose scheme is not http(s)/mailto (or `attachment:` for images)
  are disarmed by escaping their bracket. The result is rendered with nbconvert's own renderer and
  checked against an allowlist of what Markdown alone produces; if anything else appears (a parser
  corner case), the cell falls back to escaping every `<` and bracket, code included.
- Raw cells become Markdown cells escaped in that strict way (nbconvert would otherwise paste a raw
  `text/html` cell verbatim).
- Outputs keep only text/plain and raster images; HTML, SVG, JavaScript, Markdown, LaTeX and widget
  views become text/plain showing their source.

The rewrite is idempotent (only `<` is escaped, `&lt;` contains none), so it may run at autograde
time and again when formgrader or feedback renders the notebook.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
SAFE_IMAGE_SCHEMES = frozenset({"http", "https", "attachment"})
SAFE_OUTPUT_TYPES = frozenset({"text/plain", "image/png", "image/jpeg", "image/gif"})
# What nbconvert's Markdown renderer (with its default plugins and pygments) produces by itself.
SAFE_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "em", "strong", "code", "pre",
    "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "del", "span", "div",
    "dl", "dt", "dd", "input",
})
SAFE_ATTRS = frozenset({"href", "src", "alt", "title", "class", "id", "start", "style", "type", "checked",
                        "disabled", "align"})
INPUT_TYPES = frozenset({"checkbox"})

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_LINK_TARGET = re.compile(r"(?<!\\)\](\(\s*)(<[^>\n]*>|[^\s)]*)")
_DEFINITION = re.compile(r"(?<!\\)\](:[ \t]*\n?[ \t]*)(<[^>\n]*>|\S+)")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_TEX_LINK = re.compile(r"(?<!\\)\\(href|url)(\s*\{)([^}]*)")


def url_scheme(target: str) -> str | None:
    """The scheme a browser would see for a Markdown link target (entities and backslash escapes
    decoded, whitespace and control characters dropped, as browsers do), or None if relative."""
    value = _BACKSLASH_ESCAPE.sub(r"\1", target.strip().strip("<>"))
    value = _CONTROL.sub("", html.unescape(value)).lower()
    match = _SCHEME.match(value)
    return match.group(1) if match else None


def _safe_target(target: str, image: bool) -> bool:
    scheme = url_scheme(target)
    return scheme is None or scheme in (SAFE_IMAGE_SCHEMES if image else SAFE_LINK_SCHEMES)


def _disarm_links(text: str) -> str:
    """Escape the `]` of any link, image or reference definition whose target is unsafe, so the
    Markdown shows it as text."""
    def link(match: re.Match) -> str:
        opener = text.rfind("[", 0, match.start())
        image = opener > 0 and text[opener - 1] == "!"
        return match.group(0) if _safe_target(match.group(2), image) else "\\" + match.group(0)

    text = _LINK_TARGET.sub(link, text)
    # MathJax turns \href{javascript:...}{...} in math into a live link; a doubled backslash is text.
    text = _TEX_LINK.sub(lambda m: m.group(0) if _safe_target(m.group(3), False) else "\\" + m.group(0), text)
    return _DEFINITION.sub(lambda m: m.group(0) if _safe_target(m.group(2), True) and
                           _safe_target(m.group(2), False) else "\\" + m.group(0), text)


def _code_spans(line_block: str) -> list[tuple[int, int]]:
    """Spans of inline code (matching backtick runs, not after a backslash)."""
    spans, i = [], 0
    while True:
        start = line_block.find("`", i)
        if start < 0:
            return spans
        run_end = start
        while run_end < len(line_block) and line_block[run_end] == "`":
            run_end += 1
        if start > 0 and line_block[start - 1] == "\\":
            i = run_end
            continue
        run = line_block[start:run_end]
        close = re.compile(r"(?<!`)" + run + r"(?!`)").search(line_block, run_end)
        if close is None:
            i = run_end
            continue
        spans.append((start, close.end()))
        i = close.end()


def _escape_prose(text: str) -> str:
    """Escape `<` except inside inline code spans."""
    out, last = [], 0
    for start, end in _code_spans(text):
        out.append(text[last:start].replace("<", "&lt;"))
        out.append(text[start:end])
        last = end
    out.append(text[last:].replace("<", "&lt;"))
    return "".join(out)


def _segments(text: str) -> list[tuple[bool, str]]:
    """Split Markdown into (is_fenced_code, text) runs; a mermaid block counts as prose (nbconvert
    pastes its content unescaped)."""
    segments: list[tuple[bool, str]] = []
    prose: list[str] = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i].rstrip("\r\n"))
        if match and not (match.group(2)[0] == "`" and "`" in match.group(3)) and \
                not match.group(3).strip().lower().startswith("mermaid"):
            fence = match.group(2)
            closing = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
            end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j].rstrip("\r\n"))), None)
            if end is not None:
                if prose:
                    segments.append((False, "".join(prose)))
                    prose = []
                segments.append((True, "".join(lines[i:end + 1])))
                i = end + 1
                continue
        prose.append(lines[i])
        i += 1
    if prose:
        segments.append((False, "".join(prose)))
    return segments


def strict_escape(text: str) -> str:
    """No tag, no link: every `<`, bracket and backtick is escaped (code shows `&lt;` literally)."""
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")
    return text.replace("<", "&lt;")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in SAFE_ATTRS:
                self.problems.append(f"attribute {name} on <{tag}>")
            elif name in ("href", "src") and value is not None and not _safe_target(value, tag == "img"):
                self.problems.append(f"{name}={value!r}")
            elif name == "type" and (tag != "input" or value not in INPUT_TYPES):
                self.problems.append(f"type={value!r} on <{tag}>")
            elif name == "style" and value and re.search(r"url\(|expression|@import", value, re.I):
                self.problems.append(f"style={value!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def unsafe_html(markdown: str) -> list[str]:
    """What nbconvert's renderer would produce beyond plain Markdown (empty when safe)."""
    checker = _Checker()
    checker.feed(markdown2html_mistune(markdown))
    checker.close()
    return checker.problems


def neutralise_markdown(text: str) -> str:
    """Student Markdown with every tag shown as text and unsafe links disarmed (see module doc)."""
    if not any(mark in text for mark in ("<", "](", "]:", "\\href", "\\url")):
        return text  # no tag, autolink, link target or TeX link can exist without one of these
    out = "".join(chunk if code else _escape_prose(chunk) for code, chunk in _segments(text))
    out = _disarm_links(out)
    if unsafe_html(out):
        out = strict_escape(text)
    return out


def plain_text(neutralised: str) -> str:
    """The answer as the student typed it, for views that escape everything themselves (the grading
    dashboard): the one visible change neutralising makes, `<` to `&lt;`, undone."""
    return neutralised.replace("&lt;", "<")


def _as_text(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, indent=1)
    return str(value)


def neutralise_output(output: dict) -> dict:
    """Keep text/plain and raster images; show anything active as text/plain."""
    data = output.get("data")
    if not isinstance(data, dict):
        return output
    unsafe = [mime for mime in data if mime not in SAFE_OUTPUT_TYPES]
    if not unsafe:
        return output
    plain = data.get("text/plain")
    shown = [f"[{mime} shown as text]\n{_as_text(data[mime])}" for mime in unsafe]
    text = "\n".join(([_as_text(plain)] if plain else []) + shown)
    for mime in unsafe:
        del data[mime]
        output.get("metadata", {}).pop(mime, None)
    data["text/plain"] = text
    return output


def neutralise_cell(cell) -> None:
    """Rewrite one cell in place (any cell: instructor prompts have no raw HTML, so they stay as they are)."""
    if cell.cell_type == "markdown":
        source = _as_text(cell.source)
        cell.source = neutralise_markdown(source)
    elif cell.cell_type == "raw":
        cell.cell_type = "markdown"
        cell.metadata.pop("format", None)
        cell.metadata.pop("raw_mimetype", None)
        cell.source = strict_escape(_as_text(cell.source))
    for output in cell.get("outputs", []):
        neutralise_output(output)


def neutralise_notebook(nb) -> None:
    for cell in nb.cells:
        neutralise_cell(cell)
    nb.metadata.pop("widgets", None)  # saved widget views would be rendered by a JS widget manager


class NeutraliseStudentHTML(Preprocessor):
    """nbconvert/nbgrader preprocessor: no student HTML runs for a grader (see module doc)."""

    enabled = Bool(True, help="Neutralise HTML, script-y links and active outputs.").tag(config=True)

    def preprocess(self, nb, resources):
        neutralise_notebook(nb)
        return nb, resources
