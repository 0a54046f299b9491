"""Key-point marking: inflections and British/American spellings match, generic words do not, and
the result is escaped text with only our <mark> tags."""

from __future__ import annotations

import re

from course_tools.content.loader import Course
from course_tools.rubric.highlight import highlight, is_generic

MARK = re.compile(r'<mark class="ma-kp" title="key point: ([^"]+)">(.*?)</mark>')


def marked(text: str, key_points: dict[str, list[str]]) -> list[tuple[str, str]]:
    return MARK.findall(highlight(text, key_points)[0])


def test_inflections_and_ise_ize_spellings_match() -> None:
    kps = {"reviews": ["review"], "phase-one": ["publicize", "build support"], "mandate": ["political mandate"]}
    text = ("Countries should hold regular Reviews. The Report was publicised, then publicizing went on, "
            "building support; organisations lack political mandates.")
    assert marked(text, kps) == [("reviews", "Reviews"), ("phase-one", "publicised"), ("phase-one", "publicizing"),
                                 ("phase-one", "building support"), ("mandate", "political mandates")]
    assert highlight(text, kps)[1]["phase-one"] == ["publicised", "publicizing", "building support"]


def test_generic_terms_mark_nothing_but_phrases_with_them_do() -> None:
    kps = {"noise": ["change", "national", "ILO"], "dialogue": ["national dialogues"]}
    text = "The ILO wants change at the national level; national dialogues help."
    assert marked(text, kps) == [("dialogue", "national dialogues")]
    assert is_generic("Change") and is_generic("changes") and not is_generic("national dialogues")


def test_a_multi_word_term_does_not_run_across_a_sentence() -> None:
    kps = {"phase": ["first phase"]}
    assert marked("It came first. Phase two followed.", kps) == []
    assert marked("the first-phase work", kps) == [("phase", "first-phase")]


def test_markup_in_an_answer_stays_text_even_around_a_term() -> None:
    text = '<img src=x onerror="alert(1)"><b>publicise</b> & <script>review</script>'
    html, found = highlight(text, {"kp": ["publicize", "review"]})
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert html == ('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;b&gt;<mark class="ma-kp" '
                    'title="key point: kp">publicise</mark>&lt;/b&gt; &amp; &lt;script&gt;<mark class="ma-kp" '
                    'title="key point: kp">review</mark>&lt;/script&gt;')
    assert found == {"kp": ["publicise", "review"]}


def test_no_content_term_is_generic(course: Course) -> None:
    """A generic word as a term would light up every answer: content must not use one."""
    from course_tools.generate.assignments import gradable_assignments

    generic = [(a.id, q.id, k.id, t) for a in gradable_assignments(course).values() for q in a.questions
               for k in q.instructor.key_points for t in k.terms if is_generic(t)]
    assert generic == []
