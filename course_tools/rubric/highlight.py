"""An answer as safe HTML: escaped first, then the key points' terms wrapped in <mark>.

The order matters: a student's answer is untrusted text (formgrader renders it as live HTML, so an
`<img onerror=...>` runs in the grader's session); escaping before marking means the only markup
in the result is ours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    escaped = sorted({html.escape(t.strip()) for t in terms if t.strip()}, key=len, reverse=True)
    if not escaped:
        return None
    return re.compile(r"(?<![\w&#])(" + "|".join(re.escape(t) for t in escaped) + r")(?!\w)", re.IGNORECASE)


def highlight(text: str, key_points: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, list[str]]]:
    """(HTML, key point id -> terms found). Longest terms win; marks never nest."""
    owner: dict[str, str] = {}
    for kp_id, terms in key_points.items():
        for term in terms:
            owner.setdefault(html.escape(term.strip()).lower(), kp_id)
    safe = html.escape(text)
    pattern = _pattern([t for terms in key_points.values() for t in terms])
    found: dict[str, list[str]] = {}
    if pattern is None:
        return safe, found

    def mark(match: re.Match[str]) -> str:
        kp_id = owner[match.group(1).lower()]
        term = html.unescape(match.group(1)).lower()
        if term not in found.setdefault(kp_id, []):
            found[kp_id].append(term)
        return f'<mark class="ma-kp" title="key point: {kp_id}">{match.group(1)}</mark>'

    return pattern.sub(mark, safe), found
