"""The store's connection: opening (damage checks, read-only stores, migrations), the write
lock and transactions, and the query helpers every part of the store uses.

Writers take the lock up front (``BEGIN IMMEDIATE``) and wait for it (``busy_timeout`` plus a
retry loop), so ``serve``, ``ingest`` and ``watch`` can run at once without "database is
locked" reaching the user. A batch is written in one transaction: a killed process leaves
either the whole batch or none of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from ..errors import StoreError
from ..models import UNDATED, Article
from .schema import MIGRATIONS, rebuild_fts

__all__ = ["BUSY_TIMEOUT_MS", "StoreBase", "default_db_path"]

BUSY_TIMEOUT_MS = 60_000
_LOCK_RETRIES = 5

# SQL for ``models.earliest_first``: by publication date, undated last, then by id.
_EARLIEST_FIRST = f"coalesce(published, '{UNDATED}'), id"


def default_db_path() -> Path:
    """Return the store path: ``$NEWSDESK_DB``, else ``newsdesk.db`` in the user's data dir."""
    env = os.environ.get("NEWSDESK_DB")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":  # pragma: no cover - platform specific
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":  # pragma: no cover - platform specific
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "newsdesk" / "newsdesk.db"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# Stores up to this size get a full ``PRAGMA quick_check`` on open (~1 s per 100 MB);
# bigger ones get the cheap checks only (header, schema) until ``newsdesk doctor`` runs.
_QUICK_CHECK_BYTES = 64_000_000


