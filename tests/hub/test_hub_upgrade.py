"""A class hub set up under JupyterHub 5 starts under JupyterHub 6: its database is upgraded at start
(c.JupyterHub.upgrade_db) with the environment `make hub` gives the hub, and a copy of the old file stays.

The JupyterHub 5 database is made with JupyterHub 6's own migrations, taken back to JupyterHub 5's last
schema revision (the tables and columns of a database JupyterHub 5.5 creates). No users or servers: only
the hub, its proxy, the class pulse and the grading service (as a course account of its own, removed
at the end), on free loopback ports in a throw-away runtime folder.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support.hub import _free_port, _hub_answers, _require_hub, _wait, classhub, kill_pids, remove_users

pytestmark = [pytest.mark.hub, pytest.mark.timeout(300)]

JUPYTERHUB5_HEAD = "4621fec11365"  # the last schema revision of JupyterHub 5 (5.0 to 5.5)
COURSE_ACCOUNT = "mahub_grader5"  # not the session hub's course account: this hub's service has its own course


def revision(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def jupyterhub5_database(db: Path) -> None:
    from jupyterhub import dbutil, orm

    url = f"sqlite:///{db}"
    session = orm.new_session_factory(url)()
    session.add(orm.User(name="instructor1"))
    session.commit()
    session.close()
    ini = db.with_name("alembic.ini")
    dbutil.write_alembic_ini(str(ini), url)
    result = subprocess.run([str(classhub.VENV_BIN / "alembic"), "-c", str(ini), "downgrade", JUPYTERHUB5_HEAD],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    ini.unlink()
    assert revision(db) == JUPYTERHUB5_HEAD


def test_a_jupyterhub5_database_is_upgraded_at_start(tmp_path: Path) -> None:
    _require_hub()
    from jupyterhub import orm

    runtime = tmp_path / "runtime"
    settings = classhub.HubSettings(runtime=runtime, port=_free_port(), hub_port=_free_port(),
                                    proxy_api_port=_free_port(), pulse_port=_free_port(),
                                    exchange=runtime / "exchange", course_account=COURSE_ACCOUNT,
                                    grading_port=_free_port())
    token = classhub.prepare_runtime(settings)
    remove_users((COURSE_ACCOUNT,))
    classhub.ensure_course_account(settings)  # `make hub` creates it before the hub starts
    db = settings.private / "jupyterhub.sqlite"
    jupyterhub5_database(db)
    log = settings.private / "jupyterhub.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(classhub.VENV_BIN / "jupyterhub"), "-f", str(classhub.CONFIG_FILE)],
                                cwd=settings.private, env=classhub.hub_environment(settings, token),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    proxy_pid_file = settings.private / "jupyterhub-proxy.pid"
    try:
        _wait(lambda: _hub_answers(settings.url), 240, "the hub answering on an upgraded database", proc=proc,
              log=log)
        assert revision(db) != JUPYTERHUB5_HEAD
        engine = orm.create_engine(f"sqlite:///{db}")
        orm.check_db_revision(engine)  # raises unless the schema is this JupyterHub's
        engine.dispose()
        backups = [p for p in settings.private.glob("jupyterhub.sqlite.*")]
        assert len(backups) == 1 and revision(backups[0]) == JUPYTERHUB5_HEAD, backups
        import requests

        users = requests.get(f"{settings.url}/hub/api/users/instructor1", timeout=10,
                             headers={"Authorization": f"token {token}"})
        assert users.status_code == 200, users.text  # the old database's user is still there
        assert "Upgrading" in log.read_text(errors="replace")
    finally:
        proxy_pid = int(proxy_pid_file.read_text()) if proxy_pid_file.is_file() else None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proxy_pid and Path(f"/proc/{proxy_pid}").exists():
            kill_pids([proxy_pid], grace=5)
        remove_users((COURSE_ACCOUNT,))  # ends the grading service's processes by id, then the account
