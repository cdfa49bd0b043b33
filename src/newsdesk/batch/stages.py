"""The Ray Data stages of a batch run: articles as Arrow rows, and what workers run on them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..duplicates import DuplicateOptions, assign_originals, copy_key
from ..models import Article
from ..stories import ArticleFeatures, StoryOptions, day_number, story_id_for
from .plan import band_keys, cell_of, link_cells

# --- Row <-> record -------------------------------------------------------------------------

_FIELDS = ("id", "location", "text", "title", "url", "outlet", "published", "author", "dateline")


def to_row(article: Article) -> dict[str, Any]:
    row: dict[str, Any] = {f: getattr(article, f) for f in _FIELDS}
    row["language"] = article.language
    row["removed"] = json.dumps(list(article.removed), ensure_ascii=False)
    return row


def from_row(row: Mapping[str, Any]) -> Article:
    return Article(
        **{f: row[f] for f in _FIELDS},
        language=row["language"],
        removed=tuple(json.loads(row["removed"] or "[]")),
    )


# --- Ray stages (run on workers) ------------------------------------------------------------


ARTICLE_COLUMNS = (*_FIELDS, "language", "removed")


def read_files(batch: dict[str, Any]) -> Any:
    from ..readers import read_articles

    rows: list[dict[str, Any]] = []
    for path in batch["path"]:
        result = read_articles([str(path)])
        rows += [{**to_row(a), "failure": None} for a in result.articles]
        empty = dict.fromkeys(ARTICLE_COLUMNS)
        rows += [{**empty, "failure": f"{f.location}: {f.reason}"} for f in result.failures]
    return rows_batch(rows, (*ARTICLE_COLUMNS, "failure"))


def clean_sketch(batch: dict[str, Any], options: DuplicateOptions) -> Any:
    from ..articles import clean
    from ..digests import split_digest
    from ..duplicates import content_hash, minhash

    rows = batch_rows(batch)
    out: list[dict[str, Any]] = []
    for row in rows:
        # A digest of unrelated stories becomes its items, as in ``ingest`` (``digests``).
        for article in split_digest(clean(from_row(row))):
            sketch = minhash(article.text, options)
            out.append(
                {
                    **to_row(article),
                    "content_hash": content_hash(article.text),
                    "copy_key": copy_key(article).to_json(),
                    "signature": np.asarray(sketch.hashvalues, dtype=np.uint32).tobytes(),
                }
            )
    return rows_batch(out, (*ARTICLE_COLUMNS, "content_hash", "copy_key", "signature"))


def batch_rows(batch: Any) -> list[dict[str, Any]]:
    if hasattr(batch, "to_pylist"):
        return [{k: plain(v) for k, v in row.items()} for row in batch.to_pylist()]
    keys = list(batch)
    n = len(batch[keys[0]]) if keys else 0
    return [{k: plain(batch[k][i]) for k in keys} for i in range(n)]


def plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    # Arrow -> numpy turns a null in a string column into NaN.
    if isinstance(value, float) and value != value:
        return None
    return value


def keep_rows(batch: Any, ref: Any, column: str) -> Any:
    """Keep the rows whose ``column`` value is in the set (or dict) stored under ``ref``."""
    import ray

    wanted = ray.get(ref)
    mask = [plain(v) in wanted for v in batch[column].to_pylist()]
    return batch.filter(mask)


_BINARY = {"signature", "features"}
_FLOATS = {"similarity"}


def column_type(name: str) -> Any:
    import pyarrow as pa

    if name in _BINARY:
        return pa.binary()
    if name in _FLOATS:
        return pa.float64()
    return pa.string()


def rows_batch(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = ()) -> Any:
    """Rows as an Arrow table with fixed column types (all-null columns keep their type)."""
    import pyarrow as pa

    names = list(rows[0]) if rows else list(columns)
    schema = pa.schema([(n, column_type(n)) for n in names])
    return pa.table({n: [r[n] for r in rows] for n in names}, schema=schema)


def tag_key(batch: Any) -> Any:
    import pyarrow as pa

    ids, locs = batch["id"].to_pylist(), batch["location"].to_pylist()
    keys = [f"{i}\x00{loc}" for i, loc in zip(ids, locs, strict=True)]
    return batch.append_column("key", pa.array(keys, pa.string()))


def band_rows(batch: Any, bands: int, rows: int) -> Any:
    import pyarrow as pa

    keys: list[str] = []
    ids: list[str] = []
    for aid, sig in zip(batch["id"].to_pylist(), batch["signature"].to_pylist(), strict=True):
        values = np.frombuffer(sig, dtype=np.uint32)
        for key in band_keys(values, bands, rows):
            keys.append(key)
            ids.append(aid)
    return pa.table({"band": pa.array(keys, pa.string()), "id": pa.array(ids, pa.string())})


def bucket_pairs(group: dict[str, Any]) -> Any:
    import pyarrow as pa

    ids = sorted(set(group["id"].to_pylist()))
    a = [x for i, x in enumerate(ids) for _ in ids[i + 1 :]]
    b = [y for i in range(len(ids)) for y in ids[i + 1 :]]
    return pa.table({"a": pa.array(a, pa.string()), "b": pa.array(b, pa.string())})


class Embed:
    """Class UDF: the story embedder loads once per worker, then featurizes batches.

    Outputs the id, date and ``ArticleFeatures.to_bytes`` of each article: the features as
    the store keeps them, so every later step reads what ingest reads.
    """

    def __init__(self, embedder: str, options: StoryOptions) -> None:
        from ..nlp import Embedder, Models

        # Lexical stories (the default, ``embedding_weight`` 0) load no model.
        self._embedder: Embedder | None = (
            Models(embedder_name=embedder).story_embedder if options.embedding_weight > 0 else None
        )
        self._options = options

    def __call__(self, batch: Any) -> Any:
        from ..stories import featurize

        rows = batch_rows(batch)
        feats = featurize([from_row(r) for r in rows], self._embedder, options=self._options)
        out = [
            {"id": f.article_id, "published": f.published, "features": f.to_bytes()} for f in feats
        ]
        return rows_batch(out, ("id", "published", "features"))


def features(rows: Sequence[Mapping[str, Any]]) -> list[ArticleFeatures]:
    return [ArticleFeatures.from_bytes(r["id"], r["published"], r["features"]) for r in rows]


def task_rows(batch: Any, ref: Any, block_days: int) -> Any:
    """One row per link task of the article's cell (its features travel with it)."""
    import ray

    cells, tasks = ray.get(ref)
    out = []
    for row in batch_rows(batch):
        cell = cell_of(row["id"], day_number(row["published"]), cells, block_days)
        out += [{**row, "cell": cell, "task": task} for task in tasks[cell]]
    return rows_batch(out, ("id", "published", "features", "cell", "task"))


