"""A class hub set up under JupyterHub 5 starts under JupyterHub 6: its database is upgraded at start
(c.JupyterHub.upgrade_db) with the environment `make hub` gives the hub, and a copy of the old file stays.

The session's class hub is that hub: it starts on a JupyterHub 5 database holding its instructor
(tests/support/hub.py, jupyterhub5_database), so every other hub test runs on the upgraded database.
"""

from __future__ import annotations

import pytest

from tests.support.hub import INSTRUCTOR, JUPYTERHUB5_HEAD, ClassHub, jupyterhub_revision

pytestmark = pytest.mark.hub


def test_a_jupyterhub5_database_is_upgraded_at_start(class_hub: ClassHub) -> None:
    from jupyterhub import orm

    db = class_hub.settings.private / "jupyterhub.sqlite"
    assert jupyterhub_revision(db) != JUPYTERHUB5_HEAD
    engine = orm.create_engine(f"sqlite:///{db}")
    orm.check_db_revision(engine)  # raises unless the schema is this JupyterHub's
    engine.dispose()
    backups = list(class_hub.settings.private.glob("jupyterhub.sqlite.*"))
    assert len(backups) == 1 and jupyterhub_revision(backups[0]) == JUPYTERHUB5_HEAD, backups
    assert "Upgrading" in class_hub.log.read_text(errors="replace")
    user = class_hub.hub_api("GET", f"/users/{INSTRUCTOR}")
    assert user.status_code == 200, user.text  # the old database's instructor is still there...
    assert "" in user.json()["servers"]  # ...logged in and has a server on the upgraded database
