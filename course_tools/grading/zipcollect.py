"""`collect --zip`: submissions downloaded from an LMS, filed under submitted/<student>/<assignment>/.

The LMS renames every file. Canvas (and our default pattern) use
`<student>_[LATE_]<lms user id>_<submission id>_<file name>[-<n>].ipynb`, e.g.
`alice_LATE_1234_56789_review6-1.ipynb`; the first part must be a student id on the roster (or be
mapped to one with `--map`, a CSV `lms_id,student_id`). Pass another named regular expression
(groups `student_id` and `file_id`, optionally `timestamp`) for another LMS; names are matched as
nbgrader's FileNameCollectorPlugin does (its `.*/` prefix sees the entry as `/<name>`).

The zip is read entry by entry and never extracted as a whole: an entry that climbs out (`..`, an
absolute path), a nested archive, an id that breaks the roster's id rule or is not on the roster,
and a name that does not match are each listed and skipped; file modes from the zip are never
kept. Several files for one student: the LMS's `-<n>` numbering says which is newest. A second
zip with a changed file is a resubmission (compared by content): the earlier one goes into the
backup and its graded copy too, so that autograde grades the new one. After filing, the same
steps as the exchange collect run (intake_collect.collect_steps).
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from nbgrader.apps import NbGraderAPI
from nbgrader.utils import parse_utc

from course_tools import CourseToolsError
from course_tools.grading.backup import Backup
from course_tools.grading.intake import BatchReport, Problem
from course_tools.grading.intake_collect import collect_steps
from course_tools.grading.limits import Limits, limits_for, size_text
from course_tools.grading.roster import ID_RULE, valid_id

DEFAULT_PATTERN = r".*/(?P<student_id>[^/]+?)_(?:LATE_|late_)?\d+_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"
ARCHIVES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".whl", ".jar")
LMS_NUMBER = re.compile(r"-(\d+)$")  # Canvas: review6.ipynb, review6-1.ipynb, review6-2.ipynb (newest)
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()-]*$")
NBGRADER_FILES = {"timestamp.txt", "submission_secret.txt"}


@dataclass
class Entry:
    name: str  # as in the zip
    student: str
    dest: str  # file name in submitted/<student>/<assignment>/
    number: int  # the LMS's -<n>: higher is newer
    timestamp: str | None
    info: zipfile.ZipInfo


@dataclass
class Plan:
    """What one zip holds, entry by entry: what to file and what to tell the grader."""

    files: dict[str, dict[str, Entry]] = field(default_factory=dict)  # student -> dest -> entry
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # lines not tied to a student on the roster

    def skip(self, name: str, why: str) -> None:
        self.skipped.append(f"skipped {name!r}: {why}")


def read_map(path: Path) -> dict[str, str]:
    """A `--map` CSV: lms_id,student_id (one line per LMS id; the student id follows the roster rule)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseToolsError(f"{path}: cannot read the --map file ({exc})") from None
    rows = list(csv.reader(text.splitlines()))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if header[:2] != ["lms_id", "student_id"]:
        raise CourseToolsError(f"{path}: line 1: the header must be lms_id,student_id")
    found: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2 or not row[0].strip():
            raise CourseToolsError(f"{path}: line {line}: needs an lms_id and a student_id")
        lms_id, student = row[0].strip(), row[1].strip()
        if not valid_id(student):
            raise CourseToolsError(f"{path}: line {line}: student_id {student[:60]!r} is not an id ({ID_RULE})")
        if lms_id in found:
            raise CourseToolsError(f"{path}: line {line}: lms_id {lms_id[:60]!r} repeats")
        found[lms_id] = student
    return found


