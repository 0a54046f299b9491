"""`course-tools feedback`: late penalties on the graded work, feedback files, their release.

The feedback files are made as nbgrader's `generate_feedback` makes them (GenerateFeedback with its
GetGrades and CSSHTMLHeader preprocessors, the configured HTML exporter and templates, the other files
of the graded folder copied beside them) and released as its `release_feedback` releases them (one
`<md5(secret + notebook)>.html` per notebook in the exchange's feedback folder), but without importing
nbgrader, whose package import costs more than making the files (1-2 s). The gradebook is read through
gradebook.py. A course whose nbgrader_config.py sets anything else that nbgrader's feedback reads goes
through nbgrader's own API instead (`uses_nbgrader`). tests/grading/test_feedback_equivalence.py holds
both ways to the same files.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor, Preprocessor
from nbconvert.writers import FilesWriter
from traitlets.config import Config

from course_tools import CourseToolsError
from course_tools.grading.backup import backup_course
from course_tools.grading.course_config import CourseSettings
from course_tools.grading.feedback_export import FeedbackExporter
from course_tools.grading.gradebook import NotebookGrades, notebook_grades
from course_tools.grading.late import reapply_late_penalties
from course_tools.grading.runlock import course_lock

# The config nbgrader's feedback steps read, and the keys of it applied here. Any other key in these
# sections sends the course through nbgrader (feedback_by_nbgrader).
HANDLED = {
    "CourseDirectory": {"course_id", "root", "db_url"},
    "Exchange": {"root", "cache", "assignment_dir"},
    "HTMLExporter": {"preprocessors", "filters"},
    "GenerateFeedback": {"HTMLExporter", "exporter_class"},
}
READ_BY_FEEDBACK = ("CourseDirectory", "Exchange", "ExchangeReleaseFeedback", "GenerateFeedback", "BaseConverter",
                    "Exporter", "TemplateExporter", "HTMLExporter", "FilesWriter", "GetGrades",
                    "CSSHTMLHeaderPreprocessor", "NbGraderAPI")
EXPORTER = "course_tools.grading.feedback_export.FeedbackExporter"
IGNORE = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]  # CourseDirectory.ignore's default
FILE_MODE = 0o644  # GenerateFeedback.permissions when not group-shared


def uses_nbgrader(config: Config) -> str | None:
    """Why this course's feedback must go through nbgrader (a key set that is not applied here), or None."""
    for section in READ_BY_FEEDBACK:
        for key in config.get(section, {}) if section in config else {}:
            if key not in HANDLED.get(section, set()):
                return f"{section}.{key}"
    exporter = config.GenerateFeedback.get("exporter_class") if "GenerateFeedback" in config else None
    if exporter not in (None, EXPORTER):
        return "GenerateFeedback.exporter_class"
    return None


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)  # students whose feedback was written
    errors: dict[str, str] = field(default_factory=dict)  # student -> why not


