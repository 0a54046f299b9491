"""Autograde for assignments whose grades are all manual (essays): no kernel, two cores, one
gradebook transaction.

Stock `nbgrader autograde --no-execute` spends most of its time opening the gradebook again for
every preprocessor of every notebook. Here the notebooks go through nbgrader's own preprocessors
(OverwriteCells and OverwriteKernelspec read a snapshot of the source cells taken once), in worker
processes; the grades, comments, timestamps and late penalties are then written in the main
process with nbgrader's ORM, field for field what SaveAutoGrades, AssignLatePenalties and
Autograde.init_assignment write. tests/grading/test_fastgrade_equivalence.py holds us to that.

Crash safety: a student counts as graded only when the gradebook has their submission at the
timestamp of the submitted folder. A graded copy without that row (the run was killed before its
one commit, or a resubmission moved the old copy away) is graded again, whatever its timestamp says.
Grades and late penalties are committed together, and workers die with the run that started them.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.exporters import Exporter, NotebookExporter
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbconvert.writers import FilesWriter
from nbgrader import utils
from nbgrader.api import (
    Comment,
    Grade,
    Gradebook,
    MissingEntry,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
)
from traitlets.config import Config

from course_tools import CourseToolsError
from course_tools.grading.cell_metadata import CachedCheckCellMetadata
from course_tools.grading.coursedir import submitted_folders
from course_tools.grading.gradebook import answer_rows
from course_tools.grading.intake import (
    DEFAULT_ANSWER_CAP,
    BatchReport,
    Expected,
    Problem,
    inspect_submission,
    release_expectations,
)
from course_tools.grading.late import penalty_function
from course_tools.grading.roster import on_roster
from course_tools.grading.sanitize import NeutraliseStudentHTML

CHUNK = 25


@dataclass(frozen=True)
class SourceCellSnap:
    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str


@dataclass(frozen=True)
class GradedCellSnap:
    max_score: float


@dataclass(frozen=True)
class NotebookSnap:
    """What OverwriteCells and OverwriteKernelspec read from the gradebook, for one notebook."""

    name: str
    kernelspec: str | None
    source_cells: dict[str, SourceCellSnap]
    graded_cells: dict[str, GradedCellSnap]


class _SnapshotGradebook:
    """The few Gradebook look-ups OverwriteCells makes, answered from a snapshot."""

    def __init__(self, snap: NotebookSnap):
        self.snap = snap

    def __enter__(self) -> _SnapshotGradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCellSnap:
        try:
            return self.snap.source_cells[name]
        except KeyError:
            raise MissingEntry() from None

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> GradedCellSnap:
        try:
            return self.snap.graded_cells[name]
        except KeyError:
            raise MissingEntry() from None


class SnapshotOverwriteCells(OverwriteCells):
    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = _SnapshotGradebook(resources["fastgrade"]["snapshot"])
        return NbGraderPreprocessor.preprocess(self, nb, resources)


class SnapshotOverwriteKernelspec(OverwriteKernelspec):
    def preprocess(self, nb, resources):
        kernelspec = resources["fastgrade"]["snapshot"].kernelspec
        if kernelspec and json.loads(kernelspec):
            nb.metadata["kernelspec"] = json.loads(kernelspec)
        return nb, resources


class RecordAutoGrades(NbGraderPreprocessor):
    """SaveAutoGrades' decisions (auto score, 'No response.'), recorded instead of written."""

    def preprocess_cell(self, cell, resources, index):
        record = resources["fastgrade"]
        if utils.is_grade(cell):
            record["grades"][cell.metadata["nbgrader"]["grade_id"]] = utils.determine_grade(cell, self.log)[0]
        if utils.is_solution(cell):
            unchanged = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
            record["comments"][cell.metadata["nbgrader"]["grade_id"]] = (
                "No response." if unchanged and not utils.is_task(cell) else None)
        return cell, resources


# Autograde.sanitize_preprocessors and autograde_preprocessors under --no-execute (Execute and
# ClearOutput are disabled by that flag), with the gradebook writers replaced by RecordAutoGrades.
# CheckCellMetadata with its schema compiled once (cell_metadata.py).
# NeutraliseStudentHTML sits where the course's nbgrader_config.py puts it for stock autograde.
SANITIZE = [DeduplicateIds, SnapshotOverwriteKernelspec, SnapshotOverwriteCells, NeutraliseStudentHTML,
            CachedCheckCellMetadata]
