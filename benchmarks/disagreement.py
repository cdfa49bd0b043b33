"""Disagreement detection on ClaimDiff-W ("undermines"): P/R/F1 beside a similarity baseline.

Each ClaimDiff pair (claim A, claim B from two outlets on one story) becomes two one-claim
articles; our detector says "B undermines A" when ``newsdesk.facts.cross_check`` reports any
conflict between them (number, date or statement). The baseline, run in this process on the
same embeddings, says "undermines" when the cosine of the two claims (mean of their MiniLM
sentence vectors) reaches a threshold; the threshold is picked to maximise the baseline's own
F1 on the evaluated split (an oracle choice that flatters the baseline). Positive rate is
printed so that precision can be read against chance.

Run: python benchmarks/disagreement.py [--split test] [--limit N] [--data ../shared/data/claimdiff]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from newsdesk.facts import cross_check
from newsdesk.models import Article
from newsdesk.nlp import Models
from newsdesk.sentences import analyze


def prf(predicted: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "claimdiff")
    )
    parser.add_argument("--split", default="test", choices=["train", "test", "test-full"])
    parser.add_argument("--limit", type=int, default=0, help="evaluate the first N pairs only")
    args = parser.parse_args(argv)
    path = Path(args.data) / "ClaimDiff-W" / f"ClaimDiff-weak-{args.split}.json"
    if not path.is_file():
        print(f"ClaimDiff not found at {path}", file=sys.stderr)
        return 1
    pairs = json.loads(path.read_text(encoding="utf-8"))["data"]
    if args.limit:
        pairs = pairs[: args.limit]
    gold = [int(p["relation"]) == 1 for p in pairs]
    models = Models()
    articles = []
    for index, pair in enumerate(pairs):
        date = pair.get("date") or None
        articles.append(
            Article(id=f"{index}a", location="claim_a", text=pair["claim_a"], published=date)
        )
        articles.append(
            Article(id=f"{index}b", location="claim_b", text=pair["claim_b"], published=date)
        )
    began = time.perf_counter()
    analyses = analyze(articles, models.nlp)
    texts = [s.text for a in analyses for s in a.sentences]
    vectors = models.embedder.embed(texts)
    embeddings = []
    row = 0
    for analysis in analyses:
        embeddings.append(vectors[row : row + len(analysis.sentences)])
        row += len(analysis.sentences)
    prepared = time.perf_counter() - began

    began = time.perf_counter()
    ours: list[bool] = []
    kinds: dict[str, int] = {}
    for index in range(len(pairs)):
        pair_analyses = analyses[2 * index : 2 * index + 2]
        pair_embeddings = embeddings[2 * index : 2 * index + 2]
        if any(len(a.sentences) == 0 for a in pair_analyses):
            ours.append(False)
            continue
        check = cross_check(pair_analyses, pair_embeddings, models)
        ours.append(bool(check.conflicts))
        for conflict in check.conflicts:
            kinds[conflict.kind] = kinds.get(conflict.kind, 0) + 1
    detect = time.perf_counter() - began

    def mean_vector(matrix: np.ndarray) -> np.ndarray:
        if matrix.shape[0] == 0:
            return np.zeros(vectors.shape[1], dtype=np.float32)
        v = matrix.mean(axis=0)
        return v / (np.linalg.norm(v) or 1.0)

    cosines = [
        float(mean_vector(embeddings[2 * i]) @ mean_vector(embeddings[2 * i + 1]))
        for i in range(len(pairs))
    ]
    best = (0.0, 0.0, 0.0, 0.0)
    for threshold in np.arange(0.0, 1.0, 0.01):
        scores = prf([c >= threshold for c in cosines], gold)
        if scores[2] > best[3]:
            best = (float(threshold), *scores)
    p, r, f = prf(ours, gold)
    print(
        f"ClaimDiff-W {args.split}: {len(pairs)} pairs, {sum(gold)} undermines ({sum(gold) / len(pairs):.1%})"
    )
    print(
        f"  similarity baseline (cos >= {best[0]:.2f}, oracle threshold): P={best[1]:.3f} R={best[2]:.3f} F1={best[3]:.3f}"
    )
    print(
        f"  newsdesk conflicts:  P={p:.3f} R={r:.3f} F1={f:.3f}  flagged={sum(ours)}  by kind={kinds}"
    )
    print(
        f"  time: analyse+embed {prepared:.1f} s, cross_check {detect:.1f} s ({1000 * detect / len(pairs):.1f} ms/pair)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
