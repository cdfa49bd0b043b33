"""Batch: the ingest pipeline on Ray Data, for corpora past one machine.

read -> clean -> MinHash -> near duplicates -> embed -> stories -> briefs, reusing the
single-machine stages. The two global steps are split so no worker sees all pairs:

* Near duplicates: each article emits one row per LSH band (the band's hash values hashed
  with blake2b); a groupby on that key (a shuffle) yields the candidate pairs, which are
  verified by estimated Jaccard against ``DuplicateOptions.threshold``. Bands and rows per
  band are the ones ``datasketch.MinHashLSH`` picks for ``lsh_threshold``, so the candidates
  equal those ``DuplicateIndex`` finds; ``resolve_duplicates`` then replays
  ``find_duplicates``' order rule (publication order, exact before near, best similarity,
  ties to the smallest id), so the groups match the single-machine path on one batch.
* Stories: articles are cut into time segments wherever no two consecutive dated articles
  are within ``StoryOptions.max_gap_days`` (the time damping is zero across such a gap, so
  average linkage cannot join them: the cut is exact). Segments longer than
  ``BatchOptions.window_days`` are split into windows overlapping by ``max_gap_days``;
  each window is clustered by ``stories.cluster_articles``; a merge pass joins local
  stories that share an article in an overlap (union-find). Undated articles (time says
  nothing about them) are in every window, so the merge pass can join across them.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .duplicates import DuplicateMatch, DuplicateOptions, group_duplicates
from .errors import InputError, MissingDependency
from .models import Article, DuplicateGroup
from .stories import StoryOptions, day_number, story_id_for

__all__ = [
    "single_machine_reference",
    "BatchOptions",
    "BatchReport",
    "band_keys",
    "lsh_bands",
    "merge_windows",
    "plan_windows",
    "resolve_duplicates",
    "run_batch",
]

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run is split and what it writes.

    ``window_days`` bounds the span one clustering task sees (its cost is quadratic in the
    articles of a window); 60 days keeps a replayed 20k corpus at a few hundred articles per
    window. ``embedder`` names an entry of ``nlp.EMBEDDERS`` ("minilm" ships).
    """

    duplicates: DuplicateOptions = field(default_factory=DuplicateOptions)
    stories: StoryOptions = field(default_factory=StoryOptions)
    window_days: int = 60
    embedder: str = "minilm"
    embed_batch_size: int = 256
    briefs: bool = True
    min_brief_articles: int = 1

    def __post_init__(self) -> None:
        if self.window_days <= self.stories.max_gap_days:
            raise ValueError("window_days must exceed stories.max_gap_days")
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
    windows: int
    briefs: int
    seconds: Mapping[str, float]


# --- Pure pieces (no Ray) ------------------------------------------------------------------


