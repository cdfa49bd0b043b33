"""Dated events: date expressions resolved against publication dates, merged across sources.

``find_dates`` reads one sentence and resolves each date expression against a reference date
(the article's publication date) at the precision the text supports, never more:

* "June 11, 2020", "11 June 2020", "Jan 5" -> YYYY-MM-DD (a missing year is the latest
  one that puts the date on or before the reference);
* "in March", "early January", "in May 2020" -> YYYY-MM;
* "in 2017", "since 2014", "this year", "earlier this year", "last year" -> YYYY;
* "on Thursday", "today", "yesterday" -> YYYY-MM-DD (the latest such day on or before the
  reference: an article dated Thursday 2020-06-11 that says "on Thursday" means that day);
  after "by", "from", "until" or "next" a weekday or month points forward instead ("by
  Friday", "by the end of January" in an October article is next January);
  "last month" -> YYYY-MM.
"Days after", "in recent months" and "the coming months" name no date and are skipped.

An article without a publication date borrows the story's latest publication date, but
only to supply a year ("in May" -> 2020-05), which is safe within a story that spans days.
Its day-precise relative dates ("on Thursday") are not trusted on their own: they may join an
entry that a dated article made, never make one (``DateMention`` with ``borrowed=True``).

``build_timeline`` merges the mentions of all articles: a mention joins an entry when the dates
agree (equal, or one refines the other) and the sentences say the same (cosine of MiniLM
embeddings), and the entry keeps the most precise date with a sentence that states it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .models import DateMention, TimelineEntry
from .scores import cosine, cosines

__all__ = [
    "DatedSentence",
    "TimelineOptions",
    "build_timeline",
    "dates_agree",
    "find_dates",
]

Matrix = npt.NDArray[np.float32]

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"

# Order matters: the most specific pattern claims its characters first.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b")),
    ("md", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:,\s*)?\d)")),
    ("dm", re.compile(rf"\b{_DAY}\s+{_MONTH}\b")),
    ("my", re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b")),
    (
        "m",
        re.compile(
            rf"\b(?:(?:in|since|until|by|from|during|early|late|mid|mid-|last|this|next|of|before|after)\s+(?:early\s+|late\s+|mid-?)?)?{_MONTH}\b"
        ),
    ),
    (
        "y",
        re.compile(rf"\b(?P<prep>in|since|from|during|early|late|mid-?)\s+{_YEAR}\b"),
    ),
    (
        "wd",
        re.compile(
            r"\b(?P<rel>on\s+|this\s+|last\s+|next\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        "rel",
        re.compile(
            r"\b(?P<rel>today|yesterday|tomorrow|(?:last|this|next) (?:month|year))\b",
            re.IGNORECASE,
        ),
    ),
)
# "May" and "March" are also a verb: require a date-ish word before them unless capitalised
# mid-sentence after a preposition (handled by the optional group above).
_AMBIGUOUS_MONTHS = {"may", "march"}
# Words that point forward from the reference: "by Friday", "from Thursday", "by the end of
# January", "next month". Without one, a bare date is the latest one on or before it.
_FORWARD = re.compile(
    r"\b(?:by|from|until|till|next|before)\s+(?:the\s+end\s+of\s+|early\s+|late\s+|mid-?)?$", re.I
)


_FUTURE = re.compile(
    r"\b(?:will|would|shall|is due to|are due to|is expected to|are expected to|plans? to|"
    r"is set to|are set to|is scheduled to|are scheduled to|is to|are to)\b[^.;]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Reference:
    date: dt.date | None
    year: int | None
    month: int | None
    borrowed: bool


def _reference(published: str | None, fallback: str | None) -> _Reference:
    for value, borrowed in ((published, False), (fallback, True)):
        if not value:
            continue
        parts = value.split("-")
        try:
            year = int(parts[0])
            month = int(parts[1]) if len(parts) > 1 else None
            day = dt.date(year, month, int(parts[2])) if len(parts) > 2 and month else None
        except ValueError:
            continue
        # A borrowed reference supplies the year only (see the module docstring).
        if borrowed:
            return _Reference(date=day, year=year, month=month, borrowed=True)
        return _Reference(date=day, year=year, month=month, borrowed=False)
    return _Reference(date=None, year=None, month=None, borrowed=False)


def _infer_year(month: int, ref: _Reference, *, forward: bool = False) -> int | None:
    """The year that puts ``month`` on or before the reference (after it when ``forward``)."""
    if ref.year is None:
        return None
    if forward:
        return ref.year + 1 if ref.month is not None and month < ref.month else ref.year
    if ref.month is not None and month > ref.month:
        return ref.year - 1
    return ref.year


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    text: str
    date: str
    day_relative: bool


def _resolve(kind: str, match: re.Match[str], ref: _Reference) -> tuple[str | None, bool]:
    """Return (date, day_relative) for one match; day_relative marks weekday/today-type dates."""
    groups = match.groupdict()
    month = _MONTHS.get((groups.get("month") or "").lower().rstrip("."), 0)
    if kind in {"mdy", "dmy"}:
        return _valid(int(groups["year"]), month, int(groups["day"])), False
    anchor = next(
        (match.start(g) for g in ("month", "weekday", "day") if groups.get(g)), match.start()
    )
    before = match.string[max(0, anchor - 25) : anchor]
    forward = bool(_FORWARD.search(before))
    if forward and kind in {"m", "md", "dm"} and re.search(r"\bfrom\s+$", before, re.I):
        # "data from February" looks back, "ferries from March" ahead: "from" alone does not
        # say which, so take the nearer of the two readings of the month.
        forward = ref.month is not None and (month - ref.month) % 12 < (ref.month - month) % 12
    if kind in {"md", "dm"}:
        year = _infer_year(month, ref, forward=forward)
        return (_valid(year, month, int(groups["day"])) if year else None), False
    if kind == "my":
        return f"{int(groups['year']):04d}-{month:02d}", False
    if kind == "m":
        year = _infer_year(month, ref, forward=forward or "next" in match.group(0).lower())
        return (f"{year:04d}-{month:02d}" if year else None), False
    if kind == "y":
        return groups["year"], False
    if kind == "wd":
        if ref.date is None:
            return None, True
        target = _WEEKDAYS.index(groups["weekday"].lower())
        rel = (groups.get("rel") or "").strip().lower()
        delta = (ref.date.weekday() - target) % 7
        # "would survey on Wednesday", "is due to resume on Thursday": the future tense
        # points at the coming weekday, not the last one.
        future = _FUTURE.search(match.string[max(0, anchor - 80) : anchor]) is not None
        if rel == "next" or ((forward or future) and delta != 0):
            return (
                ref.date + dt.timedelta(days=(target - ref.date.weekday()) % 7 or 7)
            ).isoformat(), True
        if rel == "last" and delta == 0:
            delta = 7
        return (ref.date - dt.timedelta(days=delta)).isoformat(), True
    rel = groups["rel"].lower()
    if rel in {"today", "yesterday", "tomorrow"}:
        if ref.date is None:
            return None, True
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[rel]
        return (ref.date + dt.timedelta(days=shift)).isoformat(), True
    if ref.year is None:
        return None, False
    if rel.endswith("year"):
        return str(ref.year + {"last": -1, "this": 0, "next": 1}[rel.split()[0]]), False
    if ref.month is None:
        return None, False
    shift = {"last": -1, "this": 0, "next": 1}[rel.split()[0]]
    index = ref.year * 12 + ref.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}", False


def find_dates(
    text: str,
    *,
    article_id: str,
    sentence: int,
    published: str | None,
    story_date: str | None = None,
) -> list[DateMention]:
    """Find and resolve the date expressions of one sentence.

    Args:
        text: the sentence.
        article_id: its article.
        sentence: its index.
        published: the article's publication date (YYYY[-MM[-DD]]) or None.
        story_date: the story's latest publication date, used for a year when
            ``published`` is missing.

    Returns:
        DateMentions in order of appearance; ``text`` is the expression as written.
    """
    ref = _reference(published, story_date)
    taken: list[tuple[int, int]] = []
    found: list[_Found] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            month_word = (match.groupdict().get("month") or "").lower()
            if (
                kind == "m"
                and month_word in _AMBIGUOUS_MONTHS
                and match.group(0).lower() == month_word
            ):
                continue
            if (
                kind == "m"
                and not match.group(0)[0].isupper()
                and not match.groupdict()["month"][0].isupper()
            ):
                continue
            date, relative = _resolve(kind, match, ref)
            if date is None:
                continue
            taken.append((start, end))
            found.append(_Found(start, end, match.group(0), date, relative))
    found.sort(key=lambda f: f.start)
    return [
        DateMention(
            article_id=article_id,
            sentence=sentence,
            text=f.text,
            date=f.date,
            borrowed=ref.borrowed
            and (f.day_relative or f.date.count("-") == 2 and not _explicit_day(f.text)),
        )
        for f in found
    ]


def _explicit_day(text: str) -> bool:
    return bool(re.search(r"\d", text)) and bool(re.search(_MONTH, text))


def dates_agree(a: str, b: str) -> bool:
    """Say whether two dates can name the same day (equal, or one refines the other)."""
    return a.startswith(b) or b.startswith(a)


@dataclass(frozen=True)
class DatedSentence:
    """A date mention with the sentence it dates and that sentence's embedding row."""

    mention: DateMention
    text: str
    vector: Matrix


