"""A real PostgreSQL server for the tests: Debian's `postgresql` binaries, a throw-away data directory,
loopback only, one server per pytest worker. Each test gets a database of its own (`CREATE DATABASE`,
or a copy of a template database built once), dropped with the server at the end of the session.

PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account Debian's package
creates. Outside CI a machine without PostgreSQL skips these tests (make test installs it); under
CI=true a missing server is a failure.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from course_tools.grading.coursedir import CoursePaths, CourseSettings, config_parts, with_checksum
from course_tools.grading.databases import is_postgresql, postgres_tool
from tests.support.servers import free_port

_numbers = itertools.count(1)


@dataclass
class PostgresServer:
    """A running server; `database()` makes a new empty database (or a copy of `template`) and gives its URL."""

    port: int
    datadir: Path
    process: subprocess.Popen
    user: str = "postgres"
    _admin: object = field(default=None, repr=False)

    def url(self, name: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"

    def admin(self):
        if self._admin is None:
            self._admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        return self._admin

    def database(self, prefix: str = "t", template: str | None = None) -> str:
        name = f"{prefix}_{os.getpid()}_{next(_numbers)}"
        with self.admin().connect() as conn:
            if template:  # a template may have no other session open while it is copied
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :t AND pid <> pg_backend_pid()"), {"t": template})
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            else:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url(name)

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        self.process.send_signal(signal.SIGINT)  # "fast" shutdown: pooled client connections do not hold it up
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.datadir.parent, ignore_errors=True)  # the whole mkdtemp folder


def _account() -> tuple[int, int] | None:
    """Who runs the server: the `postgres` account when we are root (PostgreSQL refuses root), else us."""
    if os.getuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("tests run as root and there is no `postgres` account: install Debian's postgresql "
                    "(make test does)")
    return entry.pw_uid, entry.pw_gid


def start_server() -> PostgresServer:
    """initdb into a new folder in /tmp (pytest's own is closed to the `postgres` account) with trust on
    loopback and fsync off (throw-away data), then start it on a free port."""
    initdb, postgres = postgres_tool("initdb"), postgres_tool("postgres")
    if not (initdb and postgres):
        message = "PostgreSQL's server binaries are missing: `make test` installs Debian's postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    account = _account()
    base = Path(tempfile.mkdtemp(prefix="mobilizing-pg-"))
    datadir = base / "data"
    as_account: dict = {}
    if account:
        os.chown(base, *account)
        as_account = {"user": account[0], "group": account[1], "extra_groups": []}
    subprocess.run([initdb, "-D", str(datadir), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                    "--no-sync", "--locale=C"], check=True, capture_output=True, cwd=base, **as_account)
    port = free_port()
    log = (base / "server.log").open("wb")
    process = subprocess.Popen(
        [postgres, "-D", str(datadir), "-h", "127.0.0.1", "-p", str(port), "-k", str(base),
         "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
        stdout=log, stderr=subprocess.STDOUT, cwd=base, **as_account)
    server = PostgresServer(port, datadir, process)
    deadline = time.monotonic() + 60
    while True:
        try:
            with server.admin().connect() as conn:
                conn.execute(text("SELECT 1"))
            return server
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (base / "server.log").read_text(errors="replace")[-2000:]
                server.stop()
                raise RuntimeError(f"PostgreSQL did not start: {log_text}") from None
            time.sleep(0.2)


@pytest.fixture
def db_kind() -> str:
    """Where a test's course keeps its gradebook and rubric store: SQLite files unless a test asks for both."""
    return "sqlite"


@pytest.fixture(name="db_kind", params=["sqlite", "postgresql"])
def both_databases(request: pytest.FixtureRequest) -> str:
    """Import into a test module or conftest to run its course tests on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_server()
    yield server
    server.stop()


def copy_course(template: Path, dest: Path, request: pytest.FixtureRequest) -> Path:
    """A course of its own for one test: the template's folder copied (its config's paths are relative, so
    a copy is a whole SQLite course) and, when its gradebook is in PostgreSQL, its database cloned
    (CREATE DATABASE ... TEMPLATE) with the copy's config pointed at the clone, still "as init wrote it"."""
    shutil.copytree(template, dest, symlinks=True)
    url = CourseSettings.load(template).db_url
    if not is_postgresql(url):
        return dest
    clone = request.getfixturevalue("postgres").database("c", template=make_url(url).database)
    config = CoursePaths(dest).config
    _checksum, body = config_parts(config.read_text(encoding="utf-8"))
    config.write_text(with_checksum(body.replace(repr(url), repr(clone))), encoding="utf-8")
    return dest
