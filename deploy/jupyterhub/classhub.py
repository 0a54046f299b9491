"""One class on one JupyterHub: settings, local users, runtime state and per-user server setup.

Shared by jupyterhub_config.py (the hub), `make hub` (`python deploy/jupyterhub/classhub.py up`)
and tests/hub. Every path is derived at run time from this file's location or from environment
variables, so nothing machine-specific is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from course_tools.defaults import COURSE_ID

if TYPE_CHECKING:
    from jupyterhub.spawner import Spawner

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENV_BIN = REPO / ".venv" / "bin"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
CONFIG_FILE = HERE / "jupyterhub_config.py"
PREPARE_USER = HERE / "prepare_user.py"

DEFAULT_COURSE_ID = COURSE_ID
INSTRUCTORS_GROUP = "instructors"
STUDENTS_GROUP = "students"
# Instructors and teaching assistants: who may open the course's grading service (nbgrader's
# "one class, multiple graders": one formgrader, one gradebook, each grader with their own login).
GRADERS_GROUP = "graders"
ENV_PREFIX = "MOBILIZING_HUB_"
# Where a user's server finds the shared exchange (set per server, read by the role's nbgrader_config.py).
EXCHANGE_ENV = "MOBILIZING_HUB_EXCHANGE"
# The grading service's course database URL (prepare_user.py passes it to `course-tools init --db`).
COURSE_DB_ENV = "MOBILIZING_COURSE_DB"
# nbgrader's JupyterHub docs use this path; the Kubernetes values mount the shared volume there.
SHARED_EXCHANGE = "/srv/nbgrader/exchange"
COURSE_SUBDIR = "course"           # the nbgrader course directory in the course account's home
GRADING_SUBDIR = "grading"         # the grading dashboard and analytics notebooks, inside the course directory
LESSONS_SUBDIR = "mobilizing-action"  # each user's own copy of the lesson notebooks
ROLES = ("student", "instructor", "grader")  # grader: the grading service's server, not a person
# nbgrader's table for several graders: formgrader and Create Assignment in the grading service only,
# the Assignment List for people (students, and instructors trying the student side), the Course List
# (a link to the grading service) for instructors and teaching assistants.
FORMGRADER = "nbgrader.server_extensions.formgrader"
COURSE_LIST = "nbgrader.server_extensions.course_list"
ASSIGNMENT_LIST = "nbgrader.server_extensions.assignment_list"
DISABLED_SERVER_EXTENSIONS = {"student": (FORMGRADER, COURSE_LIST), "instructor": (FORMGRADER,),
                              "grader": (ASSIGNMENT_LIST, COURSE_LIST)}
DISABLED_LAB_EXTENSIONS = {
    "student": ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list",
                # JupyterLab parts a student does not need in class (installing extensions)
                "@jupyterlab/extensionmanager-extension"),
    "instructor": ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"),
    "grader": ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:course-list"),
}
# The grading service's kernels learn from each message which hub user sent it (course_tools.rubric.identity).
STAMPED_CONNECTION = "course_tools.grading.hub_service.HubUserStampedConnection"
PULSE_SERVICE = "class-pulse"
# The grading service's server extension that serves on the port course_tools.hub.launch bound for it.
LISTEN_FD_EXTENSION = "course_tools.hub.listen_fd"
# JupyterLab extensions the app view (Voila) must not load: they need JupyterLab around them and only
# fill the browser console with errors (the widget manager is all a lesson app needs).
VOILA_DENYLIST = ("@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "jupyterlab-rise",
                  "@voila-dashboards/jupyterlab-preview")
# The app view (Voila, a server extension in every user's server) of the lesson copies.
APP_VIEW = f"/voila/render/{LESSONS_SUBDIR}/"
OVERVIEW = "00_overview.ipynb"


def _names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


@dataclass(frozen=True)
class HubSettings:
    """Everything that differs between `make hub`, a test run and a department's server."""

    runtime: Path
    ip: str = "127.0.0.1"
    port: int = 8000  # the public port (the proxy's)
    # Internal ports below 1024: only root can bind them, so no student's program can answer in a service's
    # place while it is down (course_tools.hub.launch binds them for the services; docs/security.md).
    hub_port: int = 881
    instructors: tuple[str, ...] = ("instructor1",)
    students: tuple[str, ...] = ("student1", "student2")
    course_id: str = DEFAULT_COURSE_ID
    exchange: Path = field(default=Path())
    graders: tuple[str, ...] = ("ta1",)  # teaching assistants: in `graders`, not in `instructors`
    course_account: str = f"grader-{DEFAULT_COURSE_ID}"  # owns the course; runs the grading service
    pulse_account: str = "mobilizing-pulse"  # the system user the class pulse runs as (no login, no home)
    pulse_port: int = 882
    grading_port: int = 883

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> HubSettings:
        """Read MOBILIZING_HUB_* variables; defaults give the loopback class of `make hub`."""
        env = dict(os.environ if env is None else env)

        def get(name: str, default: str) -> str:
            return env.get(ENV_PREFIX + name) or default

        runtime = Path(get("RUNTIME", str(HERE / "runtime"))).resolve()
        course_id = get("COURSE_ID", DEFAULT_COURSE_ID)
        return cls(runtime=runtime, ip=get("IP", "127.0.0.1"), port=int(get("PORT", "8000")),
                   hub_port=int(get("API_PORT", "881")), pulse_port=int(get("PULSE_PORT", "882")),
                   grading_port=int(get("GRADING_PORT", "883")),
                   instructors=_names(get("INSTRUCTORS", "instructor1")),
                   students=_names(get("STUDENTS", "student1,student2")),
                   course_id=course_id,
                   exchange=Path(get("EXCHANGE", str(runtime / "exchange"))).resolve(),
                   graders=_names(get("GRADERS", "ta1")),
                   course_account=get("COURSE_ACCOUNT", f"grader-{course_id}"),
                   pulse_account=get("PULSE_ACCOUNT", "mobilizing-pulse"))

    def to_env(self) -> dict[str, str]:
        """The variables that make `from_env` give back these settings (for a hub subprocess)."""
        return {ENV_PREFIX + "RUNTIME": str(self.runtime), ENV_PREFIX + "IP": self.ip,
                ENV_PREFIX + "PORT": str(self.port), ENV_PREFIX + "API_PORT": str(self.hub_port),
                ENV_PREFIX + "PULSE_PORT": str(self.pulse_port), ENV_PREFIX + "GRADING_PORT": str(self.grading_port),
                ENV_PREFIX + "INSTRUCTORS": ",".join(self.instructors),
                ENV_PREFIX + "STUDENTS": ",".join(self.students), ENV_PREFIX + "COURSE_ID": self.course_id,
                EXCHANGE_ENV: str(self.exchange),
                # "," keeps "no teaching assistant" distinct from "unset" (which means the default ta1)
                ENV_PREFIX + "GRADERS": ",".join(self.graders) or ",",
                ENV_PREFIX + "COURSE_ACCOUNT": self.course_account,
                ENV_PREFIX + "PULSE_ACCOUNT": self.pulse_account}

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    @property
    def users(self) -> tuple[str, ...]:
        """Everyone who logs in to the hub (the course account does not: it only runs the service)."""
        return tuple(dict.fromkeys(self.instructors + self.graders + self.students))

    @property
    def grading_team(self) -> tuple[str, ...]:
        """The members of `graders`: every instructor and every teaching assistant."""
        return tuple(dict.fromkeys(self.instructors + self.graders))

    @property
    def grading_service(self) -> str:
        """The grading service's name: the course id, as nbgrader's Course List expects."""
        return self.course_id

    @property
    def internal_ports(self) -> dict[str, int]:
        """The loopback ports only root may bind (checked at hub start: course_tools.hub.launch.check_privileged)."""
        return {ENV_PREFIX + "API_PORT": self.hub_port, ENV_PREFIX + "PULSE_PORT": self.pulse_port,
                ENV_PREFIX + "GRADING_PORT": self.grading_port}

    @property
    def proxy_api_socket(self) -> Path:
        """The proxy's API: a Unix socket in hub/ (0700), reachable by root only."""
        return self.private / "proxy-api.sock"

    @property
    def proxy_pid_file(self) -> Path:
        """Where the proxy's pid is kept: a restarted hub takes the proxy back from it, `down` ends it."""
        return self.private / "jupyterhub-proxy.pid"

    @property
    def pulse_answers_url(self) -> str:
        """Where kernels post Checks: the pulse through the hub's public proxy (its socket is not theirs to reach)."""
        return f"{self.url}/services/{PULSE_SERVICE}/api/answers"

    @property
    def private(self) -> Path:
        """The hub's own state (database, secrets, tokens, passwords, logs): root only, mode 0700."""
        return self.runtime / "hub"


    @property
    def pulse_dir(self) -> Path:
        """The pulse's own folder (its working directory and SQLite database): owned by the pulse's
        account, mode 0700, in the root-owned runtime folder (classhub.ensure_pulse_account)."""
        return self.runtime / "pulse"

    @property
    def pulse_db(self) -> str:
        """The pulse's database: $MOBILIZING_HUB_PULSE_DB (e.g. a PostgreSQL URL), else SQLite in pulse/."""
        return os.environ.get(ENV_PREFIX + "PULSE_DB") or f"sqlite:///{self.pulse_dir / 'pulse.sqlite'}"

    @property
    def course_db(self) -> str:
        """The shared course's gradebook and rubric store: $MOBILIZING_HUB_COURSE_DB (a PostgreSQL URL for a
        grading team, `course-tools init --db`), else "" (SQLite files in the course folder)."""
        return os.environ.get(ENV_PREFIX + "COURSE_DB", "")

    @property
    def hub_db(self) -> str:
        """JupyterHub's own database: $MOBILIZING_HUB_DB (e.g. a PostgreSQL URL), else SQLite in hub/."""
        return os.environ.get(ENV_PREFIX + "DB") or f"sqlite:///{self.private / 'jupyterhub.sqlite'}"

    @property
    def admin_token_file(self) -> Path:
        return self.private / "admin-api-token"

    def role_dir(self, role: str) -> Path:
        return self.runtime / "roles" / role

    def role_of(self, groups: set[str]) -> str:
        """The config of a person's own server: instructors and teaching assistants get the staff one."""
        return "instructor" if groups & {INSTRUCTORS_GROUP, GRADERS_GROUP} else "student"


