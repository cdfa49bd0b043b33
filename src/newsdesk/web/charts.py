"""Layouts of the story page's pictures: the timeline on a time axis with breaks.

Pure functions from dates to coordinates; the templates draw them. Every picture has a
list beside it with the same content (the page's text alternative).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

__all__ = ["BREAK_DAYS", "day_number", "gap_label", "human_date", "timeline_chart"]

#: A gap longer than this between two consecutive dates is drawn as a break (a short
#: zig-zag with the gap's length written on it) instead of to scale: news timelines mix
#: decades-old background with same-week events, and to scale the week is one pixel.
#: Within a run of dates no further apart, spacing is proportional to elapsed time.
BREAK_DAYS = 31

# Wide (horizontal) chart: x as a percentage of the drawing's width, so the SVG is never
# scaled and its 12 px labels stay 12 px at any width. Narrow (vertical) chart: px.
_MARGIN_PCT = 6.0
_BREAK_UNITS = 1.3  # a break is a little wider than the step between two dates
_NARROW_STEP = 30  # px per date in the vertical chart
_NARROW_BREAK = 34  # px per break in the vertical chart
_NARROW_TOP = 16


def day_number(date: str) -> int | None:
    """Return the proleptic day number of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or None).

    A year counts from its first day and a month from its first, so a coarse date sits at
    the start of the span it names.
    """
    parts = date[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return dt.date(year, month, day).toordinal()
    except (ValueError, IndexError):
        return None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_date(date: str, *, year: bool = True) -> str:
    """Write ``YYYY[-MM[-DD]]`` as a reader says it ("14 Oct 2025", "Mar 2024", "1998").

    Args:
        date: an ISO date as precise as the source allows (anything else is returned as is).
        year: False leaves the year out of a month or day ("14 Oct").
    """
    parts = date[:10].split("-")
    if not all(p.isdigit() for p in parts) or len(parts) > 3:
        return date
    if len(parts) == 1:
        return parts[0]
    month = int(parts[1])
    if not 1 <= month <= 12:
        return date
    text = _MONTHS[month - 1] if len(parts) == 2 else f"{int(parts[2])} {_MONTHS[month - 1]}"
    return f"{text} {parts[0]}" if year else text


def gap_label(days: int) -> str:
    """Say how long a gap is, in the largest whole unit: "24 years", "5 months", "9 days"."""
    if days >= 730:
        n, unit = round(days / 365.25), "year"
    elif days >= 60:
        n, unit = round(days / 30.44), "month"
    else:
        n, unit = days, "day"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def _runs(days: Sequence[int]) -> list[list[int]]:
    """Split ascending day numbers into runs whose neighbours are at most BREAK_DAYS apart."""
    runs: list[list[int]] = []
    for i, day in enumerate(days):
        if runs and day - days[i - 1] <= BREAK_DAYS:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _positions(days: Sequence[int], unit: float, gap: float) -> list[float]:
    """Place each date: a run takes ``unit`` per date after its first, a break ``gap``;
    inside a run dates sit in proportion to elapsed time, never closer than half a unit."""
    out: list[float] = []
    for run_no, run in enumerate(_runs(days)):
        start = out[-1] + gap if run_no else 0.0
        length = unit * (len(run) - 1)
        span = days[run[-1]] - days[run[0]]
        for k, i in enumerate(run):
            pos = start + (length * (days[i] - days[run[0]]) / span if span else 0.0)
            out.append(max(pos, out[-1] + unit / 2) if k else pos)
    return out


def timeline_chart(dates: Sequence[str]) -> dict[str, Any]:
    """Lay out one dot per distinct date on a time axis with breaks over long gaps.

    Args:
        dates: the entries' dates in timeline order (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    Returns:
        ``{"points": [...], "breaks": [...], "height": px}``. Each point has ``date``,
        ``count`` (entries on that date), ``first`` (index of its first entry), ``r`` (dot
        radius), ``x`` (percent along the wide chart), ``y`` (px down the narrow chart) and
        ``label``. Each break has ``label`` ("24 years"), ``x`` and ``y`` (its middle).
        ``height`` is the narrow chart's height.
    """
    distinct: list[tuple[str, int, int, int]] = []  # (date, day number, first index, count)
    for i, date in enumerate(dates):
        day = day_number(date)
        if day is None:
            continue
        if distinct and distinct[-1][0] == date:
            d, n, first, count = distinct[-1]
            distinct[-1] = (d, n, first, count + 1)
        else:
            distinct.append((date, day, i, 1))
    distinct.sort(key=lambda d: (d[1], d[0]))
    if not distinct:
        return {"points": [], "breaks": [], "height": 0}
    days = [d[1] for d in distinct]
    runs = _runs(days)
    raw = _positions(days, 1.0, _BREAK_UNITS)
    total = raw[-1]
    usable = 100.0 - 2 * _MARGIN_PCT
    xs = [_MARGIN_PCT + usable * r / total if total else 50.0 for r in raw]
    ys = [_NARROW_TOP + y for y in _positions(days, _NARROW_STEP, _NARROW_BREAK)]
    points: list[dict[str, Any]] = []
    last_year = None
    for (date, _day, first, count), x, y in zip(distinct, xs, ys, strict=True):
        label = human_date(date, year=date[:4] != last_year or len(date) < 10)
        last_year = date[:4]
        points.append(
            {
                "date": date,
                "count": count,
                "first": first,
                "r": min(4.0 + 1.5 * count, 9.0),
                "x": round(x, 2),
                "y": round(y, 1),
                "label": label,
            }
        )
    breaks: list[dict[str, Any]] = []
    for left, right in zip(runs, runs[1:], strict=False):
        a, b = left[-1], right[0]
        breaks.append(
            {
                "label": gap_label(days[b] - days[a]),
                "x": round((xs[a] + xs[b]) / 2, 2),
                "y": round((ys[a] + ys[b]) / 2, 1),
            }
        )
    return {"points": points, "breaks": breaks, "height": round(ys[-1] + _NARROW_TOP, 1)}
