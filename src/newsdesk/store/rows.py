"""What store queries return besides ``models`` records: story-list lines, search hits,
article rows and clustering features."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ArticleRow", "FeatureRow", "SearchHit", "StorySummary", "TeaserRow"]


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


@dataclass(frozen=True)
class TeaserRow:
    """A feed item held back as a teaser: its page could not be had yet."""

    url: str
    feed: str
    title: str | None
    text: str
    outlet: str | None
    published: str | None
    first_seen: str
    last_tried: str
    attempts: int
