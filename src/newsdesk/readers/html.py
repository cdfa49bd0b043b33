"""HTML pages: main text and metadata extracted with trafilatura."""

from __future__ import annotations

import itertools
import re
from typing import Any

from ..articles import make_article
from ..errors import InputError
from ..models import Article
from .dates import parse_date

__all__ = ["MAX_HTML_BYTES", "read_html"]

# Pages past this size are cut before parsing: the biggest page in the extraction
# benchmarks is ~2.5 MB, and lxml's memory grows ~10x the input.
MAX_HTML_BYTES = 8_000_000
# Attributes kept per element. libxml2's HTML parser checks each new attribute against the
# element's earlier ones (quadratic: 30k attributes on one <p> take 1.6 s, 300k minutes);
# real markup carries a handful, a few dozen with data-* tracking. A tag is read as libxml2
# reads it: it ends at the first ">" outside a quoted value, a value is quoted only right after
# "=" (a quote elsewhere is an ordinary character), an unclosed quote runs to the end of the
# page. Every part is possessive and the pattern always matches, so the scan is linear; only
# tags longer than _LONG_TAG bytes are rebuilt.
MAX_ATTRIBUTES = 256
_LONG_TAG = 4096
_TAG = re.compile(
    rb"""<([A-Za-z][^<>\s/=]*+)((?:=\s*+"[^"]*+"?|=\s*+'[^']*+'?|=|[^>=]++)*+)(>|\Z)"""
)
_ATTRIBUTE = re.compile(rb"""\s*[^\s=<>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>"']*))?""")


def _metadata(result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    if isinstance(result, dict):
        return result
    as_dict = getattr(result, "as_dict", None)
    return dict(as_dict()) if callable(as_dict) else {}


def _cap_attributes(data: bytes) -> bytes:
    """Return ``data`` with each element's attributes past ``MAX_ATTRIBUTES`` dropped."""

    def cap(match: re.Match[bytes]) -> bytes:
        if len(match[2]) < _LONG_TAG:
            return match[0]
        found = _ATTRIBUTE.finditer(match[2])
        kept = [a.group() for a in itertools.islice(found, MAX_ATTRIBUTES)]
        return b"<" + match[1] + b"".join(kept) + b">"

    return _TAG.sub(cap, data)


def read_html(data: bytes | str, *, location: str, url: str | None = None) -> Article:
    """Extract the article in an HTML page.

    Args:
        data: the page, as bytes (encoding sniffed by trafilatura) or text.
        location: where the page came from (file path or URL), for messages.
        url: the page's URL, if known (else the page's canonical link is used).

    Raises:
        InputError: the page holds no article text.

    Example:
        >>> page = b"<html><body><article><p>" + b"Words here. " * 30 + b"</p></article>"
        >>> read_html(page, location="page.html").text[:10]
        'Words here'
    """
    import trafilatura

    if isinstance(data, bytes):
        data = _cap_attributes(data[:MAX_HTML_BYTES])
        if not data.strip():
            raise InputError(location, "empty file")
    else:
        data = data[:MAX_HTML_BYTES]
        if not data.strip():
            raise InputError(location, "empty file")
        data = _cap_attributes(data.encode("utf-8", "surrogatepass")).decode(
            "utf-8", "surrogatepass"
        )
    try:
        result = trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=False,
        )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on broken markup
        raise InputError(location, f"unparsable HTML ({type(exc).__name__})") from exc
    meta = _metadata(result)
    text = (meta.get("text") or "").strip()
    # Menus and footers come out as many short lines; an article has real sentences.
    prose = [line for line in text.split("\n") if len(line.split()) >= 6]
    if sum(len(line.split()) for line in prose) < 15:
        raise InputError(location, "no article text found in HTML page")
    published = meta.get("date")
    return make_article(
        text.replace("\n", "\n\n"),
        location=location,
        title=meta.get("title"),
        url=url or meta.get("url"),
        outlet=meta.get("sitename"),
        published=parse_date(published) if isinstance(published, str) else None,
        author=meta.get("author"),
        language=meta.get("language"),
    )
