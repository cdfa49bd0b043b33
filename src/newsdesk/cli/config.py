"""``newsdesk config show``: print the effective options (defaults < TOML < env < flags)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..config import EMBEDDER_NAMES, load_options

__all__ = ["register"]

EXAMPLE = """\
examples:
  newsdesk config show
  newsdesk config show --config newsdesk.toml --words 150
  NEWSDESK_WORDS=200 newsdesk config show

exit codes: 0 shown, 1 unreadable config or bad value, 2 usage"""


def register(subparsers: Any) -> None:
    """Add the ``config`` command."""
    parser = subparsers.add_parser(
        "config",
        help="show the effective options",
        description="Print the options the commands run with, as TOML: the defaults, "
        "overridden by a TOML file (--config or $NEWSDESK_CONFIG), then by the environment "
        "(NEWSDESK_WORDS, NEWSDESK_EMBEDDER, NEWSDESK_DB), then by flags.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=["show"], help="what to do (show)")
    parser.add_argument("--config", metavar="FILE", help="options from this TOML file")
    parser.add_argument("--words", type=int, metavar="N", help="summary length in words")
    parser.add_argument("--embedder", choices=sorted(EMBEDDER_NAMES), help="text embedder")
    parser.add_argument("--db", metavar="PATH", help="the store")
    parser.set_defaults(handler=_show)


def _show(args: argparse.Namespace) -> int:
    options = load_options(args.config, words=args.words, embedder=args.embedder, db=args.db)
    sys.stdout.write(options.to_toml())
    return 0
