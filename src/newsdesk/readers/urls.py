"""Articles from URLs: pages, RSS/Atom feeds and OPML lists, fetched through ``newsdesk.fetch``.

What a URL holds is decided by its first bytes (a feed, an OPML list, an HTML page), then by
its ``Content-Type``; plain text is read like a text file. Every fetch keeps the fetcher's
limits and address guard; a URL that fails becomes a ``ReadFailure`` and the rest are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..errors import InputError
from ..fetch import Fetcher, FetchOptions
from ..models import Article, ReadFailure
from . import ReadResult
from .decode import decode
from .feeds import FetchPage, is_opml, parse_feed, parse_opml
from .html import read_html
from .text import parse_text

__all__ = ["page_fetcher", "read_url", "read_urls", "sniff_kind"]

_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, */*;q=0.5"
)


def sniff_kind(data: bytes, content_type: str | None = None) -> str:
    """Say what fetched bytes are: ``"opml"``, ``"feed"``, ``"html"`` or ``"text"``.

    Args:
        data: the body.
        content_type: the ``Content-Type`` header, used when the bytes do not tell.

    Returns:
        The kind.

    Example:
        >>> sniff_kind(b"<?xml version='1.0'?><rss version='2.0'></rss>")
        'feed'
    """
    if is_opml(data):
        return "opml"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf")) or (
        head.startswith(b"<?xml") and any(t in head for t in (b"<rss", b"<feed", b"<rdf"))
    ):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head:
        return "html"
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return "feed"
    if kind in ("application/xml", "text/xml"):
        return "feed"
    if kind in ("text/html", "application/xhtml+xml"):
        return "html"
    return "text"


def page_fetcher(fetcher: Fetcher) -> FetchPage:
    """Make a ``fetch_page`` function for ``parse_feed``: URL -> article on that page.

    Args:
        fetcher: the fetcher whose limits and guard apply.

    Returns:
        A function that raises ``InputError`` when the page cannot be fetched or read.
    """

    def fetch_page(url: str) -> Article:
        result = fetcher.fetch(url, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
        return read_html(result.content, location=result.url, url=result.url)

    return fetch_page


def _read_fetched(
    url: str, data: bytes, content_type: str | None, fetcher: Fetcher, fetch_pages: bool
) -> Iterator[Article | ReadFailure]:
    kind = sniff_kind(data, content_type)
    if kind == "opml":
        listed = parse_opml(data, location=url)
        yield from listed.failures
        for feed_url in listed.feeds:
            try:
                result = fetcher.fetch(feed_url, accept=_FEED_ACCEPT)
                if is_opml(result.content):
                    # One level only: a list of lists could make us crawl.
                    yield ReadFailure(feed_url, "OPML list inside an OPML list, not followed")
                    continue
                yield from _feed_items(result.url, result.content, fetcher, fetch_pages)
            except InputError as exc:
                yield ReadFailure(exc.location, exc.reason)
    elif kind == "feed":
        yield from _feed_items(url, data, fetcher, fetch_pages)
    elif kind == "html":
        yield read_html(data, location=url, url=url)
    else:
        article = parse_text(decode(data, location=url).text, location=url)
        if not article.text.strip():
            raise InputError(url, "no article text")
        yield article


def _feed_items(
    url: str, data: bytes, fetcher: Fetcher, fetch_pages: bool
) -> Iterator[Article | ReadFailure]:
    feed = parse_feed(data, location=url, fetch_page=page_fetcher(fetcher) if fetch_pages else None)
    yield from feed.articles
    yield from feed.failures


def read_url(
    url: str, *, fetcher: Fetcher, fetch_pages: bool = False
) -> list[Article | ReadFailure]:
    """Fetch one URL and read the articles it holds (a page, a feed's items, an OPML's feeds).

    Args:
        url: an http(s) URL.
        fetcher: the fetcher to use (its limits and address guard apply to every request).
        fetch_pages: for feeds, also fetch each item's linked page for its full text.

    Returns:
        Articles and failures, in document order; never raises on bad data.
    """
    try:
        result = fetcher.fetch(url, accept=_FEED_ACCEPT)
        return list(
            _read_fetched(result.url, result.content, result.content_type, fetcher, fetch_pages)
        )
    except InputError as exc:
        return [ReadFailure(exc.location, exc.reason)]


def read_urls(
    urls: Sequence[str],
    *,
    options: FetchOptions | None = None,
    fetcher: Fetcher | None = None,
    fetch_pages: bool = False,
) -> ReadResult:
    """Read the articles behind ``urls``, like ``read_articles`` does for files.

    Args:
        urls: http(s) URLs of pages, feeds or OPML lists.
        options: fetch limits (used when no ``fetcher`` is given).
        fetcher: a fetcher the caller owns (else one is made and closed here).
        fetch_pages: for feeds, fetch each item's page for its full text.

    Returns:
        A ``ReadResult``; URLs that failed are in ``failures``, one line each.

    Example:
        >>> result = read_urls(["https://tide.example/rss.xml"])  # doctest: +SKIP
        >>> len(result.articles), len(result.failures)  # doctest: +SKIP
        (12, 0)
    """
    own = fetcher is None
    active = fetcher if fetcher is not None else Fetcher(options)
    articles: list[Article] = []
    failures: list[ReadFailure] = []
    try:
        for url in urls:
            for item in read_url(url, fetcher=active, fetch_pages=fetch_pages):
                if isinstance(item, ReadFailure):
                    failures.append(item)
                else:
                    articles.append(item)
    finally:
        if own:
            active.close()
    return ReadResult(tuple(articles), tuple(failures))