GRADE = [IgnorePattern, ClearMetadataPreprocessor, LimitOutput, NeutraliseStudentHTML, RecordAutoGrades,
         CachedCheckCellMetadata]


@dataclass
class StudentResult:
    student: str
    timestamp: str | None = None  # as in timestamp.txt
    processed: bool = False
    notebooks: dict[str, dict] = field(default_factory=dict)  # name -> {"grades": {}, "comments": {}}
    error: str = ""
    problems: list[Problem] = field(default_factory=list)


def is_manual_only(db_url: str, course_id: str, assignment_id: str) -> bool:
    """Every graded cell is a manually graded answer in Markdown, and there are no tasks."""
    with Gradebook(db_url, course_id) as gb:
        try:
            assignment = gb.find_assignment(assignment_id)
        except MissingEntry:
            raise CourseToolsError(f"assignment '{assignment_id}': not in the gradebook; "
                                   f"run `course-tools assign {assignment_id}`") from None
        for notebook in assignment.notebooks:
            solutions = {cell.name for cell in notebook.solution_cells}
            if notebook.task_cells:
                return False
            for cell in notebook.grade_cells:
                if cell.name not in solutions or cell.cell_type != "markdown":
                    return False
        return bool(assignment.notebooks)


def snapshot(db_url: str, course_id: str, assignment_id: str) -> dict[str, NotebookSnap]:
    with Gradebook(db_url, course_id) as gb:
        snaps = {}
        for nb in gb.find_assignment(assignment_id).notebooks:
            snaps[nb.name] = NotebookSnap(
                nb.name, nb.kernelspec,
                {c.name: SourceCellSnap(c.name, c.cell_type, c.locked, c.checksum, c.source) for c in nb.source_cells},
                {c.name: GradedCellSnap(float(c.max_score)) for c in nb.grade_cells},
            )
        return snaps


# ---- worker side -------------------------------------------------------------------------------

_WORKER: dict = {}


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the run that started it dies (prctl PR_SET_PDEATHSIG),
    so a killed autograde leaves no orphan writing graded copies; exit if it is already gone."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the pool's own handling remains
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(root: str, snaps: dict[str, NotebookSnap], force: bool, expected: dict[str, Expected],
                 cap: int, graded: dict[str, object], parent: int | None = None) -> None:
    from course_tools.grading.course_config import load_config

    if parent is not None:
        _die_with_parent(parent)

    config = Config(load_config(Path(root)))
    config.merge(Config({"Exporter": {"default_preprocessors": []}}))
    coursedir = CourseDirectory(config=config)
    exporters = []
    for preprocessors in (SANITIZE, GRADE):
        exporter = NotebookExporter(config=config)
        for pp in preprocessors:
            exporter.register_preprocessor(pp)
        exporters.append(exporter)
    _WORKER.update(coursedir=coursedir, exporters=exporters, writer=FilesWriter(config=config),
                   snaps=snaps, force=force, expected=expected, cap=cap, graded=graded,
                   permissions=int(str(444 if not coursedir.groupshared else 664), 8))


def _copy_other_files(src: str, dest: str, ignore: list[str]) -> None:
    for filename in utils.find_all_files(src, ignore + ["*.ipynb"]):
        path = os.path.join(dest, os.path.relpath(filename, src))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path):
            utils.remove(path)
        shutil.copy(filename, path)


