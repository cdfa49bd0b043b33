"""``newsdesk brief``: read the reports of one event and write its brief."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import FORMAT_NAMES, load_options
from ..pipeline import brief, brief_story, dedupe, several_stories, story_inputs
from .output import write_markdown

if TYPE_CHECKING:
    from ..models import Brief
    from ..nlp import Models

__all__ = ["brief_from_paths", "dedupe", "register"]

EXAMPLE = """\
examples:
  newsdesk brief examples/harbour-bridge
  newsdesk brief reports/*.txt --format json -o brief.json
  newsdesk brief page.html feed-dump.jsonl --format html -o brief.html --words 150
  cat report.txt | newsdesk brief -
  newsdesk brief --story st-1a2b3c4d5e6f --db news.db --format html -o story.html
  newsdesk brief downloads/*.html --all --format json -o briefs.json

The inputs are grouped into stories with the clustering `ingest` uses (a brief has the id
and headline the store gives its story). When they form several stories, one line on stderr
says so ("12 inputs form 11 stories; briefing the largest (3 reports); --all for every
story") and the largest is briefed; --all writes one brief per story, largest first
(Markdown one after another, JSON a list). --one-story takes all inputs as one story.

Bad inputs (empty, binary, missing, unparsable) are skipped with one line each on stderr
("newsdesk: skipped PATH: reason"); the brief is written from the rest. On a terminal the
Markdown brief is rendered; piped or written with -o it stays Markdown.
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
        choices=sorted(FORMAT_NAMES),
        default="markdown",
        help="output format (default: markdown)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", default="-", help="write here (default: - for stdout)"
    )
    parser.add_argument(
        "--words",
        type=int,
        default=None,
        metavar="N",
        help="summary length in words (default: 120)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        dest="all_stories",
        help="one brief per story the inputs form (markdown or json)",
    )
    parser.add_argument(
        "--one-story",
        action="store_true",
        help="take all inputs as one story (no grouping), e.g. a topic cluster",
    )
    parser.add_argument("--config", metavar="FILE", help="options from this TOML file")
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


def brief_from_paths(paths: Sequence[str], models: Models, **kwargs: Any) -> Brief | None:
    """``newsdesk.brief`` with loaded models (kept for callers of the earlier name)."""
    return brief(paths, models=models, **kwargs)


def _run(args: argparse.Namespace) -> int:
    if args.story and args.paths:
        print("newsdesk brief: error: give PATHs or --story, not both", file=sys.stderr)
        return 2
    if args.all_stories and (args.story or args.format == "html"):
        print(
            "newsdesk brief: error: --all takes PATHs and writes markdown or json",
            file=sys.stderr,
        )
        return 2
    if args.words is not None and args.words < 10:
        print("newsdesk brief: error: --words must be at least 10", file=sys.stderr)
        return 2
    options = load_options(args.config, words=args.words, db=args.db)
    from ..nlp import Models

    models = Models(embedder_name=options.embedder)
    if args.paths:
        # The models load while the stages are imported and the inputs read and cleaned.
        models.preload()
    from ..renderers import render

    if args.story:
        from ..ingest import story_brief
        from .stories import open_store

        with open_store(options.db, create=False) as store:
            stored = story_brief(store, args.story, models)
        return _write(render(stored, args.format), args.output, markdown=args.format == "markdown")
    if not args.paths:
        print("newsdesk brief: error: give at least one PATH (or - for stdin)", file=sys.stderr)
        return 2

    def warn(message: str) -> None:
        if not args.quiet:
            print(f"newsdesk: {message}", file=sys.stderr)

    with _progress(not args.quiet) as progress:
        stories = story_inputs(
            args.paths, models, warn=warn, progress=progress, group=not args.one_story
        )
        if not stories:
            print("newsdesk: error: no readable article in the inputs", file=sys.stderr)
            return 1
        note = several_stories(stories)
        if note and not args.all_stories:
            warn(f"{note}; --all for every story")
        chosen = stories if args.all_stories else stories[:1]
        written = [brief_story(s, options, models=models, progress=progress) for s in chosen]
    if not args.all_stories:
        text = render(written[0], args.format)
    elif args.format == "json":
        text = json.dumps(
            [json.loads(render(b, "json")) for b in written], ensure_ascii=False, indent=2
        )
        text += "\n"
    else:
        text = "\n".join(render(b, args.format) for b in written)
    return _write(text, args.output, markdown=args.format == "markdown")


def _write(text: str, output: str, *, markdown: bool = False) -> int:
    if output == "-":
        if markdown:
            write_markdown(text)  # rendered on a terminal, verbatim when piped
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"newsdesk: error: {output}: cannot write ({exc.strerror})", file=sys.stderr)
            return 1
    return 0