def _climbs_out(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in parts


def plan_zip(archive: zipfile.ZipFile, pattern: str, roster: set[str], id_map: dict[str, str]) -> Plan:
    """Sort every entry of the zip: to file, or skipped with the reason."""
    plan = Plan()
    unknown: dict[str, list[str]] = {}
    for info in archive.infolist():
        name = info.filename
        if info.is_dir():
            continue
        if _climbs_out(name):
            plan.skip(name, "its path leaves the folder ('..' or absolute); not extracted")
            continue
        base = PurePosixPath(name).name
        if base.lower().endswith(ARCHIVES):
            plan.skip(name, "an archive inside the zip; never unpacked (ask the student for the notebook)")
            continue
        match = re.match(pattern, "/" + name)
        groups = match.groupdict() if match else {}
        if not groups.get("student_id") or not groups.get("file_id"):
            plan.skip(name, "name does not match the pattern")
            continue
        lms_id = groups["student_id"]
        student = id_map.get(lms_id, lms_id)
        if not valid_id(student):
            plan.skip(name, f"student id {student[:60]!r} breaks the roster's id rule ({ID_RULE})")
            continue
        if student not in roster:
            unknown.setdefault(student, []).append(name)
            continue
        dest = PurePosixPath(groups["file_id"]).name + PurePosixPath(base).suffix
        if not SAFE_NAME.match(dest) or dest in NBGRADER_FILES:
            plan.skip(name, f"file name {dest[:60]!r} is not a plain file name")
            continue
        number = LMS_NUMBER.search(PurePosixPath(base).stem)
        entry = Entry(name, student, dest, int(number.group(1)) if number else 0, groups.get("timestamp"), info)
        mine = plan.files.setdefault(student, {})
        if dest in mine:
            newer, older = sorted([mine[dest], entry], key=lambda e: (e.number, e.timestamp or "", e.name))[::-1]
            mine[dest] = newer
            plan.problems.append(Problem(student, dest, f"several files in the zip; the newest by the LMS numbering "
                                         f"({newer.name}) counts, {older.name} is skipped", attention=False))
        else:
            mine[dest] = entry
    for student, names in sorted(unknown.items()):
        plan.skip(", ".join(names), f"id {student!r} is not on the roster (import it with `course-tools roster "
                                    "import`, or map the LMS id with --map lms_id,student_id)")
    return plan


def _read(archive: zipfile.ZipFile, entry: Entry, cap: int) -> bytes | None:
    """The entry's bytes, or None if it holds more than `cap` (whatever its header claims)."""
    with archive.open(entry.info) as handle:
        data = handle.read(cap + 1)
    return None if len(data) > cap else data


def _stage(archive: zipfile.ZipFile, plan: Plan, staging: Path, limits: Limits, name: str) -> dict[str, Path]:
    """Write each student's files into staging/<student>/ (mode 0644, whatever the zip says),
    holding the real sizes, not the headers' claims, to the caps."""
    staged = {}
    cap = limits.submission_bytes
    read = 0
    for student, entries in sorted(plan.files.items()):
        folder = staging / student
        folder.mkdir(parents=True)
        total = 0
        for dest, entry in sorted(entries.items()):
            data = _read(archive, entry, cap - total)
            if data is None:
                plan.problems.append(Problem(student, dest, f"{entry.name} takes the submission over the "
                                             f"{Limits(submission_bytes=cap).describe('submission_bytes')}; "
                                             "not collected, needs attention"))
                break
            total += len(data)
            read += len(data)
            if read > limits.zip_bytes:
                raise CourseToolsError(f"{name}: more than {limits.describe('zip_bytes')} once uncompressed (its "
                                       "headers said less); nothing collected")
            (folder / dest).write_bytes(data)
            (folder / dest).chmod(0o644)
        else:
            stamps = [e.timestamp for e in entries.values() if e.timestamp]
            if stamps:
                try:
                    when = max(parse_utc(s) for s in stamps)
                except ValueError:
                    plan.problems.append(Problem(student, "-", f"timestamp {stamps[0][:40]!r} in the file name is not "
                                                 "a date; collected without one (needs attention)"))
                else:
                    (folder / "timestamp.txt").write_text(when.isoformat(" "), encoding="utf-8")
            staged[student] = folder
    return staged


def _replace(api: NbGraderAPI, assignment_id: str, student: str, staged: Path, backup: Backup | None) -> str | None:
    """Put `staged` in submitted/; the earlier graded copy goes into the backup, so autograde grades
    the new files (nbgrader skips a student whose graded copy has no older timestamp)."""
    cd = api.coursedir
    dest = Path(cd.format_path(cd.submitted_directory, student, assignment_id))
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(staged, dest)
    graded = Path(cd.format_path(cd.autograded_directory, student, assignment_id))
    if not graded.exists():
        return None
    if backup is None:
        shutil.rmtree(graded)
        return f"{student}: the earlier graded copy is removed; autograde grades the new submission"
    kept = backup.path / "autograded" / student / assignment_id
    shutil.move(graded, kept)
    return f"{student}: the earlier graded copy is kept in {kept}; autograde grades the new submission"


def zip_collect(root: Path, assignment_id: str, archive: Path, pattern: str = DEFAULT_PATTERN,
                map_file: Path | None = None) -> BatchReport:
    """File the notebooks of an LMS zip under submitted/, through the one collect path, holding
    the course's run lock (one grade-writing run at a time)."""
    from course_tools.grading.runlock import course_lock

    notes: list[str] = []
    with course_lock(root, f"collect {assignment_id}", notes):
        report = _zip_collect(root, assignment_id, archive, pattern, map_file)
    report.notes[:0] = notes
    return report


def _zip_collect(root: Path, assignment_id: str, archive: Path, pattern: str,
                 map_file: Path | None) -> BatchReport:
    from course_tools.grading.coursedir import open_api
    from course_tools.grading.roster import on_roster

    archive = Path(archive)
    if not zipfile.is_zipfile(archive):
        raise CourseToolsError(f"{archive}: not a zip file")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise CourseToolsError(f"--pattern: not a regular expression ({exc})") from None
    if "student_id" not in compiled.groupindex or "file_id" not in compiled.groupindex:
        raise CourseToolsError("--pattern: needs the named groups (?P<student_id>...) and (?P<file_id>...)")
    id_map = read_map(map_file) if map_file else {}
    api = open_api(root)
    cd = api.coursedir
    limits = limits_for(Path(cd.root))
    report = BatchReport("collect", verb="collected")
    staging = Path(cd.root) / "downloaded" / assignment_id / "staging"
    with zipfile.ZipFile(archive) as zf:
        total = sum(info.file_size for info in zf.infolist())
        if total > limits.zip_bytes:
            raise CourseToolsError(f"{archive.name}: {size_text(total)} uncompressed, over the "
                                   f"{limits.describe('zip_bytes')}; nothing collected")
        plan = plan_zip(zf, pattern, on_roster(cd.db_url, cd.course_id), id_map)
        if staging.exists():
            shutil.rmtree(staging)
        try:
            staged = _stage(zf, plan, staging, limits, archive.name)
        except CourseToolsError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    report.problems += plan.problems
    report.left_out += plan.skipped
    changes: dict[str, str] = {}
    for student, folder in staged.items():
        current = Path(cd.format_path(cd.submitted_directory, student, assignment_id))
        if not current.is_dir():
            changes[student] = "new"
        elif _content(current) != _content(folder):
            changes[student] = "changed"
        else:
            report.notes.append(f"{student}: same files as the submission already collected; unchanged")

    def replaced(_api: NbGraderAPI) -> list[str]:
        return sorted(s for s, change in changes.items() if change == "changed")

    def file_them(_api: NbGraderAPI, backup: Backup | None) -> None:
        for student in sorted(changes):
            note = _replace(api, assignment_id, student, staged[student], backup)
            report.notes += [note] if note else []

    try:
        return collect_steps(root, assignment_id, report, replaced, file_them)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _content(folder: Path) -> str:
    """The fingerprint of a submission's own files (nbgrader's timestamp and secret left out)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name not in NBGRADER_FILES):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
