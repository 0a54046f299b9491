"""An answer as safe HTML: the key points' terms wrapped in <mark>, every other character escaped.

A student's answer is untrusted text (formgrader renders it as live HTML, so an `<img onerror=...>`
runs in the grader's session): the answer is cut into plain-text pieces and each piece is escaped,
so the only markup in the result is ours.

Terms match by word stem (Snowball's English stemmer), after mapping British -ise/-isation spellings
to -ize/-ization, so "review" finds "reviews" and "publicize" finds "publicise". Generic words that
would mark noise in every answer ("change", "national", "ilo") are never matched on their own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+(?:['’]\w+)*")
GAP = re.compile(r"[\s\-‐–—/]*")  # what may sit between the words of a multi-word term
ISE = re.compile(r"(?<=\w\w)is(e|ed|es|ing|ation|ations|er|ers)$")
GENERIC_TERMS = frozenset({
    "change", "national", "ilo", "policy", "policies", "globalization", "globalisation", "social", "report",
    "action", "international", "organization", "organizations", "organisation", "organisations", "level",
    "countries", "country", "system", "work", "people",
})
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """One comparable form for a word: lower case, -ise spelled -ize, then stemmed."""
    return _STEMMER.stemWord(ISE.sub(r"iz\1", word.lower().replace("’", "'")))


def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(m.group(0)) for m in WORD.finditer(text))


def is_generic(term: str) -> bool:
    """A one-word term too common in this course to show that an answer uses a key point."""
    words = stems(term)
    return len(words) == 1 and words[0] in {stem(g) for g in GENERIC_TERMS}


def _terms(key_points: Mapping[str, Sequence[str]]) -> list[tuple[tuple[str, ...], str]]:
    """(stems of the term, key point id), longest first; the first key point to name a term owns it."""
    owned: dict[tuple[str, ...], str] = {}
    for kp_id, terms in key_points.items():
        for term in terms:
            words = stems(term)
            if words and not is_generic(term):
                owned.setdefault(words, kp_id)
    return sorted(owned.items(), key=lambda pair: len(pair[0]), reverse=True)


def find_terms(text: str, key_points: Mapping[str, Sequence[str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, key point id) spans of `text`, longest terms first."""
    words = list(WORD.finditer(text))
    forms = [stem(m.group(0)) for m in words]
    taken = [False] * len(words)
    spans = []
    for term, kp_id in _terms(key_points):
        n = len(term)
        for i in range(len(words) - n + 1):
            if any(taken[i:i + n]) or tuple(forms[i:i + n]) != term:
                continue
            if any(not GAP.fullmatch(text[words[j].end():words[j + 1].start()]) for j in range(i, i + n - 1)):
                continue
            taken[i:i + n] = [True] * n
            spans.append((words[i].start(), words[i + n - 1].end(), kp_id))
    return sorted(spans)


def highlight(text: str, key_points: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, list[str]]]:
    """(HTML, key point id -> the words found, lower case). Marks never nest."""
    out, found, at = [], {}, 0
    for start, end, kp_id in find_terms(text, key_points):
        word = text[start:end]
        if word.lower() not in found.setdefault(kp_id, []):
            found[kp_id].append(word.lower())
        out.append(html.escape(text[at:start]))
        out.append(f'<mark class="ma-kp" title="key point: {html.escape(kp_id)}">{html.escape(word)}</mark>')
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out), found