# ---------------------------------------------------------------- per-role Jupyter configuration

def nbgrader_config_text(role: str, course_id: str) -> str:
    """The nbgrader_config.py every server of a role loads (via JUPYTER_CONFIG_PATH).

    The exchange path comes from the server's environment so the same text serves the local hub
    and Kubernetes. The grading service also loads the course directory's own config ($MOBILIZING_COURSE,
    else its working directory, which is the course), so formgrader and `course-tools` agree on one course.
    """
    text = f'''# Written by deploy/jupyterhub/classhub.py for the {role}s of the class hub.
import os

c = get_config()  # noqa: F821 (traitlets provides it)
c.CourseDirectory.course_id = {course_id!r}
'''
    if role == "grader":
        text += '''COURSE = os.environ.get("MOBILIZING_COURSE") or os.getcwd()
c.CourseDirectory.root = COURSE
load_subconfig("nbgrader_config.py", path=COURSE)  # noqa: F821 (the course's own settings)
'''
    after = ", set after the course config so it wins" if role == "grader" else ""
    text += f'''# The shared exchange (root-owned, mode 1777){after}.
c.Exchange.root = os.environ.get({EXCHANGE_ENV!r}, {SHARED_EXCHANGE!r})
'''
    return text


def server_config(role: str) -> dict:
    """jupyter_server settings of a role: the nbgrader extensions of nbgrader's multi-grader table
    (formgrader only in the grading service)."""
    return {"LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"},
            "VoilaConfiguration": {"extension_denylist": list(VOILA_DENYLIST)},
            "ServerApp": {"jpserver_extensions": {**dict.fromkeys(DISABLED_SERVER_EXTENSIONS[role], False),
                                                  **({LISTEN_FD_EXTENSION: True} if role == "grader" else {})}}}


