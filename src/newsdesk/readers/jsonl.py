"""JSONL dumps: one article per line (text, title, url, outlet, published, author)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..articles import make_article
from ..models import Article, ReadFailure
from .dates import parse_date

__all__ = ["MAX_LINE_BYTES", "iter_jsonl"]

# One article line longer than this is reported and skipped, not parsed: a 10 MB single
# line is not a news article.
MAX_LINE_BYTES = 4_000_000

_TEXT_KEYS = ("text", "body", "content", "articleBody")


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
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield ReadFailure(where, f"invalid JSON ({reason})")
            continue
        if not isinstance(record, dict):
            yield ReadFailure(where, "expected a JSON object per line")
            continue
        text = _field(record, *_TEXT_KEYS)
        if text is None:
            yield ReadFailure(where, "no 'text' field")
            continue
        published = _field(record, "published", "date", "published_at")
        yield make_article(
            text,
            location=_field(record, "location") or where,
            title=_field(record, "title", "headline"),
            url=_field(record, "url", "link"),
            outlet=_field(record, "outlet", "source", "site", "sitename"),
            published=parse_date(published) if published else None,
            author=_field(record, "author", "byline"),
        )
