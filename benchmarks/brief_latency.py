"""Wall time and memory of `newsdesk brief`: cold (new process), warm (models loaded).

    python benchmarks/brief_latency.py [--repeat 5]

Stories: the seeds (../shared/seeds, 5 reports), our example (examples/harbour-bridge, 7), and
a 20-article story: the largest ECB+ event (22 reports of one event) when ../shared/data is
present, else the example replicated with light edits. Cold is `newsdesk brief PATH` in a new
process (its peak RSS from wait4); `newsdesk --help` is timed the same way. Warm runs
`newsdesk.brief` in this process twice per story: "new texts" with the embedder's vector cache
and parse caches emptied first (every sentence parsed and embedded again), "repeat" with the
caches as a long-running process has them. CPU seconds are printed beside wall times: on a
machine shared with other work they are the steadier figure. Aims on 2 cores (issue "Green and light"): cold <= 2.5 s, warm <= 0.5 s,
peak RSS <= 400 MB for the seeds; --help <= 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import newsdesk
from newsdesk.models import Article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _ecb_story(limit: int = 20) -> list[Article]:
    from newsdesk.articles import clean, make_article

    path = SHARED / "data" / "ecbplus" / "ecbplus_docs.jsonl"
    if not path.exists():
        from newsdesk.readers import read_articles

        base = [clean(a) for a in read_articles([ROOT / "examples" / "harbour-bridge"]).articles]
        out = []
        for i in range(limit):
            a = base[i % len(base)]
            out.append(
                make_article(
                    a.text.replace("Velmora", "Velmora" if i < len(base) else "Velmora city"),
                    location=f"{a.location}#{i}",
                )
            )
        return out
    events: dict[str, list[dict[str, object]]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            events[doc["subtopic"]].append(doc)
    biggest = max(events.values(), key=len)[:limit]
    return [clean(make_article(str(d["text"]), location=str(d["doc_name"]))) for d in biggest]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    seeds = SHARED / "seeds"
    inputs = {"example (7)": [str(ROOT / "examples" / "harbour-bridge")]}
    if seeds.is_dir():
        inputs = {"seeds (5)": [str(seeds)], **inputs}

    def cold(argv: list[str]) -> tuple[float, float, float]:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "newsdesk", *argv])
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"newsdesk {' '.join(argv)} exited {proc.returncode}")
        cpu = usage.ru_utime + usage.ru_stime
        return time.perf_counter() - start, usage.ru_maxrss / 1024, cpu

    runs = max(3, args.repeat)
    helps = [cold(["--help"])[0] for _ in range(runs)]
    print(
        f"newsdesk --help: median {statistics.median(helps):.2f} s   (aim <= 0.3 s; "
        f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print("cold: new process, `newsdesk brief PATH --format json` (median wall, CPU, peak RSS)")
    for name, paths in inputs.items():
        results = [
            cold(["brief", *paths, "--format", "json", "-q", "-o", "/dev/null"])
            for _ in range(runs)
        ]
        wall = statistics.median(r[0] for r in results)
        rss = max(r[1] for r in results)
        cpu = statistics.median(r[2] for r in results)
        aim = "   (aims <= 2.5 s, <= 400 MB)" if name.startswith("seeds") else ""
        load = os.getloadavg()[0]
        print(f"  {name:<16} {wall:6.2f} s  CPU {cpu:5.2f} s  {rss:6.0f} MB  load {load:.1f}{aim}")

    from newsdesk import dedupe
    from newsdesk.articles import clean
    from newsdesk.briefs import build_brief
    from newsdesk.nlp import Models
    from newsdesk.readers import read_articles

    models = Models()
    start = time.perf_counter()
    newsdesk.brief(inputs[next(iter(inputs))], models=models)
    print(f"model load + first brief: {time.perf_counter() - start:.2f} s")
    print("warm: in process, models loaded (median of the repeats; seeds aim <= 0.5 s)")
    stories = {
        name: [clean(a) for a in read_articles(paths).articles] for name, paths in inputs.items()
    }
    stories["ECB+ event (20)" if (SHARED / "data").is_dir() else "replicated (20)"] = _ecb_story()
    caches = [getattr(models.embedder, "_cache", {}), getattr(models.nlp, "_docs", {})]

    def timed(articles: list[Article]) -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        build_brief(articles, models, duplicate_of=dedupe(articles))
        return time.perf_counter() - start, time.process_time() - cpu

    for name, articles in stories.items():
        fresh, repeat = [], []
        for _ in range(args.repeat):
            for cache in caches:
                cache.clear()
            fresh.append(timed(articles))
            repeat.append(timed(articles))
        print(
            f"  {name:<16} new texts {statistics.median(r[0] for r in fresh):6.3f} s "
            f"(CPU {statistics.median(r[1] for r in fresh):5.2f})   "
            f"repeat {statistics.median(r[0] for r in repeat):6.3f} s "
            f"(CPU {statistics.median(r[1] for r in repeat):5.2f})   load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
