"""Date resolution on TempEval-3 TBAQ: value accuracy of the gold date expressions, by precision.

Each gold DATE timex whose value is a calendar year, month or day (1,045 of 1,822) is resolved
from its own sentence and the document's date (DCT) by ``newsdesk.dates.resolve_date`` -- the
function ``find_dates`` calls for the timeline -- with the sentence parsed by the product's
spaCy pipeline (``ClauseParser(Models().nlp).doc``). The baseline in the same run is
``dateparser`` with the DCT as ``RELATIVE_BASE`` (its ``period`` gives the precision). Exact
string match, as TempEval-3 scores values; a missing answer is wrong.

Split: documents whose blake2b(doc_id) digest starts with an even byte are the train half
(the word lists and rules of ``newsdesk.dates`` were chosen there); the odd ones are held out
and are what the README shows. "relative" = expressions without a four-digit year (they need
the DCT); it cuts across day/month/year.

    python benchmarks/dates.py --data ../shared/data/tempeval3_tbaq [--split train] [--update README.md]
        [--errors month]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any

from newsdesk.conflicts.clauses import ClauseParser
from newsdesk.dates import resolve_date
from newsdesk.nlp import Models

CLASSES = ("day", "month", "year")
MARK = "dates benchmark"
# Published TempEval-3 Task A numbers (data README, UzZaman et al. 2013 Table 3): value
# accuracy on the 2013 evaluation corpus, all timex types, found by the systems themselves.
PUBLISHED = (("HeidelTime-t", 85.9), ("NavyTime-1,2", 78.6), ("SUTime", 74.6))


def split_of(doc_id: str) -> str:
    """train or test: a stable hash of the document id (the split this benchmark defines)."""
    return "train" if hashlib.blake2b(doc_id.encode()).digest()[0] % 2 == 0 else "test"


def _dateparser() -> Callable[[str, str], str | None]:
    from dateparser.date import DateDataParser  # type: ignore[import-untyped]

    # DateDataParser takes its settings at construction; one parser per DCT is cached.
    cache: dict[str, Any] = {}

    def with_base(text: str, dct: str) -> str | None:
        if dct not in cache:
            cache[dct] = DateDataParser(
                languages=["en"],
                settings={"RELATIVE_BASE": dt.datetime.fromisoformat(dct)},
            )
        data = cache[dct].get_date_data(text)
        if data.date_obj is None:
            return None
        day: dt.date = data.date_obj.date()
        period = data.period or "day"
        if period == "year":
            return f"{day.year:04d}"
        if period == "month":
            return f"{day.year:04d}-{day.month:02d}"
        if period in {"day", "time"}:
            return day.isoformat()
        return None

    return with_base


def _rows(data: Path, split: str) -> list[dict[str, Any]]:
    rows = []
    for line in (data / "tbaq_timexes.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["value_granularity"] not in CLASSES or row["type"] not in {"DATE", "TIME"}:
            continue
        if split != "all" and split_of(row["doc_id"]) != split:
            continue
        rows.append(row)
    return rows


def _classes(row: dict[str, Any]) -> list[str]:
    found = [row["value_granularity"], "all"]
    if not re.search(r"\b\d{4}\b", row["text"]):
        found.append("relative")
    return found


def score(
    data: Path, split: str, errors: str | None = None
) -> tuple[dict[str, dict[str, int]], Counter[str], float]:
    """Correct answers per class for each system, the class sizes, and the run time.

    With ``errors`` (a class: day, month, year, relative), print our wrong answers of that
    class with their sentence (study them on train).
    """
    rows = _rows(data, split)
    started = time.perf_counter()
    parser = ClauseParser(Models().nlp)
    parser.prepare([row["sentence"] for row in rows])
    baseline = _dateparser()
    sizes: Counter[str] = Counter()
    right: dict[str, dict[str, int]] = {"newsdesk": Counter(), "dateparser": Counter()}
    for row in rows:
        sentence = row["sentence"]
        start, end = row["start"] - row["sentence_start"], row["end"] - row["sentence_start"]
        if sentence[start:end] != row["text"]:
            raise SystemExit(f"{data}: offsets of {row['doc_id']} {row['tid']} miss their text")
        ours = resolve_date(
            sentence, start, end, published=row["dct_date"], doc=parser.doc(sentence)
        )
        answers = {
            "newsdesk": ours.date if ours else None,
            "dateparser": baseline(row["text"], row["dct_date"]),
        }
        if errors in _classes(row) and answers["newsdesk"] != row["value"]:
            marked = f"{sentence[:start]}[{sentence[start:end]}]{sentence[end:]}"
            print(
                f"{row['doc_id']} {row['tid']}: gold {row['value']}, ours "
                f"{answers['newsdesk']}, DCT {row['dct_date']}: {marked}"
            )
        for name in _classes(row):
            sizes[name] += 1
            for system, answer in answers.items():
                right[system][name] += int(answer == row["value"])
    return right, sizes, time.perf_counter() - started


def table(right: dict[str, dict[str, int]], sizes: Counter[str], split: str) -> str:
    names = [*CLASSES, "relative", "all"]
    head = "| system | " + " | ".join(f"{n} ({sizes[n]})" for n in names) + " |"
    lines = [head, "|---" * (len(names) + 1) + "|"]
    for system, label in (
        ("newsdesk", "newsdesk (`resolve_date`)"),
        ("dateparser", f"dateparser {_version('dateparser')}, DCT as RELATIVE_BASE"),
    ):
        cells = [f"{100 * right[system][n] / sizes[n]:.1f}" if sizes[n] else "-" for n in names]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    published = "; ".join(f"{name} {value}" for name, value in PUBLISHED)
    return "\n".join(
        [
            f"### Dates: TempEval-3 TBAQ, value accuracy (%) of the gold date expressions, {split} split",
            "",
            "`python benchmarks/dates.py --data ../shared/data/tempeval3_tbaq --update README.md`",
            "",
            *lines,
            "",
            "Exact-string match of the resolved value for the gold expressions in their sentences",
            '(column = gold precision class, with its count; "relative" = no four-digit year in',
            "the expression). Rules were chosen on the other half of the documents (the train split:",
            "even first byte of blake2b(doc_id)). Published TempEval-3 value accuracy (all timex",
            f"types, on the 2013 evaluation corpus, not this one): {published}.",
        ]
    )


def replace_section(document: str, content: str) -> str:
    """Replace the ``<!-- dates benchmark -->`` block, or add it before "### Speed"."""
    block = f"<!-- {MARK} -->\n{content}\n<!-- /{MARK} -->"
    pattern = re.compile(rf"<!-- {MARK} -->.*?<!-- /{MARK} -->", re.S)
    if pattern.search(document):
        return pattern.sub(lambda _: block, document)
    if "### Speed" in document:
        return document.replace("### Speed", f"{block}\n\n### Speed", 1)
    return f"{document.rstrip()}\n\n{block}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", default="../shared/data/tempeval3_tbaq", help="the folder")
    parser.add_argument("--split", choices=("train", "test", "all"), default="test")
    parser.add_argument("--update", metavar="FILE", help="rewrite the dates block of FILE")
    parser.add_argument(
        "--errors",
        choices=(*CLASSES, "relative"),
        help="print our wrong answers of this class (study them with --split train)",
    )
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "tbaq_timexes.jsonl").exists():
        print(
            f"{data}: no tbaq_timexes.jsonl (give --data the tempeval3_tbaq folder)",
            file=sys.stderr,
        )
        return 1
    right, sizes, seconds = score(data, args.split, args.errors)
    text = table(right, sizes, "held-out" if args.split == "test" else args.split)
    print(text)
    print(f"\n({seconds:.0f} s)")
    if args.update:
        path = Path(args.update)
        path.write_text(replace_section(path.read_text(encoding="utf-8"), text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
