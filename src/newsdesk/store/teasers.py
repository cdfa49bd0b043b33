"""The store's teasers: feed items held back because only a teaser was had, not the page.

A teaser is not an article: it never reaches ``articles`` (so clustering, briefs and search
never see it) until its page is fetched and the full article stored, which releases it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Article
from .base import StoreBase, _chunks, _now
from .rows import TeaserRow

__all__ = ["TeaserQueries"]


class TeaserQueries(StoreBase):
    """Reads and writes of held teasers."""

    def hold_teasers(self, feed: str, teasers: Sequence[Article]) -> None:
        """Record feed items that are only teasers (by URL; items without one are skipped).

        An item held before keeps its first sighting and counts one more attempt. Must run
        inside ``transaction()``.
        """
        now = _now()
        self._write_many(
            "INSERT INTO teasers (url, feed, title, text, outlet, published, first_seen, "
            "last_tried) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET "
            "feed = excluded.feed, title = excluded.title, text = excluded.text, "
            "outlet = excluded.outlet, published = excluded.published, "
            "last_tried = excluded.last_tried, attempts = attempts + 1",
            [
                (a.url, feed, a.title, a.text, a.outlet, a.published, now, now)
                for a in teasers
                if a.url
            ],
        )

    def release_teasers(self, urls: Sequence[str]) -> None:
        """Forget the teasers of these URLs (their full articles are stored); in a transaction."""
        for chunk in _chunks(sorted(set(urls)), 500):
            marks = ",".join("?" * len(chunk))
            self._write(f"DELETE FROM teasers WHERE url IN ({marks})", chunk)

    def teasers(self) -> list[TeaserRow]:
        """The teasers held, oldest first (ties by URL)."""
        rows = self._query(
            "SELECT url, feed, title, text, outlet, published, first_seen, last_tried, attempts "
            "FROM teasers ORDER BY first_seen, url"
        )
        return [TeaserRow(*row) for row in rows]

    def count_teasers(self) -> int:
        """How many teasers are held."""
        return int(self._query("SELECT COUNT(*) FROM teasers")[0][0])
