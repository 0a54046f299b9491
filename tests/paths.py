"""Where things are in the checkout."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
NOTEBOOKS = REPO / "notebooks"
