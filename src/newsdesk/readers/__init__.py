"""Readers: every input format becomes the same ``Article`` record.

``read_articles`` takes files, directories, globs and ``-`` (stdin), picks a reader per file
by its extension (or by sniffing its first bytes), and never stops at a bad input: each one
becomes a ``ReadFailure`` with a one-line reason, and the rest are read.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..models import Article, ReadFailure
from .decode import decode
from .html import read_html
from .jsonl import iter_jsonl
from .text import parse_text

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "MAX_GZIP_RATIO",
    "READERS",
    "ReadResult",
    "detect_format",
    "iter_articles",
    "read_articles",
    "read_stream",
    "shown_path",
]

# A single text or HTML article file larger than this is refused (JSONL and WARC stream).
MAX_FILE_BYTES = 20_000_000

Reader = Callable[[BinaryIO, str], Iterable[Article | ReadFailure]]

# A gzip member that expands more than this many times its compressed size, past the first
# _GZIP_FLOOR bytes, is a decompression bomb (261 KB of gzip held 260 MB of empty lines).
# Text compresses 3-10x (DUC, ECB+ and Common Crawl WARCs: under 12x); gzip tops out ~1030x.
MAX_GZIP_RATIO = 100
_GZIP_FLOOR = 2_000_000
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f\udc80-\udcff]")


def shown_path(raw: str) -> str:
    r"""Return a file name fit for one line of output: undecodable bytes and controls escaped.

    A non-UTF-8 name arrives with surrogate escapes (PEP 383); a newline in a name would
    start a fake line in the error output.

    Example:
        >>> shown_path("bad\udcff\nname.txt")
        'bad\\xff\\x0aname.txt'
    """

    def escape(match: re.Match[str]) -> str:
        code = ord(match[0])
        return f"\\x{code - 0xDC00 if code >= 0xDC80 else code:02x}"

    return _UNSHOWABLE.sub(escape, raw)


class _GzipGuard(io.RawIOBase):
    """A gzip stream that stops (InputError) at a decompression bomb."""

    def __init__(self, raw: BinaryIO, location: str) -> None:
        super().__init__()
        self._raw = raw
        self._inner = gzip.GzipFile(fileobj=raw)
        self._location = location
        self._out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        got = self._inner.readinto(buffer)
        self._out += got
        if self._out > _GZIP_FLOOR:
            try:
                consumed = max(1, self._raw.tell())
            except OSError:
                consumed = 1
            if self._out > MAX_GZIP_RATIO * consumed:
                raise InputError(
                    self._location,
                    f"gzip expands more than {MAX_GZIP_RATIO}x (a decompression bomb), skipped",
                )
        return got


@dataclass(frozen=True)
class ReadResult:
    """What a batch read produced: the articles, the inputs skipped, and notes (decodings)."""

    articles: tuple[Article, ...] = ()
    failures: tuple[ReadFailure, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def _read_bounded(stream: BinaryIO, location: str) -> bytes:
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(location, f"file larger than {MAX_FILE_BYTES // 1_000_000} MB, skipped")
    return data


def _text_reader(stream: BinaryIO, location: str) -> Iterator[Article | ReadFailure]:
    data = _read_bounded(stream, location)
    decoded = decode(data, location=location)
    article = parse_text(decoded.text, location=location)
    if not article.text.strip():
        raise InputError(location, "no article text")
    yield article


def _html_reader(stream: BinaryIO, location: str) -> Iterator[Article | ReadFailure]:
    data = _read_bounded(stream, location)
    yield read_html(data, location=location)


def _jsonl_reader(stream: BinaryIO, location: str) -> Iterator[Article | ReadFailure]:
    yield from iter_jsonl(stream, location=location)


READERS: dict[str, Reader] = {
    "text": _text_reader,
    "html": _html_reader,
    "jsonl": _jsonl_reader,
}

# Extension -> format. Helpers for feeds and WARC archives register theirs in READERS.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".opml": "feed",
    ".warc": "warc",
}


def _register_optional() -> None:
    """Add the readers that live in their own modules (feeds, WARC) when present."""
    for name, module in (("feed", "feeds"), ("warc", "warc")):
        if name in READERS:
            continue
        try:
            mod = __import__(f"{__name__}.{module}", fromlist=["READER"])
        except ImportError:
            continue
        reader = getattr(mod, "READER", None)
        if reader is not None:
            READERS[name] = reader


def detect_format(name: str, head: bytes) -> str:
    """Pick a format from a file name, else from its first bytes."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    suffix = os.path.splitext(lower)[1]
    if suffix in FORMATS:
        return FORMATS[suffix]
    sniff = head.lstrip()[:512].lower()
    if sniff.startswith(b"warc/"):
        return "warc"
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<body" in sniff:
        return "html"
    if sniff.startswith((b"<?xml", b"<rss", b"<feed", b"<opml")):
        return "feed"
    if sniff.startswith(b"{"):
        return "jsonl"
    return "text"


