"""The embedded nbgrader course directory: its paths, its config file and `init`.

Everything lives inside one folder (default `course/` in the repo, git-ignored): the config,
a local exchange, the source assignments and the SQLite gradebook. No root, no system path. A grading
team may keep the gradebook and rubric store in PostgreSQL instead (`init --db`, grading/databases.py).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.engine import make_url

from course_tools import CourseToolsError
from course_tools.defaults import COURSE_ID
from course_tools.grading.course_config import (  # noqa: F401 (re-exported: the names callers know)
    CONFIG_NAME,
    COURSE_ENV,
    CoursePaths,
    CourseSettings,
    default_course_dir,
    find_course_dir,
    load_config,
)
from course_tools.grading.databases import check_connection, has_gradebook, is_postgresql, parse, shown
from course_tools.grading.exchange_guard import claim_course_exchange
from course_tools.grading.private import owner_only
from course_tools.grading.venv import venv_on_path

if TYPE_CHECKING:  # the content models and builders cost ~0.6 s to import; only init and assign need them
    from course_tools.content.loader import Course
    from course_tools.generate.assignments import AssignmentSource

DEFAULT_COURSE_ID = COURSE_ID
CHECKSUM_TAG = "# course-tools checksum: "


def late_policies(assignments: dict[str, AssignmentSource]) -> dict[str, dict]:
    return {a.id: a.late_policy.model_dump() for a in assignments.values() if a.late_policy.kind != "none"}


def db_lines(db_url: str | None) -> str:
    """The config lines that name a database other than gradebook.db in the folder (none for the default)."""
    if not db_url:
        return ""
    return ("# The gradebook (and the rubric store beside it) in this database, not in gradebook.db here.\n"
            f"c.CourseDirectory.db_url = {db_url!r}\n")


def config_body(course_id: str, policies: dict[str, dict], db_url: str | None = None) -> str:
    """The config, with paths relative to the file itself so the folder can be moved."""
    return f'''import os

from course_tools.grading.render_safe import feedback_template_dirs

HERE = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 (traitlets provides it)

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = HERE
{db_lines(db_url)}# A local exchange inside the course folder: no root, no /usr/local/share/nbgrader/exchange.
c.Exchange.root = os.path.join(HERE, "exchange")
c.Exchange.cache = os.path.join(HERE, "exchange", ".cache")
# Where the Assignments panel (and `nbgrader fetch_assignment`) puts a student's copy.
c.Exchange.assignment_dir = os.path.join(HERE, "student")
# The course's folder in the exchange must be the course account's own (course_tools/grading/exchange_guard.py):
# release, collect and feedback release refuse one that a student made, or linked elsewhere, first.
_GUARD = "course_tools.grading.guarded_exchange."
c.ExchangeFactory.release_assignment = _GUARD + "GuardedReleaseAssignment"
c.ExchangeFactory.release_feedback = _GUARD + "GuardedReleaseFeedback"
c.ExchangeFactory.collect = _GUARD + "GuardedCollect"

# What `nbgrader validate` (and the Validate button) says when an answer is still missing.
c.Validator.failed_warning = (
    "VALIDATION FAILED ON {{num_failed}} CELL(S)! Each answer cell that still reads 'YOUR ANSWER HERE' "
    "is unanswered: double-click it, write your answer, press Shift+Enter, save, then validate again."
)

# No student HTML runs for a grader (course_tools/grading/sanitize.py): answers' tags become visible
# text and active outputs become text, in the autograded copy (formgrader and feedback render it) and
# again whenever nbconvert renders a submission as HTML (formgrader's page, feedback files).
_SAFE = "course_tools.grading.sanitize.NeutraliseStudentHTML"
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput", "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec", "nbgrader.preprocessors.OverwriteCells",
    _SAFE, "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute", "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
    _SAFE, "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.HTMLExporter.preprocessors = [_SAFE]
# Markdown is rendered with raw HTML escaped and cleaned by nh3 (course_tools/grading/render_safe.py);
# feedback files carry a Content-Security-Policy that forbids script (templates/course_feedback).
c.HTMLExporter.filters = {{"markdown2html": "course_tools.grading.render_safe.markdown2html"}}
# nbconvert's HTMLExporter minus its BeautifulSoup re-parse of the whole page (grading/feedback_export.py).
c.GenerateFeedback.exporter_class = "course_tools.grading.feedback_export.FeedbackExporter"
c.GenerateFeedback.HTMLExporter.template_name = "course_feedback"
c.GenerateFeedback.HTMLExporter.template_file = "feedback_csp.html.j2"
c.GenerateFeedback.HTMLExporter.extra_template_basedirs = feedback_template_dirs()

# Late policies from content/assignments (applied by nbgrader's AssignLatePenalties).
c.AssignLatePenalties.plugin_class = "course_tools.grading.late.CourseLatePenalty"
c.CourseLatePenalty.policies = {json.dumps(policies, indent=4, sort_keys=True)}
'''


def config_text(course_id: str, policies: dict[str, dict], db_url: str | None = None) -> str:
    return with_checksum(config_body(course_id, policies, db_url))


def with_checksum(body: str) -> str:
    """A config body as init writes it: with the header whose checksum marks it as not edited since."""
    digest = hashlib.sha256(body.encode()).hexdigest()
    return (f"# nbgrader config written by `course-tools init`. You may edit it: init then keeps it\n"
            f"# (unless --force). Remove the checksum line to mark it as yours.\n{CHECKSUM_TAG}{digest}\n{body}")


def config_parts(text: str) -> tuple[str, str] | None:
    """(checksum, body) of a config init wrote, None if it has no checksum line."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(CHECKSUM_TAG):
            return line[len(CHECKSUM_TAG):].strip(), "".join(lines[i + 1:])
    return None


