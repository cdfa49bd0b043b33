"""The article store: SQLite (WAL, FTS5) holding articles, duplicates, stories and cached briefs.

All SQL of newsdesk lives in this package, one module per concern:

- ``schema``: the named, ordered migrations (append only) that build and upgrade the schema;
- ``base``: opening (damage checks, read-only stores), the write lock, transactions;
- ``articles``: articles, duplicate groups, full-text search;
- ``teasers``: feed items held back until their page can be had;
- ``stories``: clustering features, stories and their aliases, cached briefs;
- ``maintenance``: ``doctor`` and ``backup``;
- ``rows``: the small records queries return.

``Store`` joins them; import it from here (``from newsdesk.store import Store``).
"""

from __future__ import annotations

from .articles import fts_query
from .base import default_db_path
from .maintenance import Maintenance
from .rows import ArticleRow, FeatureRow, SearchHit, StorySummary, TeaserRow
from .schema import MIGRATIONS

__all__ = [
    "MIGRATIONS",
    "ArticleRow",
    "FeatureRow",
    "SearchHit",
    "Store",
    "StorySummary",
    "TeaserRow",
    "default_db_path",
    "fts_query",
]


class Store(Maintenance):
    """The SQLite article store. Open with a path (or ``":memory:"``); use as a context manager.

    Example:
        >>> with Store(":memory:") as store:
        ...     store.stories()
        []
    """
