"""Direct quotes and their speakers on PolNeAR, beside the regex baseline of its README.

Each PolNeAR article becomes an ``Article`` (its text as given: the corpus is clean article
text) and goes through the brief's own path: ``sentences.analyze`` -> ``entities.
resolve_entities`` -> ``quotes.attribute`` (what ``quotes.find_quotes`` and so the brief
use). Every direct quote is scored against the gold attributions whose ``quote_type`` is
``direct`` with the corpus's shipped scorer (``quote_score.py``: one-to-one matching by
letter/digit Jaccard, exact = 1.0, overlap >= 0.5; a second piece of an interrupted quote is
ignored). Speaker accuracy is counted on matched pairs whose gold has a source: right when our
speaker mention overlaps the gold source span (pronouns and descriptions included) or our
resolved name shares a content word with it (the scorer's two modes; "either" is ours).

A direct quote that overlaps only a gold *indirect* attribution is a paraphrase shown as a
quote ("paraphrase" column); partial quotes inside reported speech fall on PolNeAR's "mixed"
attributions and count against direct-quote precision ("other type").

The baseline (PolNeAR README's floor) runs in the same process: every double-quoted span of
>= 4 words; speaker = capitalised words next to said/says/told in the sentence.

Rules and word lists were chosen looking at train; the table reports dev (and train with
``--split train``). Run:

    nice -n 10 python benchmarks/quotes.py [--data ../shared/data/polnear] [--split dev]
        [--limit N] [--update README.md] [--errors]

``--split train --errors`` prints the train errors by category (what the rules were chosen
from).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import io
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from newsdesk.cli.evaluate import replace_block
from newsdesk.entities import resolve_entities
from newsdesk.models import Article
from newsdesk.nlp import Models
from newsdesk.quotes import attribute
from newsdesk.sentences import analyze

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"
BLOCK = "quotes"
_BASE_QUOTE = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_BASE_SPEAKER = re.compile(
    r"(?:((?:[A-Z][\w.'-]+ ?){1,3})\s+(?:said|says|told))|(?:(?:said|says|told)\s+((?:[A-Z][\w.'-]+ ?){1,3}))"
)


def _load(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _scorer(data: Path) -> Any:
    spec = importlib.util.spec_from_file_location("quote_score", data / "quote_score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{data}/quote_score.py: missing; is --data the PolNeAR folder?")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(docs: list[dict[str, Any]], models: Models) -> list[dict[str, Any]]:
    """Quotes and statements through the product path, as scorer lines (``kind`` kept)."""
    articles = [
        Article(
            id=d["doc_id"],
            location=d["doc_id"],
            text=d["text"],
            title=d.get("title"),
            outlet=d.get("publisher"),
            author=d.get("author"),
            published=d.get("publication_date"),
        )
        for d in docs
    ]
    out: list[dict[str, Any]] = []
    for analysis in analyze(articles, models.nlp):
        index = resolve_entities([analysis])
        for item in attribute(analysis, index, models.nlp):
            out.append(
                {
                    "doc_id": analysis.article.id,
                    "kind": item.kind,
                    "spans": [list(span) for span in item.spans],
                    "partial": item.partial,
                    "speaker": item.speaker,
                    "speaker_start": item.speaker_start,
                    "speaker_end": item.speaker_end,
                }
            )
    return out


def baseline(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The README's floor: double-quoted spans of >= 4 words, capitalised words by said/told."""
    out: list[dict[str, Any]] = []
    for doc in docs:
        text = doc["text"]
        for match in _BASE_QUOTE.finditer(text):
            if len(match.group(1).split()) < 4:
                continue
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            who = _BASE_SPEAKER.search(line)
            row: dict[str, Any] = {
                "doc_id": doc["doc_id"],
                "start": match.start(1),
                "end": match.end(1),
            }
            if who:
                name = (who.group(1) or who.group(2)).strip()
                at = line_start + (who.start(1) if who.group(1) else who.start(2))
                row.update(speaker=name, speaker_start=at, speaker_end=at + len(name))
            out.append(row)
    return out


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def score(
    scorer: Any,
    docs: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    gold: list[dict[str, Any]],
    types: str = "direct",
) -> dict[str, Any]:
    """The shipped scorer's numbers plus our "either" speaker accuracy and paraphrase count.

    The scorer reads the chosen articles and their gold lines (written to a temporary
    folder), so ``--limit`` scores only the articles that ran.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            scorer.main(
                [
                    "quote_score.py",
                    _jsonl(folder / "docs.jsonl", docs),
                    _jsonl(
                        folder / "gold.jsonl",
                        [{k: v for k, v in g.items() if k != "_text"} for g in gold],
                    ),
                    _jsonl(folder / "system.jsonl", rows),
                    "--types",
                    types,
                    "--json",
                ]
            )
    result: dict[str, Any] = json.loads(buffer.getvalue())
    result.update(_speaker_either(scorer, rows, gold))
    return result


def _speaker_either(
    scorer: Any, rows: list[dict[str, Any]], gold: list[dict[str, Any]]
) -> dict[str, Any]:
    """Speaker right by mention offset OR by name (the scorer's matching, re-run here)."""
    texts: dict[str, str] = {}
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    others: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        texts[g["doc_id"]] = g["_text"]
        (by_doc if g["quote_type"] == "direct" else others)[g["doc_id"]].append(g)
    systems: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        systems[r["doc_id"]].append(r)
    n = right = paraphrase = 0
    for doc, syss in systems.items():
        text = texts.get(doc, "")
        golds = by_doc.get(doc, [])
        gp = [scorer.alnum_positions(text, g["content_spans"]) for g in golds]
        sp = [
            scorer.alnum_positions(text, s.get("spans") or [[s["start"], s["end"]]]) for s in syss
        ]
        pairs = sorted(
            (
                (len(a & b) / len(a | b), i, j)
                for i, a in enumerate(gp)
                for j, b in enumerate(sp)
                if a & b
            ),
            reverse=True,
        )
        used_g: set[int] = set()
        used_s: set[int] = set()
        for jac, i, j in pairs:
            if i in used_g or j in used_s or jac < 0.5:
                continue
            used_g.add(i)
            used_s.add(j)
            g, s = golds[i], syss[j]
            if not g["source_spans"] or "speaker_start" not in s:
                continue
            n += 1
            by_offset = any(
                min(e, s["speaker_end"]) > max(b, s["speaker_start"]) for b, e in g["source_spans"]
            )
            gw = {t.lower() for t in scorer.tokens(g["speaker"])} - scorer.STOP
            sw = {t.lower() for t in scorer.tokens(s["speaker"])} - scorer.STOP
            right += by_offset or bool(gw & sw)
        matched = set().union(*(gp[i] for i in used_g)) if used_g else set()
        for j, positions in enumerate(sp):
            if j in used_s or not positions or len(positions & matched) >= 0.9 * len(positions):
                continue
            indirect = [o for o in others.get(doc, []) if o["quote_type"] == "indirect"]
            hits = [scorer.alnum_positions(text, o["content_spans"]) for o in indirect]
            if any(positions & h for h in hits) and not any(
                positions & scorer.alnum_positions(text, g["content_spans"]) for g in golds
            ):
                paraphrase += 1
    return {
        "speaker_either": {"n": n, "accuracy": round(100 * right / n, 2) if n else 0.0},
        "paraphrase_as_quote": paraphrase,
    }


def inside_mixed(
    scorer: Any, rows: list[dict[str, Any]], gold: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Our quotes that touch no gold direct quote and lie inside a gold *mixed* attribution.

    PolNeAR's "mixed" content runs past the quotation marks (he said that whatever voters
    do, "they should not …"); the issue keeps only the quoted words in ``quotes[]``, so such
    a quote is right by the issue and wrong by the gold. These are the cases set aside.
    """
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        by_doc[g["doc_id"]].append(g)
    out = []
    for r in rows:
        golds = by_doc.get(r["doc_id"], [])
        if not golds:
            continue
        text = golds[0]["_text"]
        mine = scorer.alnum_positions(text, r.get("spans") or [[r["start"], r["end"]]])
        spans: dict[str, set[int]] = {g["quote_type"]: set() for g in golds}
        for g in golds:
            spans[g["quote_type"]] |= scorer.alnum_positions(text, g["content_spans"])
        mixed = spans.get("mixed", set())
        if mine and not mine & spans.get("direct", set()) and len(mine & mixed) >= 0.9 * len(mine):
            out.append(r)
    return out


def breakdown(
    scorer: Any, rows: list[dict[str, Any]], gold: list[dict[str, Any]]
) -> dict[str, int]:
    """Errors of our whole quotes against gold direct quotes, by category (``--errors``).

    Missed gold quotes: none of ours touches it (``missed``), only a partial quote of ours
    does (``ours partial``), or ours overlaps it below 0.5 (``overlap < 0.5``). Our quotes
    that match nothing: on gold mixed or indirect content, on a direct quote below 0.5, or
    spurious. Matched pairs: inexact (ours longer / shorter / both) and wrong speaker.
    """
    counts: dict[str, int] = defaultdict(int)
    golds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    others: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        (golds if g["quote_type"] == "direct" else others)[g["doc_id"]].append(g)
    whole: dict[str, list[dict[str, Any]]] = defaultdict(list)
    partial: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        (partial if r["partial"] else whole)[r["doc_id"]].append(r)
    for doc in set(golds) | set(whole):
        text = (golds.get(doc) or others.get(doc) or [{"_text": ""}])[0]["_text"]
        gp = [scorer.alnum_positions(text, g["content_spans"]) for g in golds[doc]]
        sp = [scorer.alnum_positions(text, r["spans"]) for r in whole[doc]]
        pp = [scorer.alnum_positions(text, r["spans"]) for r in partial[doc]]
        pairs = sorted(
            ((len(a & b) / len(a | b), i, j) for i, a in enumerate(gp) for j, b in enumerate(sp)),
            reverse=True,
        )
        ug: dict[int, int] = {}
        us: set[int] = set()
        for jac, i, j in pairs:
            if jac >= 0.5 and i not in ug and j not in us:
                ug[i] = j
                us.add(j)
        for i, g in enumerate(golds[doc]):
            if i in ug:
                mine, theirs = sp[ug[i]], gp[i]
                if mine != theirs:
                    longer, shorter = bool(mine - theirs), bool(theirs - mine)
                    kind = "both" if longer and shorter else "longer" if longer else "shorter"
                    counts[f"matched, inexact: ours {kind}"] += 1
                r = whole[doc][ug[i]]
                if g["source_spans"] and "speaker_start" in r:
                    hit = any(
                        min(e, r["speaker_end"]) > max(b, r["speaker_start"])
                        for b, e in g["source_spans"]
                    )
                    gw = {t.lower() for t in scorer.tokens(g["speaker"])} - scorer.STOP
                    sw = {t.lower() for t in scorer.tokens(r["speaker"])} - scorer.STOP
                    if not (hit or gw & sw):
                        counts["matched, speaker wrong"] += 1
            elif any(b & gp[i] for b in sp):
                counts["gold missed: ours overlaps < 0.5"] += 1
            elif any(b & gp[i] for b in pp):
                counts["gold missed: ours marked partial"] += 1
            else:
                counts["gold missed: no quote of ours"] += 1
        matched = set().union(*(gp[i] for i in ug)) if ug else set()
        for j, mine in enumerate(sp):
            if j in us or not mine or len(mine & matched) >= 0.9 * len(mine):
                continue
            kinds = {
                o["quote_type"]
                for o in others[doc]
                if mine & scorer.alnum_positions(text, o["content_spans"])
            }
            if kinds:
                counts["ours unmatched: on gold " + "+".join(sorted(kinds))] += 1
            elif any(mine & b for b in gp):
                counts["ours unmatched: on a direct quote < 0.5"] += 1
            else:
                counts["ours unmatched: spurious"] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def table(
    split: str,
    results: dict[str, dict[str, Any]],
    seconds: float,
    reported: dict[str, Any],
    n_mixed: int,
) -> str:
    lines = [
        f"### Direct quotes: PolNeAR {split} split (gold `quote_type` = direct, shipped scorer)",
        "",
        "`nice -n 10 .venv/bin/python benchmarks/quotes.py"
        + ("" if split == "dev" else f" --split {split}")
        + " --update README.md`",
        "",
        "Rules and word lists were chosen on train; "
        + ("this is the held-out dev split. " if split == "dev" else "this is train. ")
        + "Speaker: our mention overlaps the gold source (offset), our resolved name shares a "
        "content word with a named gold source (name), or either.",
        "",
        "| system | quotes (gold / ours) | exact P / R / F1 | overlap P / R / F1 | speaker offset | "
        "speaker name | speaker either | paraphrase as quote |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        ex, ov = r["quote_exact"], r["quote_overlap"]
        off = r.get("speaker_offset_accuracy", {"accuracy": 0.0, "n": 0})
        sn = r.get("speaker_string_accuracy", {"accuracy": 0.0, "n": 0})
        either = r["speaker_either"]
        lines.append(
            f"| {name} | {r['n_gold']} / {r['n_system']} | "
            f"{ex['P']:.1f} / {ex['R']:.1f} / {ex['F1']:.1f} | "
            f"{ov['P']:.1f} / {ov['R']:.1f} / {ov['F1']:.1f} | "
            f"{off['accuracy']:.1f} (n={off['n']}) | {sn['accuracy']:.1f} (n={sn['n']}) | "
            f"{either['accuracy']:.1f} (n={either['n']}) | {r['paraphrase_as_quote']} |"
        )
    ov, off = reported["quote_overlap"], reported.get("speaker_offset_accuracy", {"accuracy": 0.0})
    lines += [
        "",
        "Headline: the first row, on the whole split; overlap F1 is the one held to the aim "
        "(0.90): our quote text is copied from the source by construction, and an exact miss "
        "is nearly always a grouping question (PolNeAR joins a quote's later paragraphs or "
        'pieces into one attribution, or not), not a wrong word. The two "set aside" rows '
        f"drop our quotes that lie inside one of the split's {n_mixed} gold *mixed* "
        "attributions (content running past the quotation marks, which the issue keeps out "
        "of `quotes[]`) and touch no gold direct quote; the gold is unchanged.",
        "",
        f"Statements (`statements[]`) against gold indirect and mixed attributions: "
        f"{reported['n_system']} found, overlap P / R / F1 {ov['P']:.1f} / {ov['R']:.1f} / "
        f"{ov['F1']:.1f} (of {reported['n_gold']}; PolNeAR also counts beliefs and sources "
        f"of information, which are not speech), speaker offset {off['accuracy']:.1f}.",
        "",
        "Published (README of the data): the regex floor computed there, dev, overlap F1 73.8, "
        "exact F1 44.2, speaker name accuracy 34.4% (n = 224). No published direct-quote "
        "score on PolNeAR; CofeNet's content F1 72.9 (test, all attribution types, exact "
        "span) is a different protocol.",
        f"Run time (ours, {split}): {seconds:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--update", metavar="FILE", help="rewrite the quotes block of FILE")
    parser.add_argument("--dump", type=Path, help="write our predictions (JSONL) here")
    parser.add_argument(
        "--errors", action="store_true", help="print the error breakdown (study train with it)"
    )
    args = parser.parse_args(argv)
    docs_path = args.data / "polnear_docs.jsonl"
    if not docs_path.is_file():
        print(f"{docs_path}: not found; pass --data PATH/TO/polnear", file=sys.stderr)
        return 1
    docs = [d for d in _load(docs_path) if d["compartment"] == args.split]
    if args.limit:
        docs = docs[: args.limit]
    keep = {d["doc_id"]: d["text"] for d in docs}
    gold = [
        {**g, "_text": keep[g["doc_id"]]}
        for g in _load(args.data / "polnear_attributions.jsonl.gz")
        if g["primary"] and g["doc_id"] in keep
    ]
    scorer = _scorer(args.data)
    models = Models()
    start = time.perf_counter()
    mine = ours(docs, models)
    seconds = time.perf_counter() - start
    if args.dump:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in mine), encoding="utf-8")
    quotes = [r for r in mine if r["kind"] == "direct"]
    statements = [r for r in mine if r["kind"] == "reported"]
    whole = [r for r in quotes if not r["partial"]]
    aside_whole = inside_mixed(scorer, whole, gold)
    aside_all = inside_mixed(scorer, quotes, gold)
    n_mixed = sum(g["quote_type"] == "mixed" for g in gold)
    results = {
        "newsdesk, whole quotes": score(scorer, docs, whole, gold),
        "newsdesk, all of quotes[] (partial quotes count as errors)": score(
            scorer, docs, quotes, gold
        ),
        "regex baseline (README floor)": score(scorer, docs, baseline(docs), gold),
        f"set aside: whole quotes, without the {len(aside_whole)} inside gold mixed content": (
            score(scorer, docs, [r for r in whole if r not in aside_whole], gold)
        ),
        f"set aside: all of quotes[], without the {len(aside_all)} inside gold mixed content": (
            score(scorer, docs, [r for r in quotes if r not in aside_all], gold)
        ),
    }
    reported = score(scorer, docs, statements, gold, types="indirect,mixed")
    markdown = table(args.split, results, seconds, reported, n_mixed)
    sys.stdout.write(markdown)
    if args.errors:
        print(f"\nErrors of whole quotes against gold direct quotes ({args.split}):")
        for name, n in breakdown(scorer, quotes, gold).items():
            print(f"{n:6d}  {name}")
    if args.update:
        path = Path(args.update)
        path.write_text(replace_block(path.read_text(encoding="utf-8"), BLOCK, markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
