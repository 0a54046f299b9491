"""Every quotation a student reads matches the module (or the checked facts) word for word.

A quoted string of 12 or more characters in content/ (lessons, activities, module, data; the
instructor-only assignments have their own test in tests/rubric) must appear in the module
(content/source/module6.txt) or in the checked facts (content/source/facts.md), ignoring line
breaks, case and a trailing full stop or comma."""

from __future__ import annotations

import csv
import functools
import re

import pytest
import yaml

from tests.paths import CONTENT

QUOTE = re.compile(r'"([^"]*)"|“([^”]*)”')  # quotation marks in pairs, in order


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower().rstrip(".,;:")


@functools.cache
def sources() -> str:
    """Read once for all the parametrised cases."""
    seed = (CONTENT / "source" / "module6.txt").read_text(encoding="utf-8")
    facts = (CONTENT / "source" / "facts.md").read_text(encoding="utf-8")
    return normalise(seed + "\n" + facts)


def strings(value: object) -> list[str]:
    """Every string inside a loaded YAML document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def quotations() -> list[tuple[str, str]]:
    found = []
    for path in sorted([*CONTENT.glob("lessons/*.yaml"), *CONTENT.glob("activities/*.yaml"),
                        CONTENT / "module.yaml", *CONTENT.glob("data/*.csv")]):
        with path.open(encoding="utf-8") as handle:
            texts = ([cell for row in csv.reader(handle) for cell in row] if path.suffix == ".csv"
                     else strings(yaml.safe_load(handle)))
        for text in texts:
            for match in QUOTE.finditer(re.sub(r"\s+", " ", text)):
                quoted = match.group(1) or match.group(2) or ""
                if len(quoted) >= 12:
                    found.append((str(path.relative_to(CONTENT.parent)), quoted))
    return found


@pytest.mark.parametrize(("where", "quoted"), quotations())
def test_quotation_matches_the_module(where: str, quoted: str) -> None:
    assert normalise(quoted) in sources(), f"{where}: {quoted!r} is not in the module or facts.md"
