"""Number conflicts: one quantity of one subject at one time given incompatible figures.

Figures (``quantities``) of the same unit class, owner and place whose hedged ranges are
disjoint conflict; a figure compatible with every side goes to ``Conflict.also``. Parts
("42 of the 69 sailors") and increments ("another 2,500") are never compared.

**Time reference**: a figure is of the date its sentence states ("in February", "as of
June 3"; not "since 2024", which dates the start of a span), else of its article's
publication date, give or take ``_PUBLISHED_SLACK`` days (a report describes the days
before it). Figures of different times are not in conflict: when the quantity has an owner
and its figures differ from one time to the next, the brief shows a ``change`` (kind
"change", one side per time, earliest first, each value followed by its date). A figure
whose time is unknown joins the comparison only when all the others share one time; a
sentence with two different dates dates no figure (precision first).

An article that itself gives two incompatible figures for one quantity at one time
disables that quantity: precision first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..entities import EntityIndex
from ..models import ArticleAnalysis, Conflict, ConflictSide, Evidence
from ..quantities import QuantityInfo, compatible, demonym_country, unit_class
from .base import StoryView

__all__ = ["NumberConflicts"]

_UNKNOWN_PLACES = frozenset({"country", "region", "area", "city", "nation", "there"})


# Days a publication date stretches each way as a time reference. Chosen by reading, not
# fitted: wire reports of one event are published within days of it; re-run
# tests/test_contradictions.py after changing it.
_PUBLISHED_SLACK = 7
# A stated day ("on Tuesday") stretches one day each way: a count given for the day of an
# event and one given for "Wednesday" in a later report are one tally being updated.
_STATED_DAY_SLACK = 1
_NOT_A_REFERENCE = re.compile(r"\b(?:since|until|till|before|after)\s+(?:the\s+)?$", re.I)


@dataclass(frozen=True)
class _When:
    """A figure's time reference: a date (YYYY, YYYY-MM, YYYY-MM-DD) and where it came from."""

    day: str
    stated: bool  # in the sentence, else the publication date

    def span(self) -> tuple[date, date]:
        parts = [int(p) for p in self.day.split("-")]
        if len(parts) == 1:
            first, last = date(parts[0], 1, 1), date(parts[0], 12, 31)
        elif len(parts) == 2:
            first = date(parts[0], parts[1], 1)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        else:
            first = last = date(parts[0], parts[1], parts[2])
        slack = timedelta(_STATED_DAY_SLACK if self.stated else _PUBLISHED_SLACK)
        if len(parts) == 3 or not self.stated:
            first, last = first - slack, last + slack
        return first, last


def same_time(a: _When | None, b: _When | None) -> bool:
    """Whether two time references can be the same moment (unknown agrees with anything)."""
    if a is None or b is None:
        return True
    (a_first, a_last), (b_first, b_last) = a.span(), b.span()
    return a_first <= b_last and b_first <= a_last


def _when(view: StoryView, a_index: int, info: QuantityInfo) -> _When | None | bool:
    """The figure's time reference; None when unknown, False when ambiguous."""
    sentence = view.analyses[a_index].sentences[info.quantity.sentence].text
    stated = set()
    mentions = view.dates.get((a_index, info.quantity.sentence), ())
    figure = view.parses.clause_at(sentence, info.figure) if mentions else None
    governing = (
        {figure.token} | {t.i for t in view.parses.doc(sentence)[figure.token].ancestors}
        if figure is not None
        else set()
    )
    for mention in mentions:
        start = sentence.find(mention.text)
        if (
            mention.borrowed
            or _NOT_A_REFERENCE.search(mention.text.split()[0] + " ")
            or (start >= 0 and _NOT_A_REFERENCE.search(sentence[:start]))
        ):
            continue
        # The date must date the figure's own clause or one that governs it: "the coalition
        # that was formed in 2014 had 7,500" dates the coalition, not the 7,500.
        if start < 0 or _clause_head(view.parses.doc(sentence), start) not in governing:
            continue
        stated.add(mention.date)
    if stated:
        finest = max(stated, key=len)
        if all(finest.startswith(d) for d in stated):
            return _When(finest, stated=True) if _valid(finest) else None
        return False
    published = view.analyses[a_index].article.published
    if published and _valid(published[:10]):
        return _When(published[:10], stated=False)
    return None


_BOUNDARIES = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "parataxis", "csubj"})


def _clause_head(doc: Any, start: int) -> int:
    """The verb heading the clause that holds the character ``start``: the first verb up
    the parse that opens a clause of its own (a prepositional phrase is crossed)."""
    token = next((t for t in doc if t.idx >= start), None)
    while token is not None:
        if token.pos_ in {"VERB", "AUX"} and (token.dep_ in _BOUNDARIES or token.head.i == token.i):
            return int(token.i)
        if token.head.i == token.i:
            return int(token.i)
        token = token.head
    return -1


def _valid(text: str) -> bool:
    return re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", text) is not None


