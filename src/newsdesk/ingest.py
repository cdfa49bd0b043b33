"""Ingest: clean articles, store them, find their copies and put each into a story.

One transaction per batch: a batch is stored with its duplicates and story assignments, or
not at all, so a killed ingest loses only the batch in flight and the next run picks up
where it stopped (stored articles come back as ``existing``). The per-article work
(cleaning, fingerprints, clustering features; a worker process does it for the next batch)
runs before the write lock is taken, so readers and other writers wait only for the short
write itself.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from .articles import canonical_url, clean
from .digests import split_digest
from .duplicates import (
    DuplicateIndex,
    DuplicateMatch,
    DuplicateOptions,
    MinHash,
    assign_originals,
    content_hash,
    copy_key,
    find_duplicates,
    minhash,
    signature_bytes,
    sketch_from_bytes,
)
from .errors import StoreError
from .models import Article, Brief
from .nlp import Models, release_freed_memory
from .store import FeatureRow, Store
from .stories import (
    ArticleFeatures,
    StoryOptions,
    cluster,
    components,
    day_number,
    explain,
    featurize,
    links,
    similarity,
    snippet,
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
    # Components up to this many articles are re-clustered exactly (order-free stories);
    # past it, new articles attach to the stories near them (cost stays bounded).
    max_component: int = 3_000
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
    # Clamped at the calendar's ends: a date within the window of 9999-12-31 is still a date.
    shifted = min(max(number + days, date.min.toordinal()), date.max.toordinal())
    return date.fromordinal(shifted).isoformat()


def _window(articles: Iterable[Article], days: int) -> tuple[str | None, str | None]:
    dated = sorted(
        a.published for a in articles if a.published and day_number(a.published) is not None
    )
    if not dated:
        return None, None
    return _shift(dated[0], -days), _shift(dated[-1], days)


@dataclass(frozen=True)
class _Described:
    """A batch after the work that needs neither the store nor a model (any process)."""

    articles: tuple[Article, ...]
    hashes: dict[str, str]
    sketches: dict[str, MinHash]
    features: dict[str, ArticleFeatures] | None  # None: the embedding is scored (needs the model)


def _describe(batch: list[Article], opts: IngestOptions) -> _Described:
    """Clean a batch, fingerprint it and describe it for clustering (pure: any process)."""
    articles = _cleaned(batch, opts)
    lexical = opts.stories.embedding_weight == 0
    return _Described(
        articles=tuple(articles),
        hashes={a.id: content_hash(a.text) for a in articles},
        sketches={a.id: minhash(a.text, opts.duplicates) for a in articles},
        features=(
            {f.article_id: f for f in featurize(articles, None, options=opts.stories)}
            if lexical
            else None
        ),
    )


@dataclass(frozen=True)
class _Prepared:
    """A batch after the read-only work: cleaned, fingerprinted, deduplicated, embedded."""

    articles: tuple[Article, ...]
    hashes: dict[str, str]
    sketches: dict[str, MinHash]
    matches: dict[str, DuplicateMatch]
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


def _prepare(store: Store, described: _Described, models: Models, opts: IngestOptions) -> _Prepared:
    batch = described.articles
    index = _dup_index(store, batch, described.hashes, opts)
    matches = {m.article_id: m for m in find_duplicates(batch, index, sketches=described.sketches)}
    # Copies are clustered like any article (they land beside their original), so stories
    # do not depend on which copy arrived first.
    features = described.features
    if features is None:
        feats = featurize(batch, models.story_embedder, options=opts.stories)
        features = {f.article_id: f for f in feats}
    return _Prepared(
        articles=batch,
        hashes=described.hashes,
        sketches=described.sketches,
        matches=matches,
        features=features,
    )


def _candidates(
    store: Store, fresh: Sequence[ArticleFeatures], opts: IngestOptions
) -> list[FeatureRow]:
    """Stored articles the batch may link to: near it in time, and the undated ones."""
    days = [f.day for f in fresh if f.day is not None]
    gap = opts.stories.max_gap_days
    if days and len(days) == len(fresh):
        return store.story_features(
            first_day=min(days) - gap, last_day=max(days) + gap, limit=opts.max_index_rows
        )
    # An undated article may link to anything (time says nothing about it).
    return store.story_features(first_day=None, last_day=None, limit=opts.max_index_rows)


def _restory(
    store: Store, fresh: Sequence[ArticleFeatures], opts: IngestOptions
) -> tuple[dict[str, str], dict[str, str]]:
    """Link the batch into the story graph and re-cluster the components it touches.

    Writes the batch's features and the merged component labels. Returns the story of every
    article of the touched components, and the stories stored articles were in before.
    """
    fresh_ids = {f.article_id for f in fresh}
    stored = {row.id: row for row in _candidates(store, fresh, opts) if row.id not in fresh_ids}
    rows_list = list(stored.values())
    pairs: set[tuple[str, str]] = set()
    for start in range(0, max(1, len(rows_list)), 4096):  # decoded a slice at a time
        chunk = [
            ArticleFeatures.from_bytes(r.id, r.published, r.features)
            for r in rows_list[start : start + 4096]
        ]
        pairs.update(links(fresh, chunk, opts.stories, among_new=start == 0))
    # A stored article stands for its whole component, named by its smallest member id,
    # so the merged component is again named by its smallest member.
    nodes = sorted({(a, stored[b].component if b in stored else b) for a, b in pairs})
    label = components([f.article_id for f in fresh], nodes)
    stored_components = {row.component for row in rows_list}
    renames = {old: label[old] for old in label if old in stored_components}
    store.merge_components(renames)
    store.add_story_features(
        [(f.article_id, f.published, f.day, label[f.article_id], f.to_bytes()) for f in fresh]
    )
    touched = sorted({label[f.article_id] for f in fresh})
    sizes = store.component_sizes(touched)
    exact = [c for c in touched if sizes.get(c, 0) <= opts.max_component]
    rows = store.component_features(exact)
    by_component: dict[str, list[ArticleFeatures]] = {}
    for r in rows:
        f = ArticleFeatures.from_bytes(r.id, r.published, r.features)
        by_component.setdefault(r.component, []).append(f)
    story_of: dict[str, str] = {}
    for members in by_component.values():
        for group in cluster(members, opts.stories):
            sid = story_id_for(group[0])
            story_of.update((aid, sid) for aid in group)
    for component in sorted(set(touched) - set(exact)):
        new = [f for f in fresh if label[f.article_id] == component]
        near = [
            ArticleFeatures.from_bytes(r.id, r.published, r.features)
            for r in rows_list
            if label.get(r.component) == component
        ]
        story_of.update(_attach(store, new, near, opts))
    before = {
        aid: row.story_id or ""
        for aid, row in store.article_rows(sorted(set(story_of) - fresh_ids)).items()
    }
    return story_of, before


def _attach(
    store: Store,
    new: Sequence[ArticleFeatures],
    near: Sequence[ArticleFeatures],
    opts: IngestOptions,
) -> dict[str, str]:
    """Place new articles of a component too big to re-cluster (``max_component``).

    The new articles are clustered among themselves; each group joins the story of the
    stored articles near it in time with the highest mean similarity (at least the
    threshold), else starts its own. This is average linkage with the stored stories held
    fixed, so past this size the result can depend on arrival order.
    """
    current = {
        aid: row.story_id for aid, row in store.article_rows([f.article_id for f in near]).items()
    }
    out: dict[str, str] = {}
    sims = similarity(new, near, opts.stories)  # one matrix for all groups
    row = {f.article_id: i for i, f in enumerate(new)}
    stories = sorted({s for s in current.values() if s})
    column = {sid: i for i, sid in enumerate(stories)}
    owner = np.array([column.get(current.get(f.article_id) or "", -1) for f in near])
    sizes = np.bincount(owner[owner >= 0], minlength=len(stories)).astype(np.float64)
    for group in cluster(new, opts.stories):
        mean = sims[[row[a] for a in group]].mean(axis=0)
        totals = np.bincount(owner[owner >= 0], weights=mean[owner >= 0], minlength=len(stories))
        scored = sorted(
            ((float(t / n), sid) for t, n, sid in zip(totals, sizes, stories, strict=True) if n),
            reverse=True,
        )
        if scored and scored[0][0] >= opts.stories.threshold:
            target = scored[0][1]
        else:
            target = story_id_for(group[0])
        out.update((aid, target) for aid in group)
    return out


def _reroot(
    store: Store, fresh: Sequence[Article], matches: dict[str, DuplicateMatch]
) -> dict[str, DuplicateMatch]:
    """Point every group of copies the batch touches at its original (``choose_original``).

    ``find_duplicates`` links each copy to some member of its group; the group's original is
    then chosen among all its members, stored and new, by the one rule ``brief`` and
    ``batch`` use, and the stored members are re-pointed at it (inside the caller's
    transaction). So duplicate groups do not depend on arrival order.
    """
    found = {aid: m.duplicate_of for aid, m in matches.items() if m.duplicate_of}
    if not found:
        return matches
    by_id = {a.id: a for a in fresh}
    links = dict(found)
    stored_root: dict[str, str] = {}  # stored member -> its stored group's original
    stored_kind: dict[str, str] = {}
    for group in store.duplicate_groups(sorted(set(found.values()) - set(by_id))):
        for member in group.article_ids:
            stored_root[member] = group.canonical_id
            stored_kind[member] = group.kind
            if member != group.canonical_id:
                links[member] = group.canonical_id
    members = set(links) | set(links.values())
    loaded = store.articles(sorted(members - set(by_id)))
    keys = {a.id: copy_key(a) for a in (*loaded, *(by_id[m] for m in members if m in by_id))}
    originals = assign_originals(links, keys)
    out = dict(matches)
    for aid, match in matches.items():
        original = originals.get(aid)
        if original == match.duplicate_of:
            continue
        if original is None:
            out[aid] = DuplicateMatch(aid, None)
        else:
            # The kind and similarity of the link that put it in the group.
            via = match if match.duplicate_of else _link_of(matches, aid)
            out[aid] = DuplicateMatch(aid, original, via.kind or "near", via.similarity)
    # Stored members whose original changed are re-pointed (their story stays as it is).
    changed = []
    for member in sorted(members - set(by_id)):
        before = stored_root.get(member, member)
        after = originals.get(member)
        if after != (before if before != member else None):
            kind = stored_kind.get(member) if before != member else _link_of(matches, member).kind
            changed.append((member, after, (kind or "near") if after else None))
    if changed:
        rows = store.article_rows([m for m, _, _ in changed])
        store.set_memberships(
            [(m, rows[m].story_id or "", after, kind) for m, after, kind in changed]
        )
    return out


def _link_of(matches: dict[str, DuplicateMatch], root: str) -> DuplicateMatch:
    """A match that links some article to ``root`` (how an original joined its group)."""
    linked = sorted(
        (m for m in matches.values() if m.duplicate_of == root), key=lambda m: m.article_id
    )
    return linked[0] if linked else DuplicateMatch(root, None, "near")


def _commit(
    store: Store, prep: _Prepared, opts: IngestOptions
) -> tuple[list[IngestedArticle], set[str], set[str]]:
    """Write a prepared batch in one transaction; return results, new and touched stories."""
    with store.transaction():
        # Another process may have stored some of these since we looked.
        existing = store.article_rows([a.id for a in prep.articles])
        store.relocate({a.id: a.location for a in prep.articles if a.id in existing})
        # A feed item held as a teaser is released once its article is in the store.
        store.release_teasers([a.url for a in prep.articles if a.url])
        fresh = [a for a in prep.articles if a.id not in existing]
        store.add_articles(
            [
                (a, prep.hashes[a.id], canonical_url(a.url), signature_bytes(prep.sketches[a.id]))
                for a in fresh
            ]
        )
        story_of, before = _restory(store, [prep.features[a.id] for a in fresh], opts)
        matches = _reroot(store, fresh, prep.matches)
        store.set_memberships(
            [(a.id, story_of[a.id], matches[a.id].duplicate_of, matches[a.id].kind) for a in fresh]
        )
        moved = [(aid, story_of[aid]) for aid, old in before.items() if old != story_of[aid]]
        store.move_to_stories(moved)
        old_ids = set(before.values()) - {""}
        new_ids = set(story_of.values())
        touched = {story_of[a.id] for a in fresh} | {s for _, s in moved}
        touched |= {before[aid] for aid, _ in moved if before[aid]}
        store.refresh_stories(sorted(touched))
        # A story id that vanished continues as the story most of its articles went to.
        went: dict[str, Counter[str]] = {}
        for aid, new in moved:
            if before[aid] and before[aid] not in new_ids:
                went.setdefault(before[aid], Counter())[new] += 1
        store.add_story_aliases(
            {old: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for old, c in went.items()}
        )
    results = []
    for article in prep.articles:
        row = existing.get(article.id)
        if row is not None:
            results.append(
                IngestedArticle(article.id, "existing", row.duplicate_of, row.story_id or "")
            )
            continue
        match = matches[article.id]
        status = "duplicate" if match.duplicate_of else "new"
        results.append(
            IngestedArticle(article.id, status, match.duplicate_of, story_of[article.id])
        )
    return results, new_ids - old_ids, touched


ProgressCallback = Callable[[int, int | None], None]


def _cleaned(batch: list[Article], options: IngestOptions) -> list[Article]:
    if not options.clean:
        return batch
    # A digest of unrelated stories is stored as its items (``digests``).
    items = (item for a in batch for item in split_digest(clean(a)))
    return list({item.id: item for item in items}.values())


def ingest(
    store: Store,
    articles: Iterable[Article],
    models: Models,
    *,
    options: IngestOptions = IngestOptions(),
    on_batch: ProgressCallback | None = None,
) -> IngestReport:
    """Store articles, find their duplicates and assign each to a story, batch by batch.

    ``articles`` is consumed as a stream: only one batch is held at a time (plus the ids
    seen), so a reader's generator over a 1 GB dump ingests in bounded memory.

    Args:
        store: the open store written to.
        articles: articles as readers produce them, a sequence or any iterable (cleaned
            here unless ``options.clean`` is False).
        models: loaded models (``models.story_embedder`` embeds the clustering snippets).
        options: batch size, duplicate and story options.
        on_batch: called after each committed batch with (articles done, total or None
            when ``articles`` has no length).

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
    total = len(articles) if isinstance(articles, Sized) else None
    results: list[IngestedArticle] = []
    new_stories: set[str] = set()
    touched: set[str] = set()
    seen: set[str] = set()
    # Of same-id copies the store keeps the first by location, whatever order they come in.
    relocate: dict[str, str] = {}

    def batches() -> Iterator[list[Article]]:
        pending: dict[str, Article] = {}
        for article in articles:
            if article.id in pending:
                if article.location < pending[article.id].location:
                    pending[article.id] = article
                continue
            if article.id in seen:
                relocate[article.id] = min(
                    relocate.get(article.id, article.location), article.location
                )
                continue
            seen.add(article.id)
            pending[article.id] = article
            if len(pending) >= options.batch_size:
                yield list(pending.values())
                pending = {}
        if pending:
            yield list(pending.values())

    # Lexical stories (the default) load no model. With ``models.story_workers`` > 1 (the
    # CLI's ingest and watch; opt-in, as a spawned worker re-imports the caller's main
    # module), each batch from the second on is cleaned, fingerprinted and described
    # (``_describe``, two thirds of the CPU) in a worker process while the batch before it
    # is deduplicated, clustered and written here: the results are the same in any process.
    # When the embedding is scored, the next batch's snippets are embedded on a background
    # thread instead (the model runs without the GIL); the vectors wait in the embedder's
    # cache, where ``featurize`` finds them.
    lexical = options.stories.embedding_weight == 0
    parallel = lexical and models.story_workers > 1
    prefetch = None if lexical else getattr(models.story_embedder, "prefetch", None)
    chars = options.stories.snippet_chars
    with ThreadPoolExecutor(max_workers=1) as background, ExitStack() as stack:
        workers: ProcessPoolExecutor | None = None
        stream = (batch for batch in batches() if batch)
        first = next(stream, None)
        current = _describe(first, options) if first is not None else None
        ahead: Future[None] | None = None
        if current is not None and prefetch is not None:
            ahead = background.submit(prefetch, [snippet(a, chars) for a in current.articles])
        while current is not None:
            following = next(stream, None)
            upcoming: Future[_Described] | _Described | None = None
            if following is not None and parallel:
                if workers is None:
                    spawn = multiprocessing.get_context("spawn")
                    workers = stack.enter_context(ProcessPoolExecutor(1, mp_context=spawn))
                upcoming = workers.submit(_describe, following, options)
            elif following is not None:
                upcoming = _describe(following, options)  # cleaned while `current` embeds
            if ahead is not None:
                ahead.result()
                ahead = None
            if isinstance(upcoming, _Described) and prefetch is not None:
                texts = [snippet(a, chars) for a in upcoming.articles]
                ahead = background.submit(prefetch, texts)
            models.checkpoint()  # a caller's deadline (the web's jobs) may stop here
            prep = _prepare(store, current, models, options)
            batch_results, batch_new, batch_touched = _commit(store, prep, options)
            results.extend(batch_results)
            new_stories.update(batch_new)
            touched.update(batch_touched)
            del prep  # its features and sketches are the batch's largest objects
            release_freed_memory()
            if on_batch is not None:
                on_batch(len(results), total)
            current = upcoming.result() if isinstance(upcoming, Future) else upcoming
    if relocate:
        with store.transaction():
            store.relocate(relocate)
    # Later batches may have moved earlier articles (stories merge and split as the set
    # grows): report where every article ended up.
    final = store.article_rows([r.article_id for r in results])
    results = [
        dataclasses.replace(r, story_id=final[r.article_id].story_id or r.story_id)
        if r.article_id in final
        else r
        for r in results
    ]
    return IngestReport(
        results=tuple(results),
        new_stories=tuple(sorted(store.present_stories(new_stories))),
        updated_stories=tuple(sorted(store.present_stories(touched - new_stories))),
    )


