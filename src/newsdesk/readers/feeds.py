"""RSS/Atom feeds and OPML feed lists.

Feeds are parsed with feedparser from bytes we fetched ourselves (``newsdesk.fetch``):
feedparser is never given a URL or a path, so it never opens anything on its own. Hostile XML
is stopped before feedparser sees it: a document whose DTD declares entities, as expat reads
its prolog (the "billion laughs" expansion bomb and external entities such as
``SYSTEM "file:///etc/passwd"``), is refused, and OPML is parsed with defusedxml on top of
that check. External DTDs named in a ``<!DOCTYPE>`` are never loaded (feedparser turns
``external-general-entities`` off, and expat does not fetch DTDs).

Each item becomes an ``Article``: title, link, date, author, outlet (the feed's title) and
text from the item's content or summary or, when a ``fetch_page`` function is given, from the
linked page. Items whose link is not http(s) (``file:``, ``javascript:``, ...) are refused.
A broken item is counted in ``Feed.failures`` and skipped; the rest are read.

Teasers: an item whose text is under ``TEASER_WORDS`` words, or only a description cut off
("…", "Read more"), is a teaser, not an article. With ``parse_feed(teasers=True)`` (what
``watch`` does) a teaser's page is fetched (at most ``MAX_TEASER_PAGES`` per feed read, through
the caller's fetcher: its limits, politeness and address guard apply), and an item that is
still a teaser goes to ``Feed.teasers``, kept out of clustering and briefs until its page
can be had.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

from ..articles import make_article
from ..errors import InputError
from ..models import Article, ReadFailure
from .dates import check_date, drop_date, parse_date

__all__ = [
    "Feed",
    "FeedList",
    "MAX_FEED_BYTES",
    "MAX_OPML_FEEDS",
    "READER",
    "check_xml",
    "html_to_text",
    "is_opml",
    "parse_feed",
    "parse_opml",
    "read_feed_stream",
]

# Feeds past this size are refused: the biggest real feeds we know of (full-text feeds with
# 100+ items) are ~3 MB; this leaves room without letting one feed take the memory.
MAX_FEED_BYTES = 10_000_000
# An OPML list past this many feeds is cut (a reading list, not a crawl seed).
MAX_OPML_FEEDS = 1000

FetchPage = Callable[[str], Article]

#: Fewer words than this is a teaser, not an article. A feed description is one or two
#: sentences; of ECB+'s train-topic articles (topics 1-35, 772 documents) 5% are under 31
#: words, 1% under 19. Re-run tests/test_feeds.py and tests/test_watch.py after changing it.
TEASER_WORDS = 30
#: Teaser pages fetched per feed read at most (the rest wait for the next poll).
MAX_TEASER_PAGES = 20
_CUT_OFF = re.compile(
    r"(?:…|\.\.\.|\[(?:…|\.\.\.)\]|\b(?:read\s+more|continue\s+reading|more)\s*(?:»|›|>|→)?)\s*$",
    re.IGNORECASE,
)


def is_teaser(text: str, *, full: bool = False) -> bool:
    """Return whether an item's text is a teaser: under ``TEASER_WORDS`` words, or (when it
    is only the description, ``full`` False) cut off with "…" or "Read more".

    Example:
        >>> is_teaser("Engineers closed the bridge."), is_teaser("word " * 40 + "Read more")
        (True, True)
    """
    stripped = text.strip()
    if len(stripped.split()) < TEASER_WORDS:
        return True
    return not full and _CUT_OFF.search(stripped) is not None


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_OPML_ROOT = re.compile(rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<opml[\s>]", re.DOTALL)
_WIDE_CODECS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def _ascii_views(data: bytes) -> Iterator[bytes]:
    """Yield ``data`` re-encoded to ASCII-compatible bytes under each encoding it may use."""
    yield data  # UTF-8, Latin-1, cp1252 and friends: markup bytes are ASCII as they stand
    head = data[:4]
    if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        for codec in _WIDE_CODECS:
            yield data.decode(codec, errors="ignore").encode("utf-8", errors="ignore")
    if head == b"\x4c\x6f\xa7\x94":  # "<?xm" in EBCDIC, which feedparser also reads
        yield data.decode("cp037", errors="ignore").encode("utf-8", errors="ignore")


class _Prolog(Exception):
    """Stops the prolog scan: ``declares`` is True at an entity declaration, False at the root."""

    def __init__(self, declares: bool) -> None:
        super().__init__(declares)
        self.declares = declares


def _declares_entities(view: bytes) -> bool:
    """True when the prolog of ``view`` declares an entity, as expat itself reads it.

    Entities can only be declared in the DTD, which precedes the root element, so expat
    reads up to the first start tag: comments, CDATA look-alikes and processing
    instructions are what the parser says they are, not what a pattern guesses. The
    encoding is fixed to Latin-1 (every byte valid; the markup is ASCII in every view).
    A prolog expat cannot read is judged on its text: any ``<!ENTITY`` refuses it.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate(encoding="iso-8859-1")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def declared(*_args: object) -> None:
        raise _Prolog(True)

    def root(*_args: object) -> None:
        raise _Prolog(False)

    parser.EntityDeclHandler = declared
    parser.UnparsedEntityDeclHandler = declared
    parser.StartElementHandler = root
    body = view.lstrip(b"\xef\xbb\xbf").lstrip()
    try:
        for start in range(0, len(body), 65536):
            parser.Parse(body[start : start + 65536], False)
        parser.Parse(b"", True)
    except _Prolog as stop:
        return stop.declares
    except expat.ExpatError:
        return bool(_ENTITY_DECL.search(body))
    return False


