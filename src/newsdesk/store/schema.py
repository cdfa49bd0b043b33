"""The store's schema: named, ordered migrations (append only), and the FTS index rebuild.

Each migration is recorded in the ``migrations`` table once applied, so opening an old store
brings it up to date and opening a current one changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["MIGRATIONS", "Migration", "rebuild_fts"]


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


def rebuild_fts(db: sqlite3.Connection) -> None:
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


def _m006_teasers(db: sqlite3.Connection) -> None:
    # Feed items that are only a teaser and whose page could not be had yet: kept apart from
    # ``articles``, so clustering, briefs and search never see them, until their full text is
    # stored (which deletes the row).
    db.execute(
        """CREATE TABLE teasers (
            url TEXT PRIMARY KEY,
            feed TEXT NOT NULL,
            title TEXT,
            text TEXT NOT NULL,
            outlet TEXT,
            published TEXT,
            first_seen TEXT NOT NULL,
            last_tried TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1
        ) WITHOUT ROWID"""
    )


Migration = Callable[[sqlite3.Connection], None]

#: Schema changes in the order they are applied. Append only; never edit an applied one.
MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("001_articles", _m001_articles),
    ("002_fts", _m002_fts),
    ("003_stories", _m003_stories),
    ("004_briefs_and_terms", _m004_briefs_and_terms),
    ("005_story_features", _m005_story_features),
    ("006_teasers", _m006_teasers),
)
