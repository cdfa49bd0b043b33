"""DUC 2004 task 2: our summarizer, sumy's baselines and 13 published systems, one ROUGE, one run.

The run has three parts, all scored by the same ``RougeScorer`` (ROUGE-1.5.5 settings):

1. Calibration: the 13 SumRepo systems' shipped summaries, our ROUGE beside the official
   ROUGE-1.5.5 number in the data folder's README, and the gap.
2. Baselines on the same inputs, the same sentence splitting and the same 100-word budget:
   Lead, sumy's LexRank and TextRank.
3. Our summarizer (``newsdesk.summaries.summarize``, product defaults), and the same
   summarizer with options chosen by k-fold cross-validation over the 50 clusters among
   ``tuning_grid()``: for each fold, an option set is chosen on the other folds by mean
   ROUGE-1 + ROUGE-2 (``_cross_validate``) and scored on the held-out fold; only held-out
   scores are reported.

Documents go through the product path as shipped: the text reader, cleaning and duplicate
detection (``pipeline.prepare``), sentence splitting and embedding (``briefs.prepare_story``);
the sentences and vectors are cached per cluster (in memory, and on disk when a cache folder is
given) because that is most of the run time.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import math
import os
import re
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..briefs import prepare_story
from ..errors import InputError
from ..models import Article, ArticleAnalysis, Mention, Sentence
from ..pipeline import prepare
from ..readers import read_stream
from ..summaries import SummaryOptions, summarize
from .rouge import DUC_ORDERS, DUC_WORDS, RougeScorer, RougeScores, mean_scores

__all__ = [
    "CalibrationRow",
    "ClusterInputs",
    "DucCluster",
    "SummaryEval",
    "SystemRow",
    "evaluate_summaries",
    "fold_of",
    "lead_summary",
    "load_duc",
    "load_system_summaries",
    "our_summary",
    "prepare_clusters",
    "published_rouge",
    "render_summaries_markdown",
    "sumy_summary",
    "tuning_grid",
]

Matrix = npt.NDArray[np.float32]

# Bump when the cached analysis format changes. The code that prepares the inputs is part
# of the key too (``_code_digest``): a cache written before a change to the readers, the
# cleaning or the splitter is never read back as if it were the product's output.
_CACHE_VERSION = "duc-v4"
# The modules whose code decides the cached sentences, mentions and vectors.
_PREPARING = (
    "articles",
    "briefs",
    "digests",
    "duplicates",
    "models",
    "nlp",
    "pipeline",
    "sentences",
)


def _code_digest() -> str:
    """A digest of the source of every module that prepares a cluster's inputs."""
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "readers").glob("*.py")) + [root / f"{m}.py" for m in _PREPARING]
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


@dataclass(frozen=True)
class DucCluster:
    """One DUC 2004 topic: ten news documents and four human summaries."""

    id: str
    docs: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class ClusterInputs:
    """A cluster ready to summarize: sentences (our splitter) and their embeddings."""

    cluster: DucCluster
    analyses: tuple[ArticleAnalysis, ...]
    embeddings: tuple[Matrix, ...] = field(repr=False)
    #: Syndicated copies found by the product's duplicate detection (copy id -> original).
    duplicate_of: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CalibrationRow:
    """A published system: our ROUGE of its shipped summaries beside the official number."""

    system: str
    ours: tuple[float, ...]
    official: tuple[float, ...]

    @property
    def gap(self) -> tuple[float, ...]:
        return tuple(a - b for a, b in zip(self.ours, self.official, strict=True))


@dataclass(frozen=True)
class SystemRow:
    """A system run in this process, with its mean ROUGE recall (points) per order."""

    system: str
    scores: tuple[float, ...]
    note: str = ""


@dataclass(frozen=True)
class SummaryEval:
    """Everything one ``newsdesk eval summaries`` run measured."""

    orders: tuple[int, ...]
    clusters: int
    calibration: tuple[CalibrationRow, ...]
    systems: tuple[SystemRow, ...]
    folds: int
    chosen: tuple[str, ...] = ()
    seconds: float = 0.0
    notes: tuple[str, ...] = ()


# --- loading -------------------------------------------------------------------------------


