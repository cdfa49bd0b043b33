"""Batch: the ingest pipeline on Ray Data, for corpora past one machine.

read -> clean -> MinHash -> near duplicates -> features -> links -> stories -> briefs,
reusing the single-machine stages (``duplicates``, ``stories.featurize``, ``similarity``,
``components``, ``cluster``). The two global steps are split so no worker sees all pairs:

* Near duplicates: each article emits one row per LSH band (the band's hash values hashed
  with blake2b); a groupby on that key (a shuffle) yields the candidate pairs, which are
  verified by estimated Jaccard against ``DuplicateOptions.threshold``. Bands and rows per
  band are the ones ``datasketch.MinHashLSH`` picks for ``lsh_threshold``, so the candidates
  equal those ``DuplicateIndex`` finds; ``resolve_duplicates`` then replays
  ``find_duplicates``' order rule (publication order, exact before near, best similarity,
  ties to the smallest id), so the groups match single-machine ``ingest`` of one batch;
  each group's original is then the one ``duplicates.choose_original`` picks (the rule of
  ``brief`` and ``ingest``), from the ``copy_key`` every worker computes.
* Stories are the average-linkage clusters of all articles cut at ``StoryOptions.threshold``
  (``stories.cluster``), which lie inside the connected components of the graph of pairs
  similar at the threshold or more. Every article gets its ``ArticleFeatures`` (as the store
  keeps them) on workers. Links: a dated article falls in the time block ``day //
  max_gap_days``; the similarity is zero at ``max_gap_days`` apart or more, so a linked
  pair lies in one block or in two adjacent ones. Blocks are cut into cells of at most
  ``BatchOptions.cell_size`` articles (by id hash); undated articles (time says nothing
  about them) form cells of their own that pair with every cell. ``plan_cells`` lists the
  cell pairs to compare (same or adjacent block, or one side undated); each article emits a
  row per pair its cell is in, a groupby on the pair (a shuffle) brings both cells together
  and a worker keeps the pairs at or above the threshold. The link pairs (a few per
  article) are collected on the driver, which labels the connected components
  (``stories.components``, union-find over the pairs: driver memory grows with the
  articles and links, not with the pairs compared). A groupby on the component (a second
  shuffle, of linked articles only) runs ``stories.cluster`` per component on workers;
  a story is named ``story_id_for`` its first member, as ingest names it. Unlinked
  articles are stories of their own.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..duplicates import CopyKey, DuplicateOptions, group_duplicates, lsh_bands
from ..errors import InputError, MissingDependency
from ..models import DuplicateGroup
from ..stories import StoryOptions, components, day_number, story_id_for
from .plan import (
    band_keys,
    cell_of,
    link_cells,
    link_tasks,
    plan_cells,
    resolve_duplicates,
    with_originals,
)
from .stages import (
    ARTICLE_COLUMNS,
    Briefs,
    Embed,
    band_rows,
    bucket_pairs,
    clean_sketch,
    cluster_component,
    keep_rows,
    link_task,
    pack_story,
    plain,
    read_files,
    tag_component,
    tag_key,
    task_rows,
)

#: The stages ``run_batch`` reports to ``progress``, in order.
STAGES = (
    "read_clean_sketch",
    "duplicates",
    "embed",
    "links",
    "stories",
    "write_tables",
    "briefs",
)

__all__ = [
    "STAGES",
    "BatchOptions",
    "BatchReport",
    "band_keys",
    "cell_of",
    "link_cells",
    "link_tasks",
    "lsh_bands",
    "plan_cells",
    "resolve_duplicates",
    "run_batch",
    "single_machine_reference",
    "with_originals",
]


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run is split and what it writes.

    ``cell_size`` bounds the articles of one side of a link task: its similarity matrix is
    at most ``cell_size`` squared (1,000: 8 MB of float64, a fraction of a second).
    ``embedder`` names an entry of ``nlp.EMBEDDERS`` ("minilm" ships); stories use its
    story embedder (``Models.story_embedder``), as ingest does.
    """

    duplicates: DuplicateOptions = field(default_factory=DuplicateOptions)
    stories: StoryOptions = field(default_factory=StoryOptions)
    cell_size: int = 1000
    embedder: str = "minilm"
    embed_batch_size: int = 256
    briefs: bool = True
    min_brief_articles: int = 1

    def __post_init__(self) -> None:
        if self.cell_size < 1:
            raise ValueError("cell_size must be >= 1")
        if self.embed_batch_size < 1 or self.min_brief_articles < 1:
            raise ValueError("embed_batch_size and min_brief_articles must be >= 1")


