"""Near-duplicates on DUC 2004: recall of the within-cluster copies, and false pairs across.

The README of the data counts 60 within-cluster document pairs whose word-5-gram Jaccard is
>= 0.5 (AP rewrites of one wire story). We run ``find_duplicates`` over all 500 documents as
one stream and count: gold pairs found (two documents in the same duplicate group), pairs
found across clusters and their true Jaccard (a "false pair" is one below 0.5), and the
exact-hash-only baseline in the same process.

    python benchmarks/duplicates.py --data ../shared/data/duc2004
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations
from pathlib import Path

from newsdesk.articles import make_article
from newsdesk.duplicates import (
    DuplicateIndex,
    DuplicateMatch,
    content_hash,
    find_duplicates,
    group_duplicates,
    shingles,
)
from newsdesk.models import Article


def _pairs(matches: list[DuplicateMatch]) -> set[frozenset[str]]:
    return {frozenset(p) for g in group_duplicates(matches) for p in combinations(g.article_ids, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data/duc2004", help="the duc2004 folder")
    args = parser.parse_args()
    path = Path(args.data) / "duc2004_task2.jsonl"
    if not path.exists():
        print(f"no data at {path}", file=sys.stderr)
        return 1
    articles: list[Article] = []
    cluster: dict[str, str] = {}
    for line in path.open(encoding="utf-8"):
        c = json.loads(line)
        for d in c["docs"]:
            loc = f"{c['cluster_id']}/D{d['doc_index']}"
            # A URL per document: the same text filed twice stays two articles.
            a = make_article(d["text"], location=loc, url=f"https://duc2004.invalid/{loc}")
            articles.append(a)
            cluster[a.id] = c["cluster_id"]
    grams = {a.id: shingles(a.text, 5) for a in articles}

    def jaccard(pair: frozenset[str]) -> float:
        x, y = sorted(pair)
        return len(grams[x] & grams[y]) / max(1, len(grams[x] | grams[y]))

    gold = {
        frozenset((x.id, y.id))
        for x, y in combinations(articles, 2)
        if cluster[x.id] == cluster[y.id] and jaccard(frozenset((x.id, y.id))) >= 0.5
    }
    t = time.perf_counter()
    ours = _pairs(find_duplicates(articles, DuplicateIndex()))
    secs = time.perf_counter() - t
    roots: dict[str, str] = {}
    exact_matches = []
    for a in articles:
        h = content_hash(a.text)
        exact_matches.append(DuplicateMatch(a.id, roots.get(h), "exact" if h in roots else None))
        roots.setdefault(h, a.id)
    exact = _pairs(exact_matches)
    print(
        f"{len(articles)} documents, {len(gold)} within-cluster pairs with 5-gram Jaccard >= 0.5\n"
    )
    print(
        "| method | gold pairs found | other within-cluster pairs (min true J) "
        "| cross-cluster pairs (min true J) | false cross pairs (J < 0.5) | s |"
    )
    print("|---|---|---|---|---|---|")
    for name, found, took in (("MinHash LSH (ours)", ours, secs), ("exact hash only", exact, 0.0)):
        within_extra = [p for p in found - gold if len({cluster[i] for i in p}) == 1]
        cross = [p for p in found if len({cluster[i] for i in p}) > 1]
        false_cross = [p for p in cross if jaccard(p) < 0.5]
        extra_min = f"{min(map(jaccard, within_extra)):.2f}" if within_extra else "-"
        cross_min = f"{min(map(jaccard, cross)):.2f}" if cross else "-"
        print(
            f"| {name} | {len(found & gold)}/{len(gold)} | {len(within_extra)} ({extra_min}) "
            f"| {len(cross)} ({cross_min}) | {len(false_cross)} | {took:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