def load_duc(folder: str | Path) -> tuple[DucCluster, ...]:
    """Read ``duc2004_task2.jsonl`` from the DUC 2004 folder.

    Args:
        folder: the folder holding ``duc2004_task2.jsonl``.

    Returns:
        The clusters in file order.

    Raises:
        InputError: the file is missing or a line is not a cluster record.
    """
    path = Path(folder) / "duc2004_task2.jsonl"
    if not path.is_file():
        raise InputError(str(path), "not found; pass --data pointing at the duc2004 folder")
    clusters: list[DucCluster] = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                docs = sorted(record["docs"], key=lambda d: int(d["doc_index"]))
                refs = sorted(record["references"], key=lambda r: int(r["ref_index"]))
                clusters.append(
                    DucCluster(
                        id=str(record["cluster_id"]),
                        docs=tuple(str(d["text"]) for d in docs),
                        references=tuple(str(r["text"]) for r in refs),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{line_no}", f"bad cluster record ({exc})") from exc
    return tuple(clusters)


def load_system_summaries(folder: str | Path) -> dict[str, dict[str, str]]:
    """Read the SumRepo summaries: ``{system: {cluster_id: summary}}`` (empty if absent)."""
    path = Path(folder) / "sumrepo_system_summaries.jsonl"
    out: dict[str, dict[str, str]] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                out.setdefault(str(record["system"]), {})[str(record["cluster_id"])] = str(
                    record["summary"]
                )
    return out


_TABLE_ROW = re.compile(
    r"^\|\s*([A-Za-z][\w-]*)[^|]*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|"
)


def published_rouge(folder: str | Path) -> dict[str, tuple[float, float, float]]:
    """Parse the official ROUGE-1.5.5 recalls (R-1, R-2, R-4, points) from the folder's README.

    Returns:
        ``{system: (r1, r2, r4)}`` from the "Published numbers" table; empty if absent.
    """
    path = Path(folder) / "README.md"
    if not path.is_file():
        return {}
    out: dict[str, tuple[float, float, float]] = {}
    in_section = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line.lower().startswith("## published numbers")
            continue
        match = _TABLE_ROW.match(line) if in_section else None
        if match:
            out[match[1]] = (float(match[2]), float(match[3]), float(match[4]))
    return out


# --- inputs: sentences and embeddings, cached ----------------------------------------------


def _cache_key(cluster: DucCluster, embedder_name: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (_CACHE_VERSION, _code_digest(), embedder_name, cluster.id, *cluster.docs):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _analysis_to_json(analysis: ArticleAnalysis) -> dict[str, Any]:
    return {
        "sentences": [dataclasses.astuple(s) for s in analysis.sentences],
        "mentions": [dataclasses.astuple(m) for m in analysis.mentions],
    }


def _load_cached(path: Path, cluster: DucCluster) -> ClusterInputs | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            matrix = np.asarray(data["embeddings"], dtype=np.float32)
    except (OSError, ValueError, KeyError):
        return None
    articles, duplicate_of = _articles(cluster)
    ordered = sorted(articles, key=lambda a: (a.location, a.id))
    if len(ordered) != len(meta):
        return None
    analyses: list[ArticleAnalysis] = []
    embeddings: list[Matrix] = []
    row = 0
    for article, item in zip(ordered, meta, strict=True):
        sentences = tuple(Sentence(*s) for s in item["sentences"])
        mentions = tuple(Mention(*m) for m in item["mentions"])
        language = item.get("language")
        analyses.append(
            ArticleAnalysis(
                article=dataclasses.replace(article, language=language),
                sentences=sentences,
                mentions=mentions,
            )
        )
        embeddings.append(matrix[row : row + len(sentences)])
        row += len(sentences)
    if row != matrix.shape[0]:
        return None
    return ClusterInputs(cluster, tuple(analyses), tuple(embeddings), duplicate_of)


def _articles(cluster: DucCluster) -> tuple[list[Article], dict[str, str]]:
    """The cluster's documents as ``newsdesk brief`` reads ten ``.txt`` files of them.

    Each document's text goes, exactly as the data ships it (hard-wrapped, LDC quotes), through
    the product's text reader, cleaning and duplicate detection (``pipeline.prepare``).
    """
    raw: list[Article] = []
    for index, text in enumerate(cluster.docs, 1):
        name = f"D{index:02d}.txt"
        location = f"duc2004/{cluster.id}/{name}"
        for item in read_stream(io.BytesIO(text.encode("utf-8")), name=name, location=location):
            if isinstance(item, Article):
                raw.append(item)
    return prepare(raw)


def _prepare_cluster(cluster: DucCluster, models: Any, cache: Path | None) -> ClusterInputs:
    """One cluster's sentences and embeddings: from the disk cache, else computed (and saved)."""
    path = None
    if cache is not None:
        path = cache / f"{_cache_key(cluster, models.embedder_name)}.npz"
        cached = _load_cached(path, cluster) if path.is_file() else None
        if cached is not None:
            return cached
    articles, duplicate_of = _articles(cluster)
    story = prepare_story(articles, models)
    matrix = (
        np.vstack(story.embeddings) if story.embeddings else np.zeros((0, 384), dtype=np.float32)
    )
    if path is not None:
        meta = json.dumps(
            [{**_analysis_to_json(a), "language": a.article.language} for a in story.analyses]
        )
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, meta=np.array(meta), embeddings=matrix)
        tmp.replace(path)
    return ClusterInputs(cluster, story.analyses, story.embeddings, duplicate_of)


def prepare_clusters(
    clusters: Sequence[DucCluster],
    models: Any,
    *,
    cache_dir: str | Path | None = None,
    workers: int = 1,
) -> list[ClusterInputs]:
    """Split every cluster's documents into sentences and embed them (cached on disk if asked).

    Args:
        clusters: the DUC clusters.
        models: a ``newsdesk.nlp.Models`` (spaCy pipeline and sentence embedder).
        cache_dir: folder for per-cluster caches (``.npz``), or None for no disk cache.
        workers: processes for the clusters not cached (each loads its own models).

    Returns:
        One ``ClusterInputs`` per cluster, in order.
    """
    cache = Path(cache_dir) if cache_dir is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    if workers <= 1:
        return [_prepare_cluster(cluster, models, cache) for cluster in clusters]
    with _pool(workers, _start_worker, (models.embedder_name, None)) as pool:
        jobs = [pool.submit(_prepare_in_worker, cluster, cache) for cluster in clusters]
        return [job.result() for job in jobs]


# --- worker processes: inputs prepared, systems scored, two at a time -------------------------

_WORKER: dict[str, Any] = {}


def _pool(workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Spawned, not forked: the parent may hold ONNX Runtime's and BLAS's threads.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, context, initializer, initargs)


def _start_worker(embedder_name: str, inputs: Sequence[ClusterInputs] | None) -> None:
    from ..nlp import Models

    _WORKER["models"] = Models(embedder_name=embedder_name)
    _WORKER["inputs"] = inputs


def _prepare_in_worker(cluster: DucCluster, cache: Path | None) -> ClusterInputs:
    return _prepare_cluster(cluster, _WORKER["models"], cache)


def _score(
    inputs: Sequence[ClusterInputs], system: str, options: SummaryOptions | None = None
) -> list[RougeScores]:
    """Score one system on every cluster: "lead", "lexrank", "textrank" or "ours"."""
    scorer = RougeScorer(orders=DUC_ORDERS, words=DUC_WORDS)
    make: Callable[[ClusterInputs], str]
    if system == "lead":
        make = lead_summary
    elif system in ("lexrank", "textrank"):
        make = functools.partial(sumy_summary, method=system)
    else:
        make = functools.partial(our_summary, options=options)
    return [scorer.score(make(item), item.cluster.references) for item in inputs]


def _score_in_worker(system: str, options: SummaryOptions | None) -> list[RougeScores]:
    return _score(_WORKER["inputs"], system, options)


# --- the systems run here ------------------------------------------------------------------


def _fill(sentences: Sequence[str], words: int) -> list[str]:
    """Take sentences in the given order until the budget is reached (the last may overrun).

    ROUGE cuts every summary at ``words``; stopping short would only lose recall.
    """
    out: list[str] = []
    used = 0
    for text in sentences:
        if used >= words:
            break
        out.append(text)
        used += len(text.split())
    return out


def lead_summary(inputs: ClusterInputs, words: int = DUC_WORDS) -> str:
    """Lead baseline: the opening sentences of the cluster's last document (D10).

    SumRepo's Lead takes the most recent document; DUC 2004's documents carry no dates, and
    their file order (agency, then date) makes D10 the latest of the last agency.
    """
    analysis = inputs.analyses[-1]
    return "\n".join(_fill([s.text for s in analysis.sentences], words))


class _WordTokenizer:
    """A sumy tokenizer over our sentence splitter: sumy's default one needs NLTK punkt data."""

    language = "english"
    _WORD = re.compile(r"\w+(?:['’]\w+)*")

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._WORD.findall(sentence))


def _sumy_document(inputs: ClusterInputs) -> Any:
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    tokenizer = _WordTokenizer()
    return ObjectDocumentModel(
        tuple(
            Paragraph(tuple(SumySentence(s.text, tokenizer) for s in a.sentences))
            for a in inputs.analyses
            if a.sentences
        )
    )


def sumy_summary(inputs: ClusterInputs, method: str, words: int = DUC_WORDS) -> str:
    """A sumy baseline (``lexrank`` or ``textrank``) over our sentences, filled to ``words``.

    sumy ranks sentences; we take them best first until the budget is met and, as sumy does,
    print them in document order.
    """
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "the baselines need the eval extra: pip install 'newsdesk[eval]'"
        ) from exc
    factories: dict[str, Callable[[Any], Any]] = {
        "lexrank": LexRankSummarizer,
        "textrank": TextRankSummarizer,
    }
    if method not in factories:
        raise ValueError(f"unknown sumy method {method!r}; choose one of {sorted(factories)}")
    summarizer = factories[method](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def budget(infos: Sequence[Any]) -> list[Any]:
        kept: list[Any] = []
        used = 0
        for info in infos:
            if used >= words:
                break
            kept.append(info)
            used += len(str(info.sentence).split())
        return kept

    chosen = summarizer(_sumy_document(inputs), budget)
    return "\n".join(str(s) for s in chosen)


def our_summary(
    inputs: ClusterInputs, words: int = DUC_WORDS, options: SummaryOptions | None = None
) -> str:
    """Our summarizer on a DUC cluster, one sentence a line: exactly ``newsdesk brief``'s.

    ``options`` default to the product's (``SummaryOptions()``, ``overflow`` off: the summary
    keeps within ``words``); the summary is the one ``newsdesk brief --one-story --words 100``
    prints for the cluster's ten documents as shipped (tests/test_evaluation.py checks it).
    """
    opts = dataclasses.replace(options or SummaryOptions(), words=words)
    sentences = summarize(
        inputs.analyses, inputs.embeddings, options=opts, duplicate_of=inputs.duplicate_of
    )
    return "\n".join(s.text for s in sentences)


# --- cross-validation ----------------------------------------------------------------------


def fold_of(cluster_id: str, folds: int) -> int:
    """Assign a cluster to a fold by a stable hash of its id (same folds on every run)."""
    digest = hashlib.blake2b(cluster_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % folds


def tuning_grid() -> tuple[tuple[str, SummaryOptions], ...]:
    """The option sets cross-validation chooses among: product defaults and variants.

    Named, so the report says which set each fold picked. The product defaults, and
    variants that move one knob to either side: the cross-source support bonus (0 is the
    plain concept-coverage objective), the power on concept weights, the opening bonus,
    the shortest eligible sentence, the lead rule, the paraphrase penalty. About 20 s a set
    over 50 clusters.
    """
    base = SummaryOptions()
    changes: list[dict[str, Any]] = [
        {},
        {"support": 0.0},
        {"support": 2.5},
        {"concept_power": 1.0},
        {"concept_power": 2.0},
        {"min_words": 8},
        {"min_words": 12},
        {"lead_bonus": 1.0},
        {"lead_bonus": 3.0},
        {"lead_first": False},
        {"novelty": 1.0},
    ]
    return tuple(
        (
            ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in c.items())
            or "default",
            dataclasses.replace(base, **c),
        )
        for c in changes
    )


def _cross_validate(
    per_config: Mapping[str, Sequence[RougeScores]],
    cluster_ids: Sequence[str],
    folds: int,
    *,
    clearly: bool = True,
) -> tuple[list[RougeScores], list[str]]:
    """Held-out scores: each fold scored with the option set chosen on the other folds.

    The objective is ROUGE-1 + ROUGE-2 per cluster. With ``clearly``, a fold leaves the
    defaults only for the set whose paired gain over them on the training clusters, less
    one standard error of that gain, is largest and positive (the one-standard-error rule:
    the sets differ by tenths of a point, about the noise of 40 clusters, and picking the
    best by a hair picks noise). Without it, each fold takes the best set on its training
    folds.
    """
    assignment = [fold_of(cid, folds) for cid in cluster_ids]
    held_out: list[RougeScores | None] = [None] * len(cluster_ids)
    chosen: list[str] = []
    for fold in range(folds):
        train = [i for i, f in enumerate(assignment) if f != fold]
        test = [i for i, f in enumerate(assignment) if f == fold]
        if not test:
            continue

        def objective(name: str, train: list[int] = train) -> float:
            scores = per_config[name]
            if not clearly or "default" not in per_config:
                return sum(scores[i][1] + scores[i][2] for i in train)
            if name == "default":
                return 0.0
            base = per_config["default"]
            gains = [scores[i][1] + scores[i][2] - base[i][1] - base[i][2] for i in train]
            spread = statistics.stdev(gains) if len(gains) > 1 else 0.0
            return statistics.fmean(gains) - spread / math.sqrt(len(gains))

        best = max(per_config, key=lambda name: (objective(name), name == "default"))
        chosen.append(best)
        for i in test:
            held_out[i] = per_config[best][i]
    return [s for s in held_out if s is not None], chosen


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover
        return "?"


# --- the run -------------------------------------------------------------------------------


def evaluate_summaries(
    folder: str | Path,
    models: Any,
    *,
    folds: int = 5,
    limit: int | None = None,
    cache_dir: str | Path | None = None,
    grid: Sequence[tuple[str, SummaryOptions]] | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int = 2,
) -> SummaryEval:
    """Run the whole DUC 2004 evaluation: calibration, baselines, ours (defaults and held-out).

    Args:
        folder: the ``duc2004`` data folder.
        models: a ``newsdesk.nlp.Models``.
        folds: k for cross-validation (>= 2); 1 or less skips the cross-validated row.
        limit: score only the first ``limit`` clusters (a quick look; not comparable).
        cache_dir: where to cache sentences and embeddings per cluster, or None.
        grid: named option sets cross-validation chooses among (default ``tuning_grid()``).
        progress: called with a short message after each stage.
        workers: processes that prepare the inputs and score the systems (1: this one).

    Returns:
        The measured tables.
    """
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    clusters = load_duc(folder)
    if limit is not None:
        clusters = clusters[:limit]
    scorer = RougeScorer(orders=DUC_ORDERS, words=DUC_WORDS)
    refs = {c.id: c.references for c in clusters}
    notes: list[str] = []

    calibration: list[CalibrationRow] = []
    official = published_rouge(folder)
    shipped = load_system_summaries(folder)
    for system in sorted(shipped, key=lambda s: official.get(s, (0.0, 0.0, 0.0))[1]):
        summaries = shipped[system]
        scores = [scorer.score(summaries[c.id], refs[c.id]) for c in clusters if c.id in summaries]
        if system in official and len(scores) == len(clusters):
            means = mean_scores(scores)
            calibration.append(
                CalibrationRow(
                    system=system,
                    ours=tuple(means[n] for n in DUC_ORDERS),
                    official=official[system],
                )
            )
    say(f"calibration: {len(calibration)} published systems scored")

    inputs = prepare_clusters(clusters, models, cache_dir=cache_dir, workers=workers)
    say(f"inputs: {len(inputs)} clusters split and embedded")

    options = list(grid or tuning_grid())
    if not any(name == "default" for name, _ in options):
        options.append(("default", SummaryOptions()))
    tasks: list[tuple[str, SummaryOptions | None]] = [
        ("lead", None),
        ("lexrank", None),
        ("textrank", None),
        *(("ours", opts) for _, opts in options),
    ]
    if workers <= 1:
        results = [_score(inputs, system, opts) for system, opts in tasks]
    else:
        with _pool(workers, _start_worker, (models.embedder_name, inputs)) as pool:
            jobs = [pool.submit(_score_in_worker, system, opts) for system, opts in tasks]
            results = [job.result() for job in jobs]
    baselines = results[:3]
    per_config = {name: scores for (name, _), scores in zip(options, results[3:], strict=True)}
    defaults = per_config["default"]

    def row(name: str, scores: Sequence[RougeScores], note: str = "") -> SystemRow:
        means = mean_scores(scores)
        return SystemRow(system=name, scores=tuple(means[n] for n in DUC_ORDERS), note=note)

    sumy_note = f"sumy {_version('sumy')}, our sentences"
    systems = [
        row("Lead (D10)", baselines[0], "first sentences of the last document"),
        row("sumy LexRank", baselines[1], sumy_note),
        row("sumy TextRank", baselines[2], sumy_note),
    ]
    systems.append(
        row(
            "newsdesk (defaults)",
            defaults,
            "product defaults, all clusters; some of their knobs were set on these same "
            "clusters, so this is not a held-out score (the next rows are)",
        )
    )
    chosen: list[str] = []
    if folds >= 2 and len(inputs) >= folds:
        ids = [i.cluster.id for i in inputs]
        held, chosen = _cross_validate(per_config, ids, folds)
        systems.append(
            row(
                f"newsdesk ({folds}-fold held-out)",
                held,
                f"per fold, among {len(options)} option sets, a set clearly better than the "
                "defaults on the other folds (one-standard-error rule), else the defaults",
            )
        )
        best_held, best_chosen = _cross_validate(per_config, ids, folds, clearly=False)
        systems.append(
            row(
                f"newsdesk ({folds}-fold held-out, best set)",
                best_held,
                "per fold, the set best on the other folds: " + ", ".join(best_chosen),
            )
        )
    say("baselines and our summarizer scored")

    if len(defaults) > 1:
        spread = statistics.stdev(100 * s[1] for s in defaults) / math.sqrt(len(defaults))
        notes.append(
            f"Noise: the standard error of a {len(defaults)}-cluster mean ROUGE-1 is "
            f"{spread:.2f} points (product defaults); option sets that differ by less are "
            "not told apart by this data, which is why a fold keeps the defaults unless a "
            "set is clearly better."
        )
    notes.append(
        "The newsdesk rows are the product path: each cluster's ten documents, as the data "
        "ships them (hard-wrapped, LDC quotes), go through newsdesk's text reader, cleaning, "
        "duplicate detection and summarizer with no eval-only step or setting; the defaults "
        "row is exactly what `newsdesk brief --one-story --words 100` prints for them (a test "
        "checks one cluster). A DUC cluster is a topic that spans several events, so it is "
        "briefed as one story (`--one-story`), as its human summaries are written."
    )
    if any(c.id == "d30048t" for c in clusters):
        notes.append(
            "d30048t ships reference H twice (the fourth assessor's summary is missing), so "
            "its scores differ from ROUGE-1.5.5's on that cluster for every system."
        )
    return SummaryEval(
        orders=DUC_ORDERS,
        clusters=len(clusters),
        calibration=tuple(calibration),
        systems=tuple(systems),
        folds=folds,
        chosen=tuple(chosen),
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def render_summaries_markdown(result: SummaryEval) -> str:
    """Render the run as Markdown: calibration table, then the systems run in this process."""
    heads = " | ".join(f"R-{n}" for n in result.orders)
    lines = [
        f"### DUC 2004 task 2: ROUGE recall, {result.clusters} clusters "
        "(100 words, Porter stemming, stopwords kept, 4 references)",
        "",
        "Calibration: the published systems' own summaries scored by our ROUGE beside "
        "ROUGE-1.5.5's official numbers (data README).",
        "",
        f"| system | {' | '.join(f'R-{n} ours / official (gap)' for n in result.orders)} |",
        "|---|" + "---|" * len(result.orders),
    ]
    for cal in result.calibration:
        cells = [
            f"{o:.2f} / {p:.2f} ({g:+.2f})"
            for o, p, g in zip(cal.ours, cal.official, cal.gap, strict=True)
        ]
        lines.append(f"| {cal.system} | {' | '.join(cells)} |")
    if result.calibration:
        worst = max(abs(g) for cal in result.calibration for g in cal.gap)
        lines += ["", f"Largest calibration gap: {worst:.2f} points."]
    lines += [
        "",
        "Systems run in this process on the same inputs (best published for reference):",
        "",
        f"| system | {heads} | note |",
        "|---|" + "---|" * len(result.orders) + "---|",
    ]
    published = sorted(result.calibration, key=lambda c: -c.official[0])[:1]
    published += sorted(result.calibration, key=lambda c: -c.official[1])[:1]
    for cal in dict.fromkeys(published):
        official_cells = " | ".join(f"{v:.2f}" for v in cal.official)
        lines.append(
            f"| {cal.system} (published, ROUGE-1.5.5) | {official_cells} | best published |"
        )
    for sys_row in result.systems:
        row_cells = " | ".join(f"{v:.2f}" for v in sys_row.scores)
        lines.append(f"| {sys_row.system} | {row_cells} | {sys_row.note} |")
    if result.chosen:
        lines += ["", "Option sets chosen per fold: " + ", ".join(result.chosen) + "."]
    for note in result.notes:
        lines += ["", note]
    lines += ["", f"Run time: {result.seconds:.0f} s."]
    return "\n".join(lines) + "\n"