@dataclass(frozen=True)
class BatchReport:
    """What a batch run read and wrote, with per-stage wall times in seconds."""

    out_dir: str
    articles: int
    failures: tuple[str, ...]
    duplicate_groups: tuple[DuplicateGroup, ...]
    stories: Mapping[str, tuple[str, ...]]  # story id -> article ids (sorted)
    link_tasks: int  # cell pairs compared
    links: int  # article pairs at or above the story threshold
    briefs: int
    seconds: Mapping[str, float]


# --- Driver ---------------------------------------------------------------------------------


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingDependency("ray", "batch") from None
    return ray


def _input_files(inputs: Sequence[str | Path]) -> tuple[list[str], list[str]]:
    from ..readers import _expand

    files: list[str] = []
    failures: list[str] = []
    for location, path, failure in _expand([str(p) for p in inputs]):
        if failure is not None:
            failures.append(f"{failure.location}: {failure.reason}")
        elif path is None:
            raise InputError(location, "batch cannot read stdin; give files or directories")
        else:
            files.append(str(path))
    return sorted(dict.fromkeys(files)), failures


def _partitions(groups: int) -> int:
    """Shuffle partitions for a groupby with this many keys: Ray's default 200 at most.

    Fewer keys than partitions leave empty partitions, each still a task (a 12-article
    run spent ~10 s per shuffle on them on 2 loaded cores).
    """
    return max(1, min(groups, 200))


def _stories_table(assign: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    stories: dict[str, list[str]] = {}
    for aid, sid in assign.items():
        stories.setdefault(sid, []).append(aid)
    return {sid: tuple(sorted(ids)) for sid, ids in sorted(stories.items())}


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    address: str | None = None,
    num_cpus: int | None = None,
    options: BatchOptions = BatchOptions(),
    progress: Callable[[str], None] | None = None,
) -> BatchReport:
    """Read, clean, deduplicate, embed, cluster and brief a corpus on Ray Data.

    Args:
        inputs: JSONL(.gz), WARC(.gz), HTML or text files, or directories of them.
        out_dir: where articles.parquet, duplicate_groups.parquet, stories.parquet and
            briefs/<story id>.json are written.
        address: an existing Ray cluster ("auto", "ray://host:10001"); local Ray if None.
        num_cpus: CPUs for local Ray (all when None).
        options: duplicate, story and batch options.
        progress: called with the name of each stage as it finishes ("read_clean_sketch",
            "duplicates", ...).

    Returns:
        A ``BatchReport`` (counts, groups, stories, stage times).

    Raises:
        MissingDependency: Ray is not installed.

    Example:
        >>> run_batch(["examples/harbour-bridge"], "out")  # doctest: +SKIP
    """
    ray = _ray()
    import pyarrow as pa
    import pyarrow.parquet as pq

    files, failures = _input_files(inputs)
    out = Path(out_dir)
    (out / "briefs").mkdir(parents=True, exist_ok=True)
    started = ray.is_initialized()
    if not started:
        if address is not None:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    # Sort-based shuffles run as tasks on the existing workers; Ray's default (hash shuffle
    # with aggregator actors) starts new processes per groupby: on the 12-article test corpus
    # on 2 loaded cores the link and cluster stages took 14 s each against 0.15 s.
    shuffle = ctx.shuffle_strategy
    ctx.shuffle_strategy = ray.data.context.ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    import logging

    logging.getLogger("ray.data").setLevel(logging.WARNING)
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = round(now - clock, 3)
        clock = now
        if progress is not None:
            progress(name)

    try:
        return _pipeline(ray, pa, pq, files, failures, out, options, lap, times)
    finally:
        ctx.shuffle_strategy = shuffle
        if not started:
            ray.shutdown()


