"""Importing our code changes nothing in the importing process (a student's kernel imports it):
no PATH edit, no matplotlib backend switch; and no module imports the CLI back."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

from tests.paths import REPO

PROBE = """
import importlib, json, os, pkgutil, sys
sys.modules.setdefault("rfc3987_syntax", None)
import matplotlib
before = {"path": os.environ["PATH"], "backend": repr(matplotlib.rcParams._get("backend"))}
import course_tools
names = [m.name for m in pkgutil.walk_packages(course_tools.__path__, "course_tools.")
         if ".pulse.service" not in m.name and not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
after = {"path": os.environ["PATH"], "backend": repr(matplotlib.rcParams._get("backend"))}
print(json.dumps({"before": before, "after": after, "count": len(names),
                  "pyplot": "matplotlib.pyplot" in sys.modules}))
"""


def test_importing_every_module_leaves_path_and_backend_alone() -> None:
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # a kernel whose PATH lacks the venv
    env.pop("MPLBACKEND", None)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True,
                          check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["count"] > 40
    assert seen["after"] == seen["before"], seen
    assert not seen["pyplot"], "a module imports pyplot (process-wide state); use matplotlib.figure.Figure"


def test_no_module_imports_the_cli() -> None:
    """The CLI imports the command modules; none of our modules imports it back."""
    offenders = []
    for path in sorted((REPO / "course_tools").rglob("*.py")):
        if path.name in {"cli.py", "__main__.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            if any(n == "course_tools.cli" for n in names):
                offenders.append(str(path.relative_to(REPO)))
    assert not offenders, offenders
