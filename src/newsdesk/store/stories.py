"""The store's story queries: clustering features and components, stories and their
aliases, and cached briefs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..models import Article, Story
from .articles import fts_query
from .base import _EARLIEST_FIRST, StoreBase, _chunks, _now
from .rows import FeatureRow, StorySummary

__all__ = ["StoryQueries"]


class StoryQueries(StoreBase):
    """Reads and writes of stories, their clustering features and their cached briefs."""

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
                "DELETE FROM briefs WHERE story_id = ? AND version != ?",
                (story_id, version),
            )
            self._write(
                "INSERT OR REPLACE INTO briefs VALUES (?, ?, ?, ?)",
                (story_id, version, brief_json, _now()),
            )


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
