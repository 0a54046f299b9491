"""Look at one student's submission before nbgrader does: name each problem, repair what can be
repaired without guessing, and say what needs a grader's attention.

The submitted files stay untouched (evidence); repairs go into the copy that is graded.

| problem | what happens |
|---|---|
| empty, not JSON, not a notebook, several candidate notebooks | not graded; needs attention |
| not valid UTF-8 | graded with U+FFFD for the bad bytes; needs attention |
| answer cell deleted | the released (blank) cell is put back: graded 0 ("No response."); needs attention |
| answer cell's grade id changed | as deleted; the student's text stays visible as a plain cell |
| answer cell duplicated | the first copy is graded, the others show as plain cells; needs attention |
| cells reordered | graded by grade id (order does not change a score); noted |
| nbgrader metadata edited (points, flags) | restored from the released notebook; noted |
| locked prompt edited | restored from the source (nbgrader's OverwriteCells); noted |
| answer over the size cap | graded with the answer cut at the cap; needs attention |
| submission over the total size cap, notebook over the cell cap | not graded; needs attention |
| a field of the wrong JSON type (a list as grade id, ...) | see notebook_shape.py: named, repaired or not graded |
| notebook misnamed | the single other notebook is graded in its place; noted |
| extra files | kept, not graded; noted |
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbgrader import utils

from course_tools.grading.limits import DEFAULT_ANSWER_CAP, Limits, limits_for, size_text
from course_tools.grading.notebook_shape import check_shape, is_checksum, short

if TYPE_CHECKING:
    from nbgrader.coursedir import CourseDirectory

__all__ = ["DEFAULT_ANSWER_CAP", "BatchReport", "Expected", "Inspection", "Problem", "inspect_submission"]
IGNORED = {"timestamp.txt", "submission_secret.txt", ".ipynb_checkpoints"}  # nbgrader's own files
TRUNCATED = "\n\n[... cut by course-tools at {cap} bytes: the full answer ({size} bytes) is in submitted/]"


@dataclass(frozen=True)
class Problem:
    student: str
    file: str
    text: str
    attention: bool = True

    def line(self, step: str) -> str:
        where = "" if self.file == "-" else f"{self.file}: "
        return f"{step}: {self.student}: {where}{self.text}"


@dataclass
class Inspection:
    """What to grade for one student: notebook name -> the notebook as read (repaired where it had to be;
    missing key: nothing gradable), and the problems found."""

    student: str
    notebooks: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def attention(self) -> bool:
        return any(p.attention for p in self.problems)

    def add(self, file: str, text: str, attention: bool = True) -> None:
        self.problems.append(Problem(self.student, file, text, attention))


@dataclass(frozen=True)
class Expected:
    """What one notebook of the assignment should hold, from the released (student) version."""

    name: str
    cells: dict[str, dict]  # grade id -> released cell (as a dict), in release order
    answers: frozenset[str]  # grade ids of answer (solution or graded) cells
    locked: dict[str, str]  # grade id -> checksum of locked cells


def expected_from_release(path: Path) -> Expected:
    """What the student received (an empty expectation if the assignment was never released here)."""
    if not Path(path).is_file():
        return Expected(Path(path).stem, {}, frozenset(), {})
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells, answers, locked = {}, set(), {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        cells[grade_id] = cell
        if meta.get("solution") or meta.get("grade"):
            answers.add(grade_id)
        if meta.get("locked"):
            locked[grade_id] = meta.get("checksum", "")
    return Expected(Path(path).stem, cells, frozenset(answers), locked)


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def read_notebook(path: Path, inspection: Inspection, limits: Limits | None = None) -> object | None:
    """The notebook in `path`, or None (with the problem recorded) if it cannot be graded."""
    name = path.name
    limits = limits or Limits()
    data = path.read_bytes()
    if not data.strip():
        inspection.add(name, "empty file (not graded, needs attention)")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        inspection.add(name, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); graded "
                             "with U+FFFD in place of the bad bytes (needs attention)")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        inspection.add(name, f"not valid JSON ({exc}) (not graded, needs attention)")
        return None
    version = raw.get("nbformat", 0) if isinstance(raw, dict) else 0
    if not isinstance(version, int) or version < 4 or not isinstance(raw.get("cells"), list):
        inspection.add(name, "not a Jupyter notebook (no nbformat 4 'cells' list) (not graded, needs attention)")
        return None
    if len(raw["cells"]) > limits.cells:
        inspection.add(name, f"{len(raw['cells'])} cells, over the {limits.describe('cells')} "
                             "(not graded, needs attention)")
        return None
    why, repairs = check_shape(raw)
    if why:
        inspection.add(name, f"not a readable notebook: {why} (not graded, needs attention)")
        return None
    for note in repairs:
        inspection.add(name, f"{note} (needs attention)")
    try:
        return nbformat.reads(json.dumps(raw) if repairs else text, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for broken structure
        inspection.add(name, f"not a readable notebook ({type(exc).__name__}: {exc}) (not graded, needs attention)")
        return None


def _pick_file(folder: Path, expected: Expected, inspection: Inspection) -> Path | None:
    path = folder / f"{expected.name}.ipynb"
    if path.is_file():
        return path
    others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if len(others) == 1:
        inspection.add(others[0].name, f"misnamed: graded as {expected.name}.ipynb", attention=False)
        return others[0]
    if others:
        inspection.add(f"{expected.name}.ipynb", f"missing, and {len(others)} other notebooks "
                       f"({', '.join(p.name for p in others)}) (not graded, needs attention)")
    else:
        inspection.add(f"{expected.name}.ipynb", "missing (not graded, needs attention)")
    return None


def check_cells(nb, expected: Expected, inspection: Inspection, file: str, cap: int) -> bool:
    """Compare the cells with the release; repair in place; return True if anything changed."""
    changed = False
    ids = [_grade_id(c) for c in nb.cells]
    counts = Counter(i for i in ids if i)
    unknown = [i for i in counts if i not in expected.cells]
    missing = [i for i in expected.cells if i not in counts]
    for grade_id in unknown:
        renamed = [m for m in missing if m in expected.answers]
        hint = f"; it may be answer {renamed[0]} renamed" if len(renamed) == 1 else ""
        inspection.add(file, f"cell with unknown grade id {short(grade_id)} (shown as a plain cell, not graded{hint})",
                       attention=bool(hint))
    for grade_id in missing:
        kind = "answer cell" if grade_id in expected.answers else "locked cell"
        what = "graded 0, needs attention" if grade_id in expected.answers else "put back from the release"
        inspection.add(file, f"{kind} {grade_id} deleted ({what})", attention=grade_id in expected.answers)
        _insert_released(nb, expected, grade_id)
        changed = True
    for grade_id, count in counts.items():
        if count > 1 and grade_id in expected.cells:
            inspection.add(file, f"cell {grade_id} appears {count} times (the first is graded, the others show "
                                 "as plain cells; needs attention)")
    present = [i for i in ids if i in expected.cells]
    order = list(dict.fromkeys(present))
    release_order = [i for i in expected.cells if i in order]
    if order != release_order:
        first = next(a for a, b in zip(order, release_order, strict=True) if a != b)
        inspection.add(file, f"cells reordered ({first} moved); grades go by grade id, not by position",
                       attention=False)
    seen: set[str] = set()
    for cell in nb.cells:
        grade_id = _grade_id(cell)
        if grade_id in expected.cells and grade_id not in seen:
            seen.add(grade_id)
            changed |= _restore_metadata(cell, expected.cells[grade_id], expected, inspection, file)
        elif "nbgrader" in cell.metadata:  # a copy or an unknown id: a plain cell (nbgrader rejects half metadata)
            del cell.metadata["nbgrader"]
            changed = True
        changed |= _cap(cell, grade_id, inspection, file, cap)
    return changed


def _insert_released(nb, expected: Expected, grade_id: str) -> None:
    """Put the released cell back just after the cell that precedes it in the release."""
    order = list(expected.cells)
    position = len(nb.cells)
    for before in reversed(order[:order.index(grade_id)]):
        index = next((i for i, c in enumerate(nb.cells) if _grade_id(c) == before), None)
        if index is not None:
            position = index + 1
            break
    else:
        position = 0 if order.index(grade_id) == 0 else len(nb.cells)
    cell = nbformat.from_dict(copy.deepcopy(expected.cells[grade_id]))
    if isinstance(cell.source, list):  # the release's JSON keeps lines; a read notebook holds one string
        cell.source = "".join(cell.source)
    nb.cells.insert(position, cell)


def _restore_metadata(cell, released: dict, expected: Expected, inspection: Inspection, file: str) -> bool:
    mine = dict(cell.metadata.get("nbgrader", {}))
    theirs = dict(released["metadata"]["nbgrader"])
    grade_id = theirs["grade_id"]
    diffs = [f"{key} {short(theirs.get(key))} -> {short(mine.get(key))}" for key in sorted(set(mine) | set(theirs))
             if mine.get(key) != theirs.get(key) and (key != "checksum" or not is_checksum(mine.get(key)))]
    changed = False
    if diffs:
        inspection.add(file, f"nbgrader metadata of {grade_id} edited ({', '.join(diffs)}); restored from the "
                             "release", attention=False)
        checksum = mine.get("checksum") if is_checksum(mine.get("checksum")) else theirs.get("checksum")
        cell.metadata["nbgrader"] = nbformat.from_dict({**theirs, "checksum": checksum})
        changed = True
    if cell.cell_type != released["cell_type"]:
        inspection.add(file, f"cell {grade_id} changed from {released['cell_type']} to {cell.cell_type}; "
                             "restored", attention=False)
        changed = True
    if grade_id in expected.locked and utils.compute_checksum(cell) != expected.locked[grade_id]:
        inspection.add(file, f"locked cell {grade_id} edited; restored from the source", attention=False)
    return changed


def _cap(cell, grade_id: str | None, inspection: Inspection, file: str, cap: int) -> bool:
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    size = len(source.encode("utf-8"))
    if size <= cap:
        return False
    cut = source.encode("utf-8")[:cap].decode("utf-8", errors="ignore")
    cell.source = cut + TRUNCATED.format(cap=cap, size=size)
    inspection.add(file, f"{'answer ' + grade_id if grade_id else 'a cell'} is {size / 1e6:.1f} MB; graded cut at "
                         f"{cap / 1e6:.1f} MB (needs attention)")
    return True


def inspect_submission(folder: Path, student: str, expected: dict[str, Expected],
                       cap: int = DEFAULT_ANSWER_CAP, limits: Limits | None = None) -> Inspection:
    """Check every expected notebook of one submission folder and list the other files. `limits`
    default to the course's (nbgrader_config.py above `folder`, else the defaults)."""
    folder = Path(folder)
    inspection = Inspection(student)
    limits = limits or limits_for(folder)
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    if total > limits.submission_bytes:
        inspection.add("-", f"submission is {size_text(total)}, over the {limits.describe('submission_bytes')} "
                            "(not graded, needs attention)")
        return inspection
    used = set()
    for name, exp in expected.items():
        path = _pick_file(folder, exp, inspection)
        if path is None:
            continue
        used.add(path.name)
        nb = read_notebook(path, inspection, limits)
        if nb is None:
            continue
        if exp.cells:
            check_cells(nb, exp, inspection, path.name, cap)  # may cut an answer over the cap
        inspection.notebooks[name] = nb  # what is graded: read once, repaired where it had to be
    for path in sorted(folder.iterdir()):
        if path.name not in used and path.name not in IGNORED and not path.name.startswith("."):
            if path.suffix == ".ipynb" and any(p.file == path.name for p in inspection.problems):
                continue
            inspection.add(path.name, "extra file (kept in submitted/, not graded)", attention=False)
    return inspection


