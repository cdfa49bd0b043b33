"""Number conflicts: one quantity of one subject given incompatible figures.

Figures (``quantities``) of the same unit class, owner and place whose hedged ranges are
disjoint conflict; a figure compatible with every side goes to ``Conflict.also``. An article
that itself gives two incompatible figures for one quantity (a change over time) disables
that quantity: precision first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from ..entities import EntityIndex
from ..models import ArticleAnalysis, Conflict, ConflictSide, Evidence
from ..quantities import QuantityInfo, compatible, demonym_country, unit_class
from .base import StoryView

__all__ = ["NumberConflicts"]

_UNKNOWN_PLACES = frozenset({"country", "region", "area", "city", "nation", "there"})


class NumberConflicts:
    """Figures for one quantity of one subject that cannot all hold."""

    kind = "number"

    def find(self, view: StoryView) -> list[Conflict]:
        infos = [(a, info) for (a, _), found in sorted(view.quantities.items()) for info in found]
        return _number_conflicts(infos, view.analyses, view.index)


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
) -> list[Conflict]:
    # Any entity can be the country of a demonym: NER often tags a small country as ORG.
    places = [e.name for e in index.entities]
    keyed: dict[tuple[str, str], list[tuple[int, QuantityInfo, str]]] = defaultdict(list)
    for a_index, info in infos:
        q = info.quantity
        if q.qualifier == "additional":
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
    for (unit, _), items in sorted(keyed.items()):
        known = {p for _, _, p in items if p}
        if len(known) > 1:
            continue  # different places: different quantities (precision first)
        # An article that contradicts itself is describing a change, not a disagreement.
        per_article: dict[int, list[QuantityInfo]] = defaultdict(list)
        for a_index, info, _ in items:
            per_article[a_index].append(info)
        if any(
            not compatible(x.quantity, y.quantity, x.figure, y.figure)
            for group in per_article.values()
            for x in group
            for y in group
        ):
            continue
        conflict = _sides(items, analyses, unit)
        if conflict is not None:
            conflicts.append(conflict)
    return conflicts


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
    # The plainest description: a capitalised owner that modifies the count noun ("US
    # troops") rather than a subject phrase or demonym, and a named place.
    subject_info = min(
        (i for g in [*groups, also] for _, i in g),
        key=lambda i: (
            not i.owner[:1].isupper(),
            not i.place[:1].isupper(),
            len(i.owner.split()),
            len(i.owner),
        ),
    )
    place = f" in {subject_info.place}" if subject_info.place[:1].isupper() else ""
    owner = re.sub(r"^(?:The|the)\s+", "", subject_info.owner)
    noun = "people " if subject_info.event and not owner else ""
    subject = f"{owner} {noun}{subject_info.unit_text}{place}".strip()

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
