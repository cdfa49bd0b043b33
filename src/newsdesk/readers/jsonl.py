"""JSONL dumps: one article per line (text, title, url, outlet, published, author).

Records from other tools are read as they come: news-please (``maintext``, ``date_publish``,
``authors``, ``source_domain``) and trafilatura's JSON (``text``/``raw_text``, ``date``,
``sitename``/``hostname``, ``source`` as a URL). Dates may be ISO dates or date-times or epoch
seconds; a text field holding HTML is turned into text; hard-wrapped text is unwrapped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..articles import make_article
from ..models import Article, ReadFailure
from .dates import drop_date, parse_date
from .wrapping import unwrap

__all__ = ["ACCEPTED_TEXT_KEYS", "MAX_LINE_BYTES", "iter_jsonl", "record_article"]

# One article line longer than this is reported and skipped, not parsed: a 10 MB single
# line is not a news article.
MAX_LINE_BYTES = 4_000_000

#: The keys a record's body may come under, in order of preference.
ACCEPTED_TEXT_KEYS = ("text", "maintext", "raw_text", "body", "content", "articleBody")
_DATE_KEYS = ("published", "date_publish", "date", "published_at", "datePublished", "pubDate")
# Epoch seconds are believed between 1970 and 2200; anything else is not a publication date.
_EPOCH_MAX = 7_258_118_400
_HTML = re.compile(
    r"<(?:p|br|div|span|a|b|i|em|strong|h[1-6]|ul|ol|li|img|figure|table)\b[^>]*>", re.I
)
_URLISH = re.compile(r"^(?:https?://|www\.)|^[\w-]+(?:\.[\w-]+)+/?$", re.I)


def _field(record: dict[str, object], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _bounded_lines(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the lines of a stream without ever holding more than ``MAX_LINE_BYTES`` + 1 of one.

    Iterating a file object reads a whole line into memory, so a 1 GB single line would cost
    gigabytes; an overlong line here is cut at the limit (the caller reports it) and the rest
    of it is skipped in bounded chunks.
    """
    readline = getattr(lines, "readline", None)
    if readline is None:
        yield from lines
        return
    while True:
        line: bytes = readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            rest: bytes = readline(1 << 20)
            while rest and not rest.endswith(b"\n"):
                rest = readline(1 << 20)
        yield line


def _decode_reason(exc: json.JSONDecodeError) -> str:
    """The parser's message, whole: some end in "at" and expect the position after them
    ("Invalid control character at", "Unterminated string starting at")."""
    if exc.msg.endswith(" at"):
        return f"{exc.msg} column {exc.colno}"
    return exc.msg


def iter_jsonl(lines: Iterable[bytes], *, location: str) -> Iterator[Article | ReadFailure]:
    """Yield an ``Article`` per good line and a ``ReadFailure`` (with its true line number)
    per bad one; reading goes on after a bad line.

    Example:
        >>> [type(x).__name__ for x in iter_jsonl([b'{"text": "Hi there."}', b"{"], location="f")]
        ['Article', 'ReadFailure']
    """
    for number, raw in enumerate(_bounded_lines(lines), start=1):
        where = f"{location}:{number}"
        if len(raw) > MAX_LINE_BYTES:
            yield ReadFailure(where, f"line longer than {MAX_LINE_BYTES:,} bytes, skipped")
            continue
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError) as exc:
            # ValueError beyond JSONDecodeError: an integer of more than 4,300 digits
            # (Python's int-parsing limit), in any field.
            if isinstance(exc, json.JSONDecodeError):
                reason = _decode_reason(exc)
            elif isinstance(exc, RecursionError):
                reason = "nested too deeply"
            else:
                reason = "a number too long to read"
            yield ReadFailure(where, f"invalid JSON ({reason})")
            continue
        if not isinstance(record, dict):
            yield ReadFailure(where, "expected a JSON object per line")
            continue
        article = record_article(record, location=where)
        if article is None:
            keys = ", ".join(ACCEPTED_TEXT_KEYS)
            yield ReadFailure(where, f"no article text (accepted keys: {keys})")
            continue
        yield article


def _date(record: dict[str, object], location: str) -> str | None:
    """The record's publication date; a value that names no real date (2025-13-45, a date
    at the calendar's ends) is dropped with a warning on the ``newsdesk.readers`` logger."""
    dropped: tuple[str, object] | None = None
    for key in _DATE_KEYS:
        value = record.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 12:
            value = int(value.strip())
        if isinstance(value, int | float):
            if not 0 <= value <= _EPOCH_MAX:
                dropped = dropped or (key, value)
                continue
            return datetime.fromtimestamp(float(value), tz=UTC).date().isoformat()
        if isinstance(value, str) and value.strip():
            parsed = parse_date(value)
            if parsed:
                return parsed
            dropped = dropped or (key, value)
    if dropped is not None:
        drop_date(location, *dropped)
    return None


def _host(value: str) -> str | None:
    """ "https://www.example.com/a" or "www.example.com" -> "example.com"."""
    value = value.strip()
    try:
        host = urlsplit(value if "//" in value else f"//{value}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _outlet(record: dict[str, object]) -> str | None:
    """The site's name; a URL or domain given for it becomes its bare host name."""
    name = _field(record, "outlet", "sitename", "site", "site_name", "publisher")
    source = _field(record, "source")
    if name is None and source is not None and not source.startswith(("http://", "https://")):
        name = source
    if name is None:
        name = _field(record, "source_domain", "hostname")
    if name is not None and _URLISH.match(name.strip()):
        return _host(name)
    return name


def _author(record: dict[str, object]) -> str | None:
    authors = record.get("authors")
    if isinstance(authors, list):
        names = [a.strip() for a in authors if isinstance(a, str) and a.strip()]
        if names:
            return ", ".join(names)
    return _field(record, "author", "byline", "authors")


def record_article(record: dict[str, object], *, location: str) -> Article | None:
    """Map one JSON record (ours, news-please's or trafilatura's) to an ``Article``.

    Returns None when the record carries no text under any of ``ACCEPTED_TEXT_KEYS``.

    Example:
        >>> a = record_article({"maintext": "Rain fell.", "date_publish": "2020-06-12 10:00:00",
        ...                     "source_domain": "www.example.com"}, location="x")
        >>> (a.text, a.published, a.outlet)
        ('Rain fell.', '2020-06-12', 'example.com')
    """
    text = _field(record, *ACCEPTED_TEXT_KEYS)
    if text is None:
        return None
    if _HTML.search(text):
        from .feeds import html_to_text

        text = html_to_text(text)
    else:
        text = unwrap(text)
    if not text.strip():
        return None
    source = _field(record, "source")
    url = _field(record, "url", "link", "source_url") or (
        source if source and source.startswith(("http://", "https://")) else None
    )
    language = _field(record, "language", "lang")
    return make_article(
        text,
        location=_field(record, "location") or location,
        title=_field(record, "title", "headline"),
        url=url,
        outlet=_outlet(record),
        published=_date(record, location),
        author=_author(record),
        language=language.strip().lower()[:8] if language else None,
    )
