"""WARC archives (``.warc``, ``.warc.gz``): HTML pages captured by a crawler become articles.

Read with warcio, streaming record by record. ``response`` records with status 200 and an
HTML content type (and ``resource`` records holding HTML, as ``wget --warc-file`` writes) go
through the HTML reader; everything else (requests, metadata, images, redirects, errors) is
skipped and counted. A record whose payload is larger than ``max_record_bytes`` is refused
without being held in memory; a record that cannot be read is a failure, and a corrupt
archive ends with a failure naming how far it was read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..models import Article, ReadFailure
from .html import MAX_HTML_BYTES, read_html

__all__ = ["MAX_RECORD_BYTES", "READER", "WarcResult", "iter_warc", "read_warc"]

# The HTML reader cuts pages at MAX_HTML_BYTES; a bigger capture is not a news article page.
MAX_RECORD_BYTES = MAX_HTML_BYTES

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Longest line (bytes between newlines) an archive may hold. warcio reads a header line by
# joining 16 KB blocks, quadratic in its length (64 MB: 30 s; 16 MB: 10 s; 4 MB: < 1 s).
# Random binary payloads hold a newline every ~256 bytes; the cost is that an archive with
# a one-line payload over 4 MB (a huge minified script) is read up to that record only.
MAX_LINE_BYTES = 4_000_000


class _LineGuard:
    """A read-only stream that stops (ValueError) at a line longer than ``MAX_LINE_BYTES``."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self._run = 0

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        newline = data.rfind(b"\n")
        self._run = len(data) - newline - 1 if newline >= 0 else self._run + len(data)
        if self._run > MAX_LINE_BYTES:
            raise ValueError(f"a line longer than {MAX_LINE_BYTES:,} bytes")
        return data


@dataclass(frozen=True)
class WarcResult:
    """What an archive held: articles, failures (bad records), and how many records were
    read in all and skipped as not being HTML pages."""

    articles: tuple[Article, ...] = ()
    failures: tuple[ReadFailure, ...] = ()
    records: int = 0
    skipped: int = 0


def _is_html(content_type: str | None) -> bool:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind in _HTML_TYPES


def _html_record(record: Any) -> tuple[str | None, str | None]:
    """Return (target URI, why skipped) for a record; why is None for an HTML page."""
    target = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        if record.http_headers is None:
            return target, "response without HTTP headers"
        status = record.http_headers.get_statuscode()
        if status != "200":
            return target, f"HTTP status {status}"
        if not _is_html(record.http_headers.get_header("Content-Type")):
            return target, "not HTML"
        return target, None
    if record.rec_type == "resource":
        if not _is_html(record.rec_headers.get_header("Content-Type")):
            return target, "not HTML"
        return target, None
    return target, f"{record.rec_type} record"


def _scan(
    stream: BinaryIO, location: str, max_record_bytes: int
) -> Iterator[tuple[str, Article | ReadFailure | None]]:
    """Yield ("article", Article), ("bad", ReadFailure) or ("skipped", None) per record, and
    ("archive", ReadFailure) when the archive itself cannot be read on."""
    from warcio.archiveiterator import ArchiveIterator

    records = 0
    try:
        iterator = ArchiveIterator(_LineGuard(stream))
        for record in iterator:
            if record.format != "warc":
                # warcio also reads ARC, and reads almost any text as ARC headers.
                raise ValueError(f"not a WARC file ({record.format} record)")
            records += 1
            target, why = _html_record(record)
            if why is not None:
                yield "skipped", None
                continue
            where = f"{location}#{target or f'record-{records}'}"
            payload = record.content_stream().read(max_record_bytes + 1)
            if len(payload) > max_record_bytes:
                yield (
                    "bad",
                    ReadFailure(where, f"page larger than {max_record_bytes:,} bytes, skipped"),
                )
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                # The archive ended before the record's declared Content-Length.
                yield "bad", ReadFailure(where, "record truncated, skipped")
                continue
            try:
                yield "article", read_html(payload, location=where, url=target)
            except InputError as exc:
                yield "bad", ReadFailure(exc.location, exc.reason)
    except Exception as exc:
        # warcio raises assorted errors (AttributeError, IndexError...) on hostile bytes; an
        # archive that cannot be read on ends here, keeping what was read before.
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield (
            "archive",
            ReadFailure(location, f"unreadable WARC after {records} records ({detail[:200]})"),
        )
        return
    if records == 0:
        yield "archive", ReadFailure(location, "no WARC records (empty or not a WARC file)")


def iter_warc(
    stream: BinaryIO, *, location: str, max_record_bytes: int = MAX_RECORD_BYTES
) -> Iterator[Article | ReadFailure]:
    """Yield the articles of a WARC stream and a failure per bad record, in archive order.

    Args:
        stream: the archive, gzipped per record or not (warcio detects which).
        location: where it came from, for messages; each article's location is
            ``<location>#<target URI>``.
        max_record_bytes: records with a larger payload are refused.

    Returns:
        An iterator of ``Article`` and ``ReadFailure``; never raises on bad data.
    """
    found = 0
    for kind, item in _scan(stream, location, max_record_bytes):
        if kind != "skipped" and item is not None:
            found += 1
            yield item
    if not found:
        # Records were read but none held an HTML page: say so rather than stay silent.
        yield ReadFailure(location, "no HTML pages in the WARC archive")


def read_warc(
    path: str | Path | BinaryIO,
    *,
    location: str | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> WarcResult:
    """Read every HTML page of a WARC archive into articles, counting what was skipped.

    Args:
        path: the archive's path, or an open binary stream.
        location: name used in messages (default: the path).
        max_record_bytes: records with a larger payload are refused.

    Returns:
        A ``WarcResult``.

    Raises:
        InputError: the file cannot be opened.

    Example:
        >>> result = read_warc("crawl.warc.gz")  # doctest: +SKIP
        >>> len(result.articles), result.records, result.skipped  # doctest: +SKIP
        (2, 7, 4)
    """
    if isinstance(path, (str, Path)):
        where = location or str(path)
        try:
            handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputError(where, f"cannot open: {exc.strerror or exc}") from exc
    else:
        where = location or "<stream>"
        handle = path
    articles: list[Article] = []
    failures: list[ReadFailure] = []
    records = skipped = 0
    try:
        for kind, item in _scan(handle, where, max_record_bytes):
            records += kind != "archive"
            if kind == "skipped":
                skipped += 1
            elif isinstance(item, Article):
                articles.append(item)
            elif isinstance(item, ReadFailure):
                failures.append(item)
    finally:
        if handle is not path:
            handle.close()
    return WarcResult(tuple(articles), tuple(failures), records, skipped)


def _reader(stream: BinaryIO, location: str) -> Iterator[Article | ReadFailure]:
    return iter_warc(stream, location=location)


READER = _reader
