"""Disagreement detection on ClaimDiff-W ("undermines"): P/R/F1 beside a similarity baseline.

Each ClaimDiff pair (claim A, claim B from two outlets on one story) becomes two one-claim
articles; our detector says "B undermines A" when ``newsdesk.facts.cross_check`` reports any
conflict between them (number, date or statement). The baseline, run in this process on the
same embeddings, says "undermines" when the cosine of the two claims (mean of their MiniLM
sentence vectors) reaches a threshold. Both are tuned on the train split only: the
baseline's threshold maximises its train F1; ours is run at several ``FactOptions``
operating points (statement cosine, residual word overlap) and each is printed on train and
test, so the choice can be read off train and its test numbers are honest. Positive rate
is printed so that precision can be read against chance.

Run: python benchmarks/disagreement.py [--limit N] [--data ../shared/data/claimdiff]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from newsdesk.facts import FactOptions, cross_check
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


OPERATING_POINTS = (
    ("default", FactOptions()),
    ("strict", FactOptions(same_statement=0.85, same_words=0.7)),
    ("loose", FactOptions(same_statement=0.7, same_words=0.4)),
)


def load(data: Path, split: str, limit: int) -> list[dict[str, object]]:
    path = data / "ClaimDiff-W" / f"ClaimDiff-weak-{split}.json"
    pairs: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["data"]
    return pairs[:limit] if limit else pairs


def prepare(pairs: list[dict[str, object]], models: Models) -> tuple[list, list, np.ndarray]:
    articles = []
    for index, pair in enumerate(pairs):
        date = str(pair.get("date") or "") or None
        for side in ("a", "b"):
            articles.append(
                Article(
                    id=f"{index}{side}",
                    location=f"claim_{side}",
                    text=str(pair[f"claim_{side}"]),
                    published=date,
                )
            )
    analyses = analyze(articles, models.nlp)
    vectors = models.embedder.embed([s.text for a in analyses for s in a.sentences])
    embeddings = []
    row = 0
    for analysis in analyses:
        embeddings.append(vectors[row : row + len(analysis.sentences)])
        row += len(analysis.sentences)

    def mean_vector(matrix: np.ndarray) -> np.ndarray:
        if matrix.shape[0] == 0:
            return np.zeros(vectors.shape[1], dtype=np.float32)
        v = matrix.mean(axis=0)
        return v / (np.linalg.norm(v) or 1.0)

    cosines = np.array(
        [
            float(mean_vector(embeddings[2 * i]) @ mean_vector(embeddings[2 * i + 1]))
            for i in range(len(pairs))
        ]
    )
    return analyses, embeddings, cosines


def detect(
    analyses: list, embeddings: list, models: Models, options: FactOptions
) -> tuple[list[bool], dict[str, int]]:
    ours: list[bool] = []
    kinds: dict[str, int] = {}
    for index in range(len(analyses) // 2):
        pair_analyses = analyses[2 * index : 2 * index + 2]
        if any(len(a.sentences) == 0 for a in pair_analyses):
            ours.append(False)
            continue
        check = cross_check(
            pair_analyses, embeddings[2 * index : 2 * index + 2], models, options=options
        )
        ours.append(bool(check.conflicts))
        for conflict in check.conflicts:
            kinds[conflict.kind] = kinds.get(conflict.kind, 0) + 1
    return ours, kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "claimdiff")
    )
    parser.add_argument("--limit", type=int, default=0, help="evaluate the first N pairs only")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / "ClaimDiff-W").is_dir():
        print(f"ClaimDiff not found at {data}", file=sys.stderr)
        return 1
    models = Models()
    splits = {}
    for split in ("train", "test"):
        began = time.perf_counter()
        pairs = load(data, split, args.limit)
        gold = [int(str(p["relation"])) == 1 for p in pairs]
        analyses, embeddings, cosines = prepare(pairs, models)
        splits[split] = (gold, analyses, embeddings, cosines)
        print(
            f"ClaimDiff-W {split}: {len(pairs)} pairs, {sum(gold)} undermines "
            f"({sum(gold) / len(pairs):.1%}); analyse+embed {time.perf_counter() - began:.1f} s"
        )
    gold, _, _, cosines = splits["train"]
    threshold = max(
        np.arange(0.0, 1.0, 0.01), key=lambda t: prf([c >= t for c in cosines], gold)[2]
    )
    for split, (gold, analyses, embeddings, cosines) in splits.items():
        p, r, f = prf([c >= threshold for c in cosines], gold)
        print(
            f"  {split:5} similarity baseline (cos >= {threshold:.2f}, tuned on train): "
            f"P={p:.3f} R={r:.3f} F1={f:.3f}"
        )
        for name, options in OPERATING_POINTS:
            began = time.perf_counter()
            ours, kinds = detect(analyses, embeddings, models, options)
            spent = time.perf_counter() - began
            p, r, f = prf(ours, gold)
            print(
                f"  {split:5} newsdesk {name:7} (cos>={options.same_statement}, "
                f"words>={options.same_words}): P={p:.3f} R={r:.3f} F1={f:.3f} "
                f"flagged={sum(ours)} tp={sum(o and g for o, g in zip(ours, gold, strict=True))} "
                f"kinds={kinds} ({1000 * spent / max(1, len(gold)):.1f} ms/pair)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