def _pipeline(
    ray: Any,
    pa: Any,
    pq: Any,
    files: list[str],
    failures: list[str],
    out: Path,
    options: BatchOptions,
    lap: Any,
    times: dict[str, float],
) -> BatchReport:
    dup_opts, story_opts = options.duplicates, options.stories
    if not files:
        raise InputError(", ".join(failures) or "inputs", "no files to read")
    paths = ray.data.from_items(
        [{"path": f} for f in files], override_num_blocks=max(1, len(files))
    )
    raw = paths.map_batches(read_files, batch_size=1).materialize()
    if raw.count() == 0:
        raise InputError(", ".join(files[:3]), "no articles found")
    failures = failures + sorted(f for f in raw.unique("failure") if f)
    ok = ray.put({None})
    raw = raw.map_batches(
        keep_rows, batch_format="pyarrow", fn_kwargs={"ref": ok, "column": "failure"}
    )
    raw = raw.drop_columns(["failure"])
    if raw.count() == 0:
        raise InputError(", ".join(files[:3]), "no readable articles: " + "; ".join(failures[:3]))
    cleaned = raw.map_batches(
        clean_sketch, batch_format="pyarrow", fn_kwargs={"options": dup_opts}
    ).materialize()
    lap("read_clean_sketch")
    # Same text and URL give the same id: keep one row per id (first by location).
    meta = [
        {k: plain(v) for k, v in m.items()}
        for m in cleaned.select_columns(
            ["id", "published", "content_hash", "location", "copy_key"]
        ).take_all()
    ]
    first: dict[str, str] = {}
    for m in sorted(meta, key=lambda m: (m["id"], m["location"])):
        first.setdefault(m["id"], m["location"])
    keep = ray.put({f"{aid}\x00{loc}" for aid, loc in first.items()})
    cleaned = (
        cleaned.map_batches(tag_key, batch_format="pyarrow")
        .map_batches(keep_rows, batch_format="pyarrow", fn_kwargs={"ref": keep, "column": "key"})
        .drop_columns(["key"])
        .materialize()
    )
    info = {m["id"]: (m["published"], m["content_hash"]) for m in meta}
    bands, rows_per_band = lsh_bands(dup_opts)
    candidates = (
        cleaned.map_batches(
            band_rows, batch_format="pyarrow", fn_kwargs={"bands": bands, "rows": rows_per_band}
        )
        .groupby("band")
        .map_groups(bucket_pairs, batch_format="pyarrow")
        .take_all()
    )
    pair_set = sorted({(c["a"], c["b"]) for c in candidates})
    involved = sorted({x for p in pair_set for x in p})
    wanted = ray.put(set(involved))
    sigs = (
        {
            r["id"]: np.frombuffer(r["signature"], dtype=np.uint32)
            for r in cleaned.map_batches(
                keep_rows, batch_format="pyarrow", fn_kwargs={"ref": wanted, "column": "id"}
            )
            .select_columns(["id", "signature"])
            .take_all()
        }
        if involved
        else {}
    )
    pairs = [(a, b, float(np.mean(sigs[a] == sigs[b]))) for a, b in pair_set]
    matches = with_originals(
        resolve_duplicates(info, pairs, dup_opts),
        {
            m["id"]: CopyKey.from_json(m["copy_key"])
            for m in meta
            if first[m["id"]] == m["location"]
        },
    )
    groups = group_duplicates(list(matches.values()))
    lap("duplicates")
    days = {aid: day_number(pub) for aid, (pub, _) in info.items()}
    workers = max(1, int(ray.available_resources().get("CPU", 1)))
    embedded = (
        cleaned.select_columns(list(ARTICLE_COLUMNS))
        .map_batches(
            Embed,
            fn_constructor_kwargs={"embedder": options.embedder, "options": story_opts},
            batch_size=options.embed_batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers),
        )
        .materialize()
    )
    lap("embed")
    block_days = story_opts.max_gap_days
    cells = plan_cells(days.values(), block_days=block_days, cell_size=options.cell_size)
    tasks = link_tasks(cells)
    n_tasks = len({t for ts in tasks.values() for t in ts})
    found = (
        embedded.map_batches(
            task_rows,
            batch_format="pyarrow",
            fn_kwargs={"ref": ray.put((cells, tasks)), "block_days": block_days},
        )
        .groupby("task", num_partitions=_partitions(n_tasks))
        .map_groups(link_task, batch_format="pyarrow", fn_kwargs={"options": story_opts})
        .take_all()
    )
    link_pairs = sorted({(r["a"], r["b"]) for r in found})
    # The components on the driver: it holds every id already (the duplicate step) and the
    # links are few (a few per article), so union-find there is cheap next to the shuffles.
    label = components(info, link_pairs)
    sizes = Counter(label.values())
    linked = {aid: comp for aid, comp in label.items() if sizes[comp] > 1}
    lap("links")
    assign = {aid: story_id_for(aid) for aid in info if aid not in linked}
    if linked:
        clustered = (
            embedded.map_batches(
                tag_component, batch_format="pyarrow", fn_kwargs={"ref": ray.put(linked)}
            )
            .groupby("component", num_partitions=_partitions(len(set(linked.values()))))
            .map_groups(
                cluster_component, batch_format="pyarrow", fn_kwargs={"options": story_opts}
            )
            .take_all()
        )
        assign.update((r["id"], r["story"]) for r in clustered)
    stories = _stories_table(assign)
    lap("stories")
    assign_ref = ray.put(assign)
    match_ref = ray.put({a: (m.duplicate_of, m.kind, m.similarity) for a, m in matches.items()})

    def annotate(batch: Any, a: Any = assign_ref, m: Any = match_ref) -> Any:
        assigned, found = ray.get(a), ray.get(m)
        ids = batch["id"].to_pylist()
        none = (None, None, 0.0)
        batch = batch.append_column("story_id", pa.array([assigned[i] for i in ids], pa.string()))
        for pos, name in enumerate(("duplicate_of", "duplicate_kind")):
            values = [found.get(i, none)[pos] for i in ids]
            batch = batch.append_column(name, pa.array(values, pa.string()))
        sims = [float(found.get(i, none)[2]) for i in ids]
        return batch.append_column("similarity", pa.array(sims, pa.float64()))

    final = (
        cleaned.drop_columns(["signature"])
        .map_batches(annotate, batch_format="pyarrow")
        .materialize()
    )
    final.write_parquet(str(out / "articles.parquet"))
    pq.write_table(
        pa.table(
            {
                "id": [g.id for g in groups],
                "canonical_id": [g.canonical_id for g in groups],
                "article_ids": [list(g.article_ids) for g in groups],
                "kind": [g.kind for g in groups],
            },
            schema=pa.schema(
                [
                    ("id", pa.string()),
                    ("canonical_id", pa.string()),
                    ("article_ids", pa.list_(pa.string())),
                    ("kind", pa.string()),
                ]
            ),
        ),
        out / "duplicate_groups.parquet",
    )
    pubs = {a: i[0] for a, i in info.items()}
    dated = {sid: sorted(p for p in (pubs[a] for a in ids) if p) for sid, ids in stories.items()}
    pq.write_table(
        pa.table(
            {
                "story_id": list(stories),
                "n_articles": [len(ids) for ids in stories.values()],
                "article_ids": [list(ids) for ids in stories.values()],
                "first_published": [d[0] if d else None for d in dated.values()],
                "last_published": [d[-1] if d else None for d in dated.values()],
            },
            schema=pa.schema(
                [
                    ("story_id", pa.string()),
                    ("n_articles", pa.int64()),
                    ("article_ids", pa.list_(pa.string())),
                    ("first_published", pa.string()),
                    ("last_published", pa.string()),
                ]
            ),
        ),
        out / "stories.parquet",
    )
    lap("write_tables")
    n_briefs = 0
    if options.briefs and stories:
        big_ids = {s for s, ids in stories.items() if len(ids) >= options.min_brief_articles}
        big = ray.put(big_ids)
        # Pack each story into one row first, so the shuffle has finished before the
        # brief actors take the CPUs (an actor pool waiting on a shuffle deadlocks).
        packed = (
            final.map_batches(
                keep_rows, batch_format="pyarrow", fn_kwargs={"ref": big, "column": "story_id"}
            )
            .groupby("story_id", num_partitions=_partitions(len(big_ids)))
            .map_groups(pack_story, batch_format="pyarrow")
            .materialize()
        )
        done = packed.map_batches(
            Briefs,
            fn_constructor_args=(options.embedder, str(out / "briefs")),
            batch_size=1,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers),
        ).count()
        n_briefs = int(done)
    lap("briefs")
    return BatchReport(
        out_dir=str(out),
        articles=len(info),
        failures=tuple(failures),
        duplicate_groups=tuple(groups),
        stories=stories,
        link_tasks=n_tasks,
        links=len(link_pairs),
        briefs=n_briefs,
        seconds=dict(times),
    )