@dataclass
class BatchReport:
    """The end of a collect or autograde run: who was graded, who needs attention and why."""

    step: str
    graded: list[str] = field(default_factory=list)
    verb: str = "graded"
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines not tied to one file (resubmissions, backups)
    left_out: list[str] = field(default_factory=list)  # files not collected (an LMS zip's odd entries)
    skipped: int = 0  # already graded and unchanged

    @property
    def attention(self) -> dict[str, list[Problem]]:
        found: dict[str, list[Problem]] = {}
        for problem in self.problems:
            if problem.attention:
                found.setdefault(problem.student, []).append(problem)
        return found

    def lines(self) -> list[str]:
        return [p.line(self.step) for p in self.problems] + [f"{self.step}: {n}" for n in self.notes + self.left_out]

    def summary(self) -> str:
        need = self.attention
        text = f"{self.step}: {self.verb} {len(self.graded)} submission(s)"
        if self.left_out:
            text += f"; {len(self.left_out)} file(s) in the zip skipped (listed above)"
        if not need:
            return text + "; nothing needs attention"
        details = "; ".join(f"{s} ({need[s][0].text.split(' (')[0]}{', ...' if len(need[s]) > 1 else ''})"
                            for s in sorted(need))
        return text + f"; {len(need)} need attention: {details}"


def release_expectations(cd: CourseDirectory, assignment_id: str, names: list[str]) -> dict[str, Expected]:
    """What each notebook of the released (student) version holds, to compare submissions with."""
    folder = Path(cd.format_path(cd.release_directory, ".", assignment_id))
    return {name: expected_from_release(folder / f"{name}.ipynb") for name in names}