def _damaged(path: str, detail: str) -> StoreError:
    return StoreError(f"store damaged: {path} ({detail}); run `newsdesk doctor --db {path}`")


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message or "corrupt" in message


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class StoreBase:
    """The connection and its transactions; ``Store`` adds the queries."""

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        """Open (creating if needed) and migrate the store at ``path``.

        Args:
            path: a file path, or ``":memory:"`` for a private in-memory store.

        Raises:
            StoreError: the file cannot be opened or is not a newsdesk store.
        """
        self.path = str(path)
        self._lock = threading.RLock()
        existed = self.path != ":memory:" and _size(self.path) > 0
        self.read_only = existed and not _writable(self.path)
        # The file is never opened outside SQLite: closing any other descriptor of it drops
        # every POSIX lock this process holds on it (serve runs two Stores on one file), and
        # a concurrent writer then corrupted the store. SQLite's own "file is not a
        # database" reports a bad header.
        if self.path != ":memory:" and not self.read_only:
            parent = Path(self.path).expanduser().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {parent}: {exc.strerror or exc}") from exc
        try:
            if self.read_only:
                # A store on a read-only file or directory is read without the write lock,
                # WAL switch or migrations a writer needs.
                uri = Path(self.path).expanduser().resolve().as_uri() + "?mode=ro"
                self._db = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False
                )
            else:
                self._db = sqlite3.connect(
                    self.path,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if existed:
                self._check_on_open()
            if self.path != ":memory:" and not self.read_only:
                self._retry(lambda: self._db.execute("PRAGMA journal_mode = WAL"))
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            if self.read_only:
                self._check_migrations(
                    {row[0] for row in self._db.execute("SELECT name FROM migrations")}
                )
            else:
                self._migrate()
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise _damaged(self.path, str(exc)) from exc
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    def _check_on_open(self) -> None:
        """Refuse a damaged store before anything reads or writes it.

        A page overwritten in the schema makes the tables look absent: without this check
        the store read as empty and migrations wrote new tables into it.
        """
        tables = {
            row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "migrations" not in tables:
            raise _damaged(self.path, "no newsdesk schema in a non-empty file")
        done = {row[0] for row in self._db.execute("SELECT name FROM migrations")}
        expected = {"001_articles": "articles", "003_stories": "stories"}
        missing = [
            table for name, table in expected.items() if name in done and table not in tables
        ]
        if missing:
            raise _damaged(self.path, f"table {missing[0]} is gone")
        if _size(self.path) <= _QUICK_CHECK_BYTES:
            verdict = str(self._db.execute("PRAGMA quick_check(1)").fetchone()[0])
            if verdict != "ok":
                raise _damaged(self.path, verdict.splitlines()[0][:200])
        if "002_fts" in done and "articles_fts" not in tables and not self.read_only:
            # The search index is derived data: rebuilt from the articles, not a failure.
            with self.transaction():
                rebuild_fts(self._db)

    # -- lifecycle

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _retry(self, action: Callable[[], Any]) -> Any:
        """Run ``action``, retrying when another connection holds the lock past busy_timeout."""
        for attempt in range(_LOCK_RETRIES):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc) or attempt == _LOCK_RETRIES - 1:
                    raise
                time.sleep(0.1 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _migrate(self) -> None:
        with self.transaction():
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
            )
            done = {row[0] for row in self._db.execute("SELECT name FROM migrations")}
            self._check_migrations(done)
            for name, migration in MIGRATIONS:
                if name not in done:
                    migration(self._db)
                    self._db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))

    def _check_migrations(self, done: set[str]) -> None:
        known = {name for name, _ in MIGRATIONS}
        if done - known:
            unknown = ", ".join(sorted(done - known))
            raise StoreError(
                f"{self.path} was written by a newer newsdesk (migrations {unknown}); "
                "upgrade newsdesk to open it"
            )
        if self.read_only and known - done:
            raise StoreError(f"{self.path} is read-only and needs an upgrade; open it writable")

    def migrations(self) -> list[str]:
        """Return the names of the applied migrations, in order."""
        return [row[0] for row in self._query("SELECT name FROM migrations ORDER BY name")]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the write lock for the block; commit at its end, roll back on any exception."""
        with self._lock:
            if self._db.in_transaction:  # nested: the outer block commits
                yield
                return
            if self.read_only:
                raise StoreError(f"cannot write to {self.path}: the store is read-only")
            self._retry(lambda: self._db.execute("BEGIN IMMEDIATE"))
            try:
                yield
            except sqlite3.DatabaseError as exc:
                # SQLite may already have rolled back (disk full, I/O error): a second
                # ROLLBACK would raise "no transaction is active" and hide the cause.
                self._rollback()
                if _is_damage(exc):
                    raise _damaged(self.path, str(exc)) from exc
                raise StoreError(f"cannot write to {self.path}: {exc}") from exc
            except BaseException:
                self._rollback()
                raise
            try:
                self._retry(lambda: self._db.execute("COMMIT"))
            except sqlite3.DatabaseError as exc:
                self._rollback()
                raise StoreError(f"cannot write to {self.path}: {exc}") from exc

    def _rollback(self) -> None:
        if self._db.in_transaction:
            # The connection may be closed, or SQLite rolled back itself.
            with contextlib.suppress(sqlite3.DatabaseError):
                self._db.execute("ROLLBACK")

    def _query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:
        with self._lock:
            try:
                return list(self._retry(lambda: self._db.execute(sql, params).fetchall()))
            except sqlite3.DatabaseError as exc:
                if _is_damage(exc):
                    raise _damaged(self.path, str(exc)) from exc
                raise StoreError(f"cannot read {self.path}: {exc}") from exc

    def _write(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> None:
        with self._lock:
            if not self._db.in_transaction:
                raise RuntimeError("store writes must run inside Store.transaction()")
            self._db.execute(sql, params)

    def _write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock:
            if not self._db.in_transaction:
                raise RuntimeError("store writes must run inside Store.transaction()")
            self._db.executemany(sql, rows)

    _ARTICLE_COLUMNS = (
        "id, location, text, title, url, outlet, published, author, dateline, language, removed"
    )

    @staticmethod
    def _article(row: Sequence[Any]) -> Article:
        return Article(
            id=row[0],
            location=row[1],
            text=row[2],
            title=row[3],
            url=row[4],
            outlet=row[5],
            published=row[6],
            author=row[7],
            dateline=row[8],
            language=row[9],
            removed=tuple(json.loads(row[10])),
        )


def _size(path: str) -> int:
    try:
        return Path(path).expanduser().stat().st_size
    except OSError:
        return 0


def _writable(path: str) -> bool:
    """True when the store file and its directory (for the WAL and lock files) are writable."""
    file = Path(path).expanduser()
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
