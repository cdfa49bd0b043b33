"""HTML main-text extraction: our reader (``newsdesk.readers.html``) on two public benchmarks.

* ``article_extraction_benchmark`` (Zyte, 181 pages): 4-gram shingles of ``\\w+`` tokens, per page
  TP/FP/FN normalised by their sum, precision and recall averaged over pages (pages with no
  predicted or no gold shingles left out of that mean, as the benchmark's ``evaluate.py``
  does), F1 from the two means. The shipped outputs of other extractors are re-scored in the
  same run, which checks our metric against the README's published numbers.
* ``trafilatura_eval`` (990 pages): each ``with`` segment found in the extracted text is a true
  positive (else a false negative), each ``without`` segment found a false positive (else a
  true negative); precision, recall, accuracy and F1 over all segments. Whitespace runs are
  folded to one space on both sides before the substring test, because our reader separates
  paragraphs with blank lines.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..readers.html import read_html

__all__ = [
    "ExtractionEval",
    "ExtractionRow",
    "SegmentCounts",
    "ShingleCounts",
    "evaluate_extraction",
    "extract_text",
    "render_extraction_markdown",
    "segment_counts",
    "shingle_counts",
    "shingle_metrics",
]

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ShingleCounts:
    """One page's 4-gram shingle matches, normalised so tp + fp + fn = 1 (or all 0)."""

    tp: float
    fp: float
    fn: float


@dataclass(frozen=True)
class SegmentCounts:
    """Segment matches of one or many pages (trafilatura's evaluation)."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def __add__(self, other: SegmentCounts) -> SegmentCounts:
        return SegmentCounts(
            self.tp + other.tp, self.fp + other.fp, self.tn + other.tn, self.fn + other.fn
        )


@dataclass(frozen=True)
class ExtractionRow:
    """One extractor's scores on one benchmark (0-1); ``published`` rows come from the README."""

    system: str
    precision: float
    recall: float
    f1: float
    accuracy: float | None = None
    source: str = "measured"  # measured | published | re-scored
    published_f1: float | None = None


@dataclass(frozen=True)
class ExtractionEval:
    """The rows measured on one benchmark folder."""

    benchmark: str
    pages: int
    failures: int
    rows: tuple[ExtractionRow, ...]
    seconds: float = 0.0


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # A text shorter than n tokens still yields one (short) shingle, as in the benchmark.
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_counts(gold: str, predicted: str, n: int = 4) -> ShingleCounts:
    """Count a page's shingle matches, normalised by their total.

    Example:
        >>> shingle_counts("a b c d e", "a b c d")
        ShingleCounts(tp=0.5, fp=0.0, fn=0.5)
    """
    true, pred = _shingles(gold, n), _shingles(predicted, n)
    tp = float(sum((true & pred).values()))
    fp = float(sum((pred - true).values()))
    fn = float(sum((true - pred).values()))
    total = tp + fp + fn
    if total > 0:
        return ShingleCounts(tp / total, fp / total, fn / total)
    return ShingleCounts(0.0, 0.0, 0.0)


def shingle_metrics(pages: Sequence[ShingleCounts]) -> tuple[float, float, float]:
    """Return (precision, recall, F1) over pages, the article-extraction-benchmark way."""

    def precision(c: ShingleCounts) -> float:
        if c.fp == 0 and c.fn == 0:
            return 1.0
        return 0.0 if c.tp == 0 and c.fp == 0 else c.tp / (c.tp + c.fp)

    def recall(c: ShingleCounts) -> float:
        if c.fp == 0 and c.fn == 0:
            return 1.0
        return 0.0 if c.tp == 0 and c.fn == 0 else c.tp / (c.tp + c.fn)

    p_values = [precision(c) for c in pages if c.tp + c.fp > 0]
    r_values = [recall(c) for c in pages if c.tp + c.fn > 0]
    p = statistics.fmean(p_values) if p_values else 0.0
    r = statistics.fmean(r_values) if r_values else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _fold(text: str) -> str:
    return " ".join(text.split())