@dataclass(frozen=True)
class TimelineOptions:
    """Cosines of MiniLM sentence embeddings.

    ``same_event``: two dated sentences describe one event. On the seeds, the reports of
    the January strike score 0.59-0.69 against each other, of the January parliament vote
    0.50-0.67, and strike against vote 0.33-0.49 (a thin margin: dates must also agree, and
    a mention joins the entry it is most similar to). Re-run tests/test_timelines.py and the
    seed checks in tests/test_facts.py after changing it.
    """

    same_event: float = 0.5
    max_entries: int = 30


def _precision(date: str) -> int:
    return date.count("-")


def build_timeline(
    items: Sequence[DatedSentence], options: TimelineOptions | None = None
) -> tuple[TimelineEntry, ...]:
    """Merge dated sentences of many articles into sorted timeline entries.

    Args:
        items: every date mention of the story with its sentence and embedding.
        options: thresholds.

    Returns:
        Entries sorted by date, each with the most precise date its sentence states and the
        articles that report the event.
    """
    opts = options or TimelineOptions()
    # Most precise first, so coarse mentions ("in January") join precise entries ("Jan 5").
    order = sorted(
        range(len(items)),
        key=lambda i: (-_precision(items[i].mention.date), items[i].mention.borrowed, i),
    )
    entries: list[list[int]] = []
    for i in order:
        item = items[i]
        best, best_sim = -1, opts.same_event
        for e_index, members in enumerate(entries):
            head = items[members[0]].mention.date
            if not dates_agree(head, item.mention.date):
                continue
            if _precision(item.mention.date) > _precision(head):
                continue
            sim = max(cosine(items[m].vector, item.vector) for m in members)
            if sim >= best_sim:
                best, best_sim = e_index, sim
        if best >= 0:
            entries[best].append(i)
        elif not item.mention.borrowed:
            entries.append([i])
    result: list[TimelineEntry] = []
    for members in entries:
        head = items[members[0]].mention.date
        stating = [m for m in members if items[m].mention.date == head]
        vectors = np.stack([items[m].vector for m in members])
        centrality = cosines(vectors, vectors.astype(np.float64).mean(axis=0))
        best_member = max(stating, key=lambda m: (float(centrality[members.index(m)]), -m))
        result.append(
            TimelineEntry(
                date=head,
                text=items[best_member].text,
                article_ids=tuple(sorted({items[m].mention.article_id for m in members})),
            )
        )
    result.sort(key=lambda e: (e.date, -len(e.article_ids), e.text))
    if len(result) > opts.max_entries:
        keep = sorted(result, key=lambda e: (-len(e.article_ids), e.date))[: opts.max_entries]
        result = sorted(keep, key=lambda e: (e.date, -len(e.article_ids), e.text))
    return tuple(result)
