"""Poll RSS/Atom feeds politely and hand each new article to a callback (normally ``ingest``).

One ``FeedState`` per feed remembers its validators (ETag, Last-Modified) for conditional
GET, the links already delivered, when it is due next, and how many polls in a row failed.
A feed that fails waits exponentially longer (interval x 2^(failures-1), capped, with jitter
from a seeded RNG so that runs are reproducible and many feeds do not retry in lockstep);
a server's ``Retry-After`` is honoured. No feed is polled more often than ``MIN_INTERVAL``
and two requests to one host are at least ``host_gap`` apart.

An item that is only a teaser (``readers.feeds.is_teaser``: a few words, or a cut-off
description) has its page fetched through the same fetcher (its limits, politeness and address
guard apply); an item whose page cannot be had is held back, not delivered: ``FeedState.teasers``
lists it (saved with the state) and the feed is read again in full at its next poll to retry.

An OPML list (a local file, or a URL whose body is OPML) adds the feeds it names. Runs are
bounded by ``once`` (every feed once) or ``max_polls``; otherwise they go on until
interrupted. Clock and sleep are injectable so the schedule is testable without waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config import MIN_POLL_INTERVAL
from .errors import InputError
from .fetch import Fetcher, FetchResult
from .models import Article, ReadFailure
from .readers.feeds import is_opml, parse_feed, parse_opml
from .readers.urls import page_fetcher

__all__ = [
    "FeedState",
    "MAX_FEEDS",
    "MIN_INTERVAL",
    "PollResult",
    "WatchOptions",
    "WatchSummary",
    "Watcher",
    "next_delay",
    "state_from_dict",
    "state_to_dict",
]

# The politeness floor: feed publishers commonly ask for no more than one poll a minute
# (RSS <ttl> values and the Feedly/Inoreader defaults are 15-60 minutes).
MIN_INTERVAL = MIN_POLL_INTERVAL
# A watch is a reading list, not a crawler.
MAX_FEEDS = 1000
# Links remembered per feed to avoid re-delivering items; a busy feed carries 20-100 items,
# so this covers weeks of history while keeping the state small.
MAX_SEEN = 2000

_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/x-opml;q=0.9, */*;q=0.5"
)

OnArticles = Callable[[Sequence[Article]], object]


@dataclass(frozen=True)
class WatchOptions:
    """How to poll.

    ``interval`` is the wait between two good polls of one feed (at least ``MIN_INTERVAL``).
    ``max_backoff`` caps the wait after failures. ``jitter`` spreads each wait by up to
    +/- that fraction. ``once`` polls every feed (including those an OPML list adds) once;
    ``max_polls`` stops after that many polls in all. ``teasers`` fetches the pages of
    teaser items and holds back those whose page cannot be had; ``fetch_pages`` fetches the
    page of every item.
    """

    interval: float = 900.0
    max_backoff: float = 6 * 3600.0
    jitter: float = 0.1
    seed: int = 0
    once: bool = False
    max_polls: int | None = None
    fetch_pages: bool = False
    host_gap: float = 1.0
    teasers: bool = True

    def __post_init__(self) -> None:
        if self.interval < MIN_INTERVAL:
            raise ValueError(
                f"interval must be at least {MIN_INTERVAL:g} s (polite polling); "
                f"got {self.interval:g}"
            )
        if self.max_backoff < self.interval:
            raise ValueError("max_backoff must be >= interval")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        if self.max_polls is not None and self.max_polls < 0:
            raise ValueError("max_polls must be >= 0")
        if self.host_gap < 0:
            raise ValueError("host_gap must be >= 0")


@dataclass(frozen=True)
class FeedState:
    """What the watcher knows about one feed between polls."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_poll: float = 0.0  # on the watcher's clock
    failures: int = 0  # consecutive
    last_error: str | None = None
    seen: tuple[str, ...] = ()  # links (or ids) of items already delivered, oldest first
    is_list: bool = False  # an OPML list rather than a feed
    teasers: tuple[str, ...] = ()  # links of items held back as teasers (page not had yet)