def segment_counts(
    extracted: str | None, with_: Sequence[str], without: Sequence[str]
) -> SegmentCounts:
    """Score one page of trafilatura's evaluation set.

    Example:
        >>> segment_counts("Main text here.", ["Main text"], ["Impressum"])
        SegmentCounts(tp=1, fp=0, tn=1, fn=0)
    """
    text = _fold(extracted or "")
    tp = sum(1 for s in with_ if text and _fold(s) in text)
    fp = sum(1 for s in without if text and _fold(s) in text)
    return SegmentCounts(tp=tp, fp=fp, tn=len(without) - fp, fn=len(with_) - tp)


def extract_text(data: bytes, *, location: str, url: str | None = None) -> str:
    """Our reader's main text for one page ('' when it finds no article)."""
    try:
        return read_html(data, location=location, url=url).text
    except InputError:
        return ""


def _read_gz(path: Path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()


def _published(readme: Path, columns: Sequence[str]) -> dict[str, dict[str, float]]:
    """Parse the README's results table: ``{system: {column: value}}``."""
    if not readme.is_file():
        return {}
    out: dict[str, dict[str, float]] = {}
    header: list[str] | None = None
    for line in readme.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        row: dict[str, float] = {}
        for name in columns:
            if name.lower() in header:
                value = cells[header.index(name.lower())]
                if re.fullmatch(r"\d+(?:\.\d+)?", value):
                    row[name] = float(value)
        if len(row) == len(columns):
            out[cells[0]] = row
    return out


def _iter_limit(items: Sequence[Any], limit: int | None) -> Iterator[Any]:
    yield from (items if limit is None else items[:limit])


def _eval_zyte(
    folder: Path, limit: int | None, say: Callable[[str], None]
) -> tuple[int, int, list[ExtractionRow]]:
    truth_path = folder / "ground-truth.json"
    truth: Mapping[str, Mapping[str, str]] = json.loads(truth_path.read_text(encoding="utf-8"))
    keys = list(_iter_limit(sorted(truth), limit))
    counts: list[ShingleCounts] = []
    failures = 0
    for done, key in enumerate(keys, 1):
        html_path = folder / "html" / f"{key}.html.gz"
        text = extract_text(_read_gz(html_path), location=str(html_path), url=truth[key].get("url"))
        failures += not text
        counts.append(shingle_counts(truth[key].get("articleBody", ""), text))
        if done % 50 == 0:
            say(f"{done}/{len(keys)} pages")
    p, r, f1 = shingle_metrics(counts)
    published = _published(folder / "README.md", ("F1", "P", "R"))
    rows = [ExtractionRow("newsdesk (readers.html)", p, r, f1)]
    # Re-score the shipped outputs with our metric: a check of the metric itself.
    matched: set[str] = set()
    for path in sorted((folder / "system_outputs").glob("*.json.gz")):
        data = json.loads(_read_gz(path))
        output = data.get("output", data) if isinstance(data, dict) else {}
        name = path.name.removesuffix(".json.gz")
        preds = [
            shingle_counts(
                truth[k].get("articleBody", ""), (output.get(k) or {}).get("articleBody", "")
            )
            for k in keys
        ]
        sp, sr, sf = shingle_metrics(preds)
        match = _match_published(name, published)
        if match is not None:
            matched.add(match)
        rows.append(
            ExtractionRow(
                name,
                sp,
                sr,
                sf,
                source="re-scored",
                published_f1=published[match]["F1"] if match is not None else None,
            )
        )
    for name, values in published.items():
        if name not in matched:
            rows.append(
                ExtractionRow(name, values["P"], values["R"], values["F1"], source="published")
            )
    return len(keys), failures, rows


def _match_published(name: str, published: Mapping[str, Mapping[str, float]]) -> str | None:
    """The README row of a shipped output file (file names and README names differ a little)."""
    aliases = {"readability": "readability-lxml", "newspaper": "newspaper4k"}
    wanted = aliases.get(name, name).lower()
    for system in published:
        if system.lower().split(" ")[0] == wanted:
            return system
    return None


def _eval_trafilatura(
    folder: Path, limit: int | None, say: Callable[[str], None]
) -> tuple[int, int, list[ExtractionRow]]:
    records = []
    with (folder / "evaldata.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    records = list(_iter_limit(records, limit))
    total = SegmentCounts()
    failures = 0
    for done, record in enumerate(records, 1):
        html_path = folder / str(record["html_gz"])
        text = extract_text(_read_gz(html_path), location=str(html_path), url=record.get("url"))
        failures += not text
        total = total + segment_counts(text, record.get("with", []), record.get("without", []))
        if done % 100 == 0:
            say(f"{done}/{len(records)} pages")
    p = total.tp / (total.tp + total.fp) if total.tp + total.fp else 0.0
    r = total.tp / (total.tp + total.fn) if total.tp + total.fn else 0.0
    n = total.tp + total.fp + total.tn + total.fn
    acc = (total.tp + total.tn) / n if n else 0.0
    rows = [
        ExtractionRow("newsdesk (readers.html)", p, r, 2 * p * r / (p + r) if p + r else 0.0, acc)
    ]
    for name, values in _published(folder / "README.md", ("P", "R", "Acc", "F1")).items():
        rows.append(
            ExtractionRow(name, values["P"], values["R"], values["F1"], values["Acc"], "published")
        )
    return len(records), failures, rows


def evaluate_extraction(
    folder: str | Path,
    *,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExtractionEval:
    """Score our HTML reader on an extraction benchmark folder (detected by its files).

    Args:
        folder: ``article_extraction_benchmark`` or ``trafilatura_eval``.
        limit: only the first ``limit`` pages (a quick look; not comparable to published).
        progress: called with short progress messages.

    Returns:
        Our row, then re-scored shipped outputs (Zyte set) and the README's published rows.

    Raises:
        InputError: the folder is neither benchmark.
    """
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    root = Path(folder)
    if (root / "ground-truth.json").is_file():
        name = "article_extraction_benchmark"
        pages, failures, rows = _eval_zyte(root, limit, say)
    elif (root / "evaldata.jsonl").is_file():
        name = "trafilatura_eval"
        pages, failures, rows = _eval_trafilatura(root, limit, say)
    else:
        raise InputError(
            str(root), "not an extraction benchmark (no ground-truth.json or evaldata.jsonl)"
        )
    return ExtractionEval(
        benchmark=name,
        pages=pages,
        failures=failures,
        rows=tuple(rows),
        seconds=time.perf_counter() - started,
    )


def render_extraction_markdown(result: ExtractionEval) -> str:
    """Render one benchmark's rows as a Markdown table (ours first, then by F1)."""
    with_acc = any(row.accuracy is not None for row in result.rows)
    rescored = any(row.source == "re-scored" for row in result.rows)
    head = "| system | P | R |" + (" Acc |" if with_acc else "") + " F1 |"
    head += " published F1 | how |" if rescored else " how |"
    n_cols = head.count("|") - 1
    lines = [
        f"### HTML extraction: {result.benchmark} ({result.pages} pages; "
        f"{result.failures} where our reader found no article)",
        "",
        head,
        "|" + "---|" * n_cols,
    ]
    how = {
        "measured": "our reader, this run",
        "re-scored": "its shipped output, our metric, this run",
        "published": "published (README)",
    }
    ours = [r for r in result.rows if r.source == "measured"]
    rest = sorted((r for r in result.rows if r.source != "measured"), key=lambda r: -r.f1)
    for row in ours + rest:
        name = f"**{row.system}**" if row.source == "measured" else row.system
        cells = [name, f"{row.precision:.3f}", f"{row.recall:.3f}"]
        if with_acc:
            cells.append(f"{row.accuracy:.3f}" if row.accuracy is not None else "")
        cells.append(f"{row.f1:.3f}")
        if rescored:
            cells.append(f"{row.published_f1:.3f}" if row.published_f1 is not None else "")
        cells.append(how[row.source])
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Run time: {result.seconds:.0f} s."]
    return "\n".join(lines) + "\n"
