"""``newsdesk ingest | stories | search``: fill the store, list its stories, search its articles."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..config import EMBEDDER_NAMES
from ..errors import InputError, StoreError
from ..models import Article, ReadFailure
from ..store import Store, default_db_path
from .output import one_line, plural
from .output import skipped as skipped_line
from .progress import Counter, counting

__all__ = ["open_store", "register", "since_date"]

# The same form the web API accepts for ``since`` (YYYY, YYYY-MM or YYYY-MM-DD).
_SINCE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

EXIT_OK = 0
EXIT_ERROR = 1


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="the store (default: $NEWSDESK_DB, else newsdesk.db in your data directory: "
        f"{default_db_path()})",
    )


def open_store(db: str | None, *, create: bool) -> Store:
    """Open the store at ``db`` (default: the data directory's); a read-only command
    (``create=False``) never creates one: a missing file is "no such store: PATH"."""
    path = db or str(default_db_path())
    if not create and path != ":memory:" and not Path(path).expanduser().is_file():
        raise StoreError(f"no such store: {path}")
    return Store(path)


def since_date(value: str) -> str:
    """Check a ``--since`` value as the web API does: YYYY, YYYY-MM or YYYY-MM-DD."""
    match = _SINCE.match(value)
    try:
        if match is None:
            raise ValueError(value)
        date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None
    return value


def _open(args: argparse.Namespace) -> Store:
    return open_store(args.db, create=args.handler is _ingest)


def register(subparsers: Any) -> None:
    """Add the ``ingest``, ``stories`` and ``search`` commands."""

    ingest = subparsers.add_parser(
        "ingest",
        help="read articles into the store: drop duplicates, group reports into stories",
        description="Read articles (text, HTML, JSONL files, directories, globs, - for "
        "stdin, or http(s) URLs of pages, feeds and OPML lists), clean them and add them to "
        "the store. Copies of stored articles are marked as duplicates; every article joins "
        "a story. Articles already stored are skipped, so re-running on the same input "
        "changes nothing. URLs are fetched with timeouts and size limits; private, loopback "
        "and link-local addresses are refused unless allowed with --allow-network.",
        epilog="example:\n  newsdesk ingest reports/ --db news.db\n"
        "  cat dump.jsonl | newsdesk ingest - --json\n"
        "  newsdesk ingest https://tide.example/rss.xml https://tide.example/a.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument(
        "paths", nargs="+", metavar="PATH_OR_URL", help="inputs; - reads stdin; http(s) URLs"
    )
    ingest.add_argument(
        "--fetch-pages",
        action="store_true",
        help="for feed URLs, fetch each item's page for its full text (else the feed's content)",
    )
    ingest.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="per URL fetch (20)"
    )
    ingest.add_argument(
        "--max-bytes",
        type=int,
        default=10_000_000,
        metavar="N",
        help="largest response accepted (10000000)",
    )
    ingest.add_argument(
        "--allow-network",
        action="append",
        default=[],
        metavar="CIDR",
        help="also fetch from this non-public network, e.g. 10.0.0.0/8 (repeatable)",
    )
    _add_db(ingest)
    ingest.add_argument("--json", action="store_true", help="print one JSON result per article")
    ingest.add_argument(
        "--batch-size", type=int, default=256, help="articles per transaction (256)"
    )
    ingest.add_argument(
        "--embedder",
        choices=sorted(EMBEDDER_NAMES),
        default="minilm",
        help="text embedder (minilm)",
    )
    ingest.set_defaults(handler=_ingest)

    stories = subparsers.add_parser(
        "stories",
        help="list the stories in the store, newest and biggest first",
        description="List stories: id, number of articles and of distinct outlets, dates, "
        "headline.",
        epilog="example:\n  newsdesk stories --since 2020-06-01 --search troops --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_db(stories)
    stories.add_argument(
        "--since",
        type=since_date,
        metavar="DATE",
        help="only stories last published >= DATE (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    stories.add_argument("--search", metavar="QUERY", help="only stories with a matching article")
    stories.add_argument("--limit", type=int, default=50, help="at most N stories (50)")
    stories.add_argument("--json", action="store_true", help="print a JSON array")
    stories.set_defaults(handler=_stories)

    search = subparsers.add_parser(
        "search",
        help="full-text search over the stored articles",
        description="Search titles, bodies and outlets of the stored articles (all words must "
        "match; a trailing * matches a prefix).",
        epilog='example:\n  newsdesk search "troop withdrawal" --limit 5',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", help="words to find")
    _add_db(search)
    search.add_argument("--limit", type=int, default=20, help="at most N hits (20)")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.set_defaults(handler=_search)


def fetch_options_from(args: argparse.Namespace) -> Any:
    """Build ``FetchOptions`` from --timeout, --max-bytes and --allow-network, with errors
    that name the flag the user typed (not the library's field)."""
    import ipaddress

    from ..fetch import FetchOptions

    if args.timeout <= 0:
        raise InputError("--timeout", f"must be more than 0 seconds, not {args.timeout:g}")
    if args.max_bytes <= 0:
        raise InputError("--max-bytes", f"must be more than 0, not {args.max_bytes}")
    for network in args.allow_network:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise InputError(
                "--allow-network", f"{network!r} is not a CIDR block (e.g. 10.0.0.0/8)"
            ) from None
    return FetchOptions(
        timeout=args.timeout, max_bytes=args.max_bytes, allow_networks=tuple(args.allow_network)
    )


def _is_url(arg: str) -> bool:
    return arg.lower().startswith(("http://", "https://"))


def _ingest(args: argparse.Namespace) -> int:
    from ..ingest import IngestOptions, ingest
    from ..nlp import Models
    from ..readers import iter_articles

    if args.batch_size < 1:
        raise InputError("--batch-size", "must be >= 1")
    urls = [p for p in args.paths if _is_url(p)]
    files = [p for p in args.paths if not _is_url(p)]
    fetched: list[Article | ReadFailure] = []
    if urls:
        from ..readers.urls import read_urls

        fetch_options = fetch_options_from(args)
        result = read_urls(urls, options=fetch_options, fetch_pages=args.fetch_pages)
        fetched = [*result.failures, *result.articles]
    skipped = 0

    def articles(progress: Counter) -> Iterator[Article]:
        # Files stream through (a 1 GB JSONL is never held whole), then URLs; a failure is
        # reported the moment it is met and the rest goes on.
        nonlocal skipped
        for item in itertools.chain(iter_articles(files) if files else (), fetched):
            if isinstance(item, ReadFailure):
                skipped += 1
                print(skipped_line(item.location, item.reason), file=sys.stderr)
            else:
                progress.advance()
                yield item

    with _open(args) as store, counting("ingest", unit="articles read") as progress:
        report = ingest(
            store,
            articles(progress),
            Models(embedder_name=args.embedder, story_workers=2),
            options=IngestOptions(batch_size=args.batch_size),
        )
    if args.json:
        for item in report.results:
            print(json.dumps(dataclasses.asdict(item), ensure_ascii=False))
    print(
        f"ingested {plural(len(report.results), 'article')}: {report.count('new')} new, "
        f"{plural(report.count('duplicate'), 'duplicate')}, "
        f"{report.count('existing')} already stored; "
        f"{plural(len(report.new_stories), 'new story', 'new stories')}, "
        f"{len(report.updated_stories)} updated"
        + (f"; {plural(skipped, 'input')} skipped" if skipped else ""),
        file=sys.stderr,
    )
    return EXIT_ERROR if skipped and not report.results else EXIT_OK


def _stories(args: argparse.Namespace) -> int:
    from ..stories import explain

    with _open(args) as store:
        rows = store.stories(since=args.since, search=args.search, limit=max(0, args.limit))
        # Why each story's reports are together: the line its brief shows.
        why = {r.id: explain(store.story_articles(r.id)) for r in rows} if args.json else {}
    if args.json:
        listed = [{**dataclasses.asdict(r), "why": why[r.id]} for r in rows]
        print(json.dumps(listed, ensure_ascii=False, indent=1))
        return EXIT_OK
    for r in rows:
        dates = r.first_published or "undated"
        if r.last_published and r.last_published != r.first_published:
            dates += f"..{r.last_published}"
        counts = f"{plural(r.n_articles, 'article'):>12} {plural(r.n_sources, 'outlet'):>10}"
        print(f"{r.id}  {counts}  {dates}  {one_line(r.headline)}")
    if not rows:
        print("no stories" + (" match" if args.search or args.since else ""), file=sys.stderr)
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    with _open(args) as store:
        hits = store.search(args.query, limit=max(0, args.limit))
    if args.json:
        print(json.dumps([dataclasses.asdict(h) for h in hits], ensure_ascii=False, indent=1))
        return EXIT_OK
    if not hits:
        print(f"no results for {one_line(args.query)!r}", file=sys.stderr)
    for h in hits:
        head = " · ".join(one_line(x) for x in (h.outlet, h.published, h.title) if x)
        print(f"{h.article_id}  story {h.story_id}  {head}\n    {one_line(h.snippet)}")
    return EXIT_OK
