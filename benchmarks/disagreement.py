"""Disagreement detection on ClaimDiff-W ("undermines"): P/R/F1 beside a similarity baseline.

Each ClaimDiff pair (claim A, claim B from two outlets on one story) becomes two one-claim
articles; our detector says "B undermines A" when ``newsdesk.facts.cross_check`` reports any
conflict between them (number, date or statement). The baseline, run in this process on the
same embeddings, says "undermines" when the cosine of the two claims (mean of their MiniLM
sentence vectors) reaches a threshold tuned on train (best train F1).

Three tables:

* the product at three ``FactOptions`` operating points (default, loose, widest gates);
* a precision/recall curve of our explainable cues, from the product's strict clause rule
  down to bare word cues, each at several cosine gates: ``clause`` = the product's clause
  clash (``conflicts.clauses.clash``) at any cosine; ``clause-loose`` = same verb and a shared
  agent or patient word, polarities differ (no hedge, tense or speaker checks);
  ``participant`` = any two clauses sharing a participant word whose polarities differ or
  whose verbs oppose; ``word-cue`` = ``conflicts.clauses.opposition`` on the two sentences
  (a lone negation or an opposing word anywhere);
* the similarity baseline's curve.

The best honest operating point is chosen on train only: the highest train precision among
our points with train recall >= ``--min-recall`` (ties: higher recall); its test numbers are
then printed as they come. Positive rates are printed so that precision can be read against
chance. Nothing is tuned on test.

Run: python benchmarks/disagreement.py [--limit N] [--data ../shared/data/claimdiff]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.conflicts.clauses import Clause, ClauseParser, clash, opposition
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
    ("loose", FactOptions(same_clause=0.5, same_statement=0.7, same_words=0.4)),
    ("widest", FactOptions(same_clause=0.0, same_statement=0.6, same_words=0.3)),
)
CUE_GATES = (0.0, 0.3, 0.5, 0.6)


@dataclass
class Split:
    """One split, analysed once: gold labels, analyses, embeddings, cosines, clauses."""

    gold: list[bool]
    pairs: list[dict[str, object]]
    analyses: list[Any]
    embeddings: list[Any]
    cosines: np.ndarray  # mean-vector cosine (the baseline's score)
    closest: np.ndarray  # best sentence-to-sentence cosine (the gate of the cue curve)
    clauses: list[tuple[Clause, ...]]


def load(data: Path, split: str, limit: int) -> list[dict[str, object]]:
    path = data / "ClaimDiff-W" / f"ClaimDiff-weak-{split}.json"
    pairs: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["data"]
    return pairs[:limit] if limit else pairs


def prepare(pairs: list[dict[str, object]], models: Models) -> Split:
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
    closest = np.array(
        [
            float((embeddings[2 * i] @ embeddings[2 * i + 1].T).max())
            if len(embeddings[2 * i]) and len(embeddings[2 * i + 1])
            else 0.0
            for i in range(len(pairs))
        ]
    )
    # The clause reading the product uses, for the cue curve.
    parser = ClauseParser(models.nlp)
    texts = [str(pair[f"claim_{side}"]) for pair in pairs for side in ("a", "b")]
    parser.prepare(texts)
    parsed = [parser.clauses(text) for text in texts]
    gold = [int(str(p["relation"])) == 1 for p in pairs]
    return Split(gold, pairs, analyses, embeddings, cosines, closest, parsed)


def detect(split: Split, models: Models, options: FactOptions) -> tuple[list[bool], dict[str, int]]:
    ours: list[bool] = []
    kinds: dict[str, int] = {}
    analyses, embeddings = split.analyses, split.embeddings
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


def _people(c: Clause) -> frozenset[str]:
    return (c.agent | c.patient) - {"?"}


def _opposed(x: Clause, y: Clause) -> bool:
    return (opposition(x.form, y.form) or "").startswith("antonym")


def cues(split: Split) -> dict[str, list[bool]]:
    """Our explainable cues from strictest to loosest, each pair flagged or not (any cosine)."""
    out: dict[str, list[bool]] = {"clause": [], "clause-loose": [], "participant": []}
    out["word-cue"] = []
    for index, pair in enumerate(split.pairs):
        a, b = split.clauses[2 * index], split.clauses[2 * index + 1]
        out["clause"].append(clash(a, b) is not None)
        out["clause-loose"].append(
            any(
                x.verb == y.verb and x.negated != y.negated and _people(x) & _people(y)
                for x in a
                for y in b
            )
        )
        out["participant"].append(
            any(
                (x.negated != y.negated or (x.negated == y.negated and _opposed(x, y)))
                and (x.agent | x.patient | x.rest) & (y.agent | y.patient | y.rest) - {"?"}
                for x in a
                for y in b
            )
        )
        out["word-cue"].append(opposition(str(pair["claim_a"]), str(pair["claim_b"])) is not None)
    return out


def row(name: str, predicted: list[bool], gold: list[bool], extra: str = "") -> str:
    p, r, f = prf(predicted, gold)
    tp = sum(o and g for o, g in zip(predicted, gold, strict=True))
    return f"{name:32} P={p:.3f} R={r:.3f} F1={f:.3f} flagged={sum(predicted)} tp={tp}" + (
        f" {extra}" if extra else ""
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "claimdiff")
    )
    parser.add_argument("--limit", type=int, default=0, help="evaluate the first N pairs only")
    parser.add_argument(
        "--min-recall",
        type=float,
        default=0.05,
        help="least train recall an operating point needs to be chosen (default 0.05)",
    )
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / "ClaimDiff-W").is_dir():
        print(f"ClaimDiff not found at {data}", file=sys.stderr)
        return 1
    models = Models()
    splits: dict[str, Split] = {}
    for name in ("train", "test"):
        began = time.perf_counter()
        pairs = load(data, name, args.limit)
        splits[name] = prepare(pairs, models)
        gold = splits[name].gold
        print(
            f"ClaimDiff-W {name}: {len(pairs)} pairs, {sum(gold)} undermines "
            f"({sum(gold) / len(pairs):.1%}); analyse+embed+parse {time.perf_counter() - began:.1f} s"
        )
    train = splits["train"]
    threshold = max(
        np.arange(0.0, 1.0, 0.01),
        key=lambda t: prf([c >= t for c in train.cosines], train.gold)[2],
    )

    # Every point of ours: name -> split -> predictions.
    points: dict[str, dict[str, list[bool]]] = defaultdict(dict)
    print("\nThe product (newsdesk.facts.cross_check, any conflict = undermines):")
    for split_name, split in splits.items():
        print(
            "  "
            + row(
                f"{split_name:5} similarity baseline (cos>={threshold:.2f})",
                [c >= threshold for c in split.cosines],
                split.gold,
            )
        )
        for name, options in OPERATING_POINTS:
            began = time.perf_counter()
            ours, kinds = detect(split, models, options)
            spent = time.perf_counter() - began
            points[f"product {name}"][split_name] = ours
            print(
                "  "
                + row(
                    f"{split_name:5} newsdesk {name}",
                    ours,
                    split.gold,
                    f"kinds={kinds} ({1000 * spent / max(1, len(split.gold)):.1f} ms/pair) "
                    f"[clause>={options.same_clause}, statement>={options.same_statement}, "
                    f"words>={options.same_words}]",
                )
            )

    print("\nPrecision/recall curve of our cues (strictest first), gated on the closest cosine:")
    for split_name, split in splits.items():
        for cue, flags in cues(split).items():
            for gate in CUE_GATES:
                predicted = [f and c >= gate for f, c in zip(flags, split.closest, strict=True)]
                points[f"{cue} cos>={gate}"][split_name] = predicted
                print("  " + row(f"{split_name:5} {cue} cos>={gate}", predicted, split.gold))

    print("\nSimilarity baseline curve (mean-vector cosine):")
    for split_name, split in splits.items():
        for t in (0.2, 0.4, 0.5, 0.6, 0.7, 0.8):
            print(
                "  "
                + row(
                    f"{split_name:5} baseline cos>={t}",
                    [c >= t for c in split.cosines],
                    split.gold,
                )
            )

    # The operating point, chosen on train only.
    eligible = [
        (prf(by_split["train"], train.gold), name)
        for name, by_split in points.items()
        if prf(by_split["train"], train.gold)[1] >= args.min_recall
    ]
    print()
    if not eligible:
        print(f"No operating point of ours reaches train recall >= {args.min_recall}.")
        return 0
    (p, r, _), best = max(eligible, key=lambda item: (item[0][0], item[0][1]))
    print(
        f"Best honest operating point (highest train precision at train recall >= "
        f"{args.min_recall}): {best}"
    )
    for split_name, split in splits.items():
        print("  " + row(f"{split_name:5} {best}", points[best][split_name], split.gold))
    reached = [n for (pp, _, _), n in eligible if pp >= 0.8]
    print(
        f"Precision >= 0.8 at train recall >= {args.min_recall}: "
        + (", ".join(reached) if reached else "not reached by any of our points")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
