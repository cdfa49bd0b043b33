"""Cross-document entity merging on ECB+ gold chains: B-cubed F1 beside an exact-string baseline.

Setting: gold mentions (the standard "gold mentions" evaluation). For every topic, the entity
mentions of all its documents (chains whose tag is not ACTION_*/NEG_*) are given to
``newsdesk.entities.resolve_entities`` as NER mentions with a label from the gold tag
(HUMAN_PART_PER -> PERSON, HUMAN_PART_ORG -> ORG, LOC_* -> GPE, others -> NOUN), and its
clusters are scored with B-cubed against the gold cross-document chains. Baseline: mentions
with the same lower-cased text are one entity. Both run in this process on the same input.
Reported twice: on all entity mentions (pronouns and common nouns too) and on named
mentions only (the text starts with a capital letter and is not a pronoun), the part that
name resolution is for.

Run: python benchmarks/entity_merging.py [--data ../shared/data/ecbplus]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from newsdesk.entities import resolve_entities
from newsdesk.models import Article, ArticleAnalysis, Mention

_PRONOUNS = {
    "he",
    "she",
    "it",
    "they",
    "him",
    "her",
    "them",
    "his",
    "its",
    "their",
    "i",
    "we",
    "you",
    "who",
}


def label_of(tag: str) -> str:
    if tag.startswith("HUMAN_PART_PER"):
        return "PERSON"
    if tag.startswith("HUMAN_PART_ORG"):
        return "ORG"
    if tag.startswith("LOC"):
        return "GPE"
    return "NOUN"


def b_cubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``predicted`` against ``gold`` (mention -> cluster)."""
    gold_members: dict[str, set[str]] = defaultdict(set)
    pred_members: dict[str, set[str]] = defaultdict(set)
    for mention, cluster in gold.items():
        gold_members[cluster].add(mention)
    for mention, cluster in predicted.items():
        pred_members[cluster].add(mention)
    precision = recall = 0.0
    for mention in gold:
        g = gold_members[gold[mention]]
        p = pred_members[predicted[mention]]
        overlap = len(g & p)
        precision += overlap / len(p)
        recall += overlap / len(g)
    n = len(gold) or 1
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus")
    )
    args = parser.parse_args(argv)
    chains_path = Path(args.data) / "ecbplus_crossdoc_chains.jsonl"
    if not chains_path.is_file():
        print(f"ECB+ data not found at {args.data}", file=sys.stderr)
        return 1
    by_topic: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for line in chains_path.read_text(encoding="utf-8").splitlines():
        chain = json.loads(line)
        if chain["tag"].startswith(("ACTION", "NEG")):
            continue
        for mention in chain["mentions"]:
            topic = mention["doc"].split("_")[0]
            by_topic[topic].append((chain["instance_id"], mention))
    results: dict[str, dict[str, list[float]]] = {
        "all": defaultdict(list),
        "named": defaultdict(list),
    }
    totals = {"all": 0, "named": 0}
    elapsed = 0.0
    for topic in sorted(by_topic, key=int):
        for subset in ("all", "named"):
            items = by_topic[topic]
            if subset == "named":
                items = [
                    (c, m)
                    for c, m in items
                    if m["text"][:1].isupper() and m["text"].lower() not in _PRONOUNS
                ]
            if not items:
                continue
            docs: dict[str, list[Mention]] = defaultdict(list)
            gold: dict[str, str] = {}
            baseline: dict[str, str] = {}
            offsets: dict[str, int] = defaultdict(int)
            for chain_id, m in items:
                key = f"{m['doc']}#{m['m_id']}"
                if key in gold:
                    continue
                start = offsets[m["doc"]]
                offsets[m["doc"]] += len(m["text"]) + 1
                docs[m["doc"]].append(
                    Mention(
                        m["doc"],
                        int(m["sentence"]),
                        m["text"],
                        label_of(m["tag"]),
                        start,
                        start + len(m["text"]),
                    )
                )
                gold[key] = chain_id
                baseline[key] = m["text"].lower()
            analyses = [
                ArticleAnalysis(
                    article=Article(id=doc, location=doc, text=""), sentences=(), mentions=tuple(ms)
                )
                for doc, ms in sorted(docs.items())
            ]
            began = time.perf_counter()
            index = resolve_entities(analyses)
            elapsed += time.perf_counter() - began
            predicted: dict[str, str] = {}
            for analysis in analyses:
                for mention in analysis.mentions:
                    entity = index.entity_of(mention)
                    key_text = f"{mention.article_id}@{mention.start}"
                    predicted_id = (
                        f"e:{entity.name}:{entity.type}" if entity is not None else f"s:{key_text}"
                    )
                    predicted[key_text] = predicted_id
            # Map back from (doc, offset) to gold keys.
            pred_by_gold: dict[str, str] = {}
            positions: dict[str, int] = defaultdict(int)
            for _chain_id, m in items:
                key = f"{m['doc']}#{m['m_id']}"
                if key in pred_by_gold:
                    continue
                start = positions[m["doc"]]
                positions[m["doc"]] += len(m["text"]) + 1
                pred_by_gold[key] = predicted.get(f"{m['doc']}@{start}", f"u:{key}")
            for name, clusters in (("newsdesk", pred_by_gold), ("exact-string", baseline)):
                p, r, f = b_cubed(gold, clusters)
                # Micro-average over mentions: weight each topic by its mention count.
                results[subset][name].extend([p * len(gold), r * len(gold), f * len(gold)])
            totals[subset] += len(gold)
    print(
        f"ECB+ cross-document entity chains, gold mentions, {len(by_topic)} topics (B-cubed, mention-weighted)"
    )
    for subset in ("all", "named"):
        print(f"  {subset} entity mentions ({totals[subset]}):")
        for name in ("exact-string", "newsdesk"):
            values = results[subset][name]
            n = totals[subset]
            p = sum(values[0::3]) / n
            r = sum(values[1::3]) / n
            f = sum(values[2::3]) / n
            print(f"    {name:<13} P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(f"  resolve_entities time: {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
