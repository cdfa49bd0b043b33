"""The store's upkeep: ``doctor`` (integrity, FTS rebuild, counts) and ``backup`` (SQLite's
online backup), as ``newsdesk doctor`` and ``newsdesk backup`` run them."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .articles import ArticleQueries
from .schema import rebuild_fts
from .stories import StoryQueries
from .teasers import TeaserQueries

__all__ = ["Maintenance"]


class Maintenance(ArticleQueries, StoryQueries, TeaserQueries):
    """Whole-store checks and copies."""

    def doctor(self) -> dict[str, Any]:
        """Check the whole store, rebuild the search index, and count what it holds.

        Returns:
            ``{"integrity": "ok" | first problem, "fts": "rebuilt" | "skipped (...)",
            "articles": n, "stories": n, "teasers": n}`` (teasers: feed items held until
            their page can be had).
        """
        integrity = self.integrity_check()
        report: dict[str, Any] = {"integrity": integrity.splitlines()[0][:300]}
        if integrity != "ok":
            report["fts"] = "skipped (integrity check failed)"
        elif self.read_only:
            report["fts"] = "skipped (read-only store)"
        else:
            with self.transaction():
                rebuild_fts(self._db)
            report["fts"] = "rebuilt"
        report["articles"] = self.count_articles()
        report["stories"] = self.count_stories()
        report["teasers"] = self.count_teasers()
        return report

    def backup(self, out: str | os.PathLike[str]) -> None:
        """Copy the store to ``out`` with SQLite's online backup (safe while others write).

        Raises:
            StoreError: ``out`` exists or cannot be written.
        """
        target = Path(out).expanduser()
        if target.exists():
            raise StoreError(f"{target} exists; choose a new file for the backup")
        try:
            copy = sqlite3.connect(target)
            try:
                with self._lock:
                    self._db.backup(copy)
            finally:
                copy.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot back up {self.path} to {target}: {exc}") from exc

    def integrity_check(self) -> str:
        """Run SQLite's integrity check and return its verdict ("ok" when sound)."""
        return str(self._query("PRAGMA integrity_check")[0][0])
