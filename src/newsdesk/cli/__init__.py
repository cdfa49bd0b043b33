"""The ``newsdesk`` console script: one subcommand per stage, each a thin shell over the API.

Exit codes: 0 ok, 1 error (bad data, failed run), 2 usage (bad arguments).
Each subcommand lives in a module of this package that exposes ``register(subparsers)``;
the handler it sets returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import NewsdeskError

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

# Subcommand modules, in the order their commands appear in --help.
COMMAND_MODULES = ["batch", "brief", "evaluate", "stories", "serve", "watch", "config", "doctor"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Turn many news reports into one trustworthy, sourced brief.",
        epilog="example:\n  newsdesk brief examples/harbour-bridge --format json -o brief.json\n\n"
        "exit codes: 0 ok, 1 error, 2 usage",
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
        (sub or parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
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
