"""``newsdesk watch``: poll feeds and OPML lists, ingesting new articles into the store."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import EMBEDDER_NAMES
from ..config import MIN_POLL_INTERVAL as MIN_INTERVAL
from ..models import Article
from .output import plural
from .output import skipped as skipped_line
from .progress import counting

if TYPE_CHECKING:
    from ..watch import FeedState, PollResult

__all__ = ["register"]

EXIT_OK = 0
EXIT_ERROR = 1


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < MIN_INTERVAL:
        raise argparse.ArgumentTypeError(
            f"must be at least {MIN_INTERVAL:g} seconds (polite polling)"
        )
    return value


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {kind.__name__}: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError("must be > 0")
        return value

    return parse


def register(subparsers: Any) -> None:
    """Add the ``watch`` command."""
    from ..store import default_db_path

    parser = subparsers.add_parser(
        "watch",
        help="poll RSS/Atom feeds and OPML lists, ingesting new articles into the store",
        description="Poll feeds politely (conditional GET, per-feed backoff on failures, "
        "timeouts and size limits on every fetch) and ingest each new item into the store, "
        "where duplicates are marked and stories grow. Feeds come as URLs or OPML lists "
        "(URLs or local files). Private, loopback and link-local addresses are refused "
        "unless allowed with --allow-network. Per-feed state (validators, items already "
        "seen) is kept in a JSON file beside the store, so repeated --once runs (e.g. "
        "from cron) fetch only what changed.",
        epilog="example:\n"
        "  newsdesk watch https://tide.example/rss.xml feeds.opml --db news.db --once\n"
        "  newsdesk watch https://tide.example/rss.xml --interval 600",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "sources", nargs="+", metavar="FEED_URL_OR_OPML", help="feed URLs, OPML URLs or files"
    )
    parser.add_argument("--db", help=f"the store (default: $NEWSDESK_DB, else {default_db_path()})")
    parser.add_argument(
        "--interval",
        type=_interval,
        default=900.0,
        metavar="S",
        help=f"seconds between polls of one feed (900; at least {MIN_INTERVAL:g})",
    )
    bounds = parser.add_mutually_exclusive_group()
    bounds.add_argument("--once", action="store_true", help="poll every feed once, then stop")
    bounds.add_argument(
        "--max-polls", type=_positive(int), metavar="N", help="stop after N polls in all"
    )
    parser.add_argument(
        "--fetch-pages",
        action="store_true",
        help="fetch each new item's page for its full text (by default only teasers' pages "
        "are fetched; a teaser whose page cannot be had waits for the next poll)",
    )
    parser.add_argument(
        "--timeout", type=_positive(float), default=20.0, metavar="S", help="per fetch (20)"
    )
    parser.add_argument(
        "--max-bytes",
        type=_positive(int),
        default=10_000_000,
        metavar="N",
        help="largest response accepted (10000000)",
    )
    parser.add_argument(
        "--allow-network",
        action="append",
        default=[],
        metavar="CIDR",
        help="also fetch from this non-public network, e.g. 10.0.0.0/8 (repeatable)",
    )
    parser.add_argument(
        "--state", metavar="PATH", help="per-feed state file (default: <db>.watch.json)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the backoff jitter (0)")
    parser.add_argument(
        "--embedder",
        choices=sorted(EMBEDDER_NAMES),
        default="minilm",
        help="text embedder (minilm)",
    )
    parser.set_defaults(handler=_watch)


def _load_states(path: Path) -> list[FeedState]:
    from ..watch import state_from_dict

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        print(f"newsdesk: ignoring unreadable watch state {path}: {exc}", file=sys.stderr)
        return []
    states: list[FeedState] = []
    for item in data.get("feeds", []) if isinstance(data, dict) else []:
        try:
            states.append(state_from_dict(item))
        except (ValueError, AttributeError):
            continue
    return states


def _save_states(path: Path, states: Sequence[FeedState]) -> None:
    from ..watch import state_to_dict

    payload = {"schema": "newsdesk.watch/1", "feeds": [state_to_dict(s) for s in states]}
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temp, path)  # atomic: a kill mid-write leaves the old state


def _describe(result: PollResult) -> str:
    if result.status == "error":
        return f"watch: {result.error}"
    if result.status == "list":
        return f"watch: {result.url}: OPML list of {plural(len(result.feeds), 'feed')}"
    if result.status == "not_modified":
        return f"watch: {result.url}: not modified"
    skipped = f", {plural(len(result.failures), 'item')} skipped" if result.failures else ""
    held = (
        f", {plural(len(result.teasers), 'teaser')} held back (page not fetched yet)"
        if result.teasers
        else ""
    )
    return f"watch: {result.url}: {len(result.articles)} new{skipped}{held}"


def _watch(args: argparse.Namespace) -> int:
    from ..fetch import Fetcher
    from ..ingest import ingest
    from ..nlp import Models
    from ..store import Store, default_db_path
    from ..watch import Watcher, WatchOptions
    from .stories import fetch_options_from

    db_path = Path(args.db) if args.db else Path(default_db_path())
    state_path = Path(args.state) if args.state else Path(f"{db_path}.watch.json")
    fetch_options = fetch_options_from(args)
    options = WatchOptions(
        interval=args.interval,
        max_backoff=max(6 * 3600.0, args.interval),
        seed=args.seed,
        once=args.once,
        max_polls=args.max_polls,
        fetch_pages=args.fetch_pages,
    )
    # Loads lazily: only when articles arrive.
    models = Models(embedder_name=args.embedder, story_workers=2)
    with (
        Store(db_path) as store,
        Fetcher(fetch_options) as fetcher,
        counting("watch", unit="new articles") as progress,
    ):

        def on_articles(articles: Sequence[Article]) -> None:
            report = ingest(store, articles, models)
            print(
                f"watch: stored {report.count('new')} new, "
                f"{plural(report.count('duplicate'), 'duplicate')}, "
                f"{report.count('existing')} already stored; "
                f"{plural(len(report.new_stories), 'new story', 'new stories')}, "
                f"{len(report.updated_stories)} updated",
                file=sys.stderr,
            )

        watcher: Watcher | None = None

        def on_poll(result: PollResult) -> None:
            print(_describe(result), file=sys.stderr)
            if result.teasers:
                # Held in the store, apart from articles, until their page can be had.
                with store.transaction():
                    store.hold_teasers(result.url, result.teasers)
            progress.advance(len(result.articles))
            if watcher is not None:
                _save_states(state_path, watcher.states)

        watcher = Watcher(
            args.sources,
            on_articles=on_articles,
            fetcher=fetcher,
            options=options,
            states=_load_states(state_path),
            on_poll=on_poll,
        )
        for skipped in watcher.skipped:
            print(skipped_line(skipped.location, skipped.reason), file=sys.stderr)
        summary = watcher.run()
        held = store.count_teasers()
    waiting = f"; {plural(held, 'teaser')} held until their page can be had" if held else ""
    print(
        f"watched {plural(len(summary.states), 'feed')}: {plural(summary.polls, 'poll')}, "
        f"{plural(summary.articles, 'new article')}, {plural(summary.errors, 'failed poll')}"
        f"{waiting}",
        file=sys.stderr,
    )
    return EXIT_ERROR if summary.polls and summary.errors == summary.polls else EXIT_OK