def lsh_bands(options: DuplicateOptions) -> tuple[int, int]:
    """Return (bands, rows per band) that ``MinHashLSH`` uses for ``options.lsh_threshold``."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm)
    return int(lsh.b), int(lsh.r)


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


def _order_key(published: str | None, article_id: str) -> tuple[str, str]:
    return (published or "9999", article_id)


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
    order = sorted(neighbours, key=lambda i: _order_key(info[i][0], i))
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


def plan_windows(
    days: Mapping[str, int | None], *, window_days: int, overlap_days: int
) -> dict[str, list[tuple[int, bool]]]:
    """Assign articles to clustering windows.

    Args:
        days: article id -> day number (None when undated).
        window_days: length of a window's core.
        overlap_days: days each window reaches past its core on both sides.

    Returns:
        Article id -> list of (window number, is the article in that window's core).
    """
    dated = sorted((d, aid) for aid, d in days.items() if d is not None)
    out: dict[str, list[tuple[int, bool]]] = {}
    window = 0
    segment: list[tuple[int, str]] = []

    def flush(seg: list[tuple[int, str]], first_window: int) -> int:
        start = seg[0][0]
        n_windows = (seg[-1][0] - start) // window_days + 1
        for d, aid in seg:
            core = (d - start) // window_days
            spots = [(first_window + core, True)]
            for w in range(n_windows):
                if w == core:
                    continue
                lo = start + w * window_days - overlap_days
                hi = start + (w + 1) * window_days - 1 + overlap_days
                if lo <= d <= hi:
                    spots.append((first_window + w, False))
            out[aid] = sorted(spots)
        return first_window + n_windows

    for d, aid in dated:
        # A gap wider than max_gap_days: nothing links across it, start a new segment.
        if segment and d - segment[-1][0] > overlap_days:
            window = flush(segment, window)
            segment = []
        segment.append((d, aid))
    if segment:
        window = flush(segment, window)
    # Time does not damp an undated article's similarity to anything: it is in every
    # window (core in the first), and the merge pass joins what it links.
    undated = sorted(aid for aid, d in days.items() if d is None)
    for aid in undated:
        out[aid] = [(0, True)] + [(w, False) for w in range(1, max(1, window))]
    return out


def merge_windows(
    local: Iterable[tuple[int, str, str, bool]],
    order: Mapping[str, tuple[str, str]],
) -> dict[str, str]:
    """Join windows' stories that share an article, and name each after its earliest member.

    Args:
        local: (window, article id, local story id, article in the window's core).
        order: article id -> sort key (published or "9999", id).

    Returns:
        Article id -> final story id (``stories.story_id_for`` of its earliest member).
    """
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(x: tuple[int, str]) -> tuple[int, str]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seen: dict[str, tuple[int, str]] = {}
    core: dict[str, tuple[int, str]] = {}
    for window, aid, story, is_core in local:
        node = (window, story)
        find(node)
        if aid in seen:
            parent[find(node)] = find(seen[aid])
        else:
            seen[aid] = node
        if is_core:
            core[aid] = node
    members: dict[tuple[int, str], list[str]] = {}
    for aid, node in core.items():
        members.setdefault(find(node), []).append(aid)
    result: dict[str, str] = {}
    for ids in members.values():
        sid = story_id_for(min(ids, key=lambda i: order[i]))
        for aid in ids:
            result[aid] = sid
    return result


class _LookupEmbedder:
    """Embedder over precomputed vectors, so ``featurize`` runs unchanged on stored rows."""

    name = "lookup"

    def __init__(self, vectors: Mapping[str, Matrix], dims: int) -> None:
        self._vectors = vectors
        self._dims = dims

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Return the stored vector of each text."""
        if not texts:
            return np.zeros((0, self._dims), dtype=np.float32)
        return np.vstack([self._vectors[t] for t in texts]).astype(np.float32)


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
    from .duplicates import content_hash, minhash

    rows = _batch_rows(batch)
    out: list[dict[str, Any]] = []
    for row in rows:
        article = clean(_from_row(row))
        sketch = minhash(article.text, options)
        out.append(
            {
                **_to_row(article),
                "content_hash": content_hash(article.text),
                "signature": np.asarray(sketch.hashvalues, dtype=np.uint32).tobytes(),
            }
        )
    return _rows_batch(out, (*_ARTICLE_COLUMNS, "content_hash", "signature"))


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


_BINARY = {"signature", "embedding"}
_INTS = {"window"}
_BOOLS = {"core"}
_FLOATS = {"similarity"}


def _column_type(name: str) -> Any:
    import pyarrow as pa

    if name in _BINARY:
        return pa.binary()
    if name in _INTS:
        return pa.int64()
    if name in _BOOLS:
        return pa.bool_()
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
    """Class UDF: the embedder loads once per worker, then embeds snippet batches."""

    def __init__(self, embedder: str, snippet_chars: int) -> None:
        from .nlp import Models

        self._embedder = Models(embedder_name=embedder).story_embedder
        self._chars = snippet_chars

    def __call__(self, batch: dict[str, Any]) -> Any:
        from .stories import article_terms, snippet

        rows = _batch_rows(batch)
        articles = [_from_row(r) for r in rows]
        vectors = self._embedder.embed([snippet(a, self._chars) for a in articles])
        for row, article, vector in zip(rows, articles, vectors, strict=True):
            row["embedding"] = np.asarray(vector, dtype=np.float32).tobytes()
            row["terms"] = json.dumps(dict(article_terms(article)), ensure_ascii=False)
        return _rows_batch(rows, (*_ARTICLE_COLUMNS, "content_hash", "embedding", "terms"))


def _cluster_window(
    group: dict[str, Any], df: Mapping[str, int], n_docs: int, options: StoryOptions
) -> dict[str, Any]:
    from .stories import cluster_articles, featurize, snippet

    rows = _batch_rows(group)
    articles = [_from_row(r) for r in rows]
    vectors = {
        snippet(a, options.snippet_chars): np.frombuffer(r["embedding"], dtype=np.float32)
        for a, r in zip(articles, rows, strict=True)
    }
    dims = next(iter(vectors.values())).shape[0]
    terms = {a.id: Counter(json.loads(r["terms"])) for a, r in zip(articles, rows, strict=True)}
    feats = featurize(
        articles,
        _LookupEmbedder(vectors, dims),
        term_counts=terms,
        df=df,
        n_docs=n_docs,
        options=options,
    )
    result = cluster_articles(feats, [], options=options)
    return {
        "window": [r["window"] for r in rows],
        "id": [a.id for a in articles],
        "story": [result.assignments[a.id] for a in articles],
        "core": [r["core"] for r in rows],
    }


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
        members = {a.id for a in articles}
        duplicate_of = {
            r["id"]: r["duplicate_of"]
            for r in rows
            if r["duplicate_of"] and r["duplicate_of"] in members
        }
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


def _stories_table(
    assign: Mapping[str, str], published: Mapping[str, str | None]
) -> dict[str, tuple[str, ...]]:
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
) -> BatchReport:
    """Read, clean, deduplicate, embed, cluster and brief a corpus on Ray Data.

    Args:
        inputs: JSONL(.gz), WARC(.gz), HTML or text files, or directories of them.
        out_dir: where articles.parquet, duplicate_groups.parquet, stories.parquet and
            briefs/<story id>.json are written.
        address: an existing Ray cluster ("auto", "ray://host:10001"); local Ray if None.
        num_cpus: CPUs for local Ray (all when None).
        options: duplicate, story and batch options.

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
    import logging

    logging.getLogger("ray.data").setLevel(logging.WARNING)
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = round(now - clock, 3)
        clock = now

    try:
        return _pipeline(ray, pa, pq, files, failures, out, options, lap, times)
    finally:
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
        for m in cleaned.select_columns(["id", "published", "content_hash", "location"]).take_all()
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
    matches = resolve_duplicates(info, pairs, dup_opts)
    groups = group_duplicates(list(matches.values()))
    lap("duplicates")
    days = {aid: day_number(pub) for aid, (pub, _) in info.items()}

    def needs(aid: str) -> bool:
        match = matches.get(aid)
        if match is None or match.duplicate_of is None:
            return True
        d, orig = days[aid], days.get(match.duplicate_of)
        return d is not None and orig is not None and abs(d - orig) > story_opts.full_weight_days

    to_cluster = ray.put({aid for aid in info if needs(aid)})
    concurrency = max(1, int(ray.available_resources().get("CPU", 1)))
    embedded = (
        cleaned.map_batches(
            _keep_rows, batch_format="pyarrow", fn_kwargs={"ref": to_cluster, "column": "id"}
        )
        .drop_columns(["signature"])
        .map_batches(
            _Embed,
            fn_constructor_kwargs={
                "embedder": options.embedder,
                "snippet_chars": story_opts.snippet_chars,
            },
            batch_size=options.embed_batch_size,
            batch_format="pyarrow",
            concurrency=concurrency,
        )
        .materialize()
    )
    lap("embed")
    df: Counter[str] = Counter()
    for batch in embedded.select_columns(["terms"]).iter_batches(batch_size=4096):
        for t in batch["terms"]:
            df.update(json.loads(t).keys())
    n_docs = embedded.count()
    cluster_days = {aid: days[aid] for aid in ray.get(to_cluster)}
    plan = plan_windows(
        cluster_days, window_days=options.window_days, overlap_days=story_opts.max_gap_days
    )
    plan_ref = ray.put(plan)

    def spread(batch: Any, p: Any = plan_ref) -> Any:
        windows = ray.get(p)
        rows = [
            {**row, "window": w, "core": c}
            for row in _batch_rows(batch)
            for w, c in windows[row["id"]]
        ]
        return _rows_batch(rows, (*batch.column_names, "window", "core"))

    local = (
        (
            embedded.map_batches(spread, batch_format="pyarrow")
            .groupby("window")
            .map_groups(
                _cluster_window,
                batch_format="pyarrow",
                fn_kwargs={"df": df, "n_docs": n_docs, "options": story_opts},
            )
            .take_all()
        )
        if n_docs
        else []
    )
    order = {aid: _order_key(pub, aid) for aid, (pub, _) in info.items()}
    assign = merge_windows(((r["window"], r["id"], r["story"], r["core"]) for r in local), order)
    # Copies not clustered join their original's story, as ingest does.
    for aid in info:
        if aid not in assign:
            match = matches[aid]
            assert match.duplicate_of is not None
            assign[aid] = assign.get(match.duplicate_of) or story_id_for(aid)
    stories = _stories_table(assign, {a: i[0] for a, i in info.items()})
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
        big = ray.put({s for s, ids in stories.items() if len(ids) >= options.min_brief_articles})
        # Pack each story into one row first, so the shuffle has finished before the
        # brief actors take the CPUs (an actor pool waiting on a shuffle deadlocks).
        packed = (
            final.map_batches(
                _keep_rows, batch_format="pyarrow", fn_kwargs={"ref": big, "column": "story_id"}
            )
            .groupby("story_id")
            .map_groups(_pack_story, batch_format="pyarrow")
            .materialize()
        )
        done = packed.map_batches(
            _Briefs,
            fn_constructor_args=(options.embedder, str(out / "briefs")),
            batch_size=1,
            batch_format="pyarrow",
            concurrency=max(1, int(ray.available_resources().get("CPU", 1))),
        ).count()
        n_briefs = int(done)
    lap("briefs")
    return BatchReport(
        out_dir=str(out),
        articles=len(info),
        failures=tuple(failures),
        duplicate_groups=tuple(groups),
        stories=stories,
        windows=len({w for spots in plan.values() for w, _ in spots}),
        briefs=n_briefs,
        seconds=dict(times),
    )


def single_machine_reference(
    paths: Sequence[str], story_embedder: Any
) -> tuple[list[DuplicateGroup], dict[str, tuple[str, ...]]]:
    """Run the single-machine stages over ``paths`` as one batch: the result batch must match.

    Returns the duplicate groups and the stories (story id -> sorted article ids). Copies that
    are near their original in time join its story without being clustered, as in ingest.
    """
    from .articles import clean
    from .duplicates import DuplicateIndex, find_duplicates
    from .readers import read_articles
    from .stories import article_terms, cluster_articles, featurize

    articles = [clean(a) for a in read_articles(list(paths)).articles]
    articles = list({a.id: a for a in articles}.values())
    matches = {m.article_id: m for m in find_duplicates(articles, DuplicateIndex())}
    opts = StoryOptions()
    days = {a.id: day_number(a.published) for a in articles}

    def needs_clustering(article_id: str) -> bool:
        original = matches[article_id].duplicate_of
        if original is None:
            return True
        d, o = days[article_id], days[original]
        return d is not None and o is not None and abs(d - o) > opts.full_weight_days

    to_cluster = [a for a in articles if needs_clustering(a.id)]
    terms = {a.id: article_terms(a) for a in to_cluster}
    df: Counter[str] = Counter()
    for counts in terms.values():
        df.update(counts.keys())
    feats = featurize(to_cluster, story_embedder, term_counts=terms, df=df, n_docs=len(to_cluster))
    assign = dict(cluster_articles(feats, []).assignments)
    for a in articles:
        if a.id not in assign:
            assign[a.id] = assign.get(matches[a.id].duplicate_of or "", story_id_for(a.id))
    stories: dict[str, list[str]] = {}
    for article_id, story in assign.items():
        stories.setdefault(story, []).append(article_id)
    groups = group_duplicates(list(matches.values()))
    return groups, {sid: tuple(sorted(ids)) for sid, ids in sorted(stories.items())}