@dataclass(frozen=True)
class PollResult:
    """The outcome of one poll: ``status`` is new | unchanged | not_modified | list | error."""

    url: str
    status: str
    articles: tuple[Article, ...] = ()
    failures: tuple[ReadFailure, ...] = ()
    feeds: tuple[str, ...] = ()  # feeds an OPML list named
    error: str | None = None
    delay: float = 0.0  # until this feed's next poll
    teasers: tuple[Article, ...] = ()  # items held back: only a teaser, page not had


@dataclass(frozen=True)
class WatchSummary:
    """What a run did."""

    polls: int
    articles: int
    errors: int
    states: tuple[FeedState, ...] = field(default=())


def next_delay(
    failures: int,
    *,
    options: WatchOptions,
    rng: random.Random,
    retry_after: float | None = None,
) -> float:
    """Return the seconds to wait before polling a feed again.

    Args:
        failures: consecutive failed polls (0 after a good poll).
        options: interval, cap and jitter.
        rng: the run's seeded random source (for jitter).
        retry_after: the server's ``Retry-After``, when it sent one.

    Returns:
        ``interval * 2**(failures-1)`` (just ``interval`` when 0), capped at
        ``max_backoff``, times a jitter factor in ``[1-jitter, 1+jitter]``; never below
        ``MIN_INTERVAL`` or ``retry_after``.

    Example:
        >>> opts = WatchOptions(interval=60, jitter=0)
        >>> [next_delay(n, options=opts, rng=random.Random(0)) for n in range(4)]
        [60.0, 60.0, 120.0, 240.0]
    """
    base = options.interval * (2 ** max(0, failures - 1))
    base = min(base, options.max_backoff)
    factor = 1.0 + options.jitter * (2.0 * rng.random() - 1.0)
    delay: float = max(MIN_INTERVAL, base * factor)
    if retry_after is not None:
        delay = max(delay, min(retry_after, options.max_backoff))
    return delay


def state_to_dict(state: FeedState) -> dict[str, Any]:
    """Turn a state into JSON-ready data (``next_poll`` is left out: it is clock-relative)."""
    return {
        "url": state.url,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "failures": state.failures,
        "last_error": state.last_error,
        "seen": list(state.seen),
        "is_list": state.is_list,
        "teasers": list(state.teasers),
    }


def state_from_dict(data: Mapping[str, Any]) -> FeedState:
    """Rebuild a state saved by ``state_to_dict`` (due at once).

    Raises:
        ValueError: the data is not a saved state.
    """
    url = data.get("url")
    if not isinstance(url, str):
        raise ValueError("saved feed state has no url")

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) else None

    seen = data.get("seen")
    teasers = data.get("teasers")
    failures = data.get("failures")
    return FeedState(
        url=url,
        etag=text("etag"),
        last_modified=text("last_modified"),
        failures=failures if isinstance(failures, int) and failures >= 0 else 0,
        last_error=text("last_error"),
        seen=tuple(s for s in seen if isinstance(s, str))[-MAX_SEEN:]
        if isinstance(seen, list)
        else (),
        is_list=bool(data.get("is_list", False)),
        teasers=tuple(t for t in teasers if isinstance(t, str))[-MAX_SEEN:]
        if isinstance(teasers, list)
        else (),
    )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


#: Feeds fetched at once (on different hosts: one host is never asked twice at a time). Each
#: fetch has its own total deadline, so a feed that drips bytes holds one of these, and the
#: other feeds go on being polled on time.
FETCH_WORKERS = 8