def single_machine_reference(
    paths: Sequence[str | Path],
    options: BatchOptions = BatchOptions(),
    *,
    batch_size: int | None = None,
) -> tuple[list[DuplicateGroup], dict[str, tuple[str, ...]]]:
    """Run single-machine ``ingest`` over ``paths`` into an in-memory store: what batch must match.

    Args:
        paths: the inputs given to ``run_batch``.
        options: the same duplicate and story options and embedder.
        batch_size: ingest batch size; None ingests everything as one batch, in which case
            the duplicate groups are a function of the set of articles, as in ``run_batch``
            (with smaller batches a copy published before its original but ingested after
            it is the copy). Stories do not depend on the batching.

    Returns:
        The duplicate groups and the stories (story id -> sorted article ids) read back
        from the store.
    """
    from ..ingest import IngestOptions, ingest
    from ..nlp import Models
    from ..readers import read_articles
    from ..store import Store

    articles = read_articles([str(p) for p in paths]).articles
    ingest_options = IngestOptions(
        batch_size=batch_size or max(1, len(articles)),
        duplicates=options.duplicates,
        stories=options.stories,
    )
    store = Store()
    try:
        ingest(store, articles, Models(embedder_name=options.embedder), options=ingest_options)
        groups = store.duplicate_groups()
        stories: dict[str, tuple[str, ...]] = {}
        for summary in store.stories(limit=10**6):
            story = store.story(summary.id)
            assert story is not None
            stories[summary.id] = tuple(sorted(story.article_ids))
    finally:
        store.close()
    return groups, dict(sorted(stories.items()))