def page_config(role: str) -> dict:
    """JupyterLab page config of a role: each role sees only its own nbgrader panels."""
    return {"disabledExtensions": dict.fromkeys(DISABLED_LAB_EXTENSIONS[role], True)}


def setting_overrides(role: str) -> dict:
    """JupyterLab settings overrides of a role (labconfig/default_setting_overrides.json, JupyterLab's
    own layering of defaults, no patching): nobody gets the news pop-up or update checks; students
    also lose the extension manager and the status bar."""
    overrides: dict = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                                       "checkForUpdates": False}}
    if role == "student":
        overrides["@jupyterlab/extensionmanager-extension:plugin"] = {"enabled": False}
        overrides["@jupyterlab/statusbar-extension:plugin"] = {"visible": False}
    return overrides


def write_role_configs(settings: HubSettings) -> None:
    """Write runtime/roles/{student,instructor,grader}/ (readable by all users, writable by root only)."""
    for role in ROLES:
        folder = settings.role_dir(role)
        (folder / "jupyter_server_config.d").mkdir(parents=True, exist_ok=True)
        (folder / "labconfig").mkdir(exist_ok=True)
        (folder / "nbgrader_config.py").write_text(nbgrader_config_text(role, settings.course_id), encoding="utf-8")
        (folder / "jupyter_server_config.d" / "mobilizing-role.json").write_text(
            json.dumps(server_config(role), indent=2) + "\n", encoding="utf-8")
        (folder / "labconfig" / "page_config.json").write_text(json.dumps(page_config(role), indent=2) + "\n",
                                                               encoding="utf-8")
        (folder / "labconfig" / "default_setting_overrides.json").write_text(
            json.dumps(setting_overrides(role), indent=2) + "\n", encoding="utf-8")
        if role == "grader":  # the grading service's Jupyter data and IPython folders: root's, read-only
            (folder / "data").mkdir(exist_ok=True)
            (folder / "ipython").mkdir(exist_ok=True)
            (folder / "migrated").touch()  # jupyter_core's "nothing to migrate" mark: it cannot write here
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)


# ---------------------------------------------------------------- lessons as apps

APP_LINK_PATH = "voila/render/notebooks/"  # what the lessons' "Open as app" links name (course_tools.generate.apps)


def app_redirect_handler() -> tuple[str, type]:
    """A hub route for the lessons' "Open as app" links: `/voila/render/notebooks/<lesson>` (the path
    `make lab` serves) reaches the hub (the proxy's default route; JupyterHub adds /hub/) and is sent
    on to the user's own copy, `/user/<name>/voila/render/mobilizing-action/<lesson>`, through the hub's
    user-redirect (which logs in and starts the server if needed)."""
    import re

    from tornado import web

    class AppRedirect(web.RequestHandler):
        def get(self, name: str) -> None:
            if not re.fullmatch(r"[A-Za-z0-9_.-]+\.ipynb", name):
                raise web.HTTPError(404)
            hub_prefix = self.request.path[: self.request.path.index(APP_LINK_PATH)]
            self.redirect(f"{hub_prefix}user-redirect{APP_VIEW}{name}")

    return rf"/{APP_LINK_PATH}(.*)", AppRedirect


def lesson_apps() -> list[dict[str, str]]:
    """Title and notebook of each lesson in course order, for the hub's home page."""
    from course_tools.content.loader import load_course
    from course_tools.generate.notebooks import lesson_filename

    course = load_course(REPO / "content")
    return [{"title": lesson.title, "file": lesson_filename(course, lesson.id)} for lesson in course.ordered_lessons()]


# ---------------------------------------------------------------- runtime folder and exchange

def prepare_runtime(settings: HubSettings) -> str:
    """Create the runtime folder, the shared exchange (root-owned, mode 1777 as nbgrader needs)
    and the admin API token; return the token."""
    settings.runtime.mkdir(parents=True, exist_ok=True)
    settings.runtime.chmod(0o755)  # users' servers read roles/ and reach the exchange through it
    settings.private.mkdir(exist_ok=True)
    settings.private.chmod(0o700)
    settings.exchange.mkdir(parents=True, exist_ok=True)
    # nbgrader release checks `mode & 0o777 == 0o777`; the sticky bit stops users deleting others' files.
    settings.exchange.chmod(0o1777)
    write_role_configs(settings)
    return admin_token(settings)


