"""Per-user setup that needs no hub: lesson copies never overwrite, settings round-trip, role files."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests.paths import NOTEBOOKS, REPO
from tests.support.postgres import PostgresServer

sys.path.insert(0, str(REPO / "deploy" / "jupyterhub"))
import classhub  # noqa: E402 (deploy/jupyterhub is not a package)
import prepare_user  # noqa: E402


def test_copy_missing_keeps_edits_and_restores_deleted(tmp_path: Path) -> None:
    dest = tmp_path / "home" / "mobilizing-action"
    names = prepare_user.lesson_names(NOTEBOOKS, "student")
    assert prepare_user.copy_missing(NOTEBOOKS, dest, names) == names
    (dest / names[0]).write_text("my edits", encoding="utf-8")
    (dest / names[1]).unlink()
    assert prepare_user.copy_missing(NOTEBOOKS, dest, names) == [names[1]]
    assert (dest / names[0]).read_text(encoding="utf-8") == "my edits"
    assert (dest / names[1]).read_bytes() == (NOTEBOOKS / names[1]).read_bytes()


def test_copy_missing_never_writes_through_a_users_link(tmp_path: Path) -> None:
    dest = tmp_path / "lessons"
    dest.mkdir()
    victim = tmp_path / "not-yours.txt"
    (dest / "00_overview.ipynb").symlink_to(victim)  # dangling: exists() is False, the link is not
    assert prepare_user.copy_missing(NOTEBOOKS, dest, ["00_overview.ipynb"]) == []
    assert not victim.exists()


def test_students_get_lessons_and_instructors_also_their_notebooks() -> None:
    student = prepare_user.lesson_names(NOTEBOOKS, "student")
    instructor = prepare_user.lesson_names(NOTEBOOKS, "instructor")
    assert "00_overview.ipynb" in student and not any(n.startswith("instructor/") for n in student)
    extra = [n for n in instructor if n not in student]
    assert extra and all(n.startswith("instructor/") and n.count("/") == 1 for n in extra)  # no nbgrader sources
    # The grading notebooks work on the course, so they are the grading service's, not in people's servers.
    assert all((NOTEBOOKS / "instructor" / name).is_file() for name in prepare_user.GRADING_NOTEBOOKS)
    assert not any(n.split("/")[-1] in prepare_user.GRADING_NOTEBOOKS for n in instructor)


def test_settings_round_trip_through_the_environment(tmp_path: Path) -> None:
    settings = classhub.HubSettings(runtime=tmp_path, port=9100,
                                    instructors=("prof",), students=("ann", "bo"), course_id="fg-2026",
                                    exchange=tmp_path / "ex", graders=("ta", "prof"), course_account="grader-fg")
    assert classhub.HubSettings.from_env(settings.to_env()) == settings
    assert settings.users == ("prof", "ta", "ann", "bo") and settings.grading_team == ("prof", "ta")
    no_ta = classhub.HubSettings(runtime=tmp_path, graders=())
    assert classhub.HubSettings.from_env(no_ta.to_env()).graders == ()
    defaults = classhub.HubSettings.from_env({})
    assert (defaults.ip, defaults.port, defaults.instructors, defaults.students, defaults.graders) == (
        "127.0.0.1", 8000, ("instructor1",), ("student1", "student2"), ("ta1",))
    assert defaults.course_account == f"grader-{classhub.DEFAULT_COURSE_ID}"
    assert defaults.grading_service == classhub.DEFAULT_COURSE_ID  # nbgrader's Course List looks it up by course id
    assert defaults.runtime == classhub.HERE / "runtime" and defaults.exchange == defaults.runtime / "exchange"


def test_role_nbgrader_configs_load_and_point_at_the_exchange(tmp_path: Path, monkeypatch) -> None:
    from traitlets.config.loader import PyFileConfigLoader

    course = tmp_path / "home" / "course"
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.Exchange.root = '/course-local'\n"
                                               "c.CourseDirectory.db_url = 'sqlite:///x.db'\n", encoding="utf-8")
    monkeypatch.setenv("MOBILIZING_COURSE", str(course))  # the grading service's environment
    monkeypatch.setenv(classhub.EXCHANGE_ENV, "/srv/shared")
    for role in classhub.ROLES:
        (tmp_path / role).mkdir()
        (tmp_path / role / "nbgrader_config.py").write_text(classhub.nbgrader_config_text(role, "fg"), encoding="utf-8")
        config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path / role)).load_config()
        assert config.CourseDirectory.course_id == "fg"
        assert config.Exchange.root == "/srv/shared"  # the hub's exchange wins over the course's own
        if role == "grader":
            assert config.CourseDirectory.root == str(course)
            assert config.CourseDirectory.db_url == "sqlite:///x.db"  # the course config was loaded
        else:
            assert "root" not in config.CourseDirectory


def test_role_extensions_follow_nbgraders_table_for_several_graders() -> None:
    """Formgrader only in the grading service (whose kernels learn who sent each message), the Course List
    for instructors and teaching assistants, the Assignment List for people."""
    disabled = {role: {k for k, on in classhub.server_config(role)["ServerApp"]["jpserver_extensions"].items()
                       if not on} for role in classhub.ROLES}
    assert classhub.FORMGRADER in disabled["student"] and classhub.FORMGRADER in disabled["instructor"]
    assert classhub.FORMGRADER not in disabled["grader"] and classhub.ASSIGNMENT_LIST in disabled["grader"]
    assert classhub.COURSE_LIST not in disabled["instructor"]
    assert classhub.page_config("grader")["disabledExtensions"] == {"@jupyter/nbgrader:assignment-list": True,
                                                                    "@jupyter/nbgrader:course-list": True}
    assert classhub.page_config("instructor")["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


def test_instructor_course_follows_course_tools_and_keeps_the_exchange(tmp_path: Path) -> None:
    from course_tools.grading.coursedir import config_is_generated

    exchange = tmp_path / "exchange"
    assert "created" in prepare_user.ensure_course(tmp_path, exchange, "fg")
    config = tmp_path / "course" / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    assert text.count(prepare_user.HUB_MARK) == 1 and f"c.Exchange.root = {str(exchange)!r}" in text
    assert config_is_generated(prepare_user.split_hub_block(text))  # course-tools can still update it
    assert "updated" in prepare_user.ensure_course(tmp_path, exchange, "fg")
    assert config.read_text(encoding="utf-8") == text
    config.write_text(text.replace("c.CourseDirectory.course_id = 'fg'", "c.CourseDirectory.course_id = 'mine'"),
                      encoding="utf-8")
    assert "kept" in prepare_user.ensure_course(tmp_path, exchange, "fg")
    assert "'mine'" in config.read_text(encoding="utf-8")
    assert config.read_text(encoding="utf-8").count(prepare_user.HUB_MARK) == 1


def test_the_grading_service_claims_the_exchange_folder_and_reports_a_squat(tmp_path: Path) -> None:
    """At each start (issue #22 M1): made with nbgrader's modes; a link there is reported, never fatal (the
    service must start so that doctor can say what to do; release refuses it meanwhile)."""
    import stat

    from course_tools.grading.exchange_guard import LAYOUT

    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o1777)
    assert "4 folder(s) made" in prepare_user.claim_exchange(exchange, "fg")
    assert {sub: stat.S_IMODE((exchange / "fg" / sub).stat().st_mode) for sub in LAYOUT} == LAYOUT
    (exchange / "other").symlink_to(tmp_path)
    said = prepare_user.claim_exchange(exchange, "other")
    assert said.startswith(f"exchange: PROBLEM claiming the course's exchange folder refused: {exchange / 'other'}: "
                           "a symbolic link"), said
    assert not (tmp_path / "outbound").exists()


def test_grading_service_runs_as_the_course_account_in_the_course(tmp_path: Path, monkeypatch) -> None:
    """nbgrader's shared-formgrader service: the course account, its course as working directory, the
    course for nbgrader and course-tools, a server whose kernels learn who sent each message."""
    from course_tools.grading.hub_service import HubUserStampedConnection
    from course_tools.rubric.identity import IDENTITY_ENV, INSTRUCTORS_ENV, KERNEL_MESSAGE

    monkeypatch.setattr(classhub, "course_home", lambda settings: tmp_path / "home")
    settings = classhub.HubSettings(runtime=tmp_path, course_account="grader-fg", course_id="fg")
    service = classhub.grading_service(settings)
    course = str(tmp_path / "home" / "course")
    assert (service["name"], service["cwd"]) == ("fg", course)
    # Its port is below 1024, bound by root before the launcher becomes the course account: no student can take it.
    assert service["url"] == f"http://127.0.0.1:{settings.grading_port}" and settings.grading_port < 1024
    launcher = service["command"][:service["command"].index("--")]
    assert launcher[1:3] == ["-m", "course_tools.hub.launch"] and "user" not in service
    assert launcher[launcher.index("--user") + 1] == "grader-fg"
    # Nothing a grader can write runs in another grader's kernel: Jupyter's and IPython's folders are root's.
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        assert service["environment"][name].startswith(str(settings.runtime))
    assert service["environment"]["PYTHONNOUSERSITE"] == "1" and "--HubOAuth.cache_max_age=1" in service["command"]
    assert service["timeout"] >= 120  # JupyterHub 6 exits if a managed service is not up in time
    command = service["command"]
    assert command[command.index("--role") + 1] == "grader"
    server = command[command.index("--then") + 1:]
    assert server[0] == str(classhub.VENV_BIN / "jupyterhub-singleuser")
    stamped = f"{HubUserStampedConnection.__module__}.{HubUserStampedConnection.__name__}"
    assert f"--ServerApp.kernel_websocket_connection_class={stamped}" in server
    env = service["environment"]
    assert env["MOBILIZING_COURSE"] == course and env[IDENTITY_ENV] == KERNEL_MESSAGE
    assert env[INSTRUCTORS_ENV] == ",".join(settings.instructors)  # only they may turn blind grading off
    assert env["JUPYTER_CONFIG_PATH"] == str(settings.role_dir("grader"))
    assert classhub.grading_scopes(settings) == ["access:services!service=fg"]


def test_the_hub_puts_the_shared_course_in_postgresql_when_told(tmp_path: Path, monkeypatch,
                                                                 postgres: PostgresServer) -> None:
    """$MOBILIZING_HUB_COURSE_DB reaches `course-tools init --db` through the service's environment (never its
    command line: a URL may carry a password); a later start without it keeps the course where it is."""
    url = postgres.database("hub").replace("postgres@", "postgres:pw-not-on-argv@")
    monkeypatch.setattr(classhub, "course_home", lambda settings: tmp_path / "home")
    monkeypatch.setenv(classhub.ENV_PREFIX + "COURSE_DB", url)
    service = classhub.grading_service(classhub.HubSettings(runtime=tmp_path))
    assert service["environment"][classhub.COURSE_DB_ENV] == url
    assert not any("pw-not-on-argv" in part for part in service["command"])

    exchange = tmp_path / "exchange"
    assert "created" in prepare_user.ensure_course(tmp_path, exchange, "fg", url)
    text = (tmp_path / "course" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f"c.CourseDirectory.db_url = {url!r}" in text and not (tmp_path / "course" / "gradebook.db").exists()
    assert "updated" in prepare_user.ensure_course(tmp_path, exchange, "fg", None)
    assert (tmp_path / "course" / "nbgrader_config.py").read_text(encoding="utf-8") == text
    with Gradebook(url, "fg") as gb:
        assert "review6" in {a.name for a in gb.assignments}


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A scratch folder other users can reach (pytest's own is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="mobilizing-restrict-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def _as_nobody(command: list[str]) -> subprocess.CompletedProcess:
    entry = pwd.getpwnam("nobody")
    return subprocess.run(command, user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], capture_output=True,
                          text=True, cwd="/")


@pytest.mark.skipif(os.geteuid() != 0, reason="runs commands as `nobody` (root)")
def test_restrict_checkout_leaves_others_only_the_venv_and_the_code(open_tmp: Path) -> None:
    repo = open_tmp / "repo"
    for folder in (".venv/bin", "course_tools", "content/assignments", "deploy/jupyterhub/runtime/hub",
                   ".git/objects"):
        (repo / folder).mkdir(parents=True)
    files = {".venv/bin/tool": "venv", "course_tools/__init__.py": "code",
             "content/assignments/review6.yaml": "model_answer: secret", "deploy/jupyterhub/classhub.py": "secret",
             "deploy/jupyterhub/prepare_user.py": "code", "deploy/jupyterhub/runtime/roles.json": "{}",
             ".git/objects/ab": "secret"}
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    private = repo / "deploy" / "jupyterhub" / "runtime" / "hub"
    for path in (repo, *repo.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    private.chmod(0o700)
    keep = [repo / ".venv", repo / "course_tools", repo / "deploy" / "jupyterhub" / "prepare_user.py",
            repo / "deploy" / "jupyterhub" / "runtime"]
    for _ in range(2):  # safe to repeat
        classhub.restrict_checkout(repo, keep)
    mode = {p.relative_to(repo).as_posix(): p.stat().st_mode & 0o7777 for p in repo.rglob("*")}
    assert repo.stat().st_mode & 0o7777 == 0o751
    assert mode["content"] == 0o750 and mode["content/assignments/review6.yaml"] == 0o640
    assert mode["deploy"] == mode["deploy/jupyterhub"] == 0o751 and mode["deploy/jupyterhub/classhub.py"] == 0o640
    assert mode["deploy/jupyterhub/runtime/hub"] == 0o700
    for name in (".venv/bin/tool", "course_tools/__init__.py", "deploy/jupyterhub/prepare_user.py",
                 "deploy/jupyterhub/runtime/roles.json"):
        assert _as_nobody(["cat", str(repo / name)]).stdout == files[name], name
    for denied in (["cat", str(repo / "content" / "assignments" / "review6.yaml")], ["ls", str(repo)],
                   ["cat", str(repo / ".git" / "objects" / "ab")], ["ls", str(repo / "deploy" / "jupyterhub")],
                   ["cat", str(repo / "deploy" / "jupyterhub" / "classhub.py")]):
        result = _as_nobody(denied)
        assert result.returncode != 0 and "secret" not in result.stdout, denied


def test_students_read_the_edition_and_staff_the_staff_copy(tmp_path: Path) -> None:
    settings = classhub.HubSettings(runtime=tmp_path)
    edition, staff = classhub.edition_dir(settings), classhub.staff_dir(settings)
    assert classhub.course_environment(settings, "student") == {"MOBILIZING_CONTENT": str(edition / "content")}
    assert classhub.lesson_source(settings, "student") == edition / "notebooks"
    for role in ("instructor", "grader"):
        assert classhub.course_environment(settings, role) == {"MOBILIZING_CONTENT": str(staff / "content")}
        assert classhub.lesson_source(settings, role) == staff / "notebooks"


def test_the_published_edition_replaces_the_old_one_whole(tmp_path: Path) -> None:
    settings = classhub.HubSettings(runtime=tmp_path)
    edition = classhub.publish_student_edition(settings)
    (edition / "notebooks" / "stale.ipynb").write_text("{}", encoding="utf-8")
    assert classhub.publish_student_edition(settings) == edition
    assert not (edition / "notebooks" / "stale.ipynb").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edition"]  # no staging folder left behind
    assert all(p.stat().st_mode & 0o777 in (0o644, 0o755) for p in edition.rglob("*"))
    names = prepare_user.lesson_names(edition / "notebooks", "student")
    assert names == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert prepare_user.lesson_names(edition / "notebooks", "instructor") == names  # no instructor notebook


def test_release_publishes_model_answers_and_an_unknown_id_records_nothing(tmp_path: Path) -> None:
    settings = classhub.HubSettings(runtime=tmp_path)
    assert classhub.release_command(settings, ["nope"]) == 1
    assert classhub.released_answers(settings) == [] and not (tmp_path / "edition").exists()
    assert classhub.release_command(settings, ["exit_policy_forum"]) == 0
    released = tmp_path / "edition" / "content" / "released"
    assert [p.name for p in released.iterdir()] == ["exit_policy_forum.yaml"]
    assert classhub.release_command(settings, ["exit_support", "nope"]) == 1  # nothing half-done
    assert classhub.released_answers(settings) == ["exit_policy_forum"]
    classhub.publish_student_edition(settings)  # the next hub start keeps what was released
    assert [p.name for p in released.iterdir()] == ["exit_policy_forum.yaml"]
