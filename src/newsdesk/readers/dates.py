"""Parse the publication dates found in article metadata into ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["parse_date"]

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
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


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