def admin_token(settings: HubSettings) -> str:
    """The API token of the `class-admin` service: $MOBILIZING_HUB_ADMIN_TOKEN, else a file (0600)."""
    if token := os.environ.get(ENV_PREFIX + "ADMIN_TOKEN"):
        return token
    return _secret(settings.admin_token_file)


def proxy_token(settings: HubSettings) -> str:
    """The proxy API's token, kept in hub/ (0600) so a restarted hub can talk to the proxy that outlived it."""
    return _secret(settings.private / "proxy-auth-token")


def _secret(path: Path) -> str:
    """A random secret kept in `path` (created 0600 if missing)."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()


def hub_environment(settings: HubSettings, token: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The hub process's environment (`make hub` and the tests): these settings, the admin token, and
    the venv's bin first on PATH, because JupyterHub runs the `alembic` command it finds there when it
    upgrades its database (c.JupyterHub.upgrade_db)."""
    env = dict(os.environ if base is None else base)
    env.update(settings.to_env())
    env[ENV_PREFIX + "ADMIN_TOKEN"] = token
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH") or os.defpath])
    return env


def unreachable_dirs(path: Path) -> list[Path]:
    """Directories above `path` that other users cannot traverse (their servers need the venv)."""
    return [p for p in (path, *path.parents) if p.is_dir() and not p.stat().st_mode & 0o001]


def needed_paths() -> list[Path]:
    """What every user's server must reach: the repo (venv, notebooks, content) and the Python the
    venv was made from (e.g. pyenv under /root; a venv from Debian's /usr/bin/python3 needs nothing)."""
    return [REPO, Path(os.path.realpath(VENV_BIN / "python")).parent]


def open_path_for_users(paths: list[Path]) -> list[Path]:
    """Add o+x (traverse, not list) to the directories that block users from `paths`; root only."""
    blocked = sorted({folder for path in paths for folder in unreachable_dirs(path)})
    for folder in blocked:
        folder.chmod(folder.stat().st_mode | 0o001)
    return blocked


# ---------------------------------------------------------------- answer keys out of students' reach

EDITION_SUBDIR = "edition"  # in the runtime folder: the student edition, readable by every user
STAFF_SUBDIR = "staff"      # in the runtime folder: the full content and notebooks, the course account's group only


def edition_dir(settings: HubSettings) -> Path:
    """The student edition students' servers read: content/ and notebooks/ without instructor material."""
    return settings.runtime / EDITION_SUBDIR


def staff_dir(settings: HubSettings) -> Path:
    """The full content/ and notebooks/ (instructor notes, nbgrader sources) for the course account (the
    grading service) and the grading team's own servers: root and the course account's group only."""
    return settings.runtime / STAFF_SUBDIR


def _put_in_place(built: Path, target: Path, staging: Path) -> None:
    """Replace `target` by `built` (both in the runtime folder): an earlier copy goes whole."""
    if target.exists():
        os.replace(target, staging / "old")
    os.replace(built, target)