class Watcher:
    """Polls a set of feeds on a schedule and passes new articles to ``on_articles``.

    Args:
        sources: feed URLs, OPML URLs, or paths of local OPML files.
        on_articles: called with each poll's new articles (e.g. ``lambda a: ingest(store,
            a, models)``); items are remembered as delivered only after it returns.
        fetcher: the fetcher (its limits and address guard apply); the caller closes it.
        options: schedule and limits.
        states: saved states to resume from (validators and delivered links).
        clock: monotonic seconds (injectable for tests).
        sleep: waits that many seconds (injectable for tests).
        on_poll: called after every poll with its result (progress output).

    Raises:
        InputError: a source is neither an http(s) URL nor a readable OPML file.

    Example:
        >>> found: list[Article] = []
        >>> with Fetcher() as fetcher:  # doctest: +SKIP
        ...     Watcher(["https://tide.example/rss.xml"], on_articles=found.extend,
        ...             fetcher=fetcher, options=WatchOptions(once=True)).run()
    """

    def __init__(
        self,
        sources: Sequence[str],
        *,
        on_articles: OnArticles,
        fetcher: Fetcher,
        options: WatchOptions | None = None,
        states: Sequence[FeedState] = (),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_poll: Callable[[PollResult], object] | None = None,
    ) -> None:
        self.options = options or WatchOptions()
        self._on_articles = on_articles
        self._fetcher = fetcher
        self._clock = clock
        self._sleep = sleep
        self._on_poll = on_poll
        self._rng = random.Random(self.options.seed)
        self._saved = {s.url: s for s in states}
        self._states: dict[str, FeedState] = {}
        self._polled: set[str] = set()
        self._host_last: dict[str, float] = {}
        self.skipped: list[ReadFailure] = []
        now = clock()
        for source in sources:
            scheme = urlsplit(source).scheme.lower()
            if scheme in ("http", "https"):
                self._add(source, now)
            elif len(scheme) > 1 and "://" in source:  # len > 1: C:\feeds.opml is a path
                raise InputError(source, f"only http(s) feeds are watched (scheme: {scheme})")
            else:
                self._add_opml_file(source, now)

    @property
    def states(self) -> tuple[FeedState, ...]:
        """The current state of every feed, in the order they were added."""
        return tuple(self._states.values())

    def _add(self, url: str, now: float) -> None:
        if url in self._states:
            return
        if len(self._states) >= MAX_FEEDS:
            self.skipped.append(ReadFailure(url, f"more than {MAX_FEEDS} feeds; not watched"))
            return
        saved = self._saved.get(url)
        self._states[url] = (
            replace(saved, next_poll=now) if saved else FeedState(url, next_poll=now)
        )

    def _add_opml_file(self, source: str, now: float) -> None:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from exc
        if not is_opml(data):
            raise InputError(
                source,
                "not a feed URL or OPML list (read local feed files with `newsdesk ingest`)",
            )
        listed = parse_opml(data, location=source)
        self.skipped.extend(listed.failures)
        for url in listed.feeds:
            self._add(url, now)

    def run(self) -> WatchSummary:
        """Poll until the run's bound is reached (forever without ``once``/``max_polls``).

        Feeds are fetched independently (up to ``FETCH_WORKERS`` at once, one per host, the
        host's politeness gap kept), so one slow feed delays no other; each fetched feed is
        read, delivered and rescheduled on this thread, in the order the fetches finish.

        Returns:
            A ``WatchSummary`` of the polls made.
        """
        polls = articles = errors = started = 0
        limit = self.options.max_polls
        inflight: dict[Future[FetchResult], FeedState] = {}
        with ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="newsdesk-watch") as pool:
            while True:
                wake = None
                while len(inflight) < FETCH_WORKERS and (limit is None or started < limit):
                    state, wake = self._startable({_host(s.url) for s in inflight.values()})
                    if state is None:
                        wake = None
                        break
                    now = self._clock()
                    if wake > now:
                        if inflight:
                            break  # wait for a fetch to finish, at most until then
                        self._sleep(wake - now)
                    self._begin(state.url)
                    inflight[pool.submit(self._fetch, state)] = state
                    started += 1
                    wake = None
                if not inflight:
                    break  # nothing left to poll (or the bound is reached)
                timeout = None if wake is None else max(wake - self._clock(), 0.0)
                done, _ = wait(inflight, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: inflight[f].url):
                    result = self._complete(inflight.pop(future), future.result)
                    polls += 1
                    articles += len(result.articles)
                    errors += result.status == "error"
        return WatchSummary(polls, articles, errors, self.states)

    def _startable(self, busy: set[str]) -> tuple[FeedState | None, float]:
        """The next feed to poll whose host is not being fetched, and when it may start."""
        best: tuple[float, float, str] | None = None
        chosen = None
        for state in self._states.values():
            if self.options.once and state.url in self._polled:
                continue
            host = _host(state.url)
            if host in busy:
                continue
            wake = self._host_last.get(host, -1e18) + self.options.host_gap
            if not self.options.once:
                wake = max(wake, state.next_poll)
            key = (wake, state.next_poll, state.url)
            if best is None or key < best:
                best, chosen = key, state
        return chosen, (best[0] if best else 0.0)

    def poll(self, url: str) -> PollResult:
        """Poll one feed now: fetch it conditionally, deliver new items, reschedule it.

        Args:
            url: a watched feed's URL.

        Returns:
            The ``PollResult``.
        """
        state = self._begin(url)
        return self._complete(state, lambda: self._fetch(state))

    def _begin(self, url: str) -> FeedState:
        self._polled.add(url)
        self._host_last[_host(url)] = self._clock()
        return self._states[url]

    def _fetch(self, state: FeedState) -> FetchResult:
        """The network part of a poll (runs on a fetch worker)."""
        return self._fetcher.fetch(
            state.url, etag=state.etag, last_modified=state.last_modified, accept=_FEED_ACCEPT
        )

    def _complete(self, state: FeedState, fetched: Callable[[], FetchResult]) -> PollResult:
        """Read a fetched feed, deliver its new items and reschedule it (on the run's thread)."""
        url = state.url
        try:
            result = self._poll(state, fetched())
        except InputError as exc:
            failures = state.failures + 1
            retry_after = getattr(exc, "retry_after", None)
            delay = next_delay(
                failures, options=self.options, rng=self._rng, retry_after=retry_after
            )
            self._states[url] = replace(
                state,
                failures=failures,
                last_error=str(exc),
                next_poll=self._clock() + delay,
            )
            result = PollResult(url, "error", error=str(exc), delay=delay)
        if self._on_poll is not None:
            self._on_poll(result)
        return result

    def _poll(self, state: FeedState, fetched: FetchResult) -> PollResult:
        delay = next_delay(0, options=self.options, rng=self._rng)
        good = replace(
            state,
            failures=0,
            last_error=None,
            next_poll=self._clock() + delay,
            etag=fetched.etag or state.etag,
            last_modified=fetched.last_modified or state.last_modified,
        )
        if fetched.not_modified:
            self._states[state.url] = good
            return PollResult(state.url, "not_modified", delay=delay)
        if is_opml(fetched.content):
            listed = parse_opml(fetched.content, location=fetched.url)
            now = self._clock()
            for feed_url in listed.feeds:
                self._add(feed_url, now)
            self._states[state.url] = replace(good, is_list=True)
            return PollResult(
                state.url, "list", failures=listed.failures, feeds=listed.feeds, delay=delay
            )
        seen = set(state.seen)
        wants_pages = self.options.fetch_pages or self.options.teasers
        feed = parse_feed(
            fetched.content,
            location=fetched.url,
            fetch_page=page_fetcher(self._fetcher) if wants_pages else None,
            known=seen,
            teasers=self.options.teasers and not self.options.fetch_pages,
        )
        new: list[Article] = []
        keys: list[str] = []
        for article in feed.articles:
            key = article.url or article.id
            if key not in seen:
                seen.add(key)
                new.append(article)
                keys.append(key)
        if new:
            self._on_articles(new)
        held = tuple(t.url or t.id for t in feed.teasers)
        if held:
            # Read the feed in full next time (no validators) to retry the teasers' pages.
            good = replace(good, etag=None, last_modified=None)
        self._states[state.url] = replace(
            good, seen=(*state.seen, *keys)[-MAX_SEEN:], teasers=held[-MAX_SEEN:]
        )
        status = "new" if new else "unchanged"
        return PollResult(
            state.url, status, tuple(new), feed.failures, delay=delay, teasers=feed.teasers
        )
