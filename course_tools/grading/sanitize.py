"""Take out of a submission what no Markdown renderer should ever see as markup.

Student Markdown is made safe where it is rendered (course_tools/grading/render_safe.py: raw HTML
escaped, then an nh3 allowlist), so the answer's text is kept exactly as the student wrote it. This
preprocessor handles what the Markdown filter does not:

- Outputs keep only text/plain and raster images whose data is base64 (no `filenames`, which would
  point an `<img>` elsewhere); HTML, SVG, JavaScript, Markdown, LaTeX and widget views become
  text/plain showing their source.
- Raw cells become Markdown cells with brackets, backticks and backslashes escaped (nbconvert would
  paste a raw `text/html` cell verbatim).
- Saved widget state is dropped (a JS widget manager would render it).
- On an HTML exporter (formgrader's page, feedback files) it also installs the safe `markdown2html`
  filter, so a course config that lists only this preprocessor still renders Markdown safely, and
  HTML-escapes the student's id and names that formgrader hands the page (its template pastes them
  in unescaped: a roster name `<img src=x onerror=...>` would run in the grader's session).

The rewrite is idempotent, so it may run at autograde time and again when a submission is rendered.
"""

from __future__ import annotations

import html
import json
import re

from nbconvert.exporters import TemplateExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from course_tools.grading.render_safe import RASTER_TYPES, markdown2html

# What formgrader's submission page (nbgrader's formgrade template) shows from `resources` without escaping.
NAME_RESOURCES = ("student", "first_name", "last_name")
SAFE_OUTPUT_TYPES = frozenset({"text/plain", *RASTER_TYPES})
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")


def strict_escape(text: str) -> str:
    """No link, no code span, no emphasis by backslash tricks: backslashes, backticks and brackets
    escaped (tags need nothing: the safe renderer shows every `<` as text)."""
    return text.replace("\\", "\\\\").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")


def plain_text(graded: str) -> str:
    """The answer as the student typed it, for views that escape everything themselves (the grading
    dashboard). Graded copies made before rendering became safe held `<` as `&lt;`: undone here."""
    return graded.replace("&lt;", "<")


def _as_text(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, indent=1)
    return str(value)


def _active(mime: str, value: object) -> bool:
    """A mime bundle entry that is not plain text or a raster image given as base64 text."""
    if mime not in SAFE_OUTPUT_TYPES:
        return True
    return mime != "text/plain" and not (isinstance(value, str) and _BASE64.match(value))


def neutralise_output(output: dict) -> dict:
    """Keep text/plain and raster images; show anything active as text/plain."""
    metadata = output.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("filenames", None)
    data = output.get("data")
    if not isinstance(data, dict):
        return output
    unsafe = [mime for mime, value in data.items() if _active(mime, value)]
    if not unsafe:
        return output
    plain = data.get("text/plain")
    shown = [f"[{mime} shown as text]\n{_as_text(data[mime])}" for mime in unsafe]
    text = "\n".join(([_as_text(plain)] if plain else []) + shown)
    for mime in unsafe:
        del data[mime]
        if isinstance(metadata, dict):
            metadata.pop(mime, None)
    data["text/plain"] = text
    return output


def neutralise_cell(cell) -> None:
    """Rewrite one cell in place: raw cells become escaped Markdown, outputs lose active types
    (Markdown is left as written: render_safe makes it safe when it is shown)."""
    if cell.cell_type == "raw":
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


def escape_names(resources: dict) -> None:
    """HTML-escape the names formgrader passes to its page (each exporter run gets a fresh dict)."""
    for key in NAME_RESOURCES:
        if isinstance(resources.get(key), str):
            resources[key] = html.escape(resources[key])


class NeutraliseStudentHTML(Preprocessor):
    """nbconvert/nbgrader preprocessor: no student HTML runs for a grader (see module doc)."""

    enabled = Bool(True, help="Neutralise HTML, script-y links and active outputs.").tag(config=True)

    def preprocess(self, nb, resources):
        if isinstance(self.parent, TemplateExporter):
            self.parent.environment.filters["markdown2html"] = markdown2html
            escape_names(resources)
        neutralise_notebook(nb)
        return nb, resources