def publish_student_edition(settings: HubSettings) -> Path:
    """Build the student edition (with the model answers released so far) into the runtime folder,
    root-owned and readable by all: students' servers need nothing else of the course."""
    import tempfile

    from course_tools.content.loader import load_course
    from course_tools.generate.edition import build_student_edition

    staging = Path(tempfile.mkdtemp(prefix=".edition.", dir=settings.runtime))
    try:
        built = staging / EDITION_SUBDIR
        build_student_edition(load_course(REPO / "content"), built, released_answers(settings))
        _put_in_place(built, edition_dir(settings), staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return edition_dir(settings)


def publish_staff_copy(settings: HubSettings) -> Path:
    """Copy content/ and notebooks/ into runtime/staff (root-owned, group the course account's, 0750/0640):
    what the grading service and the grading team's servers read instead of the closed checkout."""
    import tempfile

    gid = staff_gid(settings)
    staging = Path(tempfile.mkdtemp(prefix=".staff.", dir=settings.runtime))
    try:
        built = staging / STAFF_SUBDIR
        for part in ("content", "notebooks"):
            shutil.copytree(REPO / part, built / part, symlinks=False,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", ".progress.json", "__pycache__"))
        for path in (built, *built.rglob("*")):
            os.chown(path, 0, gid)
            path.chmod(0o750 if path.is_dir() else 0o640)
        _put_in_place(built, staff_dir(settings), staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return staff_dir(settings)


def released_answers(settings: HubSettings) -> list[str]:
    """The assignments whose model answers the instructor has released to students (`classhub.py release`)."""
    path = settings.private / "released-answers.txt"
    return path.read_text(encoding="utf-8").split() if path.is_file() else []


def release_answers(settings: HubSettings, assignments: list[str]) -> Path:
    """Release these assignments' model answers and key points (never rubrics): recorded in the hub's private
    folder and published at once (a kernel started afterwards sees them; the next hub start keeps them).
    An unknown assignment records nothing."""
    path = settings.private / "released-answers.txt"
    previous = path.read_text(encoding="utf-8") if path.is_file() else None
    settings.private.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{name}\n" for name in sorted(set(released_answers(settings)) | set(assignments))),
                    encoding="utf-8")
    try:
        return publish_student_edition(settings)
    except BaseException:
        if previous is None:
            path.unlink()
        else:
            path.write_text(previous, encoding="utf-8")
        raise


def course_environment(settings: HubSettings, role: str) -> dict[str, str]:
    """Where a server reads the course: a student's from the edition, staff's and the grading service's from
    the staff copy; nobody's from the checkout."""
    folder = edition_dir(settings) if role == "student" else staff_dir(settings)
    return {"MOBILIZING_CONTENT": str(folder / "content")}


def lesson_source(settings: HubSettings, role: str) -> Path:
    """The notebooks folder a role's lesson copies (or the grading notebooks) come from."""
    return (edition_dir(settings) if role == "student" else staff_dir(settings)) / "notebooks"


def staff_gid(settings: HubSettings) -> int:
    """The course account's own group: the checkout's group, its members the grading team."""
    course_home(settings)  # a clear error when the account is missing
    return pwd.getpwnam(settings.course_account).pw_gid


def set_staff_member(settings: HubSettings, name: str, member: bool) -> None:
    """Add `name` to (or remove them from) the course account's group, which may read the checkout."""
    import grp

    group = grp.getgrgid(staff_gid(settings))
    if member != (name in group.gr_mem):
        subprocess.run(["gpasswd", "--add" if member else "--delete", name, group.gr_name], check=True,
                       capture_output=True)


def sync_staff_group(settings: HubSettings) -> None:
    """The course account's group holds exactly the grading team (instructors and teaching assistants)
    that exist as local users: someone taken out of the team loses the checkout at the next hub start."""
    import grp

    group = grp.getgrgid(staff_gid(settings))
    members = [name for name in settings.grading_team if user_exists(name)]
    if sorted(group.gr_mem) != sorted(members):
        subprocess.run(["gpasswd", "--members", ",".join(members), group.gr_name], check=True, capture_output=True)


def restrict_checkout(root: Path, keep: list[Path]) -> None:
    """Make the checkout instructor material: others lose every right, except traversing (not listing) the
    folders on the way to what `keep` names (the venv, the package's code, prepare_user.py, a runtime folder
    inside the checkout), which stay as they are. Owner and group keep theirs. Safe to repeat."""
    keep = [k.resolve() for k in keep]
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here in keep:
            dirs[:] = []  # left as it is
            continue
        mode = here.stat().st_mode & 0o7770
        here.chmod(mode | 0o001 if any(here in k.parents for k in keep) else mode)
        for name in files:
            path = here / name
            if path not in keep and not path.is_symlink():
                path.chmod(path.stat().st_mode & 0o7770)


def git_dir_outside(root: Path) -> Path | None:
    """The repository's history when it lives outside the checkout (a `git worktree`), else None."""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(out).resolve()
    return None if path == root / ".git" or root in path.parents else path


def protect_course_material(settings: HubSettings) -> Path:
    """At hub start (root): publish the student edition (for everyone) and the staff copy (the course account's
    group: the course account and the grading team), then close the checkout to others but for the venv and
    the package's code, which every server runs; return the edition."""
    edition = publish_student_edition(settings)
    sync_staff_group(settings)
    publish_staff_copy(settings)
    restrict_checkout(REPO, [REPO / ".venv", REPO / "course_tools", PREPARE_USER, settings.runtime])
    if history := git_dir_outside(REPO):
        history.chmod(history.stat().st_mode & ~0o007)
    return edition


# ---------------------------------------------------------------- local users

def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_user(name: str, password: str, reset: bool = True) -> bool:
    """Create the local user if missing (home mode 0700) and set its password when created or when `reset`;
    True if created."""
    created = False
    if not user_exists(name):
        subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name], check=True)
        created = True
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)  # Debian's useradd leaves homes world-readable (UMASK 022): a student's work is private
    if created or reset:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return created


def create_login_less_user(name: str) -> None:
    """A local account without a password (login only through the hub's LTI/OAuth), home 0700."""
    result = subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"cannot create local user {name!r} (is it a valid Linux user name?): {result.stderr}")
    Path(pwd.getpwnam(name).pw_dir).chmod(0o700)


def ensure_users(settings: HubSettings, reset_passwords: bool = False) -> dict[str, str]:
    """Every instructor, teaching assistant and student as a local user. A new user gets a generated password;
    an existing one keeps theirs (a hub restart in class logs nobody out of their password) unless
    `reset_passwords`. Returns the passwords set now."""
    passwords = {}
    for name in settings.users:
        password = secrets.token_urlsafe(9)
        if ensure_user(name, password, reset=reset_passwords) or reset_passwords:
            passwords[name] = password
    return passwords


