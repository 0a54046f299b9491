"""Browser-test helpers shared by the JupyterLab and the app-view (Voila) tests."""

from __future__ import annotations


def answer_first_control(activity) -> tuple[str, str]:
    """Answer an activity by its first control, press Check; return (activity id, feedback text)."""
    activity.scroll_into_view_if_needed()
    classes = activity.get_attribute("class") or ""
    activity_id = next(c.removeprefix("ma-activity-") for c in classes.split() if c.startswith("ma-activity-"))
    if activity.locator("input[type=radio]").count():
        activity.locator("input[type=radio]").first.check()
    elif activity.locator("input[type=checkbox]").count():
        activity.locator("input[type=checkbox]").first.check()
    elif activity.locator("select").count():
        activity.locator("select").first.select_option(index=1)
    activity.locator("button.ma-check").click()
    activity.locator(".ma-status").get_by_text("Saved.", exact=True).wait_for()
    feedback = activity.locator(".ma-feedback")
    feedback.locator("li").first.wait_for()
    return activity_id, feedback.inner_text()