class NumberConflicts:
    """Figures for one quantity of one subject at one time that cannot all hold."""

    kind = "number"

    def find(self, view: StoryView) -> list[Conflict]:
        infos = []
        whens: dict[int, _When | None] = {}
        for (a, _), found in sorted(view.quantities.items()):
            for info in found:
                when = _when(view, a, info)
                if when is False:
                    continue  # two dates in one sentence: which one is the figure's?
                whens[id(info)] = when if isinstance(when, _When) else None
                infos.append((a, info))
        return _number_conflicts(infos, view.analyses, view.index, whens)


def _owner_key(owner: str, index: EntityIndex, article_id: str, places: Sequence[str]) -> str:
    if not owner:
        return ""
    # A demonym first: NER often makes "Velmoran" an entity of its own.
    country = demonym_country(owner.split()[-1], places)
    if country is not None and country != owner.lower():
        entity = index.resolve(country, article_id)
        return entity.name.lower() if entity is not None else country
    entity = index.resolve(owner, article_id)
    if entity is not None:
        return entity.name.lower()
    if country is not None:
        entity = index.resolve(country, article_id)
        return entity.name.lower() if entity is not None else country
    words = [w for w in owner.lower().split() if w not in {"the", "a", "an"}]
    return " ".join(words)


def _place_key(place: str, index: EntityIndex, article_id: str) -> str:
    words = [w for w in place.lower().split() if w not in {"the", "a", "an"}]
    if not words or words[-1] in _UNKNOWN_PLACES:
        return ""
    entity = index.resolve(place, article_id)
    return entity.name.lower() if entity is not None else " ".join(words)


def _number_conflicts(
    infos: Sequence[tuple[int, QuantityInfo]],
    analyses: Sequence[ArticleAnalysis],
    index: EntityIndex,
    whens: dict[int, _When | None],
) -> list[Conflict]:
    # Any entity can be the country of a demonym: NER often tags a small country as ORG.
    places = [e.name for e in index.entities]
    keyed: dict[tuple[str, str], list[tuple[int, QuantityInfo, str]]] = defaultdict(list)
    for a_index, info in infos:
        q = info.quantity
        if q.qualifier in {"additional", "part"}:
            continue
        owner = _owner_key(info.owner, index, q.article_id, places)
        # A count without an owner is comparable only when its predicate says what happened
        # ("two people were killed"): the story's event is then the implicit subject.
        if not owner and not info.event:
            continue
        keyed[(unit_class(q.unit), owner)].append(
            (a_index, info, _place_key(info.place, index, q.article_id))
        )
    conflicts: list[Conflict] = []
    for (unit, owner), items in sorted(keyed.items()):
        known = {p for _, _, p in items if p}
        if len(known) > 1:
            continue  # different places: different quantities (precision first)
        periods = _periods(items, whens)
        found: list[Conflict | None] = []
        for period in periods:
            # An article that contradicts itself is describing a change, not a disagreement.
            per_article: dict[int, list[QuantityInfo]] = defaultdict(list)
            for a_index, info, _ in period:
                per_article[a_index].append(info)
            if any(
                not compatible(x.quantity, y.quantity, x.figure, y.figure)
                for group in per_article.values()
                for x in group
                for y in group
            ):
                found.append(None)
                continue
            conflict = _sides(period, analyses, unit)
            if conflict is not None:
                conflicts.append(conflict)
            found.append(conflict)
        if len(periods) > 1 and owner and not any(found):
            change = _change(periods, analyses, whens)
            if change is not None:
                conflicts.append(change)
    return conflicts


def _periods(
    items: Sequence[tuple[int, QuantityInfo, str]], whens: dict[int, _When | None]
) -> list[list[tuple[int, QuantityInfo, str]]]:
    """Split one quantity's figures by time reference, earliest first.

    Point figures (exact, about) make the periods; a bound ("more than 5,000") joins the
    first period of its time and is left out when none is. A figure of unknown time joins
    when there is one period only; with several it is left out (it could belong to any).
    """

    def dated(item: tuple[int, QuantityInfo, str]) -> bool:
        return whens.get(id(item[1])) is not None

    def point(item: tuple[int, QuantityInfo, str]) -> bool:
        return item[1].quantity.qualifier in {"exact", "about"}

    ordered = sorted(
        (item for item in items if dated(item)),
        key=lambda item: (_start(whens[id(item[1])]), item[0], item[1].quantity.sentence),
    )
    periods: list[list[tuple[int, QuantityInfo, str]]] = []
    for item in (i for i in ordered if point(i)):
        when = whens[id(item[1])]
        if periods and all(same_time(whens[id(x[1])], when) for x in periods[-1]):
            periods[-1].append(item)
        else:
            periods.append([item])
    unknown = [item for item in items if not dated(item)]
    if not periods:
        return [[*ordered, *unknown]]
    for item in (i for i in ordered if not point(i)):
        when = whens[id(item[1])]
        home = next((p for p in periods if all(same_time(whens[id(x[1])], when) for x in p)), None)
        if home is not None:
            home.append(item)
    if len(periods) == 1:
        periods[0].extend(unknown)
    return periods


def _start(when: _When | None) -> date:
    return when.span()[0] if when is not None else date.min