def config_is_generated(text: str) -> bool:
    """True if the file is exactly as course-tools wrote it (so it may be regenerated)."""
    parts = config_parts(text)
    return parts is not None and hashlib.sha256(parts[1].encode()).hexdigest() == parts[0]


def submitted_folders(cd: CourseDirectory, assignment_id: str) -> dict[str, Path]:
    """Student id -> `submitted/<student>/<assignment>` folder, for every student who has one: the one
    scan of collected submissions that collect, autograde and the checks share."""
    root = Path(cd.format_path(cd.submitted_directory, ".", ".")).resolve()
    return {path.parent.name: path for path in sorted(root.glob(f"*/{assignment_id}")) if path.is_dir()}


def settings_exchange(root: Path) -> Path:
    """The exchange root the course's config names (the local one inside the course by default)."""
    config = load_config(root)
    return Path(config.Exchange.root) if "root" in config.Exchange else CoursePaths(root).exchange


def open_api(root: Path) -> NbGraderAPI:
    """nbgrader's own Python API on this course, configured only by its nbgrader_config.py."""
    venv_on_path()
    config = load_config(root)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def sync_source(root: Path, source: AssignmentSource, force: bool = False) -> str:
    """Write the source notebook into the course; keep an edited one unless `force`."""
    from course_tools.generate.assignments import source_notebook
    from course_tools.generate.writer import write_notebook

    path = CoursePaths(root).source(source.id)
    nb = source_notebook(source)
    if path.is_file() and not force:
        scratch = path.with_suffix(".course-tools.tmp")
        write_notebook(nb, scratch)
        same = scratch.read_bytes() == path.read_bytes()
        scratch.unlink()
        return f"unchanged {path}" if same else f"kept     {path} (differs from content; --force replaces it)"
    changed = write_notebook(nb, path)
    return f"{'wrote    ' if changed else 'unchanged'} {path}"