class FillGrades(Preprocessor):
    """nbgrader's GetGrades from a gradebook read done once for the class: each answer's comment, each
    graded cell's score and points, the notebook's score after the late penalty."""

    def __init__(self, grades: dict[tuple[str, str], NotebookGrades], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.grades = grades

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        found = self.grades.get((info["student"], info["notebook"]))
        if found is None:
            raise CourseToolsError(f"{info['student']}/{info['notebook']}: no submission in the gradebook")
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id")
            if meta.get("solution") or meta.get("task"):
                meta["comment"] = found.comments[grade_id]
            if meta.get("grade") or meta.get("task"):
                meta["score"], meta["points"] = found.cells[grade_id]
        penalty = found.late_penalty or 0
        info.update(score=found.score - penalty, max_score=found.max_score, late_penalty=penalty)
        return nb, resources


def _exporter_config(config: Config) -> Config:
    """What GenerateFeedback hands its exporter: the course config with its GenerateFeedback.HTMLExporter
    section applied, no default preprocessors, nbgrader's feedback templates and Bootstrap CSS."""
    spec = importlib.util.find_spec("nbgrader")
    assert spec is not None and spec.submodule_search_locations, "nbgrader is a dependency"
    formgrader = Path(spec.submodule_search_locations[0]) / "server_extensions" / "formgrader"
    merged = Config()
    merged.merge(config)
    if "GenerateFeedback" in config and "HTMLExporter" in config.GenerateFeedback:
        merged.HTMLExporter.merge(config.GenerateFeedback.HTMLExporter)
    merged.Exporter.default_preprocessors = []
    if "template_name" not in merged.HTMLExporter:
        merged.HTMLExporter.template_name = "feedback"
    if "extra_template_basedirs" not in merged.HTMLExporter:
        merged.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates")]
    bootstrap = formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    merged.HTMLExporter.extra_template_paths = [str(bootstrap)]
    return merged


def _is_ignored(filename: str, ignore: list[str]) -> bool:
    """nbgrader.utils.is_ignored: a glob in the file's own folder matches it."""
    dirname = os.path.dirname(filename)
    return any(filename in glob.glob(os.path.join(dirname, expr)) for expr in ignore)


def _other_files(source: Path) -> list[Path]:
    """nbgrader.utils.find_all_files(source, ignore + ['*.ipynb'])."""
    found, skip, ignore = [], [], [*IGNORE, "*.ipynb"]
    for dirname, dirnames, filenames in os.walk(source):
        if _is_ignored(dirname, ignore) or dirname in skip:
            skip.extend(os.path.join(dirname, d) for d in dirnames)
            continue
        found += [Path(dirname, f) for f in filenames if not _is_ignored(os.path.join(dirname, f), ignore)]
    return found


def generate(course: CourseSettings, assignment_id: str) -> Outcome:
    """Every graded student's feedback folder, made anew (nbgrader's generate_feedback --force)."""
    autograded, feedback = course.root / "autograded", course.root / "feedback"
    folders = {p.parent.name: p for p in sorted(autograded.glob(f"*/{assignment_id}")) if any(p.glob("*.ipynb"))}
    outcome = Outcome()
    if not folders:
        return outcome
    exporter = FeedbackExporter(config=_exporter_config(course.config))
    exporter.register_preprocessor(FillGrades(notebook_grades(course.db_url, assignment_id)), enabled=True)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor)
    writer = FilesWriter(config=course.config)
    for student, source in folders.items():
        dest = feedback / student / assignment_id
        try:
            if dest.exists():
                shutil.rmtree(dest)
            for path in _other_files(source):
                target = dest / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
            writer.build_directory = str(dest)
            for notebook in sorted(source.glob("*.ipynb")):
                resources = {"unique_key": notebook.stem, "output_files_dir": f"{notebook.stem}_files",
                             "nbgrader": {"student": student, "assignment": assignment_id, "notebook": notebook.stem,
                                          "db_url": course.db_url}}
                output, resources = exporter.from_filename(str(notebook), resources=resources)
                writer.write(output, resources, notebook_name=notebook.stem)
            for dirname, _, filenames in os.walk(dest):
                for filename in filenames:
                    os.chmod(os.path.join(dirname, filename), FILE_MODE)
            outcome.written.append(student)
        except Exception as exc:  # nbgrader removes the failed folder and goes on with the others
            shutil.rmtree(dest, ignore_errors=True)
            outcome.errors[student] = f"{type(exc).__name__}: {exc}"
    return outcome


