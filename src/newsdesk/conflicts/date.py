"""Date conflicts: one event given different explicit dates by two sources.

One event: cosine >= ``same_statement``, a shared entity, and the dates attached to clauses
with the same verb and participants; the two dates have the same precision and each
sentence states its date alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..models import Conflict, ConflictSide, Evidence
from ..scores import cosine
from ..timelines import DatedSentence
from .base import StoryView
from .clauses import ClauseParser, same_event, subject_line

__all__ = ["DateConflicts"]


class DateConflicts:
    """One event dated differently by two independent sources."""

    kind = "date"

    def find(self, view: StoryView) -> list[Conflict]:
        return _date_conflicts(
            view.dated,
            view.dated_entities,
            view.options.same_statement,
            view.roots,
            view.parses,
        )


def _date_conflicts(
    items: Sequence[DatedSentence],
    entities_of: Sequence[frozenset[str]],
    threshold: float,
    roots: Mapping[str, str],
    parses: ClauseParser,
) -> list[Conflict]:
    sentence_dates: list[frozenset[str]] = []
    by_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    for item in items:
        by_sentence[(item.mention.article_id, item.mention.sentence)].add(item.mention.date)
    for item in items:
        sentence_dates.append(
            frozenset(by_sentence[(item.mention.article_id, item.mention.sentence)])
        )
    conflicts: list[Conflict] = []
    seen: set[tuple[str, ...]] = set()
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            ma, mb = a.mention, b.mention
            if ma.article_id == mb.article_id or ma.borrowed or mb.borrowed:
                continue
            if roots.get(ma.article_id) == roots.get(mb.article_id):
                continue
            # Each sentence must state its date alone: "closed on September 3 ... reopened
            # September 22" holds two dates, and the other outlet's is one of them.
            if ma.date in sentence_dates[j] or mb.date in sentence_dates[i]:
                continue
            if ma.date.count("-") != mb.date.count("-") or ma.date == mb.date:
                continue
            if not (entities_of[i] & entities_of[j]) or cosine(a.vector, b.vector) < threshold:
                continue
            # One event: the dates hang on clauses with the same verb and participants
            # ("appointed on March 3" / "appointed on March 5", not "sworn in on March 5").
            x, y = parses.clause_at(a.text, ma.text), parses.clause_at(b.text, mb.text)
            if x is None or y is None or not same_event(x, y):
                continue
            subject = subject_line(parses.doc(a.text), x)
            # One disagreement once, however many sentence pairs restate it.
            key = (subject, *sorted({ma.date, mb.date}))
            if key in seen:
                continue
            seen.add(key)
            conflicts.append(
                Conflict(
                    subject=subject,
                    kind="date",
                    sides=tuple(
                        ConflictSide(
                            value=m.text,
                            article_ids=(m.article_id,),
                            evidence=(Evidence(m.article_id, t),),
                        )
                        for m, t in ((ma, a.text), (mb, b.text))
                    ),
                )
            )
    return conflicts
