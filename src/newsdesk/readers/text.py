"""Plain-text and Markdown articles, with the metadata conventions seen in the wild.

Recognised at the top of a file: a ``date YYYY-MM-DD`` prefix, ``Published: … | Updated: …``
stamps, a title line, ``By …`` bylines, an ``(Outlet)`` tag opening the first paragraph, and
datelines (``BAGHDAD —``, ``WASHINGTON / CAIRO -``, ``BAGHDAD:``). They become metadata, not
body text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..articles import make_article, split_dateline, split_stamps
from ..models import Article
from .dates import check_date, drop_date, parse_date
from .wrapping import BYLINE, unwrap

__all__ = ["parse_text", "read_text"]

_DATE_PREFIX = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[\s,;:|-]*", re.IGNORECASE)
_STAMP_LINE = re.compile(
    r"^\s*(published|posted|first published|updated|last updated)\b\s*(?:on|at)?\s*[:|]?\s*(.+)$",
    re.IGNORECASE,
)
_OUTLET_TAG = re.compile(r"^\s*\(([A-Z][\w&.' -]{1,50})\)\s*[-—–:]?\s*(?=\S)")
# "Sunday, 9 November 2025", "October 14, 2025", "Thursday 16 October 2025 10:05"
_DATE_LINE = re.compile(
    r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)
_END_PUNCT = re.compile(r"[.!?…][\"'”’)]*\s*$")
# Character references left in plain text by an SGML/HTML export ("Standard &AMP; Poor's",
# "A&amp;P", "&#8217;"): any case, the five XML names, nbsp and numeric references only, so
# prose that mentions "&copy" or "R&D;" stays as written.
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));", re.I)


def _unescape(text: str) -> str:
    """Replace the character references of an SGML/HTML export with their characters."""

    def char(match: re.Match[str]) -> str:
        if match[1]:
            return html.unescape(f"&{match[1].lower()};")
        code = int(match[2]) if match[2] else int(match[3], 16)
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else match[0]

    return _ENTITY.sub(char, text) if "&" in text else text


@dataclass(frozen=True)
class _Meta:
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    dateline: str | None = None


def _looks_like_title(line: str, rest: list[str]) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 30 or len(line) > 250:
        return False
    if _END_PUNCT.search(line) and not line.rstrip().endswith(("?", "’", "'")):
        return False
    return any(r.strip() for r in rest)


def parse_text(raw: str, *, location: str) -> Article:
    """Turn the text of a plain-text article into an ``Article`` with metadata recovered.

    Example:
        >>> raw = "Bridge closes\\nBy Ann Lee\\n\\nPORTVILLE — The bridge shut."
        >>> a = parse_text(raw, location="x")
        >>> (a.title, a.author, a.dateline, a.text)
        ('Bridge closes', 'Ann Lee', 'PORTVILLE', 'The bridge shut.')
    """
    # Unwrap first (header and boilerplate lines are kept as lines, see ``wrapping``), so a
    # wrapped story's first line is not taken for its title.
    lines = unwrap(_unescape(raw)).split("\n")
    meta: dict[str, str | None] = {}
    removed: list[str] = []
    body_start = 0
    # Header zone: the first few non-empty lines before the body starts.
    i = 0
    header_lines_seen = 0
    while i < len(lines) and header_lines_seen < 6:
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        match = _DATE_PREFIX.match(line)
        if match and "published" not in meta:
            meta["published"] = match.group(1)
            rest = line[match.end() :]
            if rest.strip():
                lines[i] = rest
                break
            i += 1
            header_lines_seen += 1
            continue
        stamp = _STAMP_LINE.match(line)
        if stamp:
            stamps, rest = split_stamps(line)
            if stamps and len(rest.split()) >= 8:
                # An article on one line that opens with its stamps: keep the article.
                if parse_date(stamps):
                    meta.setdefault("published", parse_date(stamps))
                removed.append(stamps)
                lines[i] = rest
                break
            for part in line.split("|"):
                part_match = _STAMP_LINE.match(part)
                if (
                    part_match
                    and part_match.group(1).lower()
                    in (
                        "published",
                        "posted",
                        "first published",
                    )
                    or part_match
                    and "published" not in meta
                    and len(line.split("|")) == 1
                ):
                    date = parse_date(part_match.group(2))
                    if date:
                        meta.setdefault("published", date)
            removed.append(line)
            i += 1
            header_lines_seen += 1
            continue
        if _DATE_LINE.match(line) and parse_date(line):
            meta.setdefault("published", parse_date(line))
            i += 1
            header_lines_seen += 1
            continue
        byline = BYLINE.match(line)
        if byline and "author" not in meta:
            meta["author"] = byline.group(1).strip(" ,")
            i += 1
            header_lines_seen += 1
            continue
        if "title" not in meta and _looks_like_title(line, lines[i + 1 :]):
            meta["title"] = line
            i += 1
            header_lines_seen += 1
            continue
        break
    body_start = i
    body_lines = lines[body_start:]
    # Outlet tag and dateline open the first paragraph (a photo caption may come first).
    seen = 0
    for j, line in enumerate(body_lines):
        if not line.strip():
            continue
        seen += 1
        if seen > 3:
            break
        first = line
        tag = _OUTLET_TAG.match(first)
        if tag:
            meta["outlet"] = tag.group(1).strip()
            first = first[tag.end() :]
        place, agency, rest = split_dateline(first)
        if place is not None:
            meta["dateline"] = place
            if agency and "outlet" not in meta:
                meta["outlet"] = agency
            first = rest
        if first is not line:
            body_lines[j] = first
            break
    published = meta.get("published")
    if published is not None and check_date(published) is None:
        drop_date(location, "date", published)
        published = None
    return make_article(
        "\n".join(body_lines),
        location=location,
        title=meta.get("title"),
        author=meta.get("author"),
        outlet=meta.get("outlet"),
        published=published,
        dateline=meta.get("dateline"),
        removed=removed,
    )


def read_text(data: bytes, *, location: str) -> Article:
    """Decode a text file's bytes (see ``decode``) and parse it as an article."""
    from .decode import decode

    return parse_text(decode(data, location=location).text, location=location)