def release(course: CourseSettings, assignment_id: str, students: list[str]) -> None:
    """nbgrader's release_feedback for these students: each notebook's HTML copied, then moved into place,
    as `<md5(submission secret + notebook id)>.html` in the exchange's `<course>/feedback` folder."""
    if not course.course_id:
        raise CourseToolsError(f"{course.root / 'nbgrader_config.py'}: CourseDirectory.course_id is not set")
    if not os.access(course.exchange, os.W_OK | os.X_OK):
        raise CourseToolsError(f"{course.exchange}: the exchange is not writable (Exchange.root)")
    from course_tools.grading.exchange_guard import require_own_exchange  # noqa: PLC0415 (imports nbgrader)

    require_own_exchange(course.exchange, course.course_id, "release feedback")
    outbound = course.exchange / course.course_id / "feedback"
    if not outbound.is_dir():
        outbound.mkdir(parents=True)
        outbound.chmod(0o711)  # nbgrader's mode: owner rwx, others may only reach a file whose name they know
    for student in students:
        folder = course.root / "feedback" / student / assignment_id
        secret = (folder / "submission_secret.txt").read_text()
        for html in sorted(folder.glob("*.html")):
            checksum = hashlib.md5((secret + html.stem).encode()).hexdigest()  # noqa: S324 (nbgrader's name, not security)
            temporary = outbound / f"{checksum}-tmp.html"
            shutil.copy(html, temporary)
            shutil.move(temporary, outbound / f"{checksum}.html")


def feedback(root: Path, assignment_id: str, release_it: bool = True, notes: list[str] | None = None) -> int:
    """Apply late penalties to the graded work, generate feedback HTML and release it. A submission
    without nbgrader's submission_secret.txt (an LMS zip, a tampered folder) gets its HTML but is
    not released through the exchange (nbgrader would stop the whole class there); `notes` says so."""
    with course_lock(root, f"feedback {assignment_id}", notes):
        backup_course(Path(root), "feedback")
        course = CourseSettings.load(Path(root))
        reapply_late_penalties(course.db_url, assignment_id, course.config)
        if uses_nbgrader(course.config):
            return feedback_by_nbgrader(root, assignment_id, release_it, notes)
        outcome = generate(course, assignment_id)
        if outcome.errors:
            raise CourseToolsError(f"feedback {assignment_id} failed for " + "; ".join(
                f"{student}: {why}" for student, why in sorted(outcome.errors.items())))
        if release_it:
            release(course, assignment_id, _releasable(course.root / "feedback", assignment_id, notes))
        return len(list((course.root / "feedback").glob(f"*/{assignment_id}/*.html")))


def _releasable(folder: Path, assignment_id: str, notes: list[str] | None) -> list[str]:
    """Students whose feedback can go through the exchange; a note for each of the others."""
    students = sorted(p.parent.name for p in folder.glob(f"*/{assignment_id}") if p.is_dir())
    secret = [s for s in students if (folder / s / assignment_id / "submission_secret.txt").is_file()]
    for student in sorted(set(students) - set(secret)):
        (notes if notes is not None else []).append(
            f"{student}: feedback in {folder / student / assignment_id} not released (no submission_secret.txt: "
            "collected from an LMS zip or edited); send the HTML another way")
    return secret


def feedback_by_nbgrader(root: Path, assignment_id: str, release_it: bool, notes: list[str] | None) -> int:
    """The same steps through nbgrader's API, for a course config that sets what `generate` does not apply."""
    from course_tools.grading.coursedir import open_api, settings_exchange  # noqa: PLC0415 (imports nbgrader)
    from course_tools.grading.exchange_guard import require_own_exchange  # noqa: PLC0415 (imports nbgrader)
    from course_tools.grading.lifecycle import check  # noqa: PLC0415 (imports nbgrader)

    api = open_api(root)
    check(f"feedback {assignment_id}", api.generate_feedback(assignment_id, force=True))
    folder = Path(api.coursedir.root) / api.coursedir.feedback_directory
    if release_it:
        require_own_exchange(settings_exchange(Path(root)), api.coursedir.course_id, "release feedback")
        students = sorted(p.parent.name for p in folder.glob(f"*/{assignment_id}") if p.is_dir())
        secret = _releasable(folder, assignment_id, notes)
        if secret == students:
            check(f"release feedback {assignment_id}", api.release_feedback(assignment_id))
        else:
            for student in secret:
                check(f"release feedback {assignment_id} {student}", api.release_feedback(assignment_id, student))
    return len(list(folder.glob(f"*/{assignment_id}/*.html")))
