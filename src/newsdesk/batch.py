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

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .duplicates import (
    CopyKey,
    DuplicateMatch,
    DuplicateOptions,
    assign_originals,
    copy_key,
    group_duplicates,
    lsh_bands,
)
from .errors import InputError, MissingDependency
from .models import Article, DuplicateGroup, earliest_first
from .stories import (
    ArticleFeatures,
    StoryOptions,
    components,
    day_number,
    similarity,
    story_id_for,
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


# --- Pure pieces (no Ray) ------------------------------------------------------------------


def band_keys(hashvalues: npt.NDArray[np.uint32], bands: int, rows: int) -> list[str]:
    """Return one stable key per LSH band of a MinHash signature.

    Args:
        hashvalues: the signature (``MinHash.hashvalues`` as uint32).
        bands: number of bands.
        rows: hash values per band.

    Returns:
        ``bands`` hex keys; two signatures share a key iff that band is identical.
    """
    values = np.asarray(hashvalues, dtype=np.uint32)
    keys = []
    for b in range(bands):
        chunk = values[b * rows : (b + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=12, person=b.to_bytes(2, "little")).hexdigest()
        keys.append(f"{b}:{digest}")
    return keys


def _neg(key: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in key)


def resolve_duplicates(
    info: Mapping[str, tuple[str | None, str]],
    pairs: Iterable[tuple[str, str, float]],
    options: DuplicateOptions | None = None,
) -> dict[str, DuplicateMatch]:
    """Turn verified similar pairs into copy verdicts, as ``find_duplicates`` would.

    Args:
        info: article id -> (published, content hash), for every article in a pair.
        pairs: (id, id, estimated Jaccard) for candidate pairs (any order, any similarity).
        options: the threshold below which a pair is not a copy.

    Returns:
        Article id -> ``DuplicateMatch`` for the articles that copy another one.
    """
    options = options or DuplicateOptions()
    neighbours: dict[str, dict[str, float]] = {}
    for a, b, sim in pairs:
        if a == b:
            continue
        for x, y in ((a, b), (b, a)):
            neighbours.setdefault(x, {})[y] = sim
    order = sorted(neighbours, key=lambda i: earliest_first(info[i][0], i))
    rank = {aid: pos for pos, aid in enumerate(order)}
    canonical: dict[str, str] = {}
    exact_root: dict[str, str] = {}
    out: dict[str, DuplicateMatch] = {}
    for aid in order:
        text_hash = info[aid][1]
        match: DuplicateMatch | None = None
        if text_hash in exact_root:
            match = DuplicateMatch(aid, exact_root[text_hash], "exact", 1.0)
        else:
            best: tuple[float, str] | None = None
            for other, sim in neighbours[aid].items():
                if rank[other] > rank[aid] or sim < options.threshold:
                    continue
                if best is None or (sim, _neg(other)) > (best[0], _neg(best[1])):
                    best = (sim, other)
            if best is not None:
                root = canonical.get(best[1], best[1])
                match = DuplicateMatch(aid, root, "near", round(best[0], 4))
        root = match.duplicate_of if match and match.duplicate_of else aid
        canonical[aid] = root
        exact_root.setdefault(text_hash, root)
        if match is not None:
            out[aid] = match
    return out


def with_originals(
    matches: Mapping[str, DuplicateMatch], keys: Mapping[str, CopyKey]
) -> dict[str, DuplicateMatch]:
    """Point each group of copies at the original ``duplicates.choose_original`` picks.

    Args:
        matches: ``resolve_duplicates``' verdicts (each copy linked to some group member).
        keys: ``duplicates.copy_key`` of every article in a group.

    Returns:
        Article id -> ``DuplicateMatch`` for the copies, each naming its group's original.
    """
    originals = assign_originals(
        {aid: m.duplicate_of for aid, m in matches.items() if m.duplicate_of}, keys
    )
    links: dict[str | None, DuplicateMatch] = {}
    for match in sorted(matches.values(), key=lambda m: m.article_id):
        links.setdefault(match.duplicate_of, match)
    out: dict[str, DuplicateMatch] = {}
    for aid, original in sorted(originals.items()):
        # A former original takes the kind and similarity of a link into its group.
        via = matches.get(aid) or links.get(aid) or DuplicateMatch(aid, None, "near")
        out[aid] = DuplicateMatch(aid, original, via.kind or "near", via.similarity)
    return out


def plan_cells(
    days: Iterable[int | None], *, block_days: int, cell_size: int
) -> dict[int | None, int]:
    """Count the cells each time block is cut into.

    Args:
        days: the day number of every article (None when undated).
        block_days: days per time block (``StoryOptions.max_gap_days``).
        cell_size: at most this many articles per cell (on average: cells are by id hash).

    Returns:
        Block (``day // block_days``; None for the undated) -> number of cells.
    """
    counts: dict[int | None, int] = {}
    for day in days:
        block = None if day is None else day // block_days
        counts[block] = counts.get(block, 0) + 1
    return {block: -(-n // cell_size) for block, n in counts.items()}


def cell_of(
    article_id: str, day: int | None, cells: Mapping[int | None, int], block_days: int
) -> str:
    """Return the name of an article's cell: its time block and a hash of its id."""
    block = None if day is None else day // block_days
    digest = hashlib.blake2b(article_id.encode(), digest_size=4).digest()
    sub = int.from_bytes(digest, "little") % cells[block]
    return f"u.{sub}" if block is None else f"{block}.{sub}"


def link_tasks(cells: Mapping[int | None, int]) -> dict[str, list[str]]:
    """List the cell pairs to compare, as the tasks of each cell.

    A pair of dated articles can only link within one block or across adjacent blocks (the
    time damping is zero at ``max_gap_days`` apart); an undated article can link to any.

    Args:
        cells: block -> number of cells, from ``plan_cells``.

    Returns:
        Cell name -> the tasks it is part of, each named ``"A|B"`` (A == B: pairs within A).
    """

    def name(block: int | None, sub: int) -> str:
        return f"u.{sub}" if block is None else f"{block}.{sub}"

    undated = [name(None, s) for s in range(cells.get(None, 0))]
    tasks: dict[str, list[str]] = {}

    def add(a: str, b: str) -> None:
        key = f"{a}|{b}"
        tasks.setdefault(a, []).append(key)
        if b != a:
            tasks.setdefault(b, []).append(key)

    for block in sorted(b for b in cells if b is not None):
        own = [name(block, s) for s in range(cells[block])]
        following = [name(block + 1, s) for s in range(cells.get(block + 1, 0))]
        for i, a in enumerate(own):
            for b in [*own[i:], *following, *undated]:
                add(a, b)
    for i, a in enumerate(undated):
        for b in undated[i:]:
            add(a, b)
    return tasks


def link_cells(
    task: str,
    cells: Sequence[str],
    features: Sequence[ArticleFeatures],
    options: StoryOptions,
) -> list[tuple[str, str]]:
    """Return the pairs of one task similar at the story threshold or more.

    Args:
        task: ``"A|B"`` from ``link_tasks``.
        cells: the cell of each article (A or B).
        features: the articles of both cells.
        options: threshold, weights and time damping.

    Returns:
        (smaller id, larger id) pairs, as ``stories.links`` would find them.
    """
    first, second = task.split("|")
    left = [f for f, c in zip(features, cells, strict=True) if c == first]
    right = (
        left
        if first == second
        else [f for f, c in zip(features, cells, strict=True) if c == second]
    )
    hit = similarity(left, right, options) >= options.threshold
    if first == second:
        hit = np.triu(hit | hit.T, 1)
    out = []
    for i, j in zip(*np.nonzero(hit), strict=True):
        a, b = left[int(i)].article_id, right[int(j)].article_id
        if a != b:
            out.append((min(a, b), max(a, b)))
    return out


# --- Row <-> record -------------------------------------------------------------------------

_FIELDS = ("id", "location", "text", "title", "url", "outlet", "published", "author", "dateline")


def _to_row(article: Article) -> dict[str, Any]:
    row: dict[str, Any] = {f: getattr(article, f) for f in _FIELDS}
    row["language"] = article.language
    row["removed"] = json.dumps(list(article.removed), ensure_ascii=False)
    return row


def _from_row(row: Mapping[str, Any]) -> Article:
    return Article(
        **{f: row[f] for f in _FIELDS},
        language=row["language"],
        removed=tuple(json.loads(row["removed"] or "[]")),
    )


# --- Ray stages (run on workers) ------------------------------------------------------------


_ARTICLE_COLUMNS = (*_FIELDS, "language", "removed")


def _read_files(batch: dict[str, Any]) -> Any:
    from .readers import read_articles

    rows: list[dict[str, Any]] = []
    for path in batch["path"]:
        result = read_articles([str(path)])
        rows += [{**_to_row(a), "failure": None} for a in result.articles]
        empty = dict.fromkeys(_ARTICLE_COLUMNS)
        rows += [{**empty, "failure": f"{f.location}: {f.reason}"} for f in result.failures]
    return _rows_batch(rows, (*_ARTICLE_COLUMNS, "failure"))


def _clean_sketch(batch: dict[str, Any], options: DuplicateOptions) -> Any:
    from .articles import clean
    from .digests import split_digest
    from .duplicates import content_hash, minhash

    rows = _batch_rows(batch)
    out: list[dict[str, Any]] = []
    for row in rows:
        # A digest of unrelated stories becomes its items, as in ``ingest`` (``digests``).
        for article in split_digest(clean(_from_row(row))):
            sketch = minhash(article.text, options)
            out.append(
                {
                    **_to_row(article),
                    "content_hash": content_hash(article.text),
                    "copy_key": copy_key(article).to_json(),
                    "signature": np.asarray(sketch.hashvalues, dtype=np.uint32).tobytes(),
                }
            )
    return _rows_batch(out, (*_ARTICLE_COLUMNS, "content_hash", "copy_key", "signature"))


def _batch_rows(batch: Any) -> list[dict[str, Any]]:
    if hasattr(batch, "to_pylist"):
        return [{k: _plain(v) for k, v in row.items()} for row in batch.to_pylist()]
    keys = list(batch)
    n = len(batch[keys[0]]) if keys else 0
    return [{k: _plain(batch[k][i]) for k in keys} for i in range(n)]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    # Arrow -> numpy turns a null in a string column into NaN.
    if isinstance(value, float) and value != value:
        return None
    return value


def _keep_rows(batch: Any, ref: Any, column: str) -> Any:
    """Keep the rows whose ``column`` value is in the set (or dict) stored under ``ref``."""
    import ray

    wanted = ray.get(ref)
    mask = [_plain(v) in wanted for v in batch[column].to_pylist()]
    return batch.filter(mask)


_BINARY = {"signature", "features"}
_FLOATS = {"similarity"}


def _column_type(name: str) -> Any:
    import pyarrow as pa

    if name in _BINARY:
        return pa.binary()
    if name in _FLOATS:
        return pa.float64()
    return pa.string()


def _rows_batch(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = ()) -> Any:
    """Rows as an Arrow table with fixed column types (all-null columns keep their type)."""
    import pyarrow as pa

    names = list(rows[0]) if rows else list(columns)
    schema = pa.schema([(n, _column_type(n)) for n in names])
    return pa.table({n: [r[n] for r in rows] for n in names}, schema=schema)


def _tag_key(batch: Any) -> Any:
    import pyarrow as pa

    ids, locs = batch["id"].to_pylist(), batch["location"].to_pylist()
    keys = [f"{i}\x00{loc}" for i, loc in zip(ids, locs, strict=True)]
    return batch.append_column("key", pa.array(keys, pa.string()))


def _band_rows(batch: Any, bands: int, rows: int) -> Any:
    import pyarrow as pa

    keys: list[str] = []
    ids: list[str] = []
    for aid, sig in zip(batch["id"].to_pylist(), batch["signature"].to_pylist(), strict=True):
        values = np.frombuffer(sig, dtype=np.uint32)
        for key in band_keys(values, bands, rows):
            keys.append(key)
            ids.append(aid)
    return pa.table({"band": pa.array(keys, pa.string()), "id": pa.array(ids, pa.string())})


def _bucket_pairs(group: dict[str, Any]) -> Any:
    import pyarrow as pa

    ids = sorted(set(group["id"].to_pylist()))
    a = [x for i, x in enumerate(ids) for _ in ids[i + 1 :]]
    b = [y for i in range(len(ids)) for y in ids[i + 1 :]]
    return pa.table({"a": pa.array(a, pa.string()), "b": pa.array(b, pa.string())})


class _Embed:
    """Class UDF: the story embedder loads once per worker, then featurizes batches.

    Outputs the id, date and ``ArticleFeatures.to_bytes`` of each article: the features as
    the store keeps them, so every later step reads what ingest reads.
    """

    def __init__(self, embedder: str, options: StoryOptions) -> None:
        from .nlp import Models

        self._embedder = Models(embedder_name=embedder).story_embedder
        self._options = options

    def __call__(self, batch: Any) -> Any:
        from .stories import featurize

        rows = _batch_rows(batch)
        feats = featurize([_from_row(r) for r in rows], self._embedder, options=self._options)
        out = [
            {"id": f.article_id, "published": f.published, "features": f.to_bytes()} for f in feats
        ]
        return _rows_batch(out, ("id", "published", "features"))


def _features(rows: Sequence[Mapping[str, Any]]) -> list[ArticleFeatures]:
    return [ArticleFeatures.from_bytes(r["id"], r["published"], r["features"]) for r in rows]


def _task_rows(batch: Any, ref: Any, block_days: int) -> Any:
    """One row per link task of the article's cell (its features travel with it)."""
    import ray

    cells, tasks = ray.get(ref)
    out = []
    for row in _batch_rows(batch):
        cell = cell_of(row["id"], day_number(row["published"]), cells, block_days)
        out += [{**row, "cell": cell, "task": task} for task in tasks[cell]]
    return _rows_batch(out, ("id", "published", "features", "cell", "task"))


def _link_task(group: Any, options: StoryOptions) -> Any:
    import pyarrow as pa

    rows = _batch_rows(group)
    pairs = link_cells(rows[0]["task"], [r["cell"] for r in rows], _features(rows), options)
    return pa.table(
        {
            "a": pa.array([a for a, _ in pairs], pa.string()),
            "b": pa.array([b for _, b in pairs], pa.string()),
        }
    )


def _tag_component(batch: Any, ref: Any) -> Any:
    """Keep the linked articles, each with its component label."""
    import pyarrow as pa
    import ray

    label = ray.get(ref)
    batch = batch.filter([_plain(v) in label for v in batch["id"].to_pylist()])
    comps = [label[i] for i in batch["id"].to_pylist()]
    return batch.append_column("component", pa.array(comps, pa.string()))


def _cluster_component(group: Any, options: StoryOptions) -> Any:
    """``stories.cluster`` over one component; each group named after its first member."""
    import pyarrow as pa

    from .stories import cluster

    ids: list[str] = []
    stories: list[str] = []
    for members in cluster(_features(_batch_rows(group)), options):
        ids += members
        stories += [story_id_for(members[0])] * len(members)
    return pa.table({"id": pa.array(ids, pa.string()), "story": pa.array(stories, pa.string())})


class _Briefs:
    """Class UDF: loads models once per worker, writes one JSON brief per story."""

    def __init__(self, embedder: str, out_dir: str) -> None:
        from .nlp import Models

        self._models = Models(embedder_name=embedder)
        self._out = Path(out_dir)

    def __call__(self, batch: Any) -> dict[str, Any]:
        from .briefs import build_brief
        from .renderers import render_json

        done = []
        for packed in batch["rows"].to_pylist():
            done.append(self._write(json.loads(packed), build_brief, render_json))
        return {"story_id": done}

    def _write(self, rows: list[dict[str, Any]], build_brief: Any, render_json: Any) -> str:
        articles = [_from_row(r) for r in rows]
        # Copies of an original outside the story choose among themselves, by the same rule.
        duplicate_of = assign_originals(
            {r["id"]: r["duplicate_of"] for r in rows if r["duplicate_of"]},
            {a.id: copy_key(a) for a in articles},
        )
        story = rows[0]["story_id"]
        brief = build_brief(articles, self._models, duplicate_of=duplicate_of, story_id=story)
        (self._out / f"{story}.json").write_text(render_json(brief), encoding="utf-8")
        return str(story)


def _pack_story(group: Any) -> Any:
    import pyarrow as pa

    rows = _batch_rows(group)
    packed = json.dumps(rows, ensure_ascii=False)
    return pa.table({"story_id": [rows[0]["story_id"]], "rows": [packed]})


# --- Driver ---------------------------------------------------------------------------------


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingDependency("ray", "batch") from None
    return ray


def _input_files(inputs: Sequence[str | Path]) -> tuple[list[str], list[str]]:
    from .readers import _expand

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
    raw = paths.map_batches(_read_files, batch_size=1).materialize()
    if raw.count() == 0:
        raise InputError(", ".join(files[:3]), "no articles found")
    failures = failures + sorted(f for f in raw.unique("failure") if f)
    ok = ray.put({None})
    raw = raw.map_batches(
        _keep_rows, batch_format="pyarrow", fn_kwargs={"ref": ok, "column": "failure"}
    )
    raw = raw.drop_columns(["failure"])
    if raw.count() == 0:
        raise InputError(", ".join(files[:3]), "no readable articles: " + "; ".join(failures[:3]))
    cleaned = raw.map_batches(
        _clean_sketch, batch_format="pyarrow", fn_kwargs={"options": dup_opts}
    ).materialize()
    lap("read_clean_sketch")
    # Same text and URL give the same id: keep one row per id (first by location).
    meta = [
        {k: _plain(v) for k, v in m.items()}
        for m in cleaned.select_columns(
            ["id", "published", "content_hash", "location", "copy_key"]
        ).take_all()
    ]
    first: dict[str, str] = {}
    for m in sorted(meta, key=lambda m: (m["id"], m["location"])):
        first.setdefault(m["id"], m["location"])
    keep = ray.put({f"{aid}\x00{loc}" for aid, loc in first.items()})
    cleaned = (
        cleaned.map_batches(_tag_key, batch_format="pyarrow")
        .map_batches(_keep_rows, batch_format="pyarrow", fn_kwargs={"ref": keep, "column": "key"})
        .drop_columns(["key"])
        .materialize()
    )
    info = {m["id"]: (m["published"], m["content_hash"]) for m in meta}
    bands, rows_per_band = lsh_bands(dup_opts)
    candidates = (
        cleaned.map_batches(
            _band_rows, batch_format="pyarrow", fn_kwargs={"bands": bands, "rows": rows_per_band}
        )
        .groupby("band")
        .map_groups(_bucket_pairs, batch_format="pyarrow")
        .take_all()
    )
    pair_set = sorted({(c["a"], c["b"]) for c in candidates})
    involved = sorted({x for p in pair_set for x in p})
    wanted = ray.put(set(involved))
    sigs = (
        {
            r["id"]: np.frombuffer(r["signature"], dtype=np.uint32)
            for r in cleaned.map_batches(
                _keep_rows, batch_format="pyarrow", fn_kwargs={"ref": wanted, "column": "id"}
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
        cleaned.select_columns(list(_ARTICLE_COLUMNS))
        .map_batches(
            _Embed,
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
            _task_rows,
            batch_format="pyarrow",
            fn_kwargs={"ref": ray.put((cells, tasks)), "block_days": block_days},
        )
        .groupby("task", num_partitions=_partitions(n_tasks))
        .map_groups(_link_task, batch_format="pyarrow", fn_kwargs={"options": story_opts})
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
                _tag_component, batch_format="pyarrow", fn_kwargs={"ref": ray.put(linked)}
            )
            .groupby("component", num_partitions=_partitions(len(set(linked.values()))))
            .map_groups(
                _cluster_component, batch_format="pyarrow", fn_kwargs={"options": story_opts}
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
                _keep_rows, batch_format="pyarrow", fn_kwargs={"ref": big, "column": "story_id"}
            )
            .groupby("story_id", num_partitions=_partitions(len(big_ids)))
            .map_groups(_pack_story, batch_format="pyarrow")
            .materialize()
        )
        done = packed.map_batches(
            _Briefs,
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
    from .ingest import IngestOptions, ingest
    from .nlp import Models
    from .readers import read_articles
    from .store import Store

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
