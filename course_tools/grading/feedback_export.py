"""The HTML exporter for feedback files: nbconvert's HTMLExporter without its whole-page re-parse.

nbconvert's `HTMLExporter.from_notebook_node` renders the page, then parses and re-serialises all of it
with BeautifulSoup to add two attributes: `alt` on images without one and `tabindex="0"` on cell inputs
and outputs (keyboard access). On a 10 MB submission that pass costs more than the rendering itself.
Here the same two attributes are added to the template's own markup by one regular expression each:
a student's text never matches, since every answer reaches the page escaped or cleaned by nh3
(render_safe.py), and nh3 keeps no `tabindex`. nbgrader uses it through its configurable
`GenerateFeedback.exporter_class` (coursedir.config_body), feedback.py directly.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.exporters.html import Highlight2HTML, WidgetsDataTypeFilter
from nbconvert.filters.strings import strip_files_prefix

NO_ALT = "No description has been provided for this image"
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
_FOCUSABLE = re.compile(r'<div (class="jp-Cell-inputWrapper"|(?:id="[^"]*" )?class="[^"]*\bjp-OutputArea-output\b)')


def add_accessibility(page: str) -> str:
    """What nbconvert's BeautifulSoup pass adds: alt text on images, tabindex on inputs and outputs."""
    page = _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', page)
    return _FOCUSABLE.sub(r'<div tabindex="0" \1', page)


def strip_files_prefix_fast(text: str) -> str:
    """nbconvert's `strip_files_prefix`, skipped when the text holds no `files/` at all (its lazy
    regular expressions cost 0.1 s per MB of answer even when nothing matches)."""
    return strip_files_prefix(text) if "files/" in text else text


class FeedbackExporter(HTMLExporter):
    """HTMLExporter with the accessibility attributes added without re-parsing the page, and its compiled
    templates kept between runs."""

    def _create_environment(self) -> Environment:
        """nbconvert's environment with Jinja's bytecode cache (in a private per-user temp folder): the
        ten templates of a feedback page are compiled once, not on every run (0.3 s)."""
        environment = super()._create_environment()
        environment.bytecode_cache = FileSystemBytecodeCache()
        return environment

    def default_filters(self):  # type: ignore[override]
        yield from super().default_filters()
        yield ("strip_files_prefix", strip_files_prefix_fast)

    def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:  # type: ignore[override]
        """HTMLExporter.from_notebook_node (nbconvert 7) up to the BeautifulSoup pass."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return add_accessibility(page), resources
