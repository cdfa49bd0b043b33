"""Hard-wrapped text (wire feeds, LDC/NIST corpora, e-mail newsletters) back into paragraphs.

Wire copy and many ``.txt`` exports break every line near 70 characters, so a sentence spans
several lines and a line is no unit of meaning. ``unwrap`` joins the lines that continue a
sentence and keeps every deliberate break, so that the header lines the readers recognise
next (title, byline, date line, dateline) and the boilerplate lines cleaning removes later
(promos, credits, stamps, lists) stay lines of their own. The order is: unwrap first, with
those shapes protected, then parse the header and clean; parsing the header first would take
the first wrapped line of a story for its title.

A line break is kept (a new paragraph starts) when:
- the next line is blank, indented, a list item, a byline, a date or stamp line, or opens
  with a dateline;
- the line is itself a byline, a date or stamp line, or a separator, or it opens a paragraph
  and is a boilerplate line by the rules of ``articles.clean``;
- the line plus the next line's first word is short of the block's usual line length (the
  wrapper would have put that word on the line, so the writer ended the line);
- the line belongs to a block (between blank lines) made only of headlines: a list of links.
"""

from __future__ import annotations

import re
import statistics

from ..articles import DATELINE, is_boilerplate_line

__all__ = ["BYLINE", "is_hard_wrapped", "unwrap"]

# Text whose usual line (median length of lines followed by another line) is longer than
# this is not hard-wrapped: one paragraph per line, or wrapped too wide to matter.
MAX_WRAP_WIDTH = 100
# A line is "short" when the line plus the next line's first word is under this share of
# the usual line length (the upper quartile of the lengths of lines another line follows, so
# that short list items do not lower it). On DUC 2004 (the first 25 clusters in file order,
# 11,851 wrapped line pairs) every continuation reaches >= 0.90 of it; 0.80 leaves margin.
# Re-run tests/test_readers.py -k unwrap after a change.
SHORT_LINE = 0.80

_BULLET = re.compile(r"^\s*[-*•·–]\s+\S")
# "1. ", "2) ", "(a) ": a list item only after a line that introduces or continues a list,
# since wrapped prose breaks before "9." in "on Oct.\n9." too.
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}[.)]|\(?[a-z]\))\s+\S")
_INDENTED = re.compile(r"^(?:\t| {2,})\S")
#: "By Ann Lee and Bo Chen": the byline the text reader takes as the author (group 1).
BYLINE = re.compile(r"^\s*[Bb][Yy]\s+([A-Z][\w.'’-]*(?:[\s,]+(?:and\s+)?[A-Z][\w.'’-]*){0,6})\s*$")
_STAMP = re.compile(
    r"^\s*(?:published|updated|last\s+updated|first\s+published|posted|modified|date)\b"
    r"\s*(?:on|at)?\s*[:|=]?\s*(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|"
    r"wed|thu|fri|sat|sun)",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"[\w\s:.,]{0,20}$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*[\W_]{1,12}\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$|''$")


def _headline_like(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 20 or _SENTENCE_END.search(line):
        return False
    alpha = [w for w in words if w[:1].isalpha()]
    return bool(alpha) and sum(w[:1].isupper() for w in alpha) / len(alpha) >= 0.6


def _own_line(line: str) -> bool:
    """A line that is a unit by itself: nothing joins onto it."""
    return bool(BYLINE.match(line) or _STAMP.match(line) or _DATE_LINE.match(line)) or bool(
        _SEPARATOR.match(line)
    )


def _starts_own(line: str, before: str) -> bool:
    """A line that starts a paragraph after ``before``."""
    if _NUMBERED.match(line) and (
        before.rstrip().endswith(":") or _NUMBERED.match(before) or _BULLET.match(before)
    ):
        return True
    return bool(_INDENTED.match(line) or _BULLET.match(line) or DATELINE.match(line)) or (
        _own_line(line)
    )


def _usual_width(lines: list[str]) -> float | None:
    pairs = [
        len(a.rstrip()) for a, b in zip(lines, lines[1:], strict=False) if a.strip() and b.strip()
    ]
    if len(pairs) < 2:
        return None
    return float(statistics.quantiles(pairs, n=4, method="inclusive")[2])


def is_hard_wrapped(text: str) -> bool:
    """Return True when ``text`` has sentences broken across lines by a fixed-width wrapper.

    Example:
        >>> is_hard_wrapped("The storm hit the coast on\\nFriday and cut power to\\nthousands.")
        True
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    width = _usual_width(lines)
    if width is None or width > MAX_WRAP_WIDTH:
        return False
    # A wrapper leaves no line much longer than its width: text with paragraphs on long
    # lines between short ones (headings, captions, link lists) is not wrapped.
    filled = [line for line in lines if line.strip()]
    if sum(len(line.rstrip()) > MAX_WRAP_WIDTH for line in filled) * 10 > len(filled):
        return False
    inner = [a.rstrip() for a, b in zip(lines, lines[1:], strict=False) if a.strip() and b.strip()]
    # Most lines that another line follows end mid-sentence in wrapped prose; a list of
    # one-sentence lines does not (a block of headlines is kept apart in ``unwrap``).
    mid = sum(1 for a in inner if not _SENTENCE_END.search(a))
    return mid >= 2 and mid * 2 >= len(inner)


def _continues(line: str, following: str, width: float) -> bool:
    if not following.strip() or _starts_own(following, line) or _own_line(line):
        return False
    first_word = following.split()[0]
    return len(line.rstrip()) + 1 + len(first_word) >= SHORT_LINE * width


def unwrap(text: str) -> str:
    """Join the lines of hard-wrapped text that continue a sentence; keep deliberate breaks.

    Text that is not hard-wrapped (see ``is_hard_wrapped``) comes back unchanged. Quotation
    marks and every other character are kept as the source has them.

    Example:
        >>> print(unwrap("Storm hits coast\\n\\nThe storm hit the coast on Friday and\\n"
        ...              "cut power to thousands of homes and\\nbusinesses."))
        Storm hits coast
        <BLANKLINE>
        The storm hit the coast on Friday and cut power to thousands of homes and businesses.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not is_hard_wrapped(text):
        return text
    lines = text.split("\n")
    width = _usual_width(lines) or float(MAX_WRAP_WIDTH)
    # A block (lines between blank lines) made only of headlines is a list of links or
    # headings: each line stays a paragraph of its own.
    listed: set[int] = set()
    start = 0
    for end in [*(i for i, line in enumerate(lines) if not line.strip()), len(lines)]:
        block = range(start, end)
        # (The first line may be the list's heading: "Trending now".)
        if len(block) >= 2 and all(_headline_like(lines[i]) for i in block[1:]):
            listed.update(block)
        start = end + 1
    out: list[str] = []
    current: str | None = None
    previous = ""
    for index, line in enumerate(lines):
        # A paragraph that opens with a boilerplate line ("READ MORE: ...", a credit, a
        # caption) is that line alone, so cleaning still sees and removes it whole.
        if (
            current is not None
            and index not in listed
            and not (current is previous and is_boilerplate_line(current))
            and _continues(previous, line, width)
        ):
            current = f"{current.rstrip()} {line.strip()}"
        else:
            if current is not None:
                out.append(current.rstrip())
            current = line
        previous = line
    if current is not None:
        out.append(current.rstrip())
    # Every kept break becomes a paragraph break: the rest of the pipeline reads paragraphs
    # as blank-line separated blocks.
    return "\n\n".join(part for part in out if part.strip())
