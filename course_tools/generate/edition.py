"""Build the student edition of the course: what a student's server may read, and nothing more.

    DIR/content/    module.yaml, lessons/ (no instructor notes), activities/, data/, source/module6.txt,
                    edition.yaml (the marker the loader reads)
    DIR/notebooks/  the lesson notebooks, byte-identical to `course-tools build`'s

Left out: content/assignments/ (Review #6's key points, model answers, rubric and calibration answers;
the exit tickets' rubric, key points and model answers), the instructor notes, the nbgrader source
notebooks (their solution regions hold the model answers), the instructor notebooks, facts.md (the
author's research notes) and YAML comments. The YAML files are written again from their data (sorted
nothing, wrapped nowhere), so the same content gives the same bytes. The build fails, leaving the old
edition in place, if any instructor text still appears in a file of the new one.

`release` names assignments (`review6`, `exit_policy_forum`...) whose model answers and key points the
instructor has released, after the class has answered: they go into `content/released/<id>.yaml`, and a
lesson's exit-ticket box then shows them after Save. Rubrics and calibration answers are never released.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from course_tools import CourseToolsError
from course_tools.content.edition import MARKER, RELEASED_DIR, edition_of, marker_text, strip_instructor
from course_tools.content.loader import SEED_FILE, Course, load_course
from course_tools.content.models import QuestionInstructor
from course_tools.generate.assignments import gradable_assignments
from course_tools.generate.notebooks import lesson_filename, lesson_notebook
from course_tools.generate.writer import write_notebook


class _Dumper(yaml.SafeDumper):
    """Multi-line text as YAML block scalars (`|`), as an author writes it; everything else as PyYAML does."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _yaml_text(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000,
                     default_flow_style=False)


def _student_yaml(source: Path) -> str:
    return _yaml_text(strip_instructor(yaml.safe_load(source.read_text(encoding="utf-8"))))


def instructor_texts(course: Course) -> list[str]:
    """Every instructor text of a full course: what must never reach a student edition. A key point that
    quotes the module word for word is the module's text, which students read anyway: not counted."""
    texts = [lesson.instructor_note for lesson in course.lessons.values()]
    for assignment in course.assignments.values():
        for question in assignment.questions:
            texts += _question_texts(question.instructor)
    if course.exit_tickets is not None:
        texts += [item.description for item in course.exit_tickets.rubric]
        for ticket in course.exit_tickets.lessons:
            texts.append(ticket.model_answer)
            texts += [k.text for k in ticket.key_points]
            texts += [c.text for c in ticket.calibration] + [c.note for c in ticket.calibration if c.note]
    module = _squash((course.root / SEED_FILE).read_text(encoding="utf-8"))
    return [t for t in texts if t.strip() and _squash(t) not in module]


def _question_texts(instructor: QuestionInstructor) -> list[str]:
    return ([instructor.model_answer] + [k.text for k in instructor.key_points]
            + [r.description for r in instructor.rubric] + [c.text for c in instructor.calibration]
            + [c.note for c in instructor.calibration if c.note])


def _squash(text: str) -> str:
    return " ".join(text.split())


def leaks(folder: Path, texts: list[str]) -> list[str]:
    """'file: text...' for each instructor text found in a file under `folder` (whitespace-insensitive;
    in notebooks the JSON-escaped text is read back as the cells' sources too)."""
    import nbformat

    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_text(encoding="utf-8", errors="replace")
        views = [raw]
        if path.suffix == ".ipynb":
            views += [cell.source for cell in nbformat.reads(raw, as_version=4).cells]
        haystack = _squash("\n".join(views))
        found += [f"{path.relative_to(folder)}: {text[:60]}..." for text in texts if _squash(text) in haystack]
    return found


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _released(course: Course, release: list[str]) -> dict[str, dict]:
    """The released answers' files, by assignment id (one line naming the known ids for an unknown one)."""
    known = gradable_assignments(course)
    unknown = [name for name in release if name not in known]
    if unknown:
        raise CourseToolsError(f"--release {unknown[0]}: no such assignment (one of: {', '.join(known)})")
    return {name: {"assignment": name, "answers": [
        {"question": q.id, "prompt": q.prompt, "model_answer": q.instructor.model_answer,
         "key_points": [k.text for k in q.instructor.key_points]} for q in known[name].questions]}
        for name in sorted(set(release))}


def _fill(course: Course, out: Path, released: dict[str, dict]) -> None:
    """Write the edition's files into an empty folder `out`."""
    root = course.root
    content = out / "content"
    _write(content / "module.yaml", _student_yaml(root / "module.yaml"))
    for lesson_id in course.module.lessons:
        _write(content / "lessons" / f"{lesson_id}.yaml", _student_yaml(root / "lessons" / f"{lesson_id}.yaml"))
    for lesson_id in sorted(course.activities):
        _write(content / "activities" / f"{lesson_id}.yaml",
               _student_yaml(root / "activities" / f"{lesson_id}.yaml"))
    for name, table in sorted(course.tables.items()):
        (content / "data").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(table, content / "data" / f"{name}.csv")
    (content / SEED_FILE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / SEED_FILE, content / SEED_FILE)
    _write(content / MARKER, marker_text())
    for name, data in released.items():
        _write(content / RELEASED_DIR / f"{name}.yaml", _yaml_text(data))
    for lesson in course.ordered_lessons():
        write_notebook(lesson_notebook(course, lesson), out / "notebooks" / lesson_filename(course, lesson.id))


def build_student_edition(course: Course, out: Path, release: list[str] | tuple[str, ...] = ()) -> list[Path]:
    """Build the student edition of a full course into `out` (a new folder, or an earlier edition, which
    is replaced whole: no file of an older build survives), with the released answers of the assignments
    named in `release`; return the files written, sorted."""
    if course.edition != "full":
        raise CourseToolsError(f"{course.root}: is already a student edition: build from the full content/")
    out = Path(out)
    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or _is_edition(out))):
        raise CourseToolsError(f"{out}: exists and is not a student edition: choose a new or empty folder")
    released = _released(course, list(release))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _fill(course, staging, released)
        load_course(staging / "content")  # the edition loads on its own: lessons work from it
        public = {_squash(t) for data in released.values() for a in data["answers"]
                  for t in (a["model_answer"], *a["key_points"])}
        if found := leaks(staging, [t for t in instructor_texts(course) if _squash(t) not in public]):
            raise CourseToolsError(f"instructor text in the student edition: {found[0]}")
        for path in (staging, *staging.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)  # readable by every user, written by its owner
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / "edition")
            os.replace(staging, out)
            shutil.rmtree(old)
        else:
            os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return sorted(p for p in out.rglob("*") if p.is_file())


def _is_edition(folder: Path) -> bool:
    try:
        return edition_of(folder / "content") == "student"
    except CourseToolsError:
        return False
