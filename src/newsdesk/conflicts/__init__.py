"""Where the sources disagree: one detector per kind behind one protocol.

* ``number`` (``number.py``): one quantity of one subject at one time given incompatible
  figures; figures of different times make a ``change`` (kind "change"), not a conflict.
* ``date`` (``date.py``): one event given different explicit dates.
* ``statement`` (``statement.py``): aligned clauses of one claim with opposite polarity.
* ``name`` (``name.py``): different people or bodies named for one role or act.

``find_conflicts`` runs the detectors of ``DETECTORS`` in that order over one
``StoryView`` (built by ``facts.cross_check``). The clause reading they share is
``clauses.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Conflict
from .base import ConflictOptions, Detector, Row, StoryView
from .date import DateConflicts
from .name import NameConflicts
from .number import NumberConflicts
from .statement import StatementConflicts

__all__ = [
    "DETECTORS",
    "ConflictOptions",
    "Detector",
    "Row",
    "StoryView",
    "find_conflicts",
]

DETECTORS: Mapping[str, Detector] = {
    "number": NumberConflicts(),
    "date": DateConflicts(),
    "statement": StatementConflicts(),
    "name": NameConflicts(),
}


def find_conflicts(
    view: StoryView, *, kinds: tuple[str, ...] | None = None
) -> tuple[Conflict, ...]:
    """Find where the story's sources disagree.

    Args:
        view: the story as the detectors read it.
        kinds: the detectors to run (names of ``DETECTORS``); all by default.

    Returns:
        The conflicts, detector by detector in ``DETECTORS`` order.

    Raises:
        ValueError: for a kind that has no detector.

    Example:
        >>> [c.kind for c in find_conflicts(view)]  # doctest: +SKIP
        ['number', 'statement']
    """
    wanted = tuple(DETECTORS) if kinds is None else kinds
    unknown = sorted(set(wanted) - set(DETECTORS))
    if unknown:
        raise ValueError(f"no conflict detector {unknown[0]!r}; use one of {sorted(DETECTORS)}")
    found: list[Conflict] = []
    for name, detector in DETECTORS.items():
        if name in wanted:
            found.extend(detector.find(view))
    return tuple(found)
