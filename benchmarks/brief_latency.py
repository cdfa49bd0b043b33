"""Wall time of `newsdesk brief`: cold (new process) and warm (models loaded, in process).

    python benchmarks/brief_latency.py [--repeat 5]

Stories: the seeds (../shared/seeds, 5 reports), our example (examples/harbour-bridge, 7), and
a 20-article story: the largest ECB+ event (22 reports of one event) when ../shared/data is
present, else the example replicated with light edits. Aim on 2 cores: warm <= 1 s for the
seeds, cold <= 8 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _ecb_story(limit: int = 20) -> list[object]:
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

    print("cold: new process, `newsdesk brief PATH --format json`")
    for name, paths in inputs.items():
        times = []
        for _ in range(max(2, args.repeat // 2)):
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "newsdesk",
                    "brief",
                    *paths,
                    "--format",
                    "json",
                    "-q",
                    "-o",
                    "/dev/null",
                ],
                check=True,
            )
            times.append(time.perf_counter() - start)
        print(f"  {name:<16} median {statistics.median(times):6.2f} s   (aim <= 8 s)")

    from newsdesk.articles import clean
    from newsdesk.briefs import build_brief
    from newsdesk.cli.brief import brief_from_paths, dedupe
    from newsdesk.nlp import Models
    from newsdesk.readers import read_articles

    models = Models()
    start = time.perf_counter()
    brief_from_paths(inputs[next(iter(inputs))], models)
    print(f"model load + first brief: {time.perf_counter() - start:.2f} s")
    print("warm: in process, models loaded (read + clean + dedupe + brief)")
    stories = {
        name: [clean(a) for a in read_articles(paths).articles] for name, paths in inputs.items()
    }
    stories["ECB+ event (20)" if (SHARED / "data").is_dir() else "replicated (20)"] = _ecb_story()  # type: ignore[assignment]
    for name, articles in stories.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            build_brief(articles, models, duplicate_of=dedupe(articles))  # type: ignore[arg-type]
            times.append(time.perf_counter() - start)
        aim = "   (aim <= 1 s)" if name.startswith("seeds") else ""
        print(
            f"  {name:<16} median {statistics.median(times):6.3f} s  min {min(times):6.3f} s{aim}"
        )


if __name__ == "__main__":
    main()
