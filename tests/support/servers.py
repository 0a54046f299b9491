"""Servers and browser set-up for the browser and hub tests: Debian's Chromium, free loopback ports,
a Jupyter server in a course directory, the grading dashboard notebook pointed at a course, a lesson's
app view."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from course_tools.rubric.course import COURSE_ENV
from tests.paths import NOTEBOOKS, REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "artifacts" / "browser"
BIN = Path(sys.executable).parent


def require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM} is missing and CI=true: run 'make chromium' (browser tests must run in CI)")
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium ('make chromium') to run browser tests")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, token: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)  # polling interval while the server starts, not a wait on the page
    raise RuntimeError(f"jupyter lab did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def course_server(root: Path, scratch: Path) -> Iterator[tuple[str, str]]:
    """A Jupyter server started in a course directory, so formgrader reads its nbgrader_config.py (the
    lab's server was configured for the notebooks, not for that course); yields (url, token)."""
    token, port = secrets.token_hex(16), free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(scratch / "config"), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime")}
    command = [str(BIN / "jupyter"), "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = scratch / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, token, proc, log)
        yield url, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def dashboard_notebook(lab_root: Path, course_root: Path, name: str) -> None:
    """A copy of the generated grading dashboard notebook that points at `course_root`."""
    nb = nbformat.read(NOTEBOOKS / "instructor" / "grading_dashboard.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(f"%env {COURSE_ENV}={course_root}"))
    nbformat.write(nb, lab_root / "instructor" / name)




def open_app(lab, page, filename: str) -> None:
    """Open a lesson's app view and wait until Voila has run it and every widget is shown."""
    page.goto(f"{lab.url}/voila/render/{filename}?token={lab.token}")
    page.wait_for_selector(".jp-OutputArea-output", timeout=120_000)
    page.wait_for_function("() => !document.body.innerText.includes('Loading widget')"
                           " && !document.querySelector('.voila-spinner:not([style*=\"none\"])')", timeout=120_000)
