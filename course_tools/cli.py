"""`course-tools`: a thin argparse layer; each command module registers its own subcommands."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

# jsonschema compiles a Lark grammar for its 'iri' format check when rfc3987_syntax is installed (2-3 s for
# every command); nbformat's schema uses no 'format', so the CLI blocks that optional import up front.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

from course_tools import ContentError, CourseToolsError, __version__  # noqa: E402

# Each module has register(subparsers); a subcommand sets `func` taking the parsed args.
COMMAND_MODULES = [
    "course_tools.commands.content",
    "course_tools.commands.grading",
    "course_tools.commands.rubric",
]

EPILOG = """examples:
  course-tools check                 validate content/ (one line per problem)
  course-tools build                 regenerate notebooks/ from content/
  course-tools <command> --help      examples for one command
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course-tools",
        description="Build, run and grade Module 6 'Mobilizing Action'.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from course_tools.grading.venv import venv_on_path

    venv_on_path()  # nbgrader's subprocesses (alembic, kernels) from this environment
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ContentError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        print(f"course-tools: {len(exc.problems)} problem(s) in content", file=sys.stderr)
        return 1
    except CourseToolsError as exc:
        print(f"course-tools: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The `course-tools` program: main(), then exit without the interpreter's last garbage collection.
    A grading command leaves some 1,100 imported modules behind, and the collections at exit walk all of
    their objects (0.3 s per command); `gc.freeze()` moves them out of the collector's reach, while
    atexit handlers, stream flushes and module teardown run as usual. Not in main(), which tests call
    in a long-lived process."""
    code = main()
    gc.freeze()
    sys.exit(code)
