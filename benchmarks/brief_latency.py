"""Wall time and memory of `newsdesk brief`: cold (new process), warm (models loaded).

    python benchmarks/brief_latency.py [--repeat 5] [--compile]

Stories: the seeds (../shared/seeds, 5 reports), our example (examples/harbour-bridge, 7), and
a 20-article story: the largest ECB+ event (22 reports of one event) when ../shared/data is
present, else the example replicated with light edits. Cold is `newsdesk brief PATH` in a new
process (its peak RSS from wait4), beside the same command with the models loaded on first
use in the main thread (`Models.preload` off: the baseline before the background loads), the
two alternated; `newsdesk --help` is timed the same way. The first line says whether the
package's bytecode caches are current (measure with them present, as after an install:
`--compile` writes them; PYTHONDONTWRITEBYTECODE=1 stops a run from writing them). Warm runs
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
import struct
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


#: The cold command with the models loaded on first use, as before ``Models.preload``.
_FIRST_USE = (
    "import sys; from newsdesk.nlp import Models; Models.preload = lambda self: None; "
    "from newsdesk.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _bytecode() -> str:
    """How many of newsdesk's modules have a current bytecode cache (``.pyc``)."""
    import importlib.util

    package = Path(newsdesk.__file__).parent
    sources = sorted(package.rglob("*.py"))
    current = 0
    for source in sources:
        cache = Path(importlib.util.cache_from_source(str(source)))
        try:
            head = cache.read_bytes()[8:16]
        except OSError:
            continue
        stat = source.stat()
        if head == struct.pack("<II", int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size & 0xFFFFFFFF):
            current += 1
    return f"{current} of {len(sources)} newsdesk modules"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--compile", action="store_true", help="write newsdesk's bytecode caches first"
    )
    args = parser.parse_args()
    if args.compile:
        import compileall

        compileall.compile_dir(Path(newsdesk.__file__).parent, quiet=1)
    print(
        f"bytecode caches current: {_bytecode()} (PYTHONDONTWRITEBYTECODE="
        f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}; --compile writes them)"
    )

    seeds = SHARED / "seeds"
    inputs = {"example (7)": [str(ROOT / "examples" / "harbour-bridge")]}
    if seeds.is_dir():
        inputs = {"seeds (5)": [str(seeds)], **inputs}

    def cold(argv: list[str], *, first_use: bool = False) -> tuple[float, float, float]:
        start = time.perf_counter()
        command = ["-c", _FIRST_USE] if first_use else ["-m", "newsdesk"]
        proc = subprocess.Popen([sys.executable, *command, *argv], stdout=subprocess.DEVNULL)
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
        argv = ["brief", *paths, "--format", "json", "-q", "-o", "/dev/null"]
        results: dict[bool, list[tuple[float, float, float]]] = {False: [], True: []}
        loads = []
        for _ in range(runs):  # alternated, so both see the same machine
            for first_use in (True, False):
                results[first_use].append(cold(argv, first_use=first_use))
            loads.append(os.getloadavg()[0])
        load = statistics.mean(loads)
        for first_use, label in ((False, name), (True, "  models on first use")):
            found = results[first_use]
            wall = statistics.median(r[0] for r in found)
            rss = max(r[1] for r in found)
            cpu = statistics.median(r[2] for r in found)
            aim = "   (aims <= 2.5 s, <= 400 MB)" if label.startswith("seeds") else ""
            print(
                f"  {label:<22} {wall:6.2f} s  CPU {cpu:5.2f} s  {rss:6.0f} MB  "
                f"load {load:.1f}{aim}"
            )

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