def register_assignments(db_url: str, course_id: str, assignments: dict[str, AssignmentSource]) -> None:
    """Create each assignment in the gradebook with its due date (an existing one is left as is)."""
    venv_on_path()  # a new gradebook runs `alembic`
    with Gradebook(db_url, course_id) as gb:
        for a in assignments.values():
            try:
                gb.find_assignment(a.id)
            except MissingEntry:
                gb.add_assignment(a.id, duedate=a.due)


def chosen_database(paths: CoursePaths, db: str | None) -> str | None:
    """The db_url the config is to name: `db`, else the one it names already (re-running init without
    --db never moves a course back to SQLite). A course with grades is never pointed elsewhere by init."""
    current = CourseSettings.load(paths.root).db_url if paths.config.is_file() else None
    if db is None:
        return current if current and is_postgresql(current) else None
    parse(db)
    if is_postgresql(db):
        check_connection(db)
    if current and current != db and has_gradebook(current):
        raise CourseToolsError(f"{paths.config}: db_url: the course's grades are in {shown(current)}; init does not "
                               f"move them to {shown(db)} (README, \"PostgreSQL for a grading team\")")
    return db


def init_course(course: Course, root: Path | None = None, course_id: str = DEFAULT_COURSE_ID,
                force: bool = False, db: str | None = None) -> list[str]:
    """Create or complete a course directory; return one line per thing written or kept. `db`: a database
    URL for the gradebook and rubric store (default: SQLite files in the folder)."""
    from course_tools.generate.assignments import course_assignments

    paths = CoursePaths(Path(root) if root else default_course_dir())
    db = chosen_database(paths, db)
    report = []
    paths.exchange.mkdir(parents=True, exist_ok=True)
    # Owner-only: grades, submissions and the local exchange inside (nbgrader's release makes the
    # exchange itself 0777, so the course folder around it is what keeps other accounts out).
    owner_only(paths.root)
    (paths.root / "student").mkdir(exist_ok=True)  # Exchange.assignment_dir: the Assignments panel needs it
    assignments = course_assignments(course)
    text = config_text(course_id, late_policies(assignments), db)
    if not paths.config.is_file():
        paths.config.write_text(text, encoding="utf-8")
        report.append(f"wrote     {paths.config}")
    else:
        old = paths.config.read_text(encoding="utf-8")
        if old == text:
            report.append(f"unchanged {paths.config}")
        elif config_is_generated(old) or force:
            if force and not config_is_generated(old):
                shutil.copy(paths.config, paths.config.with_suffix(".py.bak"))
                report.append(f"saved     {paths.config.with_suffix('.py.bak')} (your edited config)")
            paths.config.write_text(text, encoding="utf-8")
            report.append(f"updated   {paths.config}")
        else:
            report.append(f"kept      {paths.config} (edited by you; --force replaces it)")
    settings = CourseSettings.load(paths.root)
    if db and make_url(db).password:
        owner_only(paths.config)  # it holds a password
    course_id = settings.course_id or course_id
    for source in assignments.values():
        report.append(sync_source(paths.root, source, force))
    existed = has_gradebook(settings.db_url)
    if force and existed:
        from course_tools.grading.backup import backup_course

        saved = backup_course(paths.root, "init-force")
        if saved:
            report.append(f"saved     {saved.path} (gradebook and rubric store, before --force)")
    register_assignments(settings.db_url, course_id, assignments)
    report += claim_course_exchange(settings_exchange(paths.root), course_id)
    where = paths.gradebook
    if is_postgresql(settings.db_url):
        where = f"{shown(settings.db_url)} (gradebook and rubric store)"
    else:
        owner_only(Path(make_url(settings.db_url).database))
    report.append(f"{'kept     ' if existed else 'created  '} {where}"
                  + (" (submissions and grades untouched)" if existed else ""))
    for folder in ("submitted", "autograded", "feedback"):
        if (paths.root / folder).is_dir():
            report.append(f"kept      {paths.root / folder}/ (never touched by init)")
    return report
