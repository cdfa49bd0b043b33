"""The store's article queries: articles, their duplicates, and full-text search."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..models import Article, DuplicateGroup
from .base import StoreBase, _chunks, _now
from .rows import ArticleRow, SearchHit

__all__ = ["ArticleQueries", "fts_query"]


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


class ArticleQueries(StoreBase):
    """Reads and writes of articles, duplicate groups and the search index."""

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
                f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})",
                chunk,
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
            "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?",
            (new_root, old_root),
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
                    id=f"dup-{digest}",
                    canonical_id=canonical,
                    article_ids=ids,
                    kind=kind,
                )
            )
        return out

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
