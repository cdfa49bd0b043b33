"""Batch on Ray Data: same duplicate groups and stories as single-machine ``ingest``.

One local Ray session and one batch run for the whole module (ray.init takes ~15 s here).
The corpus is ours: the harbour-bridge example (06 is a syndicated copy of 01; 03 and 07
are undated), a JSONL file (one undated article) and a WARC file written below from
fictional pages. The time blocking of the links is checked exhaustively on synthetic
features, without Ray.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from newsdesk.batch import (
    BatchOptions,
    BatchReport,
    band_keys,
    cell_of,
    link_cells,
    link_tasks,
    lsh_bands,
    plan_cells,
    resolve_duplicates,
    run_batch,
    single_machine_reference,
)
from newsdesk.duplicates import (
    DuplicateOptions,
    minhash,
)
from newsdesk.errors import InputError
from newsdesk.stories import ArticleFeatures, StoryOptions, links

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "harbour-bridge"

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{date}"></head><body><article><h1>{title}</h1>
<p>{body}</p></article></body></html>"""

WARC_PAGES = [
    (
        "https://lantern.example/2031/glass-works",
        "Glass works in Ostrava Vale reopens",
        "2031-03-02",
        "The old glass works in Ostrava Vale reopened on Monday after a two year "
        "restoration, with forty furnace workers back on shift and a museum wing "
        "opening to visitors in the spring, the owners said on Monday morning.",
    ),
    (
        "https://lantern.example/2031/comet",
        "Amateur astronomers spot comet over Brisk Lake",
        "2031-03-04",
        "Two amateur astronomers at the Brisk Lake observatory photographed a faint "
        "green comet on Wednesday night, and the regional planetarium confirmed the "
        "sighting after checking the orbit against its catalogue.",
    ),
]

JSONL_DOCS = [
    {
        "url": "https://valley.example/glass",
        "title": "Ostrava Vale glass works back in business",
        "published": "2031-03-02",
        "text": "The old glass works in Ostrava Vale reopened on Monday after a two year "
        "restoration, with forty furnace workers back on shift and a museum wing "
        "opening to visitors in the spring, the owners said on Monday.",
    },
    {
        "url": "https://valley.example/orchard",
        "title": "Frost threatens Kessel orchards",
        "published": "2031-05-20",
        "text": "Growers in the Kessel valley lit smudge pots through the night as an "
        "unseasonal frost settled over the apricot orchards, and the growers' "
        "cooperative said it would count the damage by Friday.",
    },
    {
        "url": "https://valley.example/ferry",
        "title": "Brisk Lake ferry returns after repairs",
        "text": "The Brisk Lake passenger ferry is back on its summer timetable after a "
        "month in dry dock, the lake transport board said, with a new engine and "
        "ramps that let cyclists board without lifting their bikes.",
    },
]


def _write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, title, date, body in WARC_PAGES:
            html = PAGE.format(title=title, date=date, body=body).encode()
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(html), length=len(html), http_headers=http
            )
            writer.write_record(record)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    base = tmp_path_factory.mktemp("batch")
    jsonl = base / "wire.jsonl"
    jsonl.write_text("".join(json.dumps(d) + "\n" for d in JSONL_DOCS), encoding="utf-8")
    warc = base / "crawl.warc.gz"
    _write_warc(warc)
    return [str(EXAMPLE), str(jsonl), str(warc)]


@pytest.fixture(scope="module")
def session() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def report(
    session: None, corpus: list[str], tmp_path_factory: pytest.TempPathFactory
) -> BatchReport:
    out = tmp_path_factory.mktemp("out")
    return run_batch(corpus, out, options=BatchOptions(min_brief_articles=2))


def test_same_duplicates_and_stories_as_single_machine(
    report: BatchReport, corpus: list[str]
) -> None:
    groups, stories = single_machine_reference(corpus, BatchOptions())
    assert report.articles == 12
    assert report.failures == ()
    assert list(report.duplicate_groups) == groups
    assert dict(report.stories) == stories
    # 06 copies 01; the JSONL glass-works story is a near copy of the WARC one.
    assert len(groups) == 2
    assert {g.kind for g in groups} == {"near"}


def test_warc_pages_are_read(report: BatchReport) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(Path(report.out_dir) / "articles.parquet").to_pylist()
    warc = [r for r in table if "#https://lantern.example/" in r["location"]]
    assert sorted(r["title"] for r in warc) == [
        "Amateur astronomers spot comet over Brisk Lake",
        "Glass works in Ostrava Vale reopens",
    ]
    assert sorted(r["url"] for r in warc) == [u for u, *_ in WARC_PAGES][::-1]
    assert all("furnace" in r["text"] or "comet" in r["text"] for r in warc)


def test_parquet_tables_and_briefs(report: BatchReport) -> None:
    import pyarrow.parquet as pq

    out = Path(report.out_dir)
    articles = pq.read_table(out / "articles.parquet").to_pylist()
    assert len(articles) == 12
    assert len({r["id"] for r in articles}) == 12
    assert {r["story_id"] for r in articles} == set(report.stories)
    copies = {r["id"]: r["duplicate_of"] for r in articles if r["duplicate_of"]}
    assert len(copies) == 2
    groups = pq.read_table(out / "duplicate_groups.parquet").to_pylist()
    assert sorted(g["canonical_id"] for g in groups) == sorted(copies.values())
    stories = pq.read_table(out / "stories.parquet").to_pylist()
    assert {s["story_id"]: tuple(s["article_ids"]) for s in stories} == dict(report.stories)
    assert sum(s["n_articles"] for s in stories) == 12
    multi = {s for s, ids in report.stories.items() if len(ids) >= 2}
    assert {p.stem for p in (out / "briefs").glob("*.json")} == multi
    assert report.briefs == len(multi)
    for sid in multi:
        brief = json.loads((out / "briefs" / f"{sid}.json").read_text(encoding="utf-8"))
        assert brief["summary"]


