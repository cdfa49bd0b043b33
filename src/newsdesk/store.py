"""The article store: SQLite (WAL, FTS5) holding articles, duplicates, stories and cached briefs.

All SQL of newsdesk lives in this module. The schema is built by named, ordered migration
functions; each one is recorded in the ``migrations`` table once applied, so opening an old
store brings it up to date and opening a current one changes nothing.

Writers take the lock up front (``BEGIN IMMEDIATE``) and wait for it (``busy_timeout`` plus a
retry loop), so ``serve``, ``ingest`` and ``watch`` can run at once without "database is
locked" reaching the user. A batch is written in one transaction: a killed process leaves
either the whole batch or none of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from .errors import StoreError
from .models import UNDATED, Article, DuplicateGroup, Story

__all__ = [
    "MIGRATIONS",
    "ArticleRow",
    "SearchHit",
    "Store",
    "FeatureRow",
    "StorySummary",
    "default_db_path",
    "fts_query",
]

# How long a writer waits for another writer's lock before giving up. Batches commit in
# well under a second, so 60 s only runs out when another process hangs on its lock.
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


@dataclass(frozen=True)
class StorySummary:
    """One line of the story list."""

    id: str
    headline: str
    n_articles: int
    n_sources: int  # distinct outlets (an article without an outlet counts as its own)
    first_published: str | None
    last_published: str | None
    updated_at: str


@dataclass(frozen=True)
class SearchHit:
    """An article matching a full-text query; ``snippet`` marks the matches with [ ]."""

    article_id: str
    story_id: str | None
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float


@dataclass(frozen=True)
class ArticleRow:
    """What ingest needs to know about a stored article (no body)."""

    id: str
    published: str | None
    story_id: str | None
    duplicate_of: str | None
    minhash: bytes | None


@dataclass(frozen=True)
class FeatureRow:
    """An article's clustering description as stored: opaque bytes owned by ``stories``."""

    id: str
    published: str | None
    component: str
    features: bytes


# --- Migrations -----------------------------------------------------------------------------


def _m001_articles(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            canonical_url TEXT,
            location TEXT NOT NULL,
            title TEXT,
            url TEXT,
            outlet TEXT,
            published TEXT,
            author TEXT,
            dateline TEXT,
            language TEXT,
            removed TEXT NOT NULL DEFAULT '[]',
            text TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            story_id TEXT,
            duplicate_of TEXT,
            duplicate_kind TEXT,
            minhash BLOB
        )"""
    )
    db.execute("CREATE INDEX articles_content_hash ON articles(content_hash)")
    db.execute("CREATE INDEX articles_story ON articles(story_id)")
    db.execute("CREATE INDEX articles_published ON articles(published)")
    db.execute("CREATE INDEX articles_canonical_url ON articles(canonical_url)")


def _m002_fts(db: sqlite3.Connection) -> None:
    # External-content FTS5 index kept in step by triggers: the text is stored once.
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, outlet, "
        "content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute(
        "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title, text, outlet) "
        "VALUES (new.seq, new.title, new.text, new.outlet); END"
    )
    db.execute(
        "CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, text, outlet) "
        "VALUES ('delete', old.seq, old.title, old.text, old.outlet); END"
    )
    db.execute(
        "CREATE TRIGGER articles_au AFTER UPDATE OF title, text, outlet ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, text, outlet) "
        "VALUES ('delete', old.seq, old.title, old.text, old.outlet); "
        "INSERT INTO articles_fts(rowid, title, text, outlet) "
        "VALUES (new.seq, new.title, new.text, new.outlet); END"
    )


_FTS_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")


def _rebuild_fts(db: sqlite3.Connection) -> None:
    """Recreate the full-text index and its triggers from the articles table."""
    for trigger in _FTS_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    _m002_fts(db)
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


def _m003_stories(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            headline TEXT NOT NULL DEFAULT '',
            n_articles INTEGER NOT NULL DEFAULT 0,
            n_sources INTEGER NOT NULL DEFAULT 0,
            first_published TEXT,
            last_published TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version TEXT NOT NULL DEFAULT '',
            profile BLOB NOT NULL
        )"""
    )
    db.execute("CREATE INDEX stories_last ON stories(last_published)")
    db.execute("CREATE INDEX stories_first ON stories(first_published)")
    db.execute("CREATE INDEX stories_updated ON stories(updated_at)")


