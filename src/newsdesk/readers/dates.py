"""Parse the publication dates found in article metadata into ``YYYY-MM-DD``."""

from __future__ import annotations

import logging
import re
from datetime import date

__all__ = ["MAX_YEAR", "MIN_YEAR", "check_date", "drop_date", "parse_date"]

# Publication years believed. Calendar arithmetic on dates within days of 0001-01-01 or
# 9999-12-31 (story windows, "next week" in the timeline) overflows, and no news is dated
# there: a date outside these years is dropped like an impossible one.
MIN_YEAR = 1000
MAX_YEAR = 9000

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _valid(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def check_date(value: str) -> str | None:
    """Return ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as given when it names a real date.

    Example:
        >>> check_date("2025-10"), check_date("2025-13-45"), check_date("9999-12-31")
        ('2025-10', None, None)
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if match is None:
        return None
    year, month, day = match[1], match[2], match[3]
    return value if _valid(int(year), int(month or 1), int(day or 1)) else None


def parse_date(text: str) -> str | None:
    """Return the first full date in ``text`` as ``YYYY-MM-DD``, or None.

    Understands ISO dates, "June 12, 2020", "12 June 2020" and (US order) "6/12/2020".

    Example:
        >>> parse_date("11:16, June 12, 2020")
        '2020-06-12'
    """
    if not text:
        return None
    match = _ISO.search(text)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _MDY.search(text)
    if match and match.group(1).lower() in _MONTHS:
        return _valid(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
    match = _DMY.search(text)
    if match and match.group(2).lower() in _MONTHS:
        return _valid(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    match = _SLASH.search(text)
    if match:
        return _valid(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    return None


def drop_date(location: str, key: str, value: object) -> None:
    """Say (on the ``newsdesk.readers`` logger, which the CLI prints) that ``location``'s
    ``key`` held ``value``, which names no real date, and was dropped: every reader's one
    wording for it."""
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
    logging.getLogger("newsdesk.readers").warning(
        "%s: %s %s dropped: not a calendar date in the years %d-%d",
        *(location, key, shown, MIN_YEAR, MAX_YEAR),
    )