def test_empty_input_is_an_input_error(session: None, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError):
        run_batch([str(empty)], tmp_path / "out")


# --- Pure pieces ---------------------------------------------------------------------------


def test_band_keys_find_the_same_candidates_as_minhash_lsh() -> None:
    from datasketch import MinHashLSH

    opts = DuplicateOptions()
    texts = [" ".join(f"w{(i * 7 + j) % 40}" for j in range(60)) for i in range(12)]
    texts.append("Ливень затопил набережную Вельморы в ночь на пятницу, сообщили спасатели.")
    sketches = [minhash(t, opts) for t in texts]
    lsh = MinHashLSH(threshold=opts.lsh_threshold, num_perm=opts.num_perm)
    for i, s in enumerate(sketches):
        lsh.insert(str(i), s)
    b, r = lsh_bands(opts)
    assert (b, r) == (lsh.b, lsh.r)
    keys = [set(band_keys(np.asarray(s.hashvalues, dtype=np.uint32), b, r)) for s in sketches]
    for i, s in enumerate(sketches):
        ours = {str(j) for j in range(len(texts)) if keys[i] & keys[j]}
        assert ours == set(lsh.query(s))


def test_resolve_duplicates_follows_publication_order_and_exact_first() -> None:
    info = {
        "a": ("2031-01-02", "h1"),
        "b": ("2031-01-01", "h2"),
        "c": ("2031-01-03", "h1"),
        "d": ("2031-01-04", "h3"),
    }
    pairs = [("a", "b", 0.8), ("a", "c", 1.0), ("c", "d", 0.6), ("b", "d", 0.4)]
    found = resolve_duplicates(info, pairs)
    assert found["a"].duplicate_of == "b" and found["a"].kind == "near"
    assert found["c"].duplicate_of == "b" and found["c"].kind == "exact"
    assert found["d"].duplicate_of == "b" and found["d"].similarity == 0.6
    assert "b" not in found
    assert resolve_duplicates({}, []) == {}


def _features(n: int, seed: int) -> list[ArticleFeatures]:
    """Random articles over ~60 days (a fifth undated) from a small vocabulary, so many link."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        vector = np.array([rnd.gauss(0, 1) for _ in range(8)], dtype=np.float32)
        words = rnd.sample(range(12), 4)
        raw = {f"{'e' if w < 6 else 'w'}:t{w}": rnd.random() + 0.2 for w in words}
        terms: dict[str, float] = {}
        for prefix in ("e:", "w:"):
            part = {k: v for k, v in raw.items() if k.startswith(prefix)}
            norm = float(np.sqrt(sum(v * v for v in part.values()))) or 1.0
            terms.update((k, v / norm) for k, v in part.items())
        day = None if rnd.random() < 0.2 else 738000 + rnd.randrange(60)
        out.append(
            ArticleFeatures(
                article_id=f"a{i:03d}",
                published=None if day is None else date.fromordinal(day).isoformat(),
                day=day,
                embedding=vector / np.linalg.norm(vector),
                terms=terms,
            )
        )
    return out


def test_link_tasks_cover_every_pair_that_can_link_once() -> None:
    days: list[int | None] = [None] * 7 + [d for d in range(0, 70, 2)] + [200, 201]
    ids = [f"x{i}" for i in range(len(days))]
    cells = plan_cells(days, block_days=14, cell_size=3)
    tasks = link_tasks(cells)
    cell = {i: cell_of(i, d, cells, 14) for i, d in zip(ids, days, strict=True)}
    all_tasks = {t for ts in tasks.values() for t in ts}
    assert all(t in tasks[t.split("|")[0]] and t in tasks[t.split("|")[1]] for t in all_tasks)
    for x, dx in zip(ids, days, strict=True):
        for y, dy in zip(ids, days, strict=True):
            if x >= y:
                continue
            # A task A|B compares A's articles with B's (A|A: within A).
            pair = {cell[x], cell[y]}
            seen = sum(1 for t in all_tasks if set(t.split("|")) == pair)
            may_link = dx is None or dy is None or abs(dx // 14 - dy // 14) <= 1
            assert seen == (1 if may_link else 0), (x, dx, y, dy)


def test_link_cells_find_exactly_the_links_of_all_pairs() -> None:
    opts = StoryOptions(threshold=0.35)
    feats = _features(90, seed=3)
    expected = {tuple(sorted(p)) for p in links(feats, [], opts)}
    day = {f.article_id: f.day for f in feats}
    blocks = [(day[a], day[b]) for a, b in expected]
    # The test means something: links inside blocks, across a block border, to undated.
    assert sum(1 for x, y in blocks if x is not None and y is not None and x // 14 != y // 14)
    assert sum(1 for x, y in blocks if x is not None and y is not None and x // 14 == y // 14)
    assert sum(1 for x, y in blocks if x is None or y is None)
    cells = plan_cells((f.day for f in feats), block_days=opts.max_gap_days, cell_size=6)
    tasks = link_tasks(cells)
    where = {f.article_id: cell_of(f.article_id, f.day, cells, opts.max_gap_days) for f in feats}
    found: set[tuple[str, str]] = set()
    for task in {t for ts in tasks.values() for t in ts}:
        first, second = task.split("|")
        part = [f for f in feats if where[f.article_id] in (first, second)]
        found.update(link_cells(task, [where[f.article_id] for f in part], part, opts))
    assert found == expected
