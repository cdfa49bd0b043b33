"""``newsdesk brief``: read the reports of one event and write its brief."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..articles import clean
from ..briefs import BriefOptions, build_brief
from ..duplicates import DuplicateIndex, find_duplicates
from ..models import Article, Brief
from ..nlp import Models
from ..readers import read_articles
from ..renderers import FORMATS, render

__all__ = ["brief_from_paths", "register"]

EXAMPLE = """\
examples:
  newsdesk brief examples/harbour-bridge
  newsdesk brief reports/*.txt --format json -o brief.json
  newsdesk brief page.html feed-dump.jsonl --format html -o brief.html --words 150
  cat report.txt | newsdesk brief -
  newsdesk brief --story st-1a2b3c4d5e6f --db news.db --format html -o story.html

Bad inputs (empty, binary, missing, unparsable) are reported one line each on stderr and
skipped; the brief is written from the rest.
exit codes: 0 brief written, 1 no readable article or another error, 2 usage"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "brief",
        help="write the sourced brief of one event's reports",
        description="Read the reports of one event (text, Markdown, HTML, JSONL; files, "
        "directories, globs, - for stdin) and write its brief.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="input files, directories, globs or -"
    )
    parser.add_argument(
        "-f",
        "--format",
        choices=sorted(FORMATS),
        default="markdown",
        help="output format (default: markdown)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", default="-", help="write here (default: - for stdout)"
    )
    parser.add_argument(
        "--words", type=int, default=120, metavar="N", help="summary length in words (default: 120)"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no warnings or progress on stderr"
    )
    parser.add_argument(
        "--story",
        metavar="ID",
        help="brief a stored story (see `newsdesk stories`), cached until it changes",
    )
    parser.add_argument("--db", help="store for --story (default: $NEWSDESK_DB or data dir)")
    parser.set_defaults(handler=_run)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    """A rich spinner on stderr when it is a terminal; silent otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield lambda _stage: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("reading") as status:
        yield lambda stage: status.update(stage)


def dedupe(articles: Sequence[Article]) -> dict[str, str]:
    """Map each syndicated copy's id to the id of the article it copies."""
    matches = find_duplicates(articles, DuplicateIndex())
    by_id = {a.id: a for a in articles}
    groups: dict[str, set[str]] = {}
    for match in matches:
        if match.duplicate_of:
            groups.setdefault(match.duplicate_of, {match.duplicate_of}).add(match.article_id)
    out: dict[str, str] = {}
    for members in groups.values():
        # The original is the earliest published; on a tie, the first by location, so the
        # answer does not depend on ids (hashes) or input order.
        ordered = sorted(
            members, key=lambda i: (by_id[i].published or "9999", by_id[i].location, i)
        )
        out.update({member: ordered[0] for member in ordered[1:]})
    return out


def brief_from_paths(
    paths: Sequence[str],
    models: Models,
    *,
    options: BriefOptions | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[str], None] = lambda _stage: None,
) -> Brief | None:
    """Read, clean, dedupe and brief; report each unreadable input through ``warn``."""
    result = read_articles(paths)
    for failure in result.failures:
        warn(f"{failure.location}: {failure.reason} (skipped)")
    for warning in result.warnings:
        warn(warning)
    # One order whatever the argument order, and one copy per id (the same text at two paths
    # keeps the first by location), so the brief never depends on how the inputs were listed.
    unique: dict[str, Article] = {}
    for article in sorted(result.articles, key=lambda a: (a.location, a.id)):
        unique.setdefault(article.id, article)
    articles = [clean(a) for a in unique.values()]
    articles = [a for a in articles if a.text.strip()]
    if not articles:
        return None
    progress("duplicates")
    return build_brief(
        articles, models, options=options, duplicate_of=dedupe(articles), progress=progress
    )


def _run(args: argparse.Namespace) -> int:
    if args.story and args.paths:
        print("newsdesk brief: error: give PATHs or --story, not both", file=sys.stderr)
        return 2
    if args.story:
        from ..ingest import story_brief
        from ..store import Store, default_db_path

        with Store(args.db or default_db_path()) as store:
            stored = story_brief(store, args.story, Models())
        return _write(render(stored, args.format), args.output)
    if not args.paths:
        print("newsdesk brief: error: give at least one PATH (or - for stdin)", file=sys.stderr)
        return 2
    if args.words < 10:
        print("newsdesk brief: error: --words must be at least 10", file=sys.stderr)
        return 2

    def warn(message: str) -> None:
        if not args.quiet:
            print(f"newsdesk: {message}", file=sys.stderr)

    with _progress(not args.quiet) as progress:
        brief = brief_from_paths(
            args.paths,
            Models(),
            options=BriefOptions(words=args.words),
            warn=warn,
            progress=progress,
        )
    if brief is None:
        print("newsdesk: error: no readable article in the inputs", file=sys.stderr)
        return 1
    return _write(render(brief, args.format), args.output)


def _write(text: str, output: str) -> int:
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"newsdesk: error: {output}: cannot write ({exc.strerror})", file=sys.stderr)
            return 1
    return 0