def check_xml(data: bytes, *, location: str) -> None:
    """Refuse XML that declares entities (expansion bombs, external entities).

    The document's prolog is read by expat (see ``_declares_entities``) under each
    encoding the document may use; any entity declaration refuses it. A DOCTYPE without
    declarations (RSS 0.91's) is allowed; external DTDs are never loaded.

    Args:
        data: the raw document.
        location: where it came from, for the message.

    Raises:
        InputError: the document's DTD declares an entity.

    Example:
        >>> check_xml(b'<!DOCTYPE r [<!ENTITY a "aaaa">]><rss/>', location="f.xml")
        Traceback (most recent call last):
        newsdesk.errors.InputError: f.xml: XML entity declarations are refused (...)
    """
    for view in _ascii_views(data):
        if _ENTITY_DECL.search(view) and _declares_entities(view):
            raise InputError(
                location,
                "XML entity declarations are refused (entity-expansion or external-entity risk)",
            )


def is_opml(data: bytes) -> bool:
    """True when ``data`` is an OPML document (its root element is ``<opml>``)."""
    return bool(_OPML_ROOT.match(data.lstrip(b"\xef\xbb\xbf")[:65536]))


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dd"}
        | {"dt", "blockquote", "pre", "tr", "table", "section", "article", "header", "footer"}
        | {"figure", "figcaption"}
    )
    _SKIP = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Turn an HTML fragment (a feed item's content) into paragraphs of plain text.

    Args:
        fragment: HTML or plain text.

    Returns:
        Paragraphs separated by blank lines, whitespace collapsed within each.

    Example:
        >>> html_to_text("<p>One &amp; two.</p><p>Three <b>four</b>.</p>")
        'One & two.\\n\\nThree four.'
    """
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    paragraphs = (" ".join(p.split()) for p in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and link, the items read and the items skipped (with why).

    ``notes`` records recoverable problems, e.g. a linked page that could not be fetched
    when the item's own summary was used instead.
    """

    location: str
    title: str | None
    link: str | None
    articles: tuple[Article, ...]
    failures: tuple[ReadFailure, ...] = ()
    notes: tuple[str, ...] = ()
    known: int = 0  # items left out because their link was in ``parse_feed(known=...)``
    teasers: tuple[Article, ...] = ()  # items that are only teasers (``parse_feed(teasers=True)``)


@dataclass(frozen=True)
class FeedList:
    """The feed URLs of an OPML list, and the entries refused (non-http, over the cap)."""

    location: str
    title: str | None
    feeds: tuple[str, ...]
    failures: tuple[ReadFailure, ...] = ()


def _http_url(link: str | None, base: str | None) -> tuple[str | None, str | None]:
    """Return (absolute http(s) URL or None, problem or None) for a link from a feed."""
    if not link or not link.strip():
        return None, None
    link = link.strip()
    try:
        if not urlsplit(link).scheme:
            if not base:
                return None, None  # relative link with nothing to resolve it against: no URL
            link = urljoin(base, link)
        scheme = urlsplit(link).scheme.lower()
    except ValueError:  # e.g. "http://[broken" (an unclosed IPv6 bracket)
        return None, "malformed link"
    if scheme not in ("http", "https"):
        return None, f"link uses scheme {scheme or 'none'!r}; only http(s) links are followed"
    return link, None


def _entry_date(entry: Mapping[str, Any]) -> str | None:
    # The date as the source wrote it ("Thu, 11 Jun 2020 23:30 -0400" is the 11th), which
    # feedparser's UTC-normalised *_parsed fields would move to the 12th.
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if isinstance(value, str):
            parsed = parse_date(value)
            if parsed:
                return parsed
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
            except ValueError:
                continue
    return None


def _detail_text(detail: Mapping[str, Any]) -> str:
    value = detail.get("value")
    if not isinstance(value, str):
        return ""
    kind = str(detail.get("type") or "text/html")
    if kind == "text/plain":
        return "\n\n".join(" ".join(p.split()) for p in value.split("\n\n") if p.strip())
    return html_to_text(value)


def _entry_text(entry: Mapping[str, Any]) -> tuple[str, bool]:
    """The item's fullest text, and whether it is full content (not only the description)."""
    candidates: list[tuple[str, bool]] = []
    for detail in entry.get("content") or ():
        if isinstance(detail, Mapping):
            candidates.append((_detail_text(detail), True))
    summary = entry.get("summary_detail")
    if isinstance(summary, Mapping):
        candidates.append((_detail_text(summary), False))
    elif isinstance(entry.get("summary"), str):
        candidates.append((html_to_text(entry["summary"]), False))
    # Full content beats a teaser; the longest candidate is the fullest text the feed has.
    return max(candidates, key=lambda c: len(c[0]), default=("", False))


def _text_field(entry: Mapping[str, Any], key: str) -> str | None:
    detail = entry.get(f"{key}_detail")
    if isinstance(detail, Mapping):
        text = _detail_text(detail)
        return text or None
    value = entry.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _language(code: object) -> str | None:
    if not isinstance(code, str) or not code.strip():
        return None
    primary = code.strip().split("-", 1)[0].split("_", 1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _item(
    entry: Mapping[str, Any],
    index: int,
    *,
    location: str,
    outlet: str | None,
    language: str | None,
    base: str | None,
    fetch_page: FetchPage | None,
    notes: list[str],
    teasers: bool = False,
) -> tuple[Article, bool]:
    where = f"{location}#item-{index + 1}"
    link, problem = _http_url(entry.get("link"), base)
    if problem:
        raise InputError(where, problem)
    title = _text_field(entry, "title")
    author = entry.get("author") if isinstance(entry.get("author"), str) else None
    published = _entry_date(entry)
    stated = next(
        (k for k in ("published", "updated", "created") if str(entry.get(k) or "").strip()), None
    )
    if stated is not None and (published is None or check_date(published) is None):
        drop_date(where, stated, entry.get(stated))  # a date the item gives but no calendar has
        published = None
    text, full = _entry_text(entry)
    if teasers and not is_teaser(text, full=full):
        fetch_page = None  # a full article: its page is not needed
    if fetch_page is not None and link:
        try:
            page = fetch_page(link)
        except InputError as exc:
            notes.append(f"{where}: page not used ({exc.reason})")
        else:
            if len(page.text) > len(text):
                text, full = page.text, True
            title = title or page.title
            author = author or page.author
            published = published or page.published
    if not text.strip():
        raise InputError(where, "item has no text (no content, summary or readable page)")
    article = make_article(
        text,
        location=link or where,
        title=title,
        url=link,
        outlet=outlet,
        published=published,
        author=author,
        language=language,
    )
    return article, teasers and is_teaser(text, full=full)


def parse_feed(
    data: bytes,
    *,
    location: str,
    url: str | None = None,
    fetch_page: FetchPage | None = None,
    known: Container[str] = (),
    teasers: bool = False,
) -> Feed:
    """Parse an RSS or Atom feed into articles, skipping (and counting) broken items.

    Args:
        data: the feed document as fetched (at most ``MAX_FEED_BYTES``).
        location: where it came from (URL or path), for messages and article locations.
        url: the feed's URL, against which relative links are resolved (default: location
            when it is an http(s) URL).
        fetch_page: optional function from an item's link to the article on that page (e.g.
            ``newsdesk.readers.urls.page_fetcher(fetcher)``); its text is used when longer
            than the item's own content.
        known: links of items already read (e.g. by an earlier poll): such items are left
            out, and their pages are not fetched again; ``Feed.known`` counts them.
        teasers: tell teasers from articles (``is_teaser``): only teasers' pages are
            fetched (at most ``MAX_TEASER_PAGES``), and items still teasers go to
            ``Feed.teasers`` instead of ``Feed.articles``.

    Returns:
        The ``Feed``.

    Raises:
        InputError: the document is too large, declares XML entities, or is not a feed.

    Example:
        >>> rss = (b"<rss version='2.0'><channel><title>Tide Gazette</title><item>"
        ...        b"<title>Dock reopens</title><link>https://tide.example/dock</link>"
        ...        b"<description>The north dock reopened on Monday.</description>"
        ...        b"</item></channel></rss>")
        >>> feed = parse_feed(rss, location="tide.xml")
        >>> feed.title, feed.articles[0].url, feed.articles[0].text
        ('Tide Gazette', 'https://tide.example/dock', 'The north dock reopened on Monday.')
    """
    import feedparser

    if len(data) > MAX_FEED_BYTES:
        raise InputError(location, f"feed larger than {MAX_FEED_BYTES // 1_000_000} MB")
    if not data.strip():
        raise InputError(location, "empty feed")
    check_xml(data, location=location)
    base = url or (location if urlsplit(location).scheme in ("http", "https") else None)
    headers = {"content-location": base} if base else {}
    # A stream, never a str/bytes: given a string feedparser may treat it as a URL or path.
    try:
        parsed = feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except (ValueError, LookupError, UnicodeError) as exc:
        # feedparser's fallback parsers raise on some mangled input (e.g. NUL in a header).
        raise InputError(location, f"unreadable feed ({type(exc).__name__}: {exc})") from exc
    meta: Mapping[str, Any] = parsed.get("feed") or {}
    entries: list[Any] = list(parsed.get("entries") or [])
    if not entries and not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({str(problem).splitlines()[0]})" if problem else ""
        raise InputError(location, f"not an RSS/Atom feed{detail}")
    outlet = _text_field(meta, "title")
    language = _language(meta.get("language"))
    feed_link, _ = _http_url(meta.get("link"), base)
    articles: list[Article] = []
    failures: list[ReadFailure] = []
    notes: list[str] = []
    n_known = 0
    held: list[Article] = []
    fetched = 0

    def counted(link: str) -> Article:
        nonlocal fetched
        fetched += 1
        assert fetch_page is not None
        return fetch_page(link)

    for index, entry in enumerate(entries):
        if known:
            link, _ = _http_url(entry.get("link"), base)
            if link is not None and link in known:
                n_known += 1
                continue
        try:
            article, teaser = _item(
                entry,
                index,
                location=location,
                outlet=outlet,
                language=language,
                base=base,
                fetch_page=None
                if fetch_page is None or (teasers and fetched >= MAX_TEASER_PAGES)
                else counted,
                notes=notes,
                teasers=teasers,
            )
        except InputError as exc:
            failures.append(ReadFailure(exc.location, exc.reason))
        except Exception as exc:  # untrusted markup: one odd item must not sink the feed
            failures.append(
                ReadFailure(f"{location}#item-{index + 1}", f"broken item ({type(exc).__name__})")
            )
        else:
            (held if teaser else articles).append(article)
    return Feed(
        location,
        outlet,
        feed_link,
        tuple(articles),
        tuple(failures),
        tuple(notes),
        n_known,
        tuple(held),
    )


def parse_opml(data: bytes, *, location: str) -> FeedList:
    """Read the feed URLs of an OPML list (http(s) only, first ``MAX_OPML_FEEDS``).

    Args:
        data: the OPML document.
        location: where it came from, for messages.

    Returns:
        The ``FeedList``; refused entries are in ``failures``.

    Raises:
        InputError: the document declares entities, is not XML, or is not OPML.

    Example:
        >>> opml = (b'<opml version="2.0"><body><outline text="Tide" '
        ...         b'xmlUrl="https://tide.example/rss"/></body></opml>')
        >>> parse_opml(opml, location="l.opml").feeds
        ('https://tide.example/rss',)
    """
    import xml.etree.ElementTree as ET

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_FEED_BYTES:
        raise InputError(location, f"OPML list larger than {MAX_FEED_BYTES // 1_000_000} MB")
    check_xml(data, location=location)
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except (ET.ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        # LookupError: an unknown encoding named in the XML declaration.
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(location, f"unreadable OPML ({detail})") from exc
    if root.tag.lower() != "opml":
        raise InputError(location, f"not an OPML list (root element <{root.tag}>)")
    head_title = root.findtext("head/title")
    base = location if urlsplit(location).scheme in ("http", "https") else None
    feeds: list[str] = []
    failures: list[ReadFailure] = []
    for index, outline in enumerate(root.iter("outline")):
        raw = next((v for k, v in outline.attrib.items() if k.lower() == "xmlurl"), None)
        if raw is None:
            continue
        link, problem = _http_url(raw, base)
        if problem or not link:
            failures.append(ReadFailure(f"{location}#outline-{index + 1}", problem or "empty"))
            continue
        if link in feeds:
            continue
        if len(feeds) >= MAX_OPML_FEEDS:
            failures.append(ReadFailure(location, f"more than {MAX_OPML_FEEDS} feeds; rest cut"))
            break
        feeds.append(link)
    title = head_title.strip() or None if isinstance(head_title, str) else None
    return FeedList(location, title, tuple(feeds), tuple(failures))


def read_feed_stream(stream: BinaryIO, location: str) -> Iterator[Article | ReadFailure]:
    """Read a feed file for ``read_articles``: its articles, then its skipped items.

    An OPML list names feeds rather than holding articles; it yields one failure saying how
    to poll it (file readers do not go to the network behind the caller's back).
    """
    data = stream.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise InputError(location, f"feed larger than {MAX_FEED_BYTES // 1_000_000} MB")
    if is_opml(data):
        listed = parse_opml(data, location=location)
        yield ReadFailure(
            location,
            f"OPML list of {len(listed.feeds)} feeds, not articles: "
            f"poll them with `newsdesk watch {location} --once`",
        )
        return
    feed = parse_feed(data, location=location)
    yield from feed.articles
    yield from feed.failures


READER = read_feed_stream
