"""Slideshow metadata for jupyterlab-rise, derived from each lesson cell's role.

The lesson builder tags every cell with `metadata["course"]["role"]`; this post-pass turns roles into
RISE's `metadata["slideshow"]["slide_type"]`, so `course-tools build` keeps slides in step with the text:
a title slide, one slide per point, each activity live on a slide of its own, the discussion prompt
last. Set-up code and navigation are skipped (the instructor runs all cells before presenting), and
instructor notes never reach a slide.
"""

from __future__ import annotations

from nbformat import NotebookNode

# role -> slide type for Markdown cells and for code cells (RISE: slide, subslide, fragment, skip, notes, -).
SLIDE_TYPES: dict[str, tuple[str, str]] = {
    "title": ("slide", "slide"),
    "objectives": ("-", "-"),          # shown under the title
    "hook": ("slide", "slide"),
    "setup": ("skip", "skip"),         # runs before the show, says nothing to the room
    "point": ("slide", "slide"),
    "table": ("slide", "slide"),
    "why": ("slide", "slide"),
    "activity": ("skip", "slide"),     # the "run each cell" instructions skip; each activity gets a slide
    "takeaways": ("slide", "slide"),
    "progress": ("skip", "skip"),      # a student's own progress is not for the projector
    "discussion": ("slide", "-"),      # the answer box sits under the prompt on the last slide
    "navigation": ("skip", "skip"),
    "instructor": ("skip", "skip"),    # instructor notes: never on a slide
}
# How the slideshow behaves: long activities scroll inside their slide; no animation to wait for.
RISE_SETTINGS = {"autolaunch": False, "scroll": True, "transition": "none", "enable_chalkboard": False}


def role_of(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("course", {}).get("role")


def slide_type(cell: NotebookNode) -> str:
    """The RISE slide type of one cell; an untagged cell continues the current slide."""
    role = role_of(cell)
    if role not in SLIDE_TYPES:
        return "-"
    markdown, code = SLIDE_TYPES[role]
    return code if cell.cell_type == "code" else markdown


def add_slides(nb: NotebookNode) -> NotebookNode:
    """Write slideshow metadata on every cell and RISE settings on the notebook; move the
    discussion slide to the end of the shown slides (only skipped cells may follow it)."""
    for cell in nb.cells:
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell)}
    discussion = [c for c in nb.cells if role_of(c) == "discussion"]
    if discussion:
        rest = [c for c in nb.cells if role_of(c) != "discussion"]
        shown = [i for i, c in enumerate(rest) if c.metadata["slideshow"]["slide_type"] != "skip"]
        at = shown[-1] + 1 if shown else len(rest)
        nb.cells = rest[:at] + discussion + rest[at:]
    nb.metadata["rise"] = dict(RISE_SETTINGS)
    return nb
