"""Ingest: clean articles, store them, find their copies and put each into a story.

One transaction per batch: a batch is stored with its duplicates and story assignments, or
not at all, so a killed ingest loses only the batch in flight and the next run picks up
where it stopped (stored articles come back as ``existing``). The slow part (embedding)
runs before the write lock is taken, so readers and other writers wait only for the short
write itself.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import sys
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from datasketch import MinHash

from .articles import canonical_url, clean
from .duplicates import (
    DuplicateIndex,
    DuplicateMatch,
    DuplicateOptions,
    content_hash,
    find_duplicates,
    minhash,
    signature_bytes,
    sketch_from_bytes,
)
from .errors import StoreError
from .models import Article, Brief
from .nlp import Models
from .store import Store
from .stories import (
    ArticleFeatures,
    StoryOptions,
    StoryProfile,
    article_terms,
    cluster_articles,
    day_number,
    featurize,
    story_id_for,
)

__all__ = [
    "IngestOptions",
    "IngestReport",
    "IngestedArticle",
    "brief_from_json",
    "brief_to_json",
    "ingest",
    "story_brief",
]


@dataclass(frozen=True)
class IngestOptions:
    """How a stream of articles is ingested.

    ``batch_size`` trades memory and lock time against per-batch overhead (one embedder
    call and one transaction per batch); 256 kept a 2-core machine above 100 articles/s in
    benchmarks/ingest.py. ``duplicate_window_days`` bounds how far apart in time a copy and
    its original may be published (the index holds only that window, so memory stays flat
    as the store grows).
    """

    batch_size: int = 256
    clean: bool = True
    duplicate_window_days: int = 7
    max_index_rows: int = 50_000
    duplicates: DuplicateOptions = field(default_factory=DuplicateOptions)
    stories: StoryOptions = field(default_factory=StoryOptions)

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if self.duplicate_window_days < 0 or self.max_index_rows < 1:
            raise ValueError("duplicate_window_days must be >= 0 and max_index_rows >= 1")


@dataclass(frozen=True)
class IngestedArticle:
    """What happened to one input article."""

    article_id: str
    status: str  # new | existing | duplicate
    duplicate_of: str | None
    story_id: str


@dataclass(frozen=True)
class IngestReport:
    """The outcome of an ingest: one result per distinct input article, in input order."""

    results: tuple[IngestedArticle, ...] = ()
    new_stories: tuple[str, ...] = ()
    updated_stories: tuple[str, ...] = ()

    def count(self, status: str) -> int:
        """Return how many articles ended with this status."""
        return sum(1 for r in self.results if r.status == status)


def _shift(published: str | None, days: int) -> str | None:
    number = day_number(published)
    if number is None:
        return None
    return (date.fromordinal(number) + timedelta(days=days)).isoformat()


def _window(articles: Iterable[Article], days: int) -> tuple[str | None, str | None]:
    dated = sorted(
        a.published for a in articles if a.published and day_number(a.published) is not None
    )
    if not dated:
        return None, None
    return _shift(dated[0], -days), _shift(dated[-1], days)


@dataclass(frozen=True)
class _Prepared:
    """A batch after the read-only work: cleaned, fingerprinted, deduplicated, embedded."""

    articles: tuple[Article, ...]
    hashes: dict[str, str]
    sketches: dict[str, MinHash]
    matches: dict[str, DuplicateMatch]
    known_stories: dict[str, str | None]  # canonical id (stored) -> its story
    known_days: dict[str, int | None]
    terms: dict[str, Counter[str]]
    features: dict[str, ArticleFeatures]


def _dup_index(
    store: Store, batch: Sequence[Article], hashes: dict[str, str], opts: IngestOptions
) -> DuplicateIndex:
    """Index the stored articles a batch may copy: those published near it, and exact texts."""
    index = DuplicateIndex(opts.duplicates)
    start, end = _window(batch, opts.duplicate_window_days)
    for row in store.recent_minhashes(start=start, end=end, limit=opts.max_index_rows):
        if row.minhash is not None:
            sketch = sketch_from_bytes(row.minhash, opts.duplicates)
            index.add(row.id, sketch, canonical=row.duplicate_of)
    exact = store.ids_by_content_hash(list(hashes.values()))
    rows = store.article_rows(list(exact.values()))
    for text_hash, article_id in exact.items():
        stored = rows.get(article_id)
        if stored is not None and article_id not in index:
            index.add(article_id, None, text_hash=text_hash, canonical=stored.duplicate_of)
        elif stored is not None:
            # Already indexed by MinHash: record the hash as pointing to its canonical copy.
            root = stored.duplicate_of or stored.id
            index.add(f"hash:{text_hash}", None, text_hash=text_hash, canonical=root)
    return index


def _prepare(
    store: Store, batch: Sequence[Article], models: Models, opts: IngestOptions
) -> _Prepared:
    hashes = {a.id: content_hash(a.text) for a in batch}
    sketches = {a.id: minhash(a.text, opts.duplicates) for a in batch}
    index = _dup_index(store, batch, hashes, opts)
    matches = {m.article_id: m for m in find_duplicates(batch, index, sketches=sketches)}
    canon_ids = sorted(
        {m.duplicate_of for m in matches.values() if m.duplicate_of} - {a.id for a in batch}
    )
    canon_rows = store.article_rows(canon_ids)
    known_stories = {cid: row.story_id for cid, row in canon_rows.items()}
    known_days = {cid: day_number(row.published) for cid, row in canon_rows.items()}
    days = {a.id: day_number(a.published) for a in batch}
    known_days.update(days)
    # Copies join their original's story when published close to it; only the others
    # (originals, and copies of something long ago) need clustering features.
    to_cluster = [
        a for a in batch if _needs_clustering(matches[a.id], days[a.id], known_days, opts)
    ]
    terms = {a.id: article_terms(a) for a in to_cluster}
    df_batch: Counter[str] = Counter()
    for counts in terms.values():
        df_batch.update(counts.keys())
    df = store.term_df(sorted(df_batch))
    for key, value in df_batch.items():
        df[key] = df.get(key, 0) + value
    feats = featurize(
        to_cluster,
        models.story_embedder,
        term_counts=terms,
        df=df,
        n_docs=store.n_docs() + len(to_cluster),
        options=opts.stories,
    )
    return _Prepared(
        articles=tuple(batch),
        hashes=hashes,
        sketches=sketches,
        matches=matches,
        known_stories=known_stories,
        known_days=known_days,
        terms=terms,
        features={f.article_id: f for f in feats},
    )


def _needs_clustering(
    match: DuplicateMatch, day: int | None, known_days: dict[str, int | None], opts: IngestOptions
) -> bool:
    if match.duplicate_of is None:
        return True
    original = known_days.get(match.duplicate_of)
    if day is None or original is None:
        return False
    return abs(day - original) > opts.stories.full_weight_days


def _commit(
    store: Store, prep: _Prepared, opts: IngestOptions
) -> tuple[list[IngestedArticle], set[str], set[str]]:
    """Write a prepared batch in one transaction; return results, new and touched stories."""
    with store.transaction():
        # Another process may have stored some of these since we looked.
        existing = store.article_rows([a.id for a in prep.articles])
        fresh = [a for a in prep.articles if a.id not in existing]
        features = [prep.features[a.id] for a in fresh if a.id in prep.features]
        start, end = _window(fresh, opts.stories.max_gap_days)
        stories = [
            StoryProfile.from_bytes(row.profile)
            for row in store.story_rows(start=start, end=end, limit=opts.max_index_rows)
        ]
        clustered = cluster_articles(features, stories, options=opts.stories)
        assigned = dict(clustered.assignments)
        memberships: list[tuple[str, str, str | None, str | None]] = []
        solo: dict[str, StoryProfile] = {}
        touched: set[str] = set(clustered.profiles)
        for article in fresh:
            match = prep.matches[article.id]
            story = assigned.get(article.id)
            if story is None and match.duplicate_of is not None:
                story = assigned.get(match.duplicate_of) or prep.known_stories.get(
                    match.duplicate_of
                )
            if story is None and match.duplicate_of in existing:
                story = existing[match.duplicate_of].story_id
            if story is None:
                # A copy whose original another process stored without a story we can see:
                # it founds a story of its own (with an empty profile nothing is drawn to).
                story = story_id_for(article.id)
                solo[story] = StoryProfile(story, 0, None, None, np.zeros(0, np.float32), {})
            assigned[article.id] = story
            touched.add(story)
            memberships.append((article.id, story, match.duplicate_of, match.kind))
        store.add_articles(
            [
                (a, prep.hashes[a.id], canonical_url(a.url), signature_bytes(prep.sketches[a.id]))
                for a in fresh
            ]
        )
        df: Counter[str] = Counter()
        for article in fresh:
            if article.id in prep.terms:
                df.update(prep.terms[article.id].keys())
        store.add_term_df(df, sum(1 for a in fresh if a.id in prep.terms))
        store.set_memberships(memberships)
        profiles = {**solo, **clustered.profiles}
        store.save_story_profiles({sid: p.to_bytes() for sid, p in profiles.items()})
        store.refresh_stories(sorted(touched - set(profiles)))
    results = []
    for article in prep.articles:
        row = existing.get(article.id)
        if row is not None:
            results.append(
                IngestedArticle(article.id, "existing", row.duplicate_of, row.story_id or "")
            )
            continue
        match = prep.matches[article.id]
        status = "duplicate" if match.duplicate_of else "new"
        results.append(
            IngestedArticle(article.id, status, match.duplicate_of, assigned[article.id])
        )
    return results, set(clustered.new_stories), touched


ProgressCallback = Callable[[int, int], None]


def _release_freed_memory() -> None:
    """Hand the heap's free pages back to the OS (glibc only; a no-op elsewhere).

    Each batch allocates and frees tensors and similarity matrices of a different size
    (sequence lengths, stories in the window); glibc keeps the freed pages, so resident
    memory crept up as the store grew: 749 -> 804 MB over 20,000 articles in
    benchmarks/ingest.py, of which malloc_trim returned 100 MB at the end. Trimming after
    each batch keeps it flat and costs milliseconds against seconds of embedding.
    """
    if not sys.platform.startswith("linux"):
        return
    try:  # the process's own symbols include libc's; no library search (a subprocess)
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - musl has no malloc_trim
        return
    trim(0)


def ingest(
    store: Store,
    articles: Sequence[Article],
    models: Models,
    *,
    options: IngestOptions = IngestOptions(),
    on_batch: ProgressCallback | None = None,
) -> IngestReport:
    """Store articles, find their duplicates and assign each to a story, batch by batch.

    Args:
        store: the open store written to.
        articles: articles as readers produce them (cleaned here unless ``options.clean``
            is False).
        models: loaded models (``models.story_embedder`` embeds the clustering snippets).
        options: batch size, duplicate and story options.
        on_batch: called after each committed batch with (articles done, total).

    Returns:
        An ``IngestReport`` with one result per distinct article id, in input order.

    Example:
        >>> from newsdesk.articles import make_article
        >>> from newsdesk.nlp import Models
        >>> report = ingest(Store(), [make_article("Rain fell.", location="a")],
        ...                 Models(embedder_name="hashing"))
        >>> [r.status for r in report.results]
        ['new']
    """
    # One article per id, in first-arrival order; of same-id copies keep the first by location,
    # so the stored location/outlet does not depend on input order.
    chosen: dict[str, Article] = {}
    for article in articles:
        kept = chosen.get(article.id)
        if kept is None or article.location < kept.location:
            chosen[article.id] = article
    unique = list(chosen.values())
    results: list[IngestedArticle] = []
    new_stories: set[str] = set()
    touched: set[str] = set()
    for start in range(0, len(unique), options.batch_size):
        batch = unique[start : start + options.batch_size]
        if options.clean:
            batch = [clean(a) for a in batch]
        prep = _prepare(store, batch, models, options)
        batch_results, batch_new, batch_touched = _commit(store, prep, options)
        results += batch_results
        new_stories |= batch_new
        touched |= batch_touched
        del prep  # its features and sketches are the batch's largest objects
        _release_freed_memory()
        if on_batch is not None:
            on_batch(start + len(batch), len(unique))
    return IngestReport(
        results=tuple(results),
        new_stories=tuple(sorted(new_stories)),
        updated_stories=tuple(sorted(touched - new_stories)),
    )


# --- Briefs of stored stories ---------------------------------------------------------------


def brief_to_json(brief: Brief) -> str:
    """Serialise a ``Brief`` record (all fields, article ids kept) for the brief cache."""
    return json.dumps(dataclasses.asdict(brief), ensure_ascii=False, sort_keys=True)


def _decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.init and f.name in value
            }
        )
    origin = typing.get_origin(kind)
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        return tuple(_decode(inner, v) for v in value)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(options[0], value)
    return value


def brief_from_json(text: str) -> Brief:
    """Rebuild a ``Brief`` written by ``brief_to_json``."""
    brief = _decode(Brief, json.loads(text))
    assert isinstance(brief, Brief)
    return brief


def story_brief(store: Store, story_id: str, models: Models) -> Brief:
    """Return the brief of a stored story, from the cache while its members are unchanged.

    Args:
        store: the store holding the story.
        story_id: the story's id (``newsdesk stories`` lists them).
        models: loaded models, used only when the brief must be (re)built.

    Returns:
        The story's ``Brief``; syndicated copies are marked as copies of their original.

    Raises:
        StoreError: no story has this id.
    """
    from .briefs import build_brief

    try:
        version = store.story_version(story_id)
    except KeyError:
        raise StoreError(f"no story {story_id!r} in {store.path}") from None
    cached = store.cached_brief(story_id, version)
    if cached is not None:
        try:
            return brief_from_json(cached)
        except (ValueError, KeyError, TypeError):
            pass  # a cache entry from an older record layout: rebuild it
    articles = store.story_articles(story_id)
    members = {a.id for a in articles}
    duplicate_of = {
        copy: group.canonical_id
        for group in store.duplicate_groups(sorted(members))
        if group.canonical_id in members
        for copy in group.article_ids[1:]
        if copy in members
    }
    brief = build_brief(articles, models, duplicate_of=duplicate_of, story_id=story_id)
    store.save_brief(story_id, version, brief_to_json(brief))
    return brief
