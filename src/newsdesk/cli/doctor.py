"""``newsdesk doctor`` and ``newsdesk backup``: check and repair a store, copy it safely."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..store import default_db_path
from .stories import open_store

__all__ = ["register"]

EXIT_OK = 0
EXIT_ERROR = 1


def _doctor(args: argparse.Namespace) -> int:
    path = args.db or str(default_db_path())
    with open_store(path, create=False) as store:
        report = store.doctor()
    if args.json:
        print(json.dumps({"db": path, **report}, sort_keys=True))
    else:
        print(f"store:      {path}")
        print(f"integrity:  {report['integrity']}")
        print(f"search:     {report['fts']}")
        print(f"articles:   {report['articles']}")
        print(f"stories:    {report['stories']}")
        print(f"teasers:    {report['teasers']} (feed items held until their page can be had)")
    return EXIT_OK if report["integrity"] == "ok" else EXIT_ERROR


def _backup(args: argparse.Namespace) -> int:
    path = args.db or str(default_db_path())
    with open_store(path, create=False) as store:
        store.backup(args.out)
    print(f"backed up {path} to {args.out}")
    return EXIT_OK


def register(subparsers: Any) -> None:
    """Add the ``doctor`` and ``backup`` commands."""
    doctor = subparsers.add_parser(
        "doctor",
        help="check a store's integrity, rebuild its search index, count its contents",
        description="Run SQLite's full integrity check on the store, rebuild the full-text "
        "search index from the articles, and print the counts. Exit 1 when the store is "
        "damaged (restore a backup, or copy what is readable with `sqlite3 DB .recover`).",
        epilog="example:\n  newsdesk doctor --db news.db",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doctor.add_argument("--db", help=f"the store (default: $NEWSDESK_DB, else {default_db_path()})")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.set_defaults(handler=_doctor)
    backup = subparsers.add_parser(
        "backup",
        help="copy a store with SQLite's online backup (safe while serve or ingest write)",
        description="Copy the store to OUT page by page with SQLite's online backup API, "
        "which gives a consistent copy even while another process writes. OUT must not exist.",
        epilog="example:\n  newsdesk backup --db news.db news-2026-12-03.db",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    backup.add_argument("--db", help=f"the store (default: $NEWSDESK_DB, else {default_db_path()})")
    backup.add_argument("out", metavar="OUT", help="the new file to write")
    backup.set_defaults(handler=_backup)
