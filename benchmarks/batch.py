"""Benchmark: newsdesk batch on local Ray, and its equivalence with the single-machine path.

throughput: a corpus of N articles (ECB+ and DUC 2004 documents replayed with shifted dates
and light edits, as in benchmarks/ingest.py) written to a temp JSONL, run with 1 and 2 Ray
CPUs (briefs off: they cost the same per story on either path); prints articles/s and the
scaling ratio. equivalence: examples/harbour-bridge + ECB+ + DUC 2004 (original texts, no
replay) as one corpus through run_batch and through the single-machine stages on one batch
(find_duplicates + cluster_articles, exactly what tests/test_batch.py compares); prints the
number of differing duplicate groups and stories.

    python benchmarks/batch.py throughput --n 20000      # full run (~hours on 2 shared cores)
    python benchmarks/batch.py throughput --n 2000
    python benchmarks/batch.py equivalence
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import load_sources, replay  # noqa: E402

from newsdesk.batch import BatchOptions, run_batch, single_machine_reference  # noqa: E402
from newsdesk.nlp import Models  # noqa: E402

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
                f"{report.windows} windows; stages {report.seconds}"
            )
        print(f"scaling 2 vs 1 CPU: {rates[2] / rates[1]:.2f}x")


def _single_machine(paths: list[str]) -> tuple[Any, dict[str, tuple[str, ...]]]:
    """The single-machine stages over the whole corpus as one batch."""
    return single_machine_reference(paths, Models().story_embedder)


def equivalence() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sources.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for _event, loc, text in load_sources(DATA):
                out.write(json.dumps({"url": f"https://{loc}.invalid", "text": text}) + "\n")
        paths = [str(ROOT / "examples" / "harbour-bridge"), str(path)]
        start = time.perf_counter()
        report = run_batch(paths, Path(tmp) / "out", num_cpus=2, options=BatchOptions(briefs=False))
        ray_secs = time.perf_counter() - start
        start = time.perf_counter()
        groups, stories = _single_machine(paths)
        single_secs = time.perf_counter() - start
    ours = {g.article_ids for g in report.duplicate_groups}
    theirs = {g.article_ids for g in groups}
    s_ours = set(report.stories.values())
    s_theirs = set(stories.values())
    print(f"articles: batch {report.articles}; batch {ray_secs:.1f} s, single {single_secs:.1f} s")
    print(
        f"duplicate groups: batch {len(ours)}, single {len(theirs)}, differing {len(ours ^ theirs)}"
    )
    print(
        f"stories: batch {len(s_ours)}, single {len(s_theirs)}, differing {len(s_ours ^ s_theirs)}"
        f" (articles in differing stories: {sum(len(s) for s in s_ours - s_theirs)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["throughput", "equivalence"])
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return 0
    if args.mode == "throughput":
        throughput(args.n)
    else:
        equivalence()
    return 0


if __name__ == "__main__":
    sys.exit(main())
