"""The seed parser finds every bullet of the module, and the content's copy is the module."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from course_tools.seed import parse_seed
from tests.paths import CONTENT, REPO

SHARED_SEED = REPO.parent / "shared" / "seeds" / "000_9298e1636b07a2db.txt"


def test_parser_counts_every_bullet_of_the_module() -> None:
    headings = yaml.safe_load((CONTENT / "module.yaml").read_text(encoding="utf-8"))["seed_headings"]
    bullets = parse_seed((CONTENT / "source" / "module6.txt").read_text(encoding="utf-8"), headings)
    by_kind: dict[str, int] = {}
    for bullet in bullets:
        by_kind[bullet.kind] = by_kind.get(bullet.kind, 0) + 1
    # 4+4+5+3+5+3+2 bullets, 5+7 sub-bullets, 2 lead-ins, 6 review questions
    assert by_kind == {"bullet": 26, "sub-bullet": 12, "lead": 2, "question": 6}
    ids = [b.id for b in bullets]
    assert len(ids) == len(set(ids))
    assert "policy-dialogue.3.2" in ids and "institutional-support.2" in ids


def test_sub_bullets_belong_to_their_parent() -> None:
    text = "Action: POLICY FORUM\n- First.\n - Sub one.\n - Sub two.\n- Second.\n"
    assert [b.id for b in parse_seed(text)] == [
        "policy-forum.1", "policy-forum.1.1", "policy-forum.1.2", "policy-forum.2"]


@pytest.mark.skipif(not SHARED_SEED.is_file(), reason="shared/ seed not beside this checkout")
def test_content_copy_is_the_shared_seed() -> None:
    assert (CONTENT / "source" / "module6.txt").read_bytes() == Path(SHARED_SEED).read_bytes()
