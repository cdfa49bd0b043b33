"""Ingest throughput: articles/s for ingest -> dedupe -> cluster on >= 20,000 articles, and memory.

The corpus replays ECB+ (982 documents, 86 events) and DUC 2004 (500 documents, 50 events)
again and again: each replay is shifted 40 days later, every event gets its own days inside
the replay, and every copy is lightly edited (a sentence dropped, a dateline added), so
nothing is an exact repeat and old events do not absorb new ones. Articles go through the
real ``ingest`` (MiniLM, SQLite file store) in chunks; we print the rate and resident memory
per chunk (flat memory = the per-batch state does not grow with the store), the time spent
embedding (the floor any MiniLM-based pipeline pays) and peak RSS.

Stories are lexical by default (``StoryOptions.embedding_weight`` 0: no model runs);
``--minilm`` scores the MiniLM snippet as the former default did (0.1/0.7/0.2, threshold 0.26),
the baseline the CPU per article is compared with.

    python benchmarks/ingest.py --data ../shared/data --articles 20000 [--minilm]
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from newsdesk.articles import make_article
from newsdesk.ingest import IngestOptions, ingest
from newsdesk.models import Article
from newsdesk.nlp import Models
from newsdesk.store import Store
from newsdesk.stories import WITH_MINILM, StoryOptions, snippet


class TimedEmbedder:
    """Counts the time and texts the pipeline spends in the embedder."""

    name = "minilm-timed"

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        t = time.perf_counter()
        out: np.ndarray = self.inner.embed(texts)  # type: ignore[attr-defined]
        self.seconds += time.perf_counter() - t
        self.texts += len(texts)
        return out


class TimedPrefetchingEmbedder(TimedEmbedder):
    """Also times ``prefetch``: ingest embeds the next batch on a background thread, so
    ``background`` seconds overlap the rest of the work; ``seconds`` is what the pipeline
    waited for in ``featurize`` (cache hits when the prefetch was in time)."""

    def __init__(self, inner: object) -> None:
        super().__init__(inner)
        self.background = 0.0

    def prefetch(self, texts: Sequence[str]) -> None:
        t = time.perf_counter()
        self.inner.prefetch(texts)  # type: ignore[attr-defined]
        self.background += time.perf_counter() - t


def _background(timed: TimedEmbedder) -> str:
    if not isinstance(timed, TimedPrefetchingEmbedder):
        return ""
    return f"; {timed.background:.1f}s embedding on the background thread, overlapped"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def load_sources(data: Path) -> list[tuple[str, str, str]]:
    """Return (event, location, text) for every ECB+ and DUC 2004 document."""
    out = []
    for line in (data / "ecbplus" / "ecbplus_docs.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        out.append((f"ecb/{d['subtopic']}", f"ecb/{d['doc_name']}", d["text"]))
    for line in (data / "duc2004" / "duc2004_task2.jsonl").open(encoding="utf-8"):
        c = json.loads(line)
        for d in c["docs"]:
            out.append(
                (f"duc/{c['cluster_id']}", f"duc/{c['cluster_id']}/{d['doc_index']}", d["text"])
            )
    return out


def replay(sources: list[tuple[str, str, str]], n: int, seed: int = 7) -> Iterator[Article]:
    """Yield ``n`` articles: the sources replayed with shifted dates and light edits."""
    start = date(2015, 1, 1)
    rnd = random.Random(seed)
    made = 0
    round_no = 0
    while True:
        order = list(range(len(sources)))
        rnd.shuffle(order)
        base = start + timedelta(days=40 * round_no)
        # Within a replay, articles arrive in date order, like a feed.
        dated = []
        for i in order:
            event, loc, text = sources[i]
            day = base + timedelta(days=_stable(f"{event}/{round_no}") % 30 + _stable(loc) % 3)
            dated.append((day, i))
        for day, i in sorted(dated):
            event, loc, text = sources[i]
            sentences = [s for s in text.replace("\n", " ").split(". ") if s]
            if len(sentences) > 3:
                del sentences[rnd.randrange(1, len(sentences))]
            body = f"CITY {round_no} ({day:%b %d}) - " + ". ".join(sentences)
            yield make_article(
                body,
                location=f"replay{round_no}/{loc}",
                url=f"https://replay{round_no}.invalid/{loc}",
                outlet=f"Outlet {_stable(loc) % 40}",
                published=day.isoformat(),
            )
            made += 1
            if made >= n:
                return
        round_no += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data", help="folder with ecbplus/, duc2004/")
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size (20000)")
    parser.add_argument("--chunk", type=int, default=2_000, help="articles per report line")
    parser.add_argument("--db", help="store file (default: a temporary file)")
    parser.add_argument(
        "--embedder", default="minilm", help="minilm (default) or hashing (isolates torch)"
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="print the Python allocations that grew most between the first and last chunk",
    )
    parser.add_argument(
        "--no-prefetch",
        action="store_true",
        help="embed each batch when it is processed (no background embedding of the next)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="story embedding worker processes (2, as ingest)"
    )
    parser.add_argument(
        "--minilm", action="store_true", help="score the MiniLM snippet (the former default)"
    )
    args = parser.parse_args()
    options = IngestOptions(stories=WITH_MINILM) if args.minilm else IngestOptions()
    data = Path(args.data)
    if not (data / "ecbplus").is_dir() or not (data / "duc2004").is_dir():
        print(f"no ecbplus/ and duc2004/ under {data}", file=sys.stderr)
        return 1
    corpus = list(replay(load_sources(data), args.articles))
    models = Models(embedder_name=args.embedder, story_workers=args.workers)  # as `ingest`
    timed = (
        TimedPrefetchingEmbedder(models.story_embedder)
        if hasattr(models.story_embedder, "prefetch") and not args.no_prefetch
        else TimedEmbedder(models.story_embedder)
    )
    models._story_embedder = timed
    timed.embed(["warm-up"])
    timed.seconds = 0.0
    timed.texts = 0
    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    print(f"{len(corpus)} articles, store {db}, stories {options.stories}\n")
    print(
        "| articles done | chunk art/s | cumulative art/s | new | dup | stories | RSS MB | load |"
    )
    print("|---|---|---|---|---|---|---|---|")
    counts = {"new": 0, "duplicate": 0, "existing": 0}
    t0 = time.perf_counter()
    start_usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = start_usage.ru_utime + start_usage.ru_stime
    kids_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_kids_start = kids_usage.ru_utime + kids_usage.ru_stime
    first_snapshot: tracemalloc.Snapshot | None = None
    if args.tracemalloc:
        tracemalloc.start(1)
    with Store(db) as store:
        for k in range(0, len(corpus), args.chunk):
            chunk = corpus[k : k + args.chunk]
            t = time.perf_counter()
            report = ingest(store, chunk, models, options=options)
            secs = time.perf_counter() - t
            for r in report.results:
                counts[r.status] += 1
            done = k + len(chunk)
            print(
                f"| {done} | {len(chunk) / secs:.0f} | {done / (time.perf_counter() - t0):.0f} "
                f"| {counts['new']} | {counts['duplicate']} | {store.count_stories()} "
                f"| {_rss_mb():.0f} | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )
            if args.tracemalloc and first_snapshot is None:
                first_snapshot = tracemalloc.take_snapshot()
        if first_snapshot is not None:
            growth = tracemalloc.take_snapshot().compare_to(first_snapshot, "lineno")
            print("\nPython allocations that grew most since the first chunk:")
            for stat in growth[:8]:
                print(f"  {stat}")
        total = time.perf_counter() - t0
        integrity = store.integrity_check()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    closer = getattr(timed.inner, "close", None)
    if closer is not None:
        closer()  # the worker processes end, so their CPU time is counted below
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_main = own.ru_utime + own.ru_stime - cpu_start
    cpu_workers = kids.ru_utime + kids.ru_stime - cpu_kids_start
    before = _rss_mb()
    # How much of the resident memory is freed heap that glibc kept (fragmentation)?
    trimmed = ctypes.CDLL("libc.so.6").malloc_trim(0) if sys.platform == "linux" else 0
    print(f"\nRSS at the end {before:.0f} MB; after malloc_trim {_rss_mb():.0f} MB ({trimmed})")
    print(
        f"\ntotal {len(corpus)} articles in {total:.1f}s = {len(corpus) / total:.1f} articles/s; "
        f"embedding {timed.texts} snippets took {timed.seconds:.1f}s "
        f"({timed.texts / max(timed.seconds, 1e-9):.0f}/s, {100 * timed.seconds / total:.0f}% of "
        f"the time{_background(timed)}); peak RSS {peak:.0f} MB; "
        f"store {db.stat().st_size / 1e6:.0f} MB; "
        f"integrity {integrity}; load average {os.getloadavg()[0]:.1f} (1 min) "
        f"on {os.cpu_count()} cores"
    )
    print(
        f"CPU: main process {cpu_main:.1f}s, worker processes {cpu_workers:.1f}s = "
        f"{1000 * (cpu_main + cpu_workers) / len(corpus):.1f} ms per article"
    )
    tmp.cleanup()
    # The embedding floor in the same process, on snippets no cache has seen: the model in
    # this process (two ORT threads, as briefs run it) and on ingest's two worker processes.
    sample = [f"{snippet(a, StoryOptions().snippet_chars)} ·" for a in corpus[:512]]
    for label, embedder in (
        ("in process, 2 threads", models.embedder),
        ("2 worker processes (ingest)", timed.inner),
    ):
        embedder.embed(sample[:16])  # type: ignore[attr-defined]
        t = time.perf_counter()
        embedder.embed(sample[16:])  # type: ignore[attr-defined]
        rate = (len(sample) - 16) / (time.perf_counter() - t)
        print(f"MiniLM {label}: {rate:.0f} snippets/s (load {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
