"""A course in PostgreSQL, through the commands an instructor types: `init --db`, `backups`, `doctor`, and
a bad URL or an unreachable server said in one line that names the option, with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.cli import main
from course_tools.grading.backup import PG_DUMP, backup_course, list_backups
from course_tools.rubric.course import CourseContext
from tests.support.postgres import PostgresServer


def cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_puts_the_gradebook_and_rubric_store_in_postgresql(tmp_path: Path, postgres: PostgresServer,
                                                                capsys: pytest.CaptureFixture) -> None:
    url, root = postgres.database("init"), tmp_path / "course"
    code, out, _ = cli(capsys, "init", str(root), "--db", url)
    assert code == 0, out
    assert f"created   {url} (gradebook and rubric store)" in out
    assert not (root / "gradebook.db").exists()
    assert f"c.CourseDirectory.db_url = {url!r}" in (root / "nbgrader_config.py").read_text()
    with Gradebook(url, "mobilizing-action") as gb:
        assert "review6" in {a.name for a in gb.assignments}

    code, out, _ = cli(capsys, "init", str(root))  # again, without --db: the course stays in PostgreSQL
    assert code == 0 and f"unchanged {root / 'nbgrader_config.py'}" in out
    assert f"kept      {url} (gradebook and rubric store) (submissions and grades untouched)" in out

    code, _, err = cli(capsys, "init", str(root), "--db", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert f"{root / 'nbgrader_config.py'}: db_url: the course's grades are in {url}" in err
    assert f"c.CourseDirectory.db_url = {url!r}" in (root / "nbgrader_config.py").read_text()


@pytest.mark.parametrize(("url", "says"), [
    ("mysql://root@127.0.0.1/grades", "--db: 'mysql' databases are not supported"),
    ("not a url", "--db: 'not a url' is not a database URL"),
    ("postgresql://postgres@127.0.0.1:1/course", "--db: cannot connect to postgresql://postgres@127.0.0.1:1/course ("),
])
def test_a_bad_db_url_is_one_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                      url: str, says: str) -> None:
    code, _, err = cli(capsys, "init", str(tmp_path / "course"), "--db", url)
    assert code != 0 and len(err.strip().splitlines()) == 1 and says in err, err
    assert not (tmp_path / "course").exists()


def test_a_password_is_never_printed(tmp_path: Path, postgres: PostgresServer, capsys: pytest.CaptureFixture) -> None:
    url = postgres.database("secret").replace("postgres@", "postgres:s3cret-word@")  # trust: any password passes
    code, out, err = cli(capsys, "init", str(tmp_path / "course"), "--db", url)
    assert code == 0 and "s3cret-word" not in out + err and "postgres:***@" in out
    assert oct((tmp_path / "course" / "nbgrader_config.py").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("db_kind", ["postgresql"])
def test_backups_of_a_postgresql_course_use_pg_dump_and_restore(released: Path, capsys: pytest.CaptureFixture) -> None:
    ctx = CourseContext(released)
    taken = backup_course(released, "before-change")  # as collect, autograde, feedback and rubric edits do
    assert taken is not None and taken.files == (PG_DUMP,) and (taken.path / PG_DUMP).stat().st_size > 0
    code, out, _ = cli(capsys, "backups", "list", "--course", str(released))
    assert code == 0 and taken.name in out
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        gb.remove_student("carol")
    code, out, _ = cli(capsys, "backups", "restore", taken.name, "--course", str(released))
    assert code == 0 and f"restored {PG_DUMP}" in out
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        assert gb.find_student("carol").id == "carol"
    assert [b.name for b in list_backups(released)][-1].endswith("before-restore")


@pytest.mark.parametrize("db_kind", ["postgresql"])
def test_doctor_asks_the_postgresql_database(released: Path, capsys: pytest.CaptureFixture,
                                            postgres: PostgresServer) -> None:
    code, out, _ = cli(capsys, "doctor", "--course", str(released))
    assert code == 0 and "answers and holds the gradebook" in out, out
    url = CourseContext(released).db_url
    config = released / "nbgrader_config.py"
    config.write_text(config.read_text().replace(repr(url), repr(url.rsplit("/", 1)[0] + "/no_such_db")))
    code, out, _ = cli(capsys, "doctor", "--course", str(released))
    assert code != 0
    assert f"PROBLEM  {url.rsplit('/', 1)[0]}/no_such_db: cannot connect (" in out
