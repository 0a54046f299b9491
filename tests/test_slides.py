"""Slides (jupyterlab-rise metadata) and 'Open as app' links written by `course-tools build`."""

from __future__ import annotations

import nbformat

from course_tools.content.loader import Course
from course_tools.generate.apps import app_url
from course_tools.generate.notebooks import lesson_filename
from course_tools.generate.slides import add_slides, slide_type
from tests.paths import NOTEBOOKS


def _shown(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.metadata["slideshow"]["slide_type"] != "skip"]


def test_each_lesson_is_a_slideshow_title_points_activities_discussion_last(course: Course) -> None:
    for lesson_id in course.module.lessons:
        nb = nbformat.read(NOTEBOOKS / lesson_filename(course, lesson_id), as_version=4)
        shown = _shown(nb)
        assert nb.metadata["rise"]["scroll"] is True
        assert shown[0].metadata["slideshow"]["slide_type"] == "slide" and shown[0].source.startswith("# ")
        assert shown[-1].metadata["course"]["role"] == "discussion", lesson_id
        discussion = [c.source for c in shown if c.metadata["course"]["role"] == "discussion"]
        assert shown[-len(discussion):] == [c for c in shown if c.metadata["course"]["role"] == "discussion"]
        assert any(course.lessons[lesson_id].discussion_prompt in text for text in discussion)  # then its answer box
        activity_cells = [c for c in nb.cells if c.cell_type == "code" and "ct.activity(" in c.source]
        assert len(activity_cells) == len(course.activities[lesson_id].activities)
        assert all(c.metadata["slideshow"]["slide_type"] == "slide" for c in activity_cells), lesson_id
        for point in course.lessons[lesson_id].points:  # one slide per point of the module
            holding = [c for c in nb.cells if point.text in c.source]
            assert len(holding) == 1 and holding[0].metadata["slideshow"]["slide_type"] == "slide"
        setup = [c for c in nb.cells if "ct.start(" in c.source]
        assert setup[0].metadata["slideshow"]["slide_type"] == "skip"  # runs before the show
        slides_text = "\n".join(c.source for c in shown)
        for lesson in course.lessons.values():
            assert lesson.instructor_note not in slides_text


def test_instructor_and_untagged_cells() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# T", metadata={"course": {"role": "title"}}),
        nbformat.v4.new_markdown_cell("Discuss", metadata={"course": {"role": "discussion"}}),
        nbformat.v4.new_markdown_cell("Key points", metadata={"course": {"role": "takeaways"}}),
        nbformat.v4.new_markdown_cell("Say this slowly", metadata={"course": {"role": "instructor"}}),
        nbformat.v4.new_markdown_cell("untagged"),
    ])
    add_slides(nb)
    assert [c.source for c in nb.cells] == ["# T", "Key points", "Say this slowly", "untagged", "Discuss"]
    assert [slide_type(c) for c in nb.cells] == ["slide", "slide", "skip", "-", "slide"]


def test_every_lesson_links_to_its_app_view(course: Course) -> None:
    for lesson_id in course.module.lessons:
        name = lesson_filename(course, lesson_id)
        title = nbformat.read(NOTEBOOKS / name, as_version=4).cells[0].source
        assert f"[▶ Open as app]({app_url(name)})" in title
        assert (NOTEBOOKS / app_url(name).removeprefix("/voila/render/notebooks/")).is_file()
