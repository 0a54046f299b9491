"""`collect --zip`: submissions downloaded from an LMS, through `nbgrader zip_collect`.

The LMS renames every file. Canvas (and our default pattern) use
`<student>_[LATE_]<lms user id>_<submission id>_<file name>[-<n>].ipynb`, e.g.
`alice_LATE_1234_56789_review6-1.ipynb`; the first part must be the student id of the roster.
Pass another named regular expression (groups `student_id` and `file_id`, optionally
`timestamp`) for another LMS.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from course_tools import CourseToolsError
from course_tools.grading.coursedir import open_api

DEFAULT_PATTERN = r".*/(?P<student_id>[^/]+?)_(?:LATE_|late_)?\d+_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"


def zip_collect(root: Path, assignment_id: str, archive: Path, pattern: str = DEFAULT_PATTERN) -> list[str]:
    """Extract `archive` and file each notebook under submitted/<student>/<assignment>/."""
    archive = Path(archive)
    if not zipfile.is_zipfile(archive):
        raise CourseToolsError(f"{archive}: not a zip file")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise CourseToolsError(f"--pattern: not a regular expression ({exc})") from None
    api = open_api(root)
    course_root = Path(api.coursedir.root)
    downloaded = course_root / "downloaded"
    folder = downloaded / assignment_id / "archive"
    if folder.parent.exists():
        shutil.rmtree(folder.parent)  # last download's extraction; submitted/ is what counts
    folder.mkdir(parents=True)
    shutil.copy(archive, folder / archive.name)
    before = _submitted(course_root, api.coursedir.submitted_directory, assignment_id)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "zip_collect", assignment_id, "--force", "--strict",
         "--ZipCollectApp.downloaded_directory=downloaded",  # nbgrader joins it to the course root
         f"--FileNameCollectorPlugin.named_regexp={pattern}"],
        cwd=course_root, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise CourseToolsError(f"collect --zip {archive.name}: {lines[-1] if lines else 'nbgrader zip_collect failed'}")
    after = _submitted(course_root, api.coursedir.submitted_directory, assignment_id)
    skipped = [line.split("Skipped submission with no match information provided: ")[-1]
               for line in done.stderr.splitlines() if "Skipped submission" in line]
    for name in skipped:
        print(f"collect --zip: skipped {Path(name).name} (name does not match the pattern)", file=sys.stderr)
    return sorted(s for s, stamp in after.items() if before.get(s) != stamp or s not in before)


def _submitted(root: Path, submitted: str, assignment_id: str) -> dict[str, float]:
    found = {}
    for path in (root / submitted).glob(f"*/{assignment_id}"):
        stamps = [p.stat().st_mtime for p in path.glob("*.ipynb")]
        if stamps:
            found[path.parent.name] = max(stamps)
    return found