def _grade_student(assignment_id: str, student: str) -> StudentResult:
    """Autograde.init_destination/init_assignment/convert_single_notebook for one student."""
    cd: CourseDirectory = _WORKER["coursedir"]
    result = StudentResult(student)
    src = cd.format_path(cd.submitted_directory, student, assignment_id)
    dest = cd.format_path(cd.autograded_directory, student, assignment_id)
    timestamp = cd.get_existing_timestamp(src)
    result.timestamp = timestamp.isoformat(" ") if timestamp else None
    if os.path.exists(dest):
        old = cd.get_existing_timestamp(dest)
        newer = timestamp is not None and old is not None and timestamp > old
        graded = _WORKER["graded"]
        in_gradebook = student in graded and graded[student] == timestamp
        if not (_WORKER["force"] or newer or not in_gradebook):
            return result  # "Skipping existing assignment", as nbgrader does
    inspection = inspect_submission(Path(src), student, _WORKER["expected"], _WORKER["cap"])
    result.problems = inspection.problems
    if not inspection.notebooks and inspection.problems:
        return result  # nothing gradable: keep any earlier graded copy and grades as they are
    if os.path.exists(dest):
        utils.rmtree(dest)
    result.processed = True
    try:
        _copy_other_files(src, dest, list(cd.ignore))
        source = cd.format_path(cd.source_directory, ".", assignment_id)
        _copy_other_files(source, dest, list(cd.ignore))
        sanitize, grade = _WORKER["exporters"]
        writer: FilesWriter = _WORKER["writer"]
        writer.build_directory = dest
        for name, snap in _WORKER["snaps"].items():
            if name not in inspection.notebooks:
                continue
            nb = inspection.notebooks[name]  # parsed once by the inspection, repaired where it had to be
            record = {"snapshot": snap, "grades": {}, "comments": {}}
            for exporter, path in ((sanitize, src), (grade, dest)):  # nbgrader writes and re-reads in between
                resources = {"unique_key": name, "output_files_dir": f"{name}_files", "fastgrade": record,
                             "metadata": {"name": name, "path": path},
                             "nbgrader": {"student": student, "assignment": assignment_id, "notebook": name,
                                          "db_url": cd.db_url}}
                nb, resources = Exporter.from_notebook_node(exporter, nb, resources=resources)  # preprocessors only
                record = resources["fastgrade"]  # nbconvert hands preprocessors a deep copy of resources
            output = nbformat.writes(nb, version=grade.nbformat_version)  # as NotebookExporter writes it
            writer.write(output if output.endswith("\n") else output + "\n", resources, notebook_name=name)
            result.notebooks[name] = {"grades": record["grades"], "comments": record["comments"]}
        for dirname, _, filenames in os.walk(dest):
            for filename in filenames:
                os.chmod(os.path.join(dirname, filename), _WORKER["permissions"])
    except Exception as exc:  # nbgrader logs, removes the failed copy and goes on with the others
        utils.rmtree(dest) if os.path.exists(dest) else None
        result.error = f"{type(exc).__name__}: {exc}"
        result.notebooks = {}
    return result


def _grade_chunk(assignment_id: str, students: list[str]) -> list[StudentResult]:
    return [_grade_student(assignment_id, s) for s in students]


# ---- main process --------------------------------------------------------------------------------


def _students_to_grade(cd: CourseDirectory, assignment_id: str) -> list[str]:
    excluded = set(cd.student_id_exclude.split(",")) if cd.student_id_exclude else set()
    return [student for student, path in submitted_folders(cd, assignment_id).items()
            if student not in excluded and any(path.iterdir())]


def graded_in_gradebook(db_url: str, course_id: str, assignment_id: str) -> dict[str, object]:
    """Student -> submission timestamp, for every submission the gradebook holds."""
    with Gradebook(db_url, course_id) as gb:
        assignment = gb.find_assignment(assignment_id)
        return dict(gb.db.query(SubmittedAssignment.student_id, SubmittedAssignment.timestamp).filter(
            SubmittedAssignment.assignment_id == assignment.id))


def write_results(api: NbGraderAPI, assignment_id: str, results: list[StudentResult]) -> None:
    """One transaction for what Autograde.init_assignment and SaveAutoGrades write and the late
    penalties exactly as AssignLatePenalties computes them: a crash leaves all of it or none."""
    cd = api.coursedir
    with Gradebook(cd.db_url, cd.course_id) as gb:
        db = gb.db
        assignment = gb.find_assignment(assignment_id)
        notebooks = {nb.name: nb for nb in assignment.notebooks}
        cells = {nb.name: (list(nb.grade_cells), list(nb.solution_cells)) for nb in assignment.notebooks}
        students = {s.id for s in db.query(Student.id)}
        submissions = {s.student_id: s for s in db.query(SubmittedAssignment).filter(
            SubmittedAssignment.assignment_id == assignment.id)}
        grades: dict[tuple[str, str, str], Grade] = answer_rows(db, Grade, assignment_id)  # type: ignore[assignment]
        comments: dict[tuple[str, str, str], Comment] = answer_rows(db, Comment, assignment_id)  # type: ignore[assignment]
        with db.no_autoflush:
            _apply(db, assignment, notebooks, cells, students, submissions, grades, comments, results)
        db.flush()
        _assign_late_penalties(gb, api.config, assignment_id, [r for r in results if r.processed and not r.error])
        db.commit()


