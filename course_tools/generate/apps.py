"""Links to a lesson's app view (Voila, run as a Jupyter server extension beside JupyterLab).

Voila serves a notebook as an app at `<base>voila/render/<path>`: no code, no prompts, every cell run
on open. In JupyterLab a relative Markdown link opens a file, so the link is root-absolute and names
the notebook where `make lab` serves it (`notebooks/` under the repository). The class hub answers the
same path and sends each user to their own copy (deploy/jupyterhub/classhub.py, `AppRedirect`).
Inside the app, the lessons' ordinary relative links already stay in the app view.
"""

from __future__ import annotations

APP_ROOT = "/voila/render/notebooks/"


def app_url(filename: str) -> str:
    """The app view of a generated lesson notebook, e.g. '/voila/render/notebooks/00_overview.ipynb'."""
    return APP_ROOT + filename


def app_link(filename: str) -> str:
    """The Markdown of the 'Open as app' link placed in each lesson's title cell."""
    return f"[▶ Open as app]({app_url(filename)})"
