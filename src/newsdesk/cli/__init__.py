"""The ``newsdesk`` console script: one subcommand per stage, each a thin shell over the API.

Exit codes: 0 ok, 1 error (bad data, failed run), 2 usage (bad arguments).
Each subcommand lives in a module of this package that exposes ``register(subparsers)``;
the handler it sets returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from ..errors import NewsdeskError

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

# Subcommand modules, in the order their commands appear in --help.
COMMAND_MODULES = ["batch", "brief", "evaluate", "stories", "serve", "watch", "config", "doctor"]


#: How to name an input whose file name starts with "-" (else it is read as an option).
DASH_FILES = (
    "a file named like an option (-x.txt): put it after --, as in\n"
    "  newsdesk brief -- -x.txt\n"
    "or give its path: newsdesk brief ./-x.txt"
)


class _Warnings(logging.Handler):
    """Readers' warnings (a publication date dropped, ...) as one stderr line each."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"newsdesk: warning: {record.getMessage()}", file=sys.stderr)


def _show_warnings(quiet: bool) -> None:
    logger = logging.getLogger("newsdesk.readers")
    logger.propagate = False
    handler = next((h for h in logger.handlers if isinstance(h, _Warnings)), None)
    if handler is None:
        handler = _Warnings()
        logger.addHandler(handler)
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Turn many news reports into one trustworthy, sourced brief.",
        epilog="example:\n  newsdesk brief examples/harbour-bridge --format json -o brief.json\n\n"
        f"{DASH_FILES}\n\nexit codes: 0 ok, 1 error, 2 usage",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(subparsers)
    return parser


def _subparser(
    parser: argparse.ArgumentParser, command: str | None
) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command:
            found: argparse.ArgumentParser | None = action.choices.get(command)
            return found
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console script; return its exit code."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # An unknown flag belongs to the subcommand: say so with its usage, not the top one.
        sub = _subparser(parser, getattr(args, "command", None))
        files = [e for e in extra if e.startswith("-") and os.path.lexists(e)]
        hint = (
            f" (to read the file {files[0]}, put it after --, or write ./{files[0]})"
            if files
            else ""
        )
        (sub or parser).error(f"unrecognized arguments: {' '.join(extra)}{hint}")
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _show_warnings(bool(getattr(args, "quiet", False)))
    try:
        code: int = args.handler(args)
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