def _apply(db, assignment, notebooks, cells, students, submissions, grades, comments, results) -> None:
    """Create or update the rows of each processed submission (still in the caller's transaction)."""
    for result in results:
        if not result.processed:
            continue
        if result.student not in students:
            db.add(Student(id=result.student))
            students.add(result.student)
        submission = submissions.get(result.student)
        if submission is None:  # Gradebook.add_submission, without its commit
            submission = SubmittedAssignment(assignment=assignment, student_id=result.student,
                                             timestamp=utils.parse_utc(result.timestamp))
            for nb in assignment.notebooks:
                sub_nb = SubmittedNotebook(notebook=nb, assignment=submission)
                for cell in cells[nb.name][0]:
                    grades[(result.student, nb.name, cell.name)] = Grade(cell_id=cell.id, notebook=sub_nb)
                for cell in cells[nb.name][1]:
                    comments[(result.student, nb.name, cell.name)] = Comment(cell_id=cell.id, notebook=sub_nb)
            db.add(submission)
            submissions[result.student] = submission
        elif result.timestamp:
            submission.timestamp = utils.parse_utc(result.timestamp)
        for name in notebooks:
            recorded = result.notebooks.get(name)
            if recorded is None:
                if result.error:
                    continue
                for cell in cells[name][0]:  # no submitted file: zero, nothing to grade
                    grade = grades[(result.student, name, cell.name)]
                    grade.auto_score, grade.needs_manual_grade = 0, False
                continue
            for cell_name, auto_score in recorded["grades"].items():
                grade = grades[(result.student, name, cell_name)]
                grade.auto_score = auto_score
                grade.needs_manual_grade = grade.manual_score is not None or auto_score is None
            for cell_name, auto_comment in recorded["comments"].items():
                comments[(result.student, name, cell_name)].auto_comment = auto_comment


def _assign_late_penalties(gb: Gradebook, config: Config, assignment_id: str, results: list[StudentResult]) -> None:
    """AssignLatePenalties for the graded students, in the same transaction as their grades."""
    penalty = penalty_function(config, assignment_id)
    for result in results:
        submission = gb.find_submission(assignment_id, result.student)
        for notebook in submission.notebooks:
            if notebook.name in result.notebooks:
                notebook.late_submission_penalty = penalty(result.student, notebook.score,
                                                           submission.total_seconds_late)


def fast_autograde(api: NbGraderAPI, assignment_id: str, force: bool = False,
                   progress: Callable[[str], None] = lambda _: None, workers: int = 2,
                   cap: int = DEFAULT_ANSWER_CAP) -> BatchReport:
    """Autograde every submission of a manual-only assignment; one bad submission never stops the
    others: its problems are reported and the rest are graded."""
    cd = api.coursedir
    students = _students_to_grade(cd, assignment_id)
    if not students:
        raise CourseToolsError(f"autograde {assignment_id}: no submissions in "
                               f"{cd.format_path(cd.submitted_directory, '*', assignment_id)}; run collect first")
    snaps = snapshot(cd.db_url, cd.course_id, assignment_id)
    expected = release_expectations(cd, assignment_id, list(snaps))
    roster = on_roster(cd.db_url, cd.course_id)
    graded = graded_in_gradebook(cd.db_url, cd.course_id, assignment_id)
    initargs = (cd.root, snaps, force, expected, cap, graded)
    chunks = [students[i:i + CHUNK] for i in range(0, len(students), CHUNK)]
    results: list[StudentResult] = []
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(*initargs, os.getpid())) as pool:
            for chunk_results in pool.map(_grade_chunk, [assignment_id] * len(chunks), chunks):
                results += chunk_results
                progress(f"autograde: {len(results)}/{len(students)}")
    else:
        _init_worker(*initargs)
        for chunk in chunks:
            results += _grade_chunk(assignment_id, chunk)
            progress(f"autograde: {len(results)}/{len(students)}")
    write_results(api, assignment_id, results)
    report = BatchReport("autograde")
    for result in results:
        report.problems += result.problems
        if result.error:
            report.problems.append(Problem(result.student, "-", f"nbgrader failed: {result.error} "
                                                                "(not graded, needs attention)"))
        elif result.processed:
            report.graded.append(result.student)
            if result.student not in roster:
                report.problems.append(Problem(result.student, "-", "not on the roster: graded, but add the "
                                               "student with `course-tools roster import` (needs attention)"))
    report.skipped = sum(not r.processed and not r.problems and not r.error for r in results)
    return report