def link_task(group: Any, options: StoryOptions) -> Any:
    import pyarrow as pa

    rows = batch_rows(group)
    pairs = link_cells(rows[0]["task"], [r["cell"] for r in rows], features(rows), options)
    return pa.table(
        {
            "a": pa.array([a for a, _ in pairs], pa.string()),
            "b": pa.array([b for _, b in pairs], pa.string()),
        }
    )


def tag_component(batch: Any, ref: Any) -> Any:
    """Keep the linked articles, each with its component label."""
    import pyarrow as pa
    import ray

    label = ray.get(ref)
    batch = batch.filter([plain(v) in label for v in batch["id"].to_pylist()])
    comps = [label[i] for i in batch["id"].to_pylist()]
    return batch.append_column("component", pa.array(comps, pa.string()))


def cluster_component(group: Any, options: StoryOptions) -> Any:
    """``stories.cluster`` over one component; each group named after its first member."""
    import pyarrow as pa

    from ..stories import cluster

    ids: list[str] = []
    stories: list[str] = []
    for members in cluster(features(batch_rows(group)), options):
        ids += members
        stories += [story_id_for(members[0])] * len(members)
    return pa.table({"id": pa.array(ids, pa.string()), "story": pa.array(stories, pa.string())})


class Briefs:
    """Class UDF: loads models once per worker, writes one JSON brief per story."""

    def __init__(self, embedder: str, out_dir: str) -> None:
        from ..nlp import Models

        self._models = Models(embedder_name=embedder)
        self._out = Path(out_dir)

    def __call__(self, batch: Any) -> dict[str, Any]:
        from ..briefs import build_brief
        from ..renderers import render_json

        done = []
        for packed in batch["rows"].to_pylist():
            done.append(self._write(json.loads(packed), build_brief, render_json))
        return {"story_id": done}

    def _write(self, rows: list[dict[str, Any]], build_brief: Any, render_json: Any) -> str:
        articles = [from_row(r) for r in rows]
        # Copies of an original outside the story choose among themselves, by the same rule.
        duplicate_of = assign_originals(
            {r["id"]: r["duplicate_of"] for r in rows if r["duplicate_of"]},
            {a.id: copy_key(a) for a in articles},
        )
        story = rows[0]["story_id"]
        brief = build_brief(articles, self._models, duplicate_of=duplicate_of, story_id=story)
        (self._out / f"{story}.json").write_text(render_json(brief), encoding="utf-8")
        return str(story)


def pack_story(group: Any) -> Any:
    import pyarrow as pa

    rows = batch_rows(group)
    packed = json.dumps(rows, ensure_ascii=False)
    return pa.table({"story_id": [rows[0]["story_id"]], "rows": [packed]})