def record_passwords(settings: HubSettings, passwords: dict[str, str]) -> dict[str, str]:
    """Merge the passwords set now into hub/accounts.txt (0600); return every known one."""
    accounts = settings.private / "accounts.txt"
    known: dict[str, str] = {}
    if accounts.is_file():
        for line in accounts.read_text(encoding="utf-8").splitlines():
            name, _, password = line.partition("\t")
            if name and password:
                known[name] = password
    known.update(passwords)
    fd = os.open(accounts, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("".join(f"{n}\t{p}\n" for n, p in known.items()))
    accounts.chmod(0o600)
    return known


# ---------------------------------------------------------------- the grading service (several graders)

def course_home(settings: HubSettings) -> Path:
    """The course account's home; its `course/` is the one nbgrader course directory of the class."""
    try:
        return Path(pwd.getpwnam(settings.course_account).pw_dir)
    except KeyError:
        raise RuntimeError(f"the course account {settings.course_account!r} does not exist: `make hub` creates "
                           "it (classhub.ensure_course_account)") from None


def ensure_course_account(settings: HubSettings) -> Path:
    """Create the course account if missing (no password: nobody logs in as it, the hub runs the grading
    service as it) and, AS the account, its course folder, the service's working directory; return it.
    The course itself (`course-tools init`) is made by the service's own start command."""
    if not user_exists(settings.course_account):
        create_login_less_user(settings.course_account)
    entry = pwd.getpwnam(settings.course_account)
    course = Path(entry.pw_dir) / COURSE_SUBDIR
    # As the account, not root: a link the account left at ~/course must not make root change another folder.
    subprocess.run(["mkdir", "-p", "-m", "700", str(course)], user=entry.pw_uid, group=entry.pw_gid,
                   extra_groups=[], cwd=entry.pw_dir, check=True, capture_output=True)
    return course


def prepare_course_exchange(settings: HubSettings) -> list[str]:
    """As root, before the hub starts and any student can act: the course's folder in the shared exchange,
    made AS the course account with nbgrader's modes (course_tools/grading/exchange_guard.py), so no student
    can make it first (issue #22, M1). A folder or link someone else left there is renamed aside (kept, as a
    dot-name nbgrader never lists) first. Returns one line per thing done."""
    import stat
    import time

    entry = pwd.getpwnam(settings.course_account)
    path = settings.exchange / settings.course_id
    notes = []
    try:
        info = path.lstat()  # never follows a link
    except FileNotFoundError:
        info = None
    if info is not None and (stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode)
                             or info.st_uid != entry.pw_uid):
        aside = path.with_name(f".squatted-{settings.course_id}-{time.strftime('%Y%m%d-%H%M%S')}")
        path.rename(aside)
        notes.append(f"moved {path}, made by uid {info.st_uid} and not by {settings.course_account}, to {aside}")
    claim = ("import sys; from course_tools.grading.exchange_guard import claim_course_exchange as claim; "
             "print(*claim(sys.argv[1], sys.argv[2]), sep='\\n')")
    result = subprocess.run([str(VENV_BIN / "python"), "-c", claim, str(settings.exchange), settings.course_id],
                            user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], cwd=entry.pw_dir,
                            env={"HOME": entry.pw_dir, "PATH": f"{VENV_BIN}:/usr/bin:/bin"},
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"the course's exchange folder {path}: {result.stderr.strip()[-1000:]}")
    return notes + [line for line in result.stdout.splitlines() if line]


# ---------------------------------------------------------------- the class pulse's account

def ensure_pulse_account(settings: HubSettings) -> Path:
    """The class pulse's own unprivileged system user (no password, no home, no shell; the hub runs the
    service as it) and its folder, owned by it and mode 0700: only the pulse writes its database.
    Return the folder."""
    if not user_exists(settings.pulse_account):
        result = subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                                 "/nonexistent", "--shell", "/usr/sbin/nologin", settings.pulse_account],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"cannot create the pulse's system user {settings.pulse_account!r}: {result.stderr}")
    entry = pwd.getpwnam(settings.pulse_account)
    folder = settings.pulse_dir
    if folder.is_symlink():  # the runtime folder is root's: nobody else can have put a link there
        raise RuntimeError(f"{folder} is a symbolic link: remove it and start again")
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    folder.chmod(0o700)
    return folder


def pulse_service(settings: HubSettings) -> dict:
    """The `class-pulse` service (course_tools.pulse.service): started by the hub as the pulse's own
    account in its own folder; it checks answers against the course in MOBILIZING_CONTENT."""
    return {**launched_service(PULSE_SERVICE, settings.pulse_port, settings.pulse_account,
                               [str(VENV_BIN / "python"), "-m", "course_tools.pulse.service"]),
            "cwd": str(settings.pulse_dir),
            "environment": {"MOBILIZING_PULSE_DB": settings.pulse_db,
                            **course_environment(settings, "student"),  # activities only: the edition has them
                            "PATH": f"{VENV_BIN}:/usr/bin:/bin"}}


# ---------------------------------------------------------------- the grading service (several graders)

