"""axe-core (axe-playwright-python) on our own pages and widgets: serious and critical violations
fail the test; every audited page is listed, with its counts, at the end of the pytest run."""

from __future__ import annotations

from pathlib import Path

import pytest

REPORT: list[str] = []
BLOCKING = ("serious", "critical")


def audit(page, name: str, include: list[str], exclude: list[str] = ()) -> list[dict]:
    """Run axe on the parts of `page` matched by `include` (less `exclude`); return the serious and
    critical violations (each line of the report names the page, the rule and the nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"include": [[s] for s in include], "exclude": [[s] for s in exclude]}
    response = Axe().run(page, context=context, options={"resultTypes": ["violations"]}).response
    violations = response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    minor = sorted({f"{v['id']} ({v.get('impact')})" for v in violations if v not in blocking})
    REPORT.append(f"{name}: {len(blocking)} serious/critical, {len(violations) - len(blocking)} minor"
                  + (f" [{', '.join(minor)}]" if minor else ""))
    return blocking


def explain(blocking: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> "
                     + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5]) for v in blocking)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("accessibility (axe-core) per page")
        for line in REPORT:
            terminalreporter.write_line(line)
        out = Path(__file__).resolve().parents[2] / "artifacts" / "browser" / "axe_report.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(REPORT) + "\n", encoding="utf-8")
