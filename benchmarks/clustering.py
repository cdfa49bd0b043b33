"""Story clustering on ECB+: B3 and pairwise P/R/F1 against the gold events, beside baselines.

Runs our full ingest pipeline (store -> dedupe -> cluster, batches of 100 from a shuffled
stream) on (1) all 982 documents as one stream and (2) the test topics 36-45 alone, and two
baselines in the same process: TF-IDF + agglomerative clustering (average linkage, cosine)
and MiniLM embeddings + HDBSCAN. Every method's one free parameter is chosen on the train and
dev topics (all but 36-45), as ours was (see ``StoryOptions``).

    python benchmarks/clustering.py --data ../shared/data/ecbplus
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path

import numpy as np
from sklearn.cluster import HDBSCAN, AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.articles import make_article
from newsdesk.ingest import IngestOptions, ingest
from newsdesk.models import Article
from newsdesk.nlp import Models
from newsdesk.store import Store
from newsdesk.stories import StoryOptions, snippet

Labels = dict[str, str]


class CachingEmbedder:
    """Embeds each distinct text once, so baselines and our pipeline share the cost."""

    name = "minilm-cached"

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            vectors = self.inner.embed(missing)  # type: ignore[attr-defined]
            self.cache.update(zip(missing, vectors, strict=True))
        return np.vstack([self.cache[t] for t in texts]) if texts else np.zeros((0, 384))


def b3(pred: Labels, gold: Labels) -> tuple[float, float, float]:
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for k in gold:
        pc[pred[k]].add(k)
        gc[gold[k]].add(k)
    p = float(np.mean([len(pc[pred[k]] & gc[gold[k]]) / len(pc[pred[k]]) for k in gold]))
    r = float(np.mean([len(pc[pred[k]] & gc[gold[k]]) / len(gc[gold[k]]) for k in gold]))
    return p, r, 2 * p * r / (p + r)


def pairwise(pred: Labels, gold: Labels) -> tuple[float, float, float]:
    keys = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(keys, 2):
        same_p, same_g = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_p and same_g
        fp += same_p and not same_g
        fn += same_g and not same_p
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ours(articles: Sequence[Article], models: Models, threshold: float, seed: int = 0) -> Labels:
    stream = list(articles)
    random.Random(seed).shuffle(stream)
    opts = IngestOptions(batch_size=100, stories=StoryOptions(threshold=threshold))
    with Store() as store:
        report = ingest(store, stream, models, options=opts)
    return {r.article_id: r.story_id for r in report.results}  # where each article ended up


def tfidf_agglomerative(articles: Sequence[Article], threshold: float) -> Labels:
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [a.text for a in articles]
    )
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=1 - threshold
    ).fit_predict(matrix.toarray())
    return {a.id: f"t{label}" for a, label in zip(articles, labels, strict=True)}


def embeddings_hdbscan(articles: Sequence[Article], models: Models, size: int) -> Labels:
    vectors = models.embedder.embed([snippet(a, StoryOptions().snippet_chars) for a in articles])
    labels = HDBSCAN(min_cluster_size=size, metric="euclidean").fit_predict(vectors)
    # Noise points are singletons.
    return {
        a.id: f"h{label}" if label >= 0 else f"noise-{a.id}"
        for a, label in zip(articles, labels, strict=True)
    }


def tune(run: Callable[[float], Labels], gold: Labels, grid: Sequence[float]) -> float:
    scores = [(b3(run(x), gold)[2], x) for x in grid]
    return max(scores)[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data/ecbplus", help="the ecbplus folder")
    args = parser.parse_args()
    path = Path(args.data) / "ecbplus_docs.jsonl"
    if not path.exists():
        print(f"no data at {path}", file=sys.stderr)
        return 1
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    articles, gold, topic = [], {}, {}
    for d in docs:
        a = make_article(d["text"], location=d["doc_name"], url=d["source_url"])
        articles.append(a)
        gold[a.id] = d["subtopic"]
        topic[a.id] = d["topic"]
    assert len(gold) == len(docs), "two documents share an id"
    train = [a for a in articles if not 36 <= topic[a.id] <= 45]
    test = [a for a in articles if 36 <= topic[a.id] <= 45]
    models = Models()
    models._embedder = CachingEmbedder(models.embedder)  # the baseline's MiniLM
    models._story_embedder = CachingEmbedder(models.story_embedder)  # ours (ingest)
    t0 = time.perf_counter()
    models.story_embedder.embed([snippet(a, StoryOptions().snippet_chars) for a in articles])
    print(f"embedded {len(articles)} snippets in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    gtrain = {a.id: gold[a.id] for a in train}
    tf_th = tune(lambda x: tfidf_agglomerative(train, x), gtrain, np.arange(0.05, 0.5, 0.025))
    hd_size = int(
        tune(lambda x: embeddings_hdbscan(train, models, int(x)), gtrain, [2, 3, 4, 5, 8])
    )
    our_th = StoryOptions().threshold
    print(
        f"parameters chosen on train/dev topics: ours threshold {our_th} (StoryOptions), "
        f"TF-IDF threshold {tf_th:.3f}, HDBSCAN min_cluster_size {hd_size}\n"
    )
    print("| data | method | clusters | B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, subset in (("all 982 (one stream)", articles), ("test topics 36-45", test)):
        g = {a.id: gold[a.id] for a in subset}
        methods: list[tuple[str, Callable[[], Labels]]] = [
            (
                "ours: ingest (MiniLM + names + words + time)",
                lambda s=subset: ours(s, models, our_th),
            ),
            ("TF-IDF + agglomerative", lambda s=subset: tfidf_agglomerative(s, tf_th)),
            ("MiniLM + HDBSCAN", lambda s=subset: embeddings_hdbscan(s, models, hd_size)),
        ]
        for label, run in methods:
            t = time.perf_counter()
            pred = run()
            secs = time.perf_counter() - t
            bp, br, bf = b3(pred, g)
            pp, pr, pf = pairwise(pred, g)
            print(
                f"| {name} | {label} | {len(set(pred.values()))} (gold {len(set(g.values()))}) "
                f"| {bp:.3f} | {br:.3f} | {bf:.3f} | {pp:.3f} | {pr:.3f} | {pf:.3f} | {secs:.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