# --- Briefs of stored stories ---------------------------------------------------------------


def brief_to_json(brief: Brief) -> str:
    """Serialise a ``Brief`` record (all fields, article ids kept) for the brief cache.

    The entry names the JSON contract it was built for: a brief cached under another
    (``newsdesk.brief/1``: reported speech among the quotes) is rebuilt, never served.
    """
    from .briefs import SCHEMA

    record = {"schema": SCHEMA, **dataclasses.asdict(brief)}
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


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
    """Rebuild a ``Brief`` written by ``brief_to_json``.

    Raises:
        ValueError: the entry was written for another contract (or none): rebuild it.
    """
    from .briefs import SCHEMA

    record = json.loads(text)
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        found = record.get("schema", "newsdesk.brief/1") if isinstance(record, dict) else None
        raise ValueError(f"cached brief is {found}, not {SCHEMA}: rebuild it")
    brief = _decode(Brief, record)
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

    story_id = store.resolve_story(story_id)  # a story that merged goes by its new id
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
    # Each group of copies points at its original (``duplicates.choose_original``); when
    # the original is outside the story, the story's members choose by the same rule.
    links = {
        m: g.canonical_id
        for g in store.duplicate_groups(sorted(a.id for a in articles))
        for m in g.article_ids
        if m != g.canonical_id
    }
    duplicate_of = assign_originals(links, {a.id: copy_key(a) for a in articles})
    brief = build_brief(articles, models, duplicate_of=duplicate_of, story_id=story_id)
    why = explain(articles)
    brief = dataclasses.replace(brief, story=dataclasses.replace(brief.story, why=why))
    store.save_brief(story_id, version, brief_to_json(brief))
    return brief