def _change(
    periods: Sequence[Sequence[tuple[int, QuantityInfo, str]]],
    analyses: Sequence[ArticleAnalysis],
    whens: dict[int, _When | None],
) -> Conflict | None:
    """One quantity given different figures at different times: a change, one side a time."""
    sides: list[ConflictSide] = []
    for period in periods:
        counts: dict[str, int] = defaultdict(int)
        for _, info, _ in period:
            counts[info.figure] += 1
        figure = max(sorted(counts), key=lambda v: counts[v])
        stamps = sorted({w.day for _, i, _ in period if (w := whens.get(id(i))) is not None})
        label = stamps[0] if len(stamps) == 1 else f"{stamps[0]} to {stamps[-1]}"
        sides.append(
            ConflictSide(
                value=f"{figure} ({label})",
                article_ids=tuple(sorted({analyses[a].article.id for a, _, _ in period})),
                evidence=tuple(
                    Evidence(
                        article_id=analyses[a].article.id,
                        sentence=analyses[a].sentences[i.quantity.sentence].text,
                    )
                    for a, i, _ in sorted(
                        period, key=lambda x: (analyses[x[0]].article.id, x[1].quantity.sentence)
                    )
                ),
            )
        )
    # Consecutive periods must differ, or nothing changed.
    firsts = [next(iter(p)) for p in periods]
    if all(
        compatible(x[1].quantity, y[1].quantity, x[1].figure, y[1].figure)
        for x, y in zip(firsts, firsts[1:], strict=False)
    ):
        return None
    if len({a for p in periods for a, _, _ in p}) < 2:
        return None
    subject = _subject([i for p in periods for _, i, _ in p])
    return Conflict(subject=subject, kind="change", sides=tuple(sides))


def _sides(
    items: Sequence[tuple[int, QuantityInfo, str]], analyses: Sequence[ArticleAnalysis], unit: str
) -> Conflict | None:
    points = [(a, i) for a, i, _ in items if i.quantity.qualifier in {"exact", "about"}]
    others = [(a, i) for a, i, _ in items if i.quantity.qualifier not in {"exact", "about"}]
    points.sort(key=lambda item: item[1].quantity.value)
    groups: list[list[tuple[int, QuantityInfo]]] = []
    for item in points:
        if groups and all(
            compatible(item[1].quantity, g[1].quantity, item[1].figure, g[1].figure)
            for g in groups[-1]
        ):
            groups[-1].append(item)
        else:
            groups.append([item])
    also: list[tuple[int, QuantityInfo]] = []
    for item in others:
        fits = [
            g
            for g in groups
            if all(
                compatible(item[1].quantity, x[1].quantity, item[1].figure, x[1].figure) for x in g
            )
        ]
        if len(fits) == len(groups) and groups:
            also.append(item)
        elif len(fits) == 1:
            fits[0].append(item)
        else:
            groups.append([item])
    if len(groups) < 2:
        return None
    if len({a for g in groups for a, _ in g}) < 2:
        return None
    subject = _subject([i for g in [*groups, also] for _, i in g])

    def side(group: Sequence[tuple[int, QuantityInfo]], *, with_qualifier: bool) -> ConflictSide:
        counts: dict[str, int] = defaultdict(int)
        for _, info in group:
            counts[info.quantity.text if with_qualifier else info.figure] += 1
        value = max(sorted(counts), key=lambda v: counts[v])
        ids = sorted({analyses[a].article.id for a, _ in group})
        evidence = tuple(
            Evidence(
                article_id=analyses[a].article.id,
                sentence=analyses[a].sentences[i.quantity.sentence].text,
            )
            for a, i in sorted(
                group, key=lambda item: (analyses[item[0]].article.id, item[1].quantity.sentence)
            )
        )
        return ConflictSide(value=value, article_ids=tuple(ids), evidence=evidence)

    sides = tuple(
        sorted(
            (side(g, with_qualifier=False) for g in groups),
            key=lambda s: (-len(s.article_ids), s.value),
        )
    )
    return Conflict(
        subject=subject,
        kind="number",
        sides=sides,
        also=tuple(side([item], with_qualifier=True) for item in also),
    )


def _subject(infos: Sequence[QuantityInfo]) -> str:
    """A short noun phrase: the plainest owner with its count noun, and a named place.

    The owner is a capitalised one that modifies the count noun ("US troops") rather than a
    subject phrase or a demonym ("Americans"); the place is the owner's own if named, else
    any named place of the same figures ("US troops in Iraq").
    """

    def demonym(owner: str) -> bool:
        return len(owner.split()) == 1 and owner.endswith(("ans", "ese", "is", "ish"))

    owner_info = min(
        infos,
        key=lambda i: (
            not i.owner[:1].isupper(),
            demonym(i.owner),
            not i.place[:1].isupper(),
            len(i.owner.split()),
            len(i.owner),
        ),
    )
    places = [i.place for i in (owner_info, *infos) if i.place[:1].isupper()]
    place = f" in {places[0]}" if places else ""
    owner = re.sub(r"^(?:The|the)\s+", "", owner_info.owner)
    noun = "people " if owner_info.event and not owner else ""
    return f"{owner} {noun}{owner_info.unit_text}{place}".strip()
