"""What every conflict detector reads, and the protocol it implements.

``facts.cross_check`` reads a story once (sentences, claims, figures, dates, one clause
parser) and hands the detectors one ``StoryView``; each detector returns the conflicts of
its kind. A detector never decides support: it only says which aligned reports cannot
all hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ..entities import EntityIndex
from ..models import ArticleAnalysis, Claim, Conflict, DateMention
from ..quantities import QuantityInfo
from ..timelines import DatedSentence
from .clauses import ClauseParser

__all__ = ["ConflictOptions", "Detector", "Row", "StoryView"]

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ConflictOptions:
    """Alignment gates of the statement and date detectors (MiniLM cosines).

    ``same_statement`` 0.8 and ``same_words`` 0.6 decide that two sentences say the same
    thing but for an opposing word; ``same_clause`` 0.6 is the cosine two sentences need
    before their parsed clauses are compared (the clause match carries the alignment). Set
    high because a false conflict costs more than a missed one: benchmarks/disagreement.py
    measures their precision on ClaimDiff. Re-run tests/test_contradictions.py and that
    benchmark after changing any of them.
    """

    same_statement: float = 0.8
    same_words: float = 0.6
    same_clause: float = 0.6


class Row(Protocol):
    """One candidate sentence of the story (a row of ``StoryView.vectors``)."""

    @property
    def article(self) -> int: ...

    @property
    def sentence(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def claim(self) -> Claim: ...


@dataclass(frozen=True)
class StoryView:
    """One story as the detectors read it; indexes are positions in ``analyses``.

    ``roots`` maps an article id to the id that stands for its duplicate group (a copy
    never conflicts with its original); ``quantities`` and ``dates`` are keyed by
    (analysis index, sentence index); ``dated_entities[i]`` holds the entity names of the
    sentence of ``dated[i]``.
    """

    analyses: Sequence[ArticleAnalysis]
    index: EntityIndex
    roots: Mapping[str, str]
    rows: Sequence[Row]
    vectors: Matrix
    quantities: Mapping[tuple[int, int], Sequence[QuantityInfo]]
    dates: Mapping[tuple[int, int], Sequence[DateMention]]
    dated: Sequence[DatedSentence]
    dated_entities: Sequence[frozenset[str]]
    parses: ClauseParser
    options: ConflictOptions = ConflictOptions()

    def root(self, analysis: int) -> str:
        """The duplicate-group representative of the article at ``analysis``."""
        article_id = self.analyses[analysis].article.id
        return self.roots.get(article_id, article_id)


class Detector(Protocol):
    """Finds the conflicts of one kind (``number``, ``date``, ``statement``, ``name``)."""

    kind: str

    def find(self, view: StoryView) -> list[Conflict]:
        """Return the conflicts of this kind in the story, in a stable order."""
        ...
