"""Benchmark: newsdesk batch on local Ray, and its equivalence with the single-machine path.

throughput: a corpus of N articles (ECB+ and DUC 2004 documents replayed with shifted dates
and light edits, as in benchmarks/ingest.py) written to a temp JSONL, run with 1 and 2 Ray
CPUs (briefs off: they cost the same per story on either path); prints articles/s and the
scaling ratio. equivalence: examples/harbour-bridge + ECB+ + DUC 2004 (original texts, no
replay) as one corpus through run_batch and through single-machine ``ingest`` into an
in-memory store (``batch.single_machine_reference``, exactly what tests/test_batch.py
compares), ingested as one batch and in batches of 256; twice: with the dates the data
carries (the example's and 100 DUC DOCNOs) and with dates assigned from the metadata (see
``_sources``), and with each embedder of ``--embedders``; prints the number of differing
duplicate groups and stories.

    python benchmarks/batch.py throughput --n 20000      # full run (~hours on 2 shared cores)
    python benchmarks/batch.py throughput --n 2000
    python benchmarks/batch.py equivalence
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import load_sources, replay  # noqa: E402

from newsdesk.batch import BatchOptions, run_batch, single_machine_reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _write_jsonl(articles: Any, path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            row = {"url": a.url, "title": a.title, "published": a.published, "text": a.text}
            row["outlet"] = a.outlet
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def throughput(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.jsonl"
        # Split into 8 files so the read stage has parallel work.
        items = list(replay(load_sources(DATA), n))
        paths = []
        for k in range(8):
            path = Path(tmp) / f"corpus{k}.jsonl"
            _write_jsonl(items[k::8], path)
            paths.append(str(path))
        del src
        rates = {}
        for cpus in (1, 2):
            start = time.perf_counter()
            report = run_batch(
                paths, Path(tmp) / f"out{cpus}", num_cpus=cpus, options=BatchOptions(briefs=False)
            )
            secs = time.perf_counter() - start
            rates[cpus] = report.articles / secs
            print(
                f"{cpus} CPU: {report.articles} articles in {secs:.1f} s = {rates[cpus]:.1f}/s; "
                f"{len(report.duplicate_groups)} dup groups, {len(report.stories)} stories, "
                f"{report.link_tasks} link tasks, {report.links} links; stages {report.seconds}"
            )
        print(f"scaling 2 vs 1 CPU: {rates[2] / rates[1]:.2f}x")


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def _sources(dated: bool) -> list[dict[str, Any]]:
    """ECB+ and DUC 2004 documents as JSONL rows, dated from their own metadata.

    As given, only the 100 DUC documents whose DOCNO survives carry a date (APW19981027 ->
    1998-10-27); ECB+ has none. ``dated`` assigns the rest a date from their metadata, so
    the time blocks are exercised: an ECB+ document gets its topic's day (topics 9 days
    apart, the ecbplus half of a topic 180 days after the ecb half) plus 0-3 days by name,
    an undated DUC document its cluster's day (clusters 6 days apart from 1998-10-01) plus
    0-2 days by index. One document in ten (by name hash) stays undated.
    """
    rows: list[dict[str, Any]] = []
    for line in (DATA / "ecbplus" / "ecbplus_docs.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        name = f"ecb/{d['doc_name']}"
        day = None
        if dated and _stable(name) % 10:
            half = 180 if d["subtopic"].endswith("plus") else 0
            offset = 9 * int(d["topic"]) + half + _stable(name) % 4
            day = date(2012, 1, 1) + timedelta(days=offset)
        rows.append({"url": f"https://{name}.invalid", "text": d["text"], "published": day})
    for k, line in enumerate((DATA / "duc2004" / "duc2004_task2.jsonl").open(encoding="utf-8")):
        c = json.loads(line)
        for d in c["docs"]:
            name = f"duc/{c['cluster_id']}/{d['doc_index']}"
            day = None
            docno = d.get("docno") or ""
            if len(docno) >= 11 and docno[3:11].isdigit():
                day = date(int(docno[3:7]), int(docno[7:9]), int(docno[9:11]))
            elif dated and _stable(name) % 10:
                day = date(1998, 10, 1) + timedelta(days=6 * k + int(d["doc_index"]) % 3)
            rows.append({"url": f"https://{name}.invalid", "text": d["text"], "published": day})
    for row in rows:
        row["published"] = row["published"].isoformat() if row["published"] else None
    return rows


def _compare(label: str, report: Any, groups: Any, stories: Any) -> None:
    ours = {g.article_ids for g in report.duplicate_groups}
    theirs = {g.article_ids for g in groups}
    s_ours = set(report.stories.values())
    s_theirs = set(stories.values())
    moved = sum(len(s) for s in s_ours - s_theirs)
    named = {sid for sid in report.stories if report.stories[sid] != stories.get(sid)}
    print(
        f"  vs {label}: duplicate groups {len(ours)} / {len(theirs)}, differing "
        f"{len(ours ^ theirs)}; stories {len(s_ours)} / {len(s_theirs)}, differing "
        f"{len(s_ours ^ s_theirs)} (articles in differing batch stories: {moved}; "
        f"story ids differing: {len(named)})"
    )


def equivalence(embedders: list[str]) -> None:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        for dated in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "sources.jsonl"
                rows = _sources(dated)
                with path.open("w", encoding="utf-8") as out:
                    out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                n_dated = sum(1 for r in rows if r["published"])
                paths = [str(ROOT / "examples" / "harbour-bridge"), str(path)]
                for embedder in embedders:
                    # Small cells in the dated run, so blocks are split into several cells.
                    options = BatchOptions(
                        briefs=False, embedder=embedder, cell_size=100 if dated else 1000
                    )
                    start = time.perf_counter()
                    report = run_batch(paths, Path(tmp) / f"out-{embedder}", options=options)
                    ray_secs = time.perf_counter() - start
                    print(
                        f"{'dated' if dated else 'as given'}, {embedder}: {report.articles} "
                        f"articles ({n_dated} ECB+/DUC dated + the example), batch "
                        f"{ray_secs:.1f} s, {report.link_tasks} link tasks, {report.links} "
                        f"links; stages {dict(report.seconds)}"
                    )
                    refs = {}
                    for batch_size in (None, 256):
                        start = time.perf_counter()
                        refs[batch_size] = single_machine_reference(
                            paths, options, batch_size=batch_size
                        )
                        label = (
                            f"ingest in {'one batch' if batch_size is None else 'batches of 256'}"
                        )
                        _compare(
                            f"{label} ({time.perf_counter() - start:.1f} s)",
                            report,
                            *refs[batch_size],
                        )
                    # The single-machine path against itself: what batching alone changes.
                    one = {g.article_ids for g in refs[None][0]}
                    many = {g.article_ids for g in refs[256][0]}
                    s_one, s_many = set(refs[None][1].values()), set(refs[256][1].values())
                    print(
                        f"  ingest one batch vs batches of 256: duplicate groups differing "
                        f"{len(one ^ many)}, stories differing {len(s_one ^ s_many)}"
                    )
    finally:
        ray.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["throughput", "equivalence"])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument(
        "--embedders",
        default="minilm,hashing",
        help="equivalence: comma-separated embedders (hashing embeds each text alone)",
    )
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return 0
    if args.mode == "throughput":
        throughput(args.n)
    else:
        equivalence(args.embedders.split(","))
    return 0


if __name__ == "__main__":
    sys.exit(main())