def grading_service(settings: HubSettings) -> dict:
    """The course's formgrader, grading dashboard and `course-tools` as one JupyterHub-managed service
    (nbgrader's "one class, multiple graders"): a jupyterhub-singleuser server run by the hub as the course
    account, in the course directory, reached at /services/<course id>/ by members of `graders` with their
    own hub login (the hub's OAuth; nobody else gets in). Its command first brings the course up to date
    as the account (prepare_user.py --role grader), then becomes the server."""
    from course_tools.rubric.identity import IDENTITY_ENV, INSTRUCTORS_ENV, KERNEL_MESSAGE

    course = course_home(settings) / COURSE_SUBDIR
    prepare = [str(VENV_BIN / "python"), str(PREPARE_USER), "--role", "grader", "--lessons",
               str(lesson_source(settings, "grader")),
               "--exchange", str(settings.exchange), "--course-id", settings.course_id]
    name = settings.grading_service
    home = course_home(settings)
    # The server takes its privileged port from the launcher (course_tools.hub.listen_fd, on in the grader role's
    # config); its own listener is a Unix socket in the account's home (jupyter_server's --sock, which wants
    # JupyterHub's single-user URL variable to name the default port), reached by nobody.
    server = [str(VENV_BIN / "jupyterhub-singleuser"),
              f"--ServerApp.kernel_websocket_connection_class={STAMPED_CONNECTION}",
              f"--ServerApp.sock={home / '.grading-service.sock'}", "--ServerApp.sock_mode=0600",
              # every request re-asks the hub who is calling after 1 s (not 5 minutes; 0 would mean forever): a
              # teaching assistant removed from `graders` is out at once
              "--HubOAuth.cache_max_age=1",
              # notebook trust signatures stay in the account's own data folder (Jupyter's is root's here)
              f"--NotebookNotary.data_dir={home / '.local' / 'share' / 'jupyter'}"]
    return {
        **launched_service(name, settings.grading_port, settings.course_account, [*prepare, "--then", *server],
                           env=(f"JUPYTERHUB_SERVICE_URL=http://127.0.0.1:8888/services/{name}/",)),
        "cwd": str(course),
        "environment": {
            "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
            "JUPYTER_CONFIG_PATH": str(settings.role_dir("grader")),
            # Every grader can write the course account's files (they run code as it): nothing there may run in
            # another grader's kernel or server. Jupyter's and IPython's own folders (config, kernel specs,
            # extensions, start-up files) are root's read-only ones; user site-packages (.pth) are off.
            "JUPYTER_CONFIG_DIR": str(settings.role_dir("grader")),
            "JUPYTER_DATA_DIR": str(settings.role_dir("grader") / "data"),
            "IPYTHONDIR": str(settings.role_dir("grader") / "ipython"),
            "PYTHONNOUSERSITE": "1",
            "JUPYTER_RUNTIME_DIR": str(home / ".local" / "share" / "jupyter" / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter" / "lab" / "user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / ".jupyter" / "lab" / "workspaces"),
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "MOBILIZING_COURSE": str(course),
            **course_environment(settings, "grader"),  # the staff copy (protect_course_material)
            EXCHANGE_ENV: str(settings.exchange),
            # Grades record the hub user of the message that caused them, not the course account.
            IDENTITY_ENV: KERNEL_MESSAGE,
            # Who may turn blind grading off in the dashboard (names for labels): instructors, not TAs.
            INSTRUCTORS_ENV: ",".join(settings.instructors),
            # In the environment, not on the command line: a URL may carry a password (prepare_user.py --db).
            **({COURSE_DB_ENV: settings.course_db} if settings.course_db else {}),
        },
    }


def launched_service(name: str, port: int, account: str, command: list[str], env: tuple[str, ...] = ()) -> dict:
    """A hub-started service on a privileged loopback port: course_tools.hub.launch binds it as root, becomes
    `account` and runs `command` with the socket. The hub's probe and the proxy reach only the real service."""
    launcher = [str(VENV_BIN / "python"), "-m", "course_tools.hub.launch", "--port", str(port), "--user", account,
                *(f"--env={item}" for item in env), "--"]
    return {"name": name, "url": f"http://127.0.0.1:{port}", "oauth_no_confirm": True,
            "command": [*launcher, *command],
            # JupyterHub 6 waits for each managed service at start and exits if one is not up in time (30 s
            # by default); a first start creates the course (`course-tools init`), slow on a busy machine.
            "timeout": 180}


def grading_scopes(settings: HubSettings) -> list[str]:
    """What membership of `graders` grants: opening the grading service."""
    return [f"access:services!service={settings.grading_service}"]


# ---------------------------------------------------------------- the hub's spawn hook

