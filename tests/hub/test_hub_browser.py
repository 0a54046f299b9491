"""The class hub in Debian's Chromium: the grading service's formgrader loads through the hub when the
instructor opens it in its own browser tab (the way that works with JupyterHub >= 4.1, nbgrader issue
#1870), and a student's JupyterLab has the Assignments panel but no formgrader.
"""

from __future__ import annotations

import pytest

from tests.support.hub import (
    ASSIGNMENT,
    GRADING,
    INSTRUCTOR,
    STUDENTS,
    ClassHub,
    RoundTrip,
    login_in_browser,
    run_in_chromium,
)
from tests.support.servers import ARTIFACTS

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.timeout(300)]


def test_instructor_formgrader_loads_in_its_own_tab(class_hub: ClassHub, round_trip: RoundTrip) -> None:
    """After the round trip: review6 is released and both submissions are collected."""
    run_in_chromium(lambda browser: _instructor_opens_formgrader(browser, class_hub))


def _instructor_opens_formgrader(browser, class_hub: ClassHub) -> None:
    context, page = login_in_browser(browser, class_hub, INSTRUCTOR)
    try:
        # The hub's home page button opens the formgrader in a new top-level tab.
        page.goto(f"{class_hub.url}/hub/home")
        with context.expect_page() as opened:
            page.click("#formgrader")
        tab = opened.value
        tab.wait_for_url("**/formgrader/manage_assignments")
        tab.locator("tr", has_text=ASSIGNMENT).first.wait_for()
        tab.close()
        response = page.goto(f"{class_hub.url}{GRADING}/formgrader")
        page.wait_for_url("**/formgrader/manage_assignments")
        row = page.locator("tr", has_text=ASSIGNMENT).first
        row.wait_for()
        assert "released" in row.inner_text().lower() or row.locator("a").count() > 0
        # The hub keeps its default `frame-ancestors 'none'`: this is why the JupyterLab tab (an
        # iframe) stays blank, and why we open the formgrader at top level instead of weakening it.
        assert "frame-ancestors 'none'" in (response.headers.get("content-security-policy") or "")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hub_formgrader.png"))
        page.goto(f"{class_hub.url}{GRADING}/formgrader/manage_submissions/{ASSIGNMENT}")
        for student in STUDENTS:
            page.locator("tr", has_text=student).first.wait_for()
    finally:
        context.close()


def test_student_lab_has_assignments_but_no_formgrader(class_hub: ClassHub) -> None:
    run_in_chromium(lambda browser: _student_sees_assignments_only(browser, class_hub))


def _student_sees_assignments_only(browser, class_hub: ClassHub) -> None:
    context, page = login_in_browser(browser, class_hub, STUDENTS[0])
    try:
        home = context.new_page()
        home.goto(f"{class_hub.url}/hub/home")
        home.locator("#start").wait_for()
        assert home.locator("#formgrader").count() == 0, "a student's hub page offers the formgrader"
        assert home.locator("#class-pulse").count() == 0, "a student's hub page offers the class pulse"
        apps = home.locator("#lesson-apps a")
        assert apps.count() == 7 and all(f"/user/{STUDENTS[0]}/voila/render/mobilizing-action/" in href
                                         for href in apps.evaluate_all("els => els.map(e => e.href)"))
        home.close()
        # After login a student lands on the overview as an app (c.Spawner.default_url for students).
        assert "/voila/render/mobilizing-action/00_overview.ipynb" in page.url, page.url
        page.locator(".ma-activity").first.wait_for(timeout=120_000)
        page.goto(f"{class_hub.url}/user/{STUDENTS[0]}/lab")
        page.wait_for_selector(".jp-LabShell", timeout=120_000)
        # No news pop-up ("Would you like to get notified about official Jupyter news?") for students.
        assert page.get_by_text("official Jupyter news").count() == 0
        # The student's own copy of the lessons is in the file browser.
        page.locator(".jp-DirListing-itemText", has_text="mobilizing-action").wait_for()
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
        assert any("Assignment List" in item for item in items), items
        assert not any("Formgrader" in item or "Course List" in item for item in items), items
        page.keyboard.press("Escape")
        page.screenshot(path=str(ARTIFACTS / "hub_student_lab.png"))
    finally:
        context.close()
