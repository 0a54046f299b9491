"""Browser fixtures, reusable by any test that drives JupyterLab in Debian's Chromium.

One JupyterLab server per session (free loopback port, random token, root_dir = a temp copy of
notebooks/, a fresh progress file via $MOBILIZING_PROGRESS) and one Chromium context. Under CI=true
a missing Chromium fails the tests; elsewhere they are skipped with the reason.

Helpers: `lab.open(page, "00_overview.ipynb")`, `lab.run_all(page)`, `lab.wait_idle(page)`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import CONTENT, NOTEBOOKS, REPO
from tests.support.servers import (
    ARTIFACTS,
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    require_chromium,
    wait_for_server,
)


@dataclass
class Lab:
    """A running JupyterLab server and helpers to drive notebooks in it."""

    url: str
    token: str
    root: Path
    progress: Path
    log: Path

    def open(self, page, notebook: str, timeout: float = 60_000) -> None:
        """Open a notebook (path relative to the server root) in a fresh workspace, and wait until
        its kernel is connected and idle."""
        workspace = f"t{secrets.token_hex(4)}"
        page.goto(f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout)
        self.wait_idle(page, timeout)

    def run_all(self, page, timeout: float = 120_000) -> None:
        """Run all cells of the current notebook through JupyterLab's own command, then wait until
        every code cell has an execution count and the kernel is idle."""
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) '
                    + '.jp-CodeCell .jp-InputArea-prompt')];
                return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""", timeout=timeout)
        self.wait_idle(page, timeout)

    def wait_idle(self, page, timeout: float = 60_000) -> None:
        """Wait until the current notebook's kernel reports idle."""
        page.wait_for_function(
            """() => {
                const app = window.jupyterapp;
                const w = app && app.shell.currentWidget;
                const kernel = w && w.sessionContext && w.sessionContext.session
                    && w.sessionContext.session.kernel;
                return !!kernel && kernel.status === 'idle';
            }""", timeout=timeout)

    def screenshot(self, page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    def screenshot_element(self, locator, name: str) -> Path:
        """A screenshot of one element (e.g. an activity with its feedback)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        locator.screenshot(path=str(path))
        return path


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A JupyterLab server on a free loopback port, serving a temp copy of notebooks/."""
    require_chromium()
    base = tmp_path_factory.mktemp("lab")
    root = Path(shutil.copytree(NOTEBOOKS, base / "notebooks",
                                ignore=shutil.ignore_patterns(".progress.json*", ".ipynb_checkpoints")))
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}', encoding="utf-8")
    progress = base / "state" / "progress.json"
    progress.parent.mkdir()
    token, port = secrets.token_hex(16), free_port()
    env = {**os.environ, "MOBILIZING_PROGRESS": str(progress), "MOBILIZING_CONTENT": str(CONTENT),
           "PYTHONPATH": str(REPO),  # kernels import this checkout's course_tools, whichever one is installed
           "MPLBACKEND": "Agg", "JUPYTER_CONFIG_DIR": str(base / "config"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
           "JUPYTERLAB_SETTINGS_DIR": str(base / "settings")}
    command = [str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=False",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = base / "jupyter.log"
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, token, proc, log)
        yield Lab(url, token, root, progress, log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture(scope="session")
def browser_context(lab: Lab) -> Iterator[object]:
    """One Chromium context for the session (Debian's Chromium, no download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            context.close()
            browser.close()


@pytest.fixture
def page(browser_context) -> Iterator[object]:
    """A fresh page; browser console errors are collected on `page.console_errors`."""
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    try:
        yield page
    finally:
        page.close()


from tests.browser.a11y import pytest_terminal_summary  # noqa: E402, F401 (axe results per page, at the end)