async def prepare_user_server(spawner: Spawner) -> None:
    """JupyterHub pre_spawn_hook: pick the user's role config, then copy lessons AS THE USER, so a
    student's own files or links are never written by root. (The course is the grading service's.)"""
    import asyncio

    settings = HubSettings.from_env()
    name = spawner.user.name
    role = settings.role_of({group.name for group in spawner.user.groups})
    if not user_exists(name) and os.environ.get(ENV_PREFIX + "CREATE_USERS") == "1":
        create_login_less_user(name)  # LTI/OAuth users (auth_examples.py) have no local account yet
    entry = pwd.getpwnam(name)
    spawner.environment.update({
        "JUPYTER_CONFIG_PATH": str(settings.role_dir(role)),
        EXCHANGE_ENV: str(settings.exchange),
        "MOBILIZING_PROGRESS": str(Path(entry.pw_dir) / LESSONS_SUBDIR / ".progress.json"),
        # Kernels post each Check through the public proxy with the server's pulse-only token
        # (course_tools.hub.spawner.ClassSpawner, $MOBILIZING_PULSE_TOKEN).
        "MOBILIZING_PULSE_URL": settings.pulse_answers_url,
    })
    # Students land on the overview as an app; instructors and teaching assistants in JupyterLab.
    spawner.default_url = "/lab" if role == "instructor" else APP_VIEW + OVERVIEW
    # The course is the grading service's now; a server started under an older hub config loses the old path.
    spawner.environment.pop("MOBILIZING_COURSE", None)
    # Students read the student edition, staff the staff copy, nobody the checkout (protect_course_material).
    spawner.environment.update(course_environment(settings, role))
    set_staff_member(settings, name, role == "instructor")
    command = [str(VENV_BIN / "python"), str(PREPARE_USER), "--role", role,
               "--lessons", str(lesson_source(settings, role)), "--exchange", str(settings.exchange),
               "--course-id", settings.course_id]
    env = {"HOME": entry.pw_dir, "USER": name, "LOGNAME": name, "PATH": f"{VENV_BIN}:/usr/bin:/bin",
           **course_environment(settings, role)}
    proc = await asyncio.create_subprocess_exec(
        *command, cwd=entry.pw_dir, env=env, user=entry.pw_uid, group=entry.pw_gid,
        extra_groups=os.getgrouplist(name, entry.pw_gid), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    text = output.decode(errors="replace").strip()
    if proc.returncode != 0:
        raise RuntimeError(f"preparing {name}'s server failed ({proc.returncode}): {text[-2000:]}")
    if text:
        spawner.log.info("prepare %s: %s", name, text.replace("\n", "; "))


# ---------------------------------------------------------------- `make hub`

def check_ready() -> list[str]:
    """What is missing before the hub can start, one line each."""
    problems = []
    if os.geteuid() != 0:
        problems.append("the class hub runs user servers as local users: run it as root (e.g. sudo make hub)")
    if not (VENV_BIN / "jupyterhub").is_file():
        problems.append(f"{VENV_BIN / 'jupyterhub'} is missing: run `make hub-install`")
    if not PROXY.is_file():
        problems.append(f"{PROXY} is missing: run `make hub-install` (npm ci --prefix deploy/jupyterhub)")
    if not shutil.which("useradd"):
        problems.append("useradd is missing (Debian's passwd package)")
    return problems


def up(settings: HubSettings, reset_passwords: bool = False) -> int:
    """Create users and runtime state, print URL and accounts, then become the hub (Ctrl-C stops)."""
    if problems := check_ready():
        for line in problems:
            print(f"hub: {line}", file=sys.stderr)
        return 1
    for folder in open_path_for_users(needed_paths()):
        print(f"hub: allowed other users to traverse {folder} (o+x, not list) so their servers can run the venv")
    token = prepare_runtime(settings)
    known = record_passwords(settings, ensure_users(settings, reset_passwords=reset_passwords))
    course = ensure_course_account(settings)
    for line in prepare_course_exchange(settings):
        print(f"hub: {line}")
    print(f"\nMobilizing Action class hub: {settings.url}/hub/login\n")
    for name in settings.users:
        role = ("instructor" if name in settings.instructors else
                "grader (TA)" if name in settings.graders else "student")
        print(f"  {role:<12} {name:<14} password {known.get(name, '(set outside make hub)')}")
    grading = f"{settings.url}/services/{settings.grading_service}"
    print(f"\n  lessons as apps (students land here after login): {settings.url}/hub/user-redirect{APP_VIEW}{OVERVIEW}")
    print(f"  class pulse (instructors, live answers during class): {settings.url}/services/{PULSE_SERVICE}/")
    print(f"  grading service (group {GRADERS_GROUP}: instructors and TAs; course {course}, account "
          f"{settings.course_account}):\n    formgrader {grading}/formgrader\n"
          f"    grading dashboard {grading}/lab/tree/{GRADING_SUBDIR}/grading_dashboard.ipynb")
    print(f"  state: {settings.runtime} (passwords in hub/accounts.txt; `make hub RESET_PASSWORDS=1` sets new ones)\n"
          "  Ctrl-C stops the hub; the proxy and every running server go on, and the next `make hub` takes them\n"
          "  back (stop them with `python deploy/jupyterhub/classhub.py down`)\n", flush=True)
    os.chdir(settings.private)
    hub = str(VENV_BIN / "jupyterhub")
    os.execve(hub, [hub, "-f", str(CONFIG_FILE)], hub_environment(settings, token))
    return 0  # not reached


def down(settings: HubSettings) -> int:
    """After the hub has stopped: end the proxy and every class user's processes (servers, kernels, strays)."""
    from course_tools.hub.limits import end_all
    from course_tools.hub.proxy import running_proxy_pid

    if pid := running_proxy_pid(str(settings.proxy_pid_file)):
        os.kill(pid, signal.SIGTERM)
        print(f"hub: stopped the proxy (pid {pid})")
    for name in settings.users:
        if user_exists(name):
            end_all(name)
    print(f"hub: ended the processes of {len(settings.users)} class users")
    return 0


def release_command(settings: HubSettings, assignments: list[str]) -> int:
    """`classhub.py release ASSIGNMENT...` (root): one line on success or on error."""
    from course_tools import CourseToolsError

    if not assignments:
        print("hub: release: name at least one assignment, e.g. exit_policy_forum", file=sys.stderr)
        return 2
    try:
        release_answers(settings, assignments)
    except CourseToolsError as exc:
        print(f"hub: release: {exc}", file=sys.stderr)
        return 1
    print(f"hub: model answers released to students: {', '.join(released_answers(settings))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the Mobilizing Action class hub (README: the class hub).")
    parser.add_argument("command", choices=["up", "check", "down", "release"],
                        help="up: set up and start; check: list what is missing; down: stop the proxy and every "
                             "user's server that outlived the hub; release ASSIGNMENT...: publish those assignments' "
                             "model answers to students (e.g. release exit_policy_forum)")
    parser.add_argument("assignments", nargs="*", help="for release: assignment ids")
    parser.add_argument("--reset-passwords", action="store_true",
                        help="up: give every user a new password (default: only new users get one)")
    args = parser.parse_args(argv)
    if args.command == "down":
        return down(HubSettings.from_env())
    if args.command == "release":
        return release_command(HubSettings.from_env(), args.assignments)
    if args.command == "check":
        problems = check_ready()
        for line in problems:
            print(f"hub: {line}")
        return 1 if problems else 0
    return up(HubSettings.from_env(), reset_passwords=args.reset_passwords)


if __name__ == "__main__":
    sys.exit(main())