def _m004_briefs_and_terms(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE briefs (
            story_id TEXT NOT NULL,
            version TEXT NOT NULL,
            brief_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (story_id, version)
        )"""
    )
    # Document frequencies of the terms clustering weighs (idf), updated per batch.
    db.execute("CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _m005_story_features(db: sqlite3.Connection) -> None:
    # Stories became a function of the set of articles (average linkage over per-article
    # features, kept up to date component by component): per-story profiles and the
    # store-wide term statistics they were weighted by are gone.
    db.execute(
        """CREATE TABLE story_features (
            article_id TEXT PRIMARY KEY,
            published TEXT,
            day INTEGER,
            component TEXT NOT NULL,
            features BLOB NOT NULL
        )"""
    )
    db.execute("CREATE INDEX story_features_day ON story_features(day)")
    db.execute("CREATE INDEX story_features_component ON story_features(component)")
    # When stories merge or split, the ids that disappear point at where most members went.
    db.execute("CREATE TABLE story_aliases (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL)")
    db.execute("DROP TABLE term_df")
    db.execute("DELETE FROM meta WHERE key = 'n_docs'")
    db.execute("ALTER TABLE stories DROP COLUMN profile")


Migration = Callable[[sqlite3.Connection], None]

#: Schema changes in the order they are applied. Append only; never edit an applied one.
MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("001_articles", _m001_articles),
    ("002_fts", _m002_fts),
    ("003_stories", _m003_stories),
    ("004_briefs_and_terms", _m004_briefs_and_terms),
    ("005_story_features", _m005_story_features),
)


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: every word quoted, all required.

    A trailing ``*`` on a word keeps prefix search; everything else FTS5 would parse as
    syntax (quotes, parentheses, ``NEAR``, column filters) becomes a plain word.

    Example:
        >>> fts_query('troops "Iraq OR')
        '"troops" "iraq" "or"'
    """
    terms = []
    for match in re.finditer(r"(\w+)(\*?)", text.lower()):
        word, star = match.groups()
        terms.append(f'"{word}"' + ("*" if star else ""))
    return " ".join(terms[:32])


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


class Store:
    """The SQLite article store. Open with a path (or ``":memory:"``); use as a context manager.

    Example:
        >>> with Store(":memory:") as store:
        ...     store.stories()
        []
    """

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
                _rebuild_fts(self._db)

    # -- lifecycle

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
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

    # -- articles

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

    def article(self, article_id: str) -> Article | None:
        """Return the stored article with this id, or None."""
        rows = self._query(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        )
        return self._article(rows[0]) if rows else None

    def articles(self, ids: Sequence[str]) -> list[Article]:
        """Return the stored articles among ``ids`` in that order (unknown ids are skipped)."""
        found: dict[str, Article] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = self._article(row)
        return [found[i] for i in ids if i in found]

    def count_articles(self) -> int:
        """Return how many articles the store holds."""
        return int(self._query("SELECT count(*) FROM articles")[0][0])

    def article_rows(self, ids: Sequence[str]) -> dict[str, ArticleRow]:
        """Return ingest's view (story, duplicate, MinHash) of the stored articles among ``ids``."""
        out: dict[str, ArticleRow] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                "SELECT id, published, story_id, duplicate_of, minhash FROM articles "
                f"WHERE id IN ({marks})",
                chunk,
            ):
                out[row[0]] = ArticleRow(*row)
        return out

    def ids_by_content_hash(self, hashes: Sequence[str]) -> dict[str, str]:
        """Return, for each known content hash, the id of the first article stored with it."""
        out: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(hashes)), 500):
            marks = ",".join("?" * len(chunk))
            for content_hash, article_id in self._query(
                "SELECT content_hash, id FROM articles "
                f"WHERE content_hash IN ({marks}) ORDER BY seq DESC",
                chunk,
            ):
                out[content_hash] = article_id
        return out

    def recent_minhashes(
        self, *, start: str | None, end: str | None, limit: int
    ) -> list[ArticleRow]:
        """Return the MinHash rows of articles published in [start, end] (plus undated ones).

        Undated articles are bounded by ``limit`` most recently ingested, so a store of
        millions of undated articles still yields a bounded index.
        """
        rows: list[Any] = []
        if start is not None and end is not None:
            rows += self._query(
                "SELECT id, published, story_id, duplicate_of, minhash FROM articles "
                "WHERE published >= ? AND published <= ? AND minhash IS NOT NULL "
                "ORDER BY seq DESC LIMIT ?",
                (start, end, limit),
            )
        rows += self._query(
            "SELECT id, published, story_id, duplicate_of, minhash FROM articles "
            "WHERE published IS NULL AND minhash IS NOT NULL ORDER BY seq DESC LIMIT ?",
            (limit,),
        )
        return [ArticleRow(*row) for row in rows]

    def add_articles(self, rows: Sequence[tuple[Article, str, str | None, bytes | None]]) -> None:
        """Insert articles (with content hash, canonical URL and MinHash); known ids are skipped.

        Must run inside ``transaction()``.
        """
        now = _now()
        self._write_many(
            "INSERT OR IGNORE INTO articles (id, content_hash, canonical_url, location, title, "
            "url, outlet, published, author, dateline, language, removed, text, ingested_at, "
            "minhash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    a.id,
                    content_hash,
                    canonical,
                    a.location,
                    a.title,
                    a.url,
                    a.outlet,
                    a.published,
                    a.author,
                    a.dateline,
                    a.language,
                    json.dumps(list(a.removed), ensure_ascii=False),
                    a.text,
                    now,
                    minhash,
                )
                for a, content_hash, canonical, minhash in rows
            ],
        )

    def relocate(self, locations: Mapping[str, str]) -> None:
        """Record a smaller location for stored articles met again elsewhere; in a transaction.

        The store keeps the first location in sort order, so it does not depend on which
        copy of a file arrived first.
        """
        self._write_many(
            "UPDATE articles SET location = ? WHERE id = ? AND location > ?",
            [(loc, aid, loc) for aid, loc in sorted(locations.items())],
        )

    def reroot_duplicates(self, old_root: str, new_root: str, kind: str) -> None:
        """Make ``new_root`` the original of ``old_root``'s copies and of ``old_root`` itself."""
        self._write(
            "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", (new_root, old_root)
        )
        self._write(
            "UPDATE articles SET duplicate_of = ?, duplicate_kind = ? WHERE id = ?",
            (new_root, kind, old_root),
        )

    def set_memberships(self, rows: Sequence[tuple[str, str, str | None, str | None]]) -> None:
        """Set (article id, story id, duplicate_of, duplicate kind) for stored articles."""
        self._write_many(
            "UPDATE articles SET story_id = ?, duplicate_of = ?, duplicate_kind = ? WHERE id = ?",
            [(story, dup, kind, aid) for aid, story, dup, kind in rows],
        )

    def duplicate_groups(self, article_ids: Sequence[str] | None = None) -> list[DuplicateGroup]:
        """Return the duplicate groups (canonical plus copies), optionally those touching ids."""
        if article_ids is None:
            rows = self._query(
                "SELECT duplicate_of, id, duplicate_kind FROM articles "
                "WHERE duplicate_of IS NOT NULL ORDER BY duplicate_of, seq"
            )
        else:
            roots: set[str] = set()
            for chunk in _chunks(list(dict.fromkeys(article_ids)), 500):
                marks = ",".join("?" * len(chunk))
                roots.update(
                    r[0]
                    for r in self._query(
                        f"SELECT coalesce(duplicate_of, id) FROM articles WHERE id IN ({marks})",
                        chunk,
                    )
                )
            rows = []
            for chunk in _chunks(sorted(roots), 500):
                marks = ",".join("?" * len(chunk))
                rows += self._query(
                    "SELECT duplicate_of, id, duplicate_kind FROM articles "
                    f"WHERE duplicate_of IN ({marks}) ORDER BY duplicate_of, seq",
                    chunk,
                )
        groups: dict[str, list[tuple[str, str]]] = {}
        for canonical, member, kind in rows:
            groups.setdefault(canonical, []).append((member, kind or "near"))
        out = []
        for canonical, members in sorted(groups.items()):
            kind = "exact" if all(k == "exact" for _, k in members) else "near"
            ids = (canonical, *sorted({m for m, _ in members}))
            digest = hashlib.blake2b("\x00".join(ids).encode(), digest_size=8).hexdigest()
            out.append(
                DuplicateGroup(
                    id=f"dup-{digest}", canonical_id=canonical, article_ids=ids, kind=kind
                )
            )
        return out

    # -- stories

    def story_features(
        self, *, first_day: int | None, last_day: int | None, limit: int
    ) -> list[FeatureRow]:
        """Return the clustering features of articles a batch may link to.

        Those published on days [first_day, last_day] (all dated ones when either is None)
        and the undated ones, each part bounded by the ``limit`` most recently stored.
        """
        cols = "article_id, published, component, features"
        rows: list[Any] = []
        if first_day is not None and last_day is not None:
            rows += self._query(
                f"SELECT {cols} FROM story_features WHERE day BETWEEN ? AND ? "
                "ORDER BY rowid DESC LIMIT ?",
                (first_day, last_day, limit),
            )
        else:
            rows += self._query(
                f"SELECT {cols} FROM story_features WHERE day IS NOT NULL "
                "ORDER BY rowid DESC LIMIT ?",
                (limit,),
            )
        rows += self._query(
            f"SELECT {cols} FROM story_features WHERE day IS NULL ORDER BY rowid DESC LIMIT ?",
            (limit,),
        )
        return [FeatureRow(*row) for row in rows]

    def component_features(self, components: Sequence[str]) -> list[FeatureRow]:
        """Return the clustering features of every article in these components."""
        rows: list[Any] = []
        for chunk in _chunks(sorted(set(components)), 500):
            marks = ",".join("?" * len(chunk))
            rows += self._query(
                "SELECT article_id, published, component, features FROM story_features "
                f"WHERE component IN ({marks})",
                chunk,
            )
        return [FeatureRow(*row) for row in rows]

    def component_sizes(self, components: Sequence[str]) -> dict[str, int]:
        """Return how many articles each of these components holds."""
        out: dict[str, int] = {}
        for chunk in _chunks(sorted(set(components)), 500):
            marks = ",".join("?" * len(chunk))
            out.update(
                (c, int(n))
                for c, n in self._query(
                    "SELECT component, count(*) FROM story_features "
                    f"WHERE component IN ({marks}) GROUP BY component",
                    chunk,
                )
            )
        return out

    def add_story_features(
        self, rows: Sequence[tuple[str, str | None, int | None, str, bytes]]
    ) -> None:
        """Store (article id, published, day, component, features) rows; inside a transaction."""
        self._write_many("INSERT OR REPLACE INTO story_features VALUES (?, ?, ?, ?, ?)", rows)

    def merge_components(self, renames: Mapping[str, str]) -> None:
        """Relabel whole components (old label -> new label); inside a transaction."""
        self._write_many(
            "UPDATE story_features SET component = ? WHERE component = ?",
            [(new, old) for old, new in sorted(renames.items()) if old != new],
        )

    def move_to_stories(self, rows: Sequence[tuple[str, str]]) -> None:
        """Set the story of stored articles: (article id, story id); inside a transaction."""
        self._write_many("UPDATE articles SET story_id = ? WHERE id = ?", [(s, a) for a, s in rows])

    def add_story_aliases(self, aliases: Mapping[str, str]) -> None:
        """Record that stories that disappeared continue as others (old id -> new id).

        Aliases pointing at a story that itself disappears are carried forward, and a story
        id that comes back to life is no longer an alias.
        """
        for old, new in sorted(aliases.items()):
            self._write("UPDATE story_aliases SET new_id = ? WHERE new_id = ?", (new, old))
            self._write(
                "INSERT INTO story_aliases VALUES (?, ?) "
                "ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id",
                (old, new),
            )
        self._write(
            "DELETE FROM story_aliases WHERE old_id IN (SELECT id FROM stories) OR old_id = new_id"
        )

    def present_stories(self, story_ids: Iterable[str]) -> set[str]:
        """Return those of ``story_ids`` that exist now."""
        out: set[str] = set()
        for chunk in _chunks(sorted(set(story_ids)), 500):
            marks = ",".join("?" * len(chunk))
            out.update(
                r[0] for r in self._query(f"SELECT id FROM stories WHERE id IN ({marks})", chunk)
            )
        return out

    def resolve_story(self, story_id: str) -> str:
        """Return the id a story goes by now (itself, or the story it merged into)."""
        if self._query("SELECT 1 FROM stories WHERE id = ?", (story_id,)):
            return story_id
        rows = self._query("SELECT new_id FROM story_aliases WHERE old_id = ?", (story_id,))
        return str(rows[0][0]) if rows else story_id

    def refresh_stories(self, story_ids: Sequence[str]) -> None:
        """Create, update or delete stories to match their members (counts, dates, headline).

        Must run inside ``transaction()``, after the members' story ids are set.
        """
        now = _now()
        for sid in sorted(set(story_ids)):
            members = self._query(
                "SELECT id, title, outlet, location, published, duplicate_of, substr(text, 1, 300) "
                f"FROM articles WHERE story_id = ? ORDER BY {_EARLIEST_FIRST}",
                (sid,),
            )
            if not members:
                self._write("DELETE FROM stories WHERE id = ?", (sid,))
                self._write("DELETE FROM briefs WHERE story_id = ?", (sid,))
                continue
            self._write(
                "INSERT INTO stories (id, created_at, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO NOTHING",
                (sid, now, now),
            )
            ids = sorted(m[0] for m in members)
            version = hashlib.blake2b("\n".join(ids).encode(), digest_size=8).hexdigest()
            sources = {m[2] or m[3] for m in members}
            dates = sorted(m[4] for m in members if m[4])
            headline = _headline(members)
            old = self._query("SELECT version FROM stories WHERE id = ?", (sid,))
            changed = not old or old[0][0] != version
            self._write(
                "UPDATE stories SET headline = ?, n_articles = ?, n_sources = ?, "
                "first_published = ?, last_published = ?, version = ?, "
                "updated_at = CASE WHEN ? THEN ? ELSE updated_at END WHERE id = ?",
                (
                    headline,
                    len(members),
                    len(sources),
                    dates[0] if dates else None,
                    dates[-1] if dates else None,
                    version,
                    changed,
                    now,
                    sid,
                ),
            )

    def stories(
        self,
        *,
        since: str | None = None,
        search: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[StorySummary]:
        """List stories, newest and biggest first.

        Args:
            since: keep stories last published (or, undated, updated) on or after this date.
            search: keep stories with an article matching this full-text query.
            limit: at most this many stories.
            offset: skip this many first.

        Returns:
            One ``StorySummary`` per story.
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must be >= 0")
        where = []
        params: list[Any] = []
        if since:
            where.append("coalesce(s.last_published, substr(s.updated_at, 1, 10)) >= ?")
            params.append(since)
        if search is not None:
            query = fts_query(search)
            if not query:
                return []
            where.append(
                "s.id IN (SELECT a.story_id FROM articles_fts f JOIN articles a "
                "ON a.seq = f.rowid WHERE articles_fts MATCH ?)"
            )
            params.append(query)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._query(
            "SELECT s.id, s.headline, s.n_articles, s.n_sources, s.first_published, "
            f"s.last_published, s.updated_at FROM stories s {clause} "
            "ORDER BY coalesce(s.last_published, '') DESC, s.n_articles DESC, s.id "
            "LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [StorySummary(*row) for row in rows]

    def count_stories(self) -> int:
        """Return how many stories the store holds."""
        return int(self._query("SELECT count(*) FROM stories")[0][0])

    def story(self, story_id: str) -> Story | None:
        """Return the story with this id (members in publication order), or None."""
        rows = self._query(
            "SELECT id, headline, first_published, last_published FROM stories WHERE id = ?",
            (story_id,),
        )
        if not rows:
            return None
        members = self._query(
            f"SELECT id FROM articles WHERE story_id = ? ORDER BY {_EARLIEST_FIRST}",
            (story_id,),
        )
        sid, headline, first, last = rows[0]
        return Story(
            id=sid,
            article_ids=tuple(m[0] for m in members),
            headline=headline,
            first_published=first,
            last_published=last,
        )

    def story_articles(self, story_id: str) -> list[Article]:
        """Return the story's articles in publication order (undated last)."""
        rows = self._query(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE story_id = ? "
            f"ORDER BY {_EARLIEST_FIRST}",
            (story_id,),
        )
        return [self._article(row) for row in rows]

    def story_version(self, story_id: str) -> str:
        """Return a fingerprint of the story's members; it changes whenever they change."""
        rows = self._query("SELECT version FROM stories WHERE id = ?", (story_id,))
        if not rows:
            raise KeyError(story_id)
        return str(rows[0][0])

    # -- briefs

    def cached_brief(self, story_id: str, version: str) -> str | None:
        """Return the brief JSON saved for this story version, or None."""
        rows = self._query(
            "SELECT brief_json FROM briefs WHERE story_id = ? AND version = ?",
            (story_id, version),
        )
        return str(rows[0][0]) if rows else None

    def save_brief(self, story_id: str, version: str, brief_json: str) -> None:
        """Cache a story's brief for one version (older versions of it are dropped)."""
        with self.transaction():
            self._write(
                "DELETE FROM briefs WHERE story_id = ? AND version != ?", (story_id, version)
            )
            self._write(
                "INSERT OR REPLACE INTO briefs VALUES (?, ?, ?, ?)",
                (story_id, version, brief_json, _now()),
            )

    # -- search

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over titles, bodies and outlets, best match first.

        Any string is accepted: FTS5 syntax in ``query`` is treated as plain words.
        """
        match = fts_query(query)
        if not match or limit <= 0:
            return []
        rows = self._query(
            "SELECT a.id, a.story_id, a.title, a.outlet, a.published, "
            "snippet(articles_fts, 1, '[', ']', ' … ', 16), bm25(articles_fts) AS score "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY score, a.seq LIMIT ?",
            (match, limit),
        )
        return [SearchHit(r[0], r[1], r[2], r[3], r[4], r[5], -float(r[6])) for r in rows]

    # -- term statistics (idf for clustering)

    def doctor(self) -> dict[str, Any]:
        """Check the whole store, rebuild the search index, and count what it holds.

        Returns:
            ``{"integrity": "ok" | first problem, "fts": "rebuilt" | "skipped (...)",
            "articles": n, "stories": n}``.
        """
        integrity = self.integrity_check()
        report: dict[str, Any] = {"integrity": integrity.splitlines()[0][:300]}
        if integrity != "ok":
            report["fts"] = "skipped (integrity check failed)"
        elif self.read_only:
            report["fts"] = "skipped (read-only store)"
        else:
            with self.transaction():
                _rebuild_fts(self._db)
            report["fts"] = "rebuilt"
        report["articles"] = self.count_articles()
        report["stories"] = self.count_stories()
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


def _size(path: str) -> int:
    try:
        return Path(path).expanduser().stat().st_size
    except OSError:
        return 0


def _writable(path: str) -> bool:
    """True when the store file and its directory (for the WAL and lock files) are writable."""
    file = Path(path).expanduser()
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK)


def _headline(members: Sequence[Sequence[Any]]) -> str:
    """The title most members share (the earliest wins a tie), else the first body words."""
    titles = [m[1] for m in members if m[1] and not m[5]] or [m[1] for m in members if m[1]]
    if titles:
        counts: dict[str, int] = {}
        for title in titles:
            counts[title] = counts.get(title, 0) + 1
        return str(max(titles, key=lambda t: counts[t]))
    words = str(members[0][6]).split()
    return " ".join(words[:12]) + (" …" if len(words) > 12 else "")


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