def read_stream(stream: BinaryIO, *, name: str, location: str) -> Iterator[Article | ReadFailure]:
    """Read one input stream, yielding articles and failures (never raising on bad data)."""
    _register_optional()
    try:
        if name.lower().endswith(".gz"):
            stream = io.BufferedReader(_GzipGuard(stream, location))
        wrapped = not hasattr(stream, "peek")
        buffered: Any = io.BufferedReader(stream) if wrapped else stream  # type: ignore[arg-type,type-var,unused-ignore]
        try:
            head = buffered.peek(4096)[:4096]
            fmt = detect_format(name, head)
            reader = READERS.get(fmt)
            if reader is None:
                yield ReadFailure(location, f"no reader for {fmt} input installed")
                return
            yield from reader(buffered, location)
        finally:
            if wrapped:
                buffered.detach()  # the caller owns (and closes) the stream
    except InputError as exc:
        yield ReadFailure(exc.location, exc.reason)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        # zlib.error: a corrupt deflate stream inside a well-formed gzip header (.gz, .warc.gz)
        yield ReadFailure(
            location,
            f"cannot read: {exc.strerror or exc}"
            if isinstance(exc, OSError)
            else f"cannot read: {exc}",
        )


def _is_project_doc(path: Path) -> bool:
    """README.md, EXPECTED.md, LICENSE...: documentation beside articles, not an article."""
    return path.suffix.lower() in (".md", "") and path.stem.isupper()


def _expand(
    paths: Sequence[str | os.PathLike[str]],
) -> Iterator[tuple[str, Path | None, ReadFailure | None]]:
    for raw in (os.fspath(p) for p in paths):
        if raw == "-":
            yield raw, None, None
            continue
        if any(ch in raw for ch in "*?[") and not os.path.exists(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield raw, None, ReadFailure(raw, "no files match this pattern")
            for match in matches:
                if os.path.isfile(match):
                    yield shown_path(match), Path(match), None
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".") and not _is_project_doc(p)
            )
            if not files:
                yield raw, None, ReadFailure(raw, "directory has no files")
            for file in files:
                yield shown_path(str(file)), file, None
        elif path.exists():
            mode = path.stat().st_mode
            if stat.S_ISREG(mode):
                yield shown_path(raw), path, None
            else:
                # Opening a FIFO blocks until a writer comes; /dev/zero never ends.
                kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
                yield (
                    shown_path(raw),
                    None,
                    ReadFailure(shown_path(raw), f"not a regular file ({kind}), skipped"),
                )
        else:
            yield raw, None, ReadFailure(raw, "no such file or directory")


def iter_articles(
    paths: Sequence[str | os.PathLike[str]],
    *,
    stdin: BinaryIO | None = None,
    on_item: Callable[[], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Article | ReadFailure]:
    """Yield the articles of ``paths`` one at a time, and a failure for each unreadable input.

    Nothing is held beyond the item being read, so a 1 GB JSONL file streams through in
    constant memory (``read_articles`` collects the same items into a result).

    Args:
        paths: inputs; directories are read recursively (README.md files are skipped).
        stdin: stream used for ``-`` (default: ``sys.stdin.buffer``).
        on_item: called once per input file read, for progress bars.
        on_warning: called with each warning (a text file that is not UTF-8).
    """
    for location, path, failure in _expand(paths):
        if failure is not None:
            yield failure
            continue
        if path is None:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_stream(stream, name="-", location="<stdin>")
        else:
            try:
                with path.open("rb") as handle:
                    yield from read_stream(handle, name=path.name, location=location)
            except OSError as exc:
                yield ReadFailure(location, f"cannot open: {exc.strerror or exc}")
        text_file = path is not None and path.suffix.lower() in (
            ".txt",
            ".md",
            ".text",
            ".markdown",
        )
        if on_warning is not None and path is not None and text_file:
            warning = _encoding_warning(path, location)
            if warning:
                on_warning(warning)
        if on_item is not None:
            on_item()


def read_articles(
    paths: Sequence[str | os.PathLike[str]],
    *,
    stdin: BinaryIO | None = None,
    on_item: Callable[[], None] | None = None,
) -> ReadResult:
    """Read every article in ``paths`` (files, directories, globs; ``-`` reads stdin).

    Args:
        paths: inputs; directories are read recursively (README.md files are skipped).
        stdin: stream used for ``-`` (default: ``sys.stdin.buffer``).
        on_item: called once per input file read, for progress bars.

    Returns:
        A ``ReadResult``; inputs that could not be read are in ``failures``, one line each.

    Example:
        >>> result = read_articles(["examples/harbour-bridge"])
        >>> len(result.articles), result.failures
        (7, ())
    """
    articles: list[Article] = []
    failures: list[ReadFailure] = []
    warnings: list[str] = []
    for item in iter_articles(paths, stdin=stdin, on_item=on_item, on_warning=warnings.append):
        if isinstance(item, ReadFailure):
            failures.append(item)
        else:
            articles.append(item)
    return ReadResult(tuple(articles), tuple(failures), tuple(warnings))


def _encoding_warning(path: Path, location: str) -> str | None:
    try:
        data = path.read_bytes()[:MAX_FILE_BYTES]
        encoding = decode(data, location=location).encoding
    except (OSError, InputError):
        return None
    if encoding in ("cp1252", "latin-1"):
        return f"{location}: not UTF-8; decoded as {encoding}"
    return None
