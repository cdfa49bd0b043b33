"""``newsdesk eval``: score our summaries (DUC 2004) and our HTML reader against published numbers.

Each subcommand prints a Markdown table (or JSON with ``--json``); ``--update FILE`` rewrites
the block between ``<!-- newsdesk eval NAME -->`` and ``<!-- /newsdesk eval NAME -->`` in FILE,
so the README's results are produced by the command, never typed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError
from .progress import counting

__all__ = ["register", "replace_block"]

EXIT_OK = 0


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdesk" / "duc2004"


def register(subparsers: Any) -> None:
    """Add the ``eval`` command and its ``summaries`` / ``extraction`` subcommands."""
    parser = subparsers.add_parser(
        "eval",
        help="score summaries (DUC 2004) and HTML extraction against published systems",
        description="Score newsdesk against public benchmarks, beside published numbers.",
        epilog="example:\n  newsdesk eval summaries --data ../shared/data/duc2004\n"
        "  newsdesk eval extraction --data ../shared/data/article_extraction_benchmark",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="eval_command", metavar="BENCHMARK")
    parser.set_defaults(handler=lambda _args: _usage(parser))

    summaries = sub.add_parser(
        "summaries",
        help="ROUGE-1/2/4 recall on DUC 2004: calibration, baselines, ours (held-out folds)",
        description="ROUGE recall on DUC 2004 task 2 under the official settings (100 words, "
        "Porter stemming, stopwords kept, 4 references): the 13 published systems re-scored "
        "beside their official ROUGE-1.5.5 numbers, Lead / sumy LexRank / TextRank on the same "
        "inputs, and our summarizer (defaults, and options cross-validated over the clusters).",
        epilog="example:\n  newsdesk eval summaries --data ../shared/data/duc2004 "
        "--update README.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    summaries.add_argument("--data", required=True, help="the duc2004 data folder")
    summaries.add_argument("--folds", type=int, default=5, help="cross-validation folds (5)")
    summaries.add_argument("--limit", type=int, help="only the first N clusters (quick look)")
    summaries.add_argument(
        "--cache-dir",
        default=str(_default_cache()),
        help="cache of sentences and embeddings per cluster (default: %(default)s)",
    )
    summaries.add_argument("--no-cache", action="store_true", help="do not read or write a cache")
    summaries.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes preparing inputs and scoring systems (default: %(default)s)",
    )
    _output_options(summaries)
    summaries.set_defaults(handler=_summaries)

    extraction = sub.add_parser(
        "extraction",
        help="precision/recall/F1 of our HTML reader on an extraction benchmark",
        description="Run newsdesk's HTML reader on article_extraction_benchmark or "
        "trafilatura_eval, score it as the benchmark's README describes, and print it beside "
        "the published numbers.",
        epilog="example:\n  newsdesk eval extraction --data ../shared/data/trafilatura_eval "
        "--update README.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extraction.add_argument("--data", required=True, help="the benchmark folder")
    extraction.add_argument("--limit", type=int, help="only the first N pages (quick look)")
    _output_options(extraction)
    extraction.set_defaults(handler=_extraction)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("-o", "--output", help="also write the Markdown table to this file")
    parser.add_argument(
        "--update",
        metavar="FILE",
        help="replace the '<!-- newsdesk eval NAME -->' block of FILE (e.g. README.md)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def replace_block(document: str, name: str, content: str) -> str:
    """Replace the text between ``<!-- newsdesk eval NAME -->`` and its closing marker.

    Args:
        document: the file's text.
        name: the block name (``summaries``, ``article_extraction_benchmark``, ...).
        content: the new block body (Markdown).

    Returns:
        The updated document.

    Raises:
        ValueError: the markers are missing.

    Example:
        >>> doc = "<!-- newsdesk eval x -->\\nold\\n<!-- /newsdesk eval x -->"
        >>> replace_block(doc, "x", "new")
        '<!-- newsdesk eval x -->\\nnew\\n<!-- /newsdesk eval x -->'
    """
    start, end = f"<!-- newsdesk eval {name} -->", f"<!-- /newsdesk eval {name} -->"
    i, j = document.find(start), document.find(end)
    if i < 0 or j < i:
        raise ValueError(f"add the lines '{start}' and '{end}' where the table should go")
    return document[: i + len(start)] + "\n" + content.rstrip("\n") + "\n" + document[j:]


def _emit(args: argparse.Namespace, name: str, markdown: str, payload: Any) -> int:
    if args.json:
        print(json.dumps(payload, indent=2, sort_keys=True))
    else:
        sys.stdout.write(markdown)
    if args.output:
        if args.output == "-":
            sys.stdout.write(markdown)
        else:
            Path(args.output).write_text(markdown, encoding="utf-8")
    if args.update:
        path = Path(args.update)
        try:
            text = path.read_text(encoding="utf-8")
            path.write_text(replace_block(text, name, markdown), encoding="utf-8")
        except OSError as exc:
            raise InputError(str(path), f"cannot update ({exc.strerror})") from exc
        except ValueError as exc:
            raise InputError(str(path), str(exc)) from exc
    return EXIT_OK


@contextmanager
def _progress(args: argparse.Namespace) -> Iterator[Callable[[str], None] | None]:
    """Progress messages: a rich bar with counts and rate on a terminal, lines otherwise."""
    if args.quiet:
        yield None
        return
    if not sys.stderr.isatty():
        yield lambda message: print(f"newsdesk eval: {message}", file=sys.stderr, flush=True)
        return
    done = 0
    with counting("eval", unit="steps") as counter:

        def say(message: str) -> None:
            nonlocal done
            counter.note(f"eval: {message}")
            # "120/500 pages" moves the count to 120; any other message is one step.
            found = re.match(r"(\d+)/\d+ ", message)
            step = int(found[1]) - done if found else 1
            done += step
            counter.advance(max(step, 0))

        yield say


def _summaries(args: argparse.Namespace) -> int:
    from ..evaluation.summaries import evaluate_summaries, render_summaries_markdown
    from ..nlp import Models

    if args.folds < 0:
        raise InputError("--folds", "must be 0 (no cross-validation) or at least 2")
    if args.workers < 1:
        raise InputError("--workers", "must be at least 1")
    with _progress(args) as progress:
        result = evaluate_summaries(
            args.data,
            Models(),
            folds=args.folds,
            limit=args.limit,
            cache_dir=None if args.no_cache else args.cache_dir,
            progress=progress,
            workers=args.workers,
        )
    return _emit(args, "summaries", render_summaries_markdown(result), dataclasses.asdict(result))


def _extraction(args: argparse.Namespace) -> int:
    from ..evaluation.extraction import evaluate_extraction, render_extraction_markdown

    with _progress(args) as progress:
        result = evaluate_extraction(args.data, limit=args.limit, progress=progress)
    return _emit(
        args, result.benchmark, render_extraction_markdown(result), dataclasses.asdict(result)
    )
