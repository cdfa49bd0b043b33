"""Checkable statements: each sentence becomes a ``Claim`` with its typed values.

A claim carries the numbers (``quantities``), dates (``timelines.find_dates``), canonical
entity names and polarity of its sentence, so that aligned claims of different outlets can
be compared value by value (``facts``). Polarity is the evidence engine's cue test
(``citations.NEGATION``): "not", "no", "never", "nor", "n't", "without" outside quotation
marks; "does not seek" and "did not specify" both count.
That is crude for one sentence but is used only between two sentences that otherwise say the
same thing, where a lone negation is exactly the difference that matters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .citations import NEGATION, is_negated
from .entities import EntityIndex
from .models import ArticleAnalysis, Claim, DateMention, Quantity

__all__ = ["NEGATION", "build_claims", "content_words", "is_negated"]

_WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "he",
        "she",
        "they",
        "them",
        "his",
        "her",
        "their",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "said",
        "says",
        "say",
        "also",
        "than",
        "then",
        "there",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "after",
        "before",
        "over",
        "into",
        "about",
        "up",
        "out",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "so",
        "too",
        "very",
        "just",
        "both",
        "each",
        "few",
        "any",
        "all",
    ]
)


def content_words(text: str) -> frozenset[str]:
    """Return the lower-cased content words of ``text`` (no stop words, no negation cues)."""
    words = {w.lower() for w in _WORD.findall(text)}
    return frozenset(
        w for w in words if w not in _STOP and not NEGATION.fullmatch(w) and len(w) > 1
    )


def build_claims(
    analysis: ArticleAnalysis,
    index: EntityIndex,
    quantities: Mapping[int, Sequence[Quantity]],
    dates: Mapping[int, Sequence[DateMention]],
) -> list[Claim]:
    """Turn each sentence of an article into a claim with its typed values.

    Args:
        analysis: the article.
        index: the story's entities (mentions -> canonical names).
        quantities: quantities by sentence index.
        dates: date mentions by sentence index.

    Returns:
        One claim per sentence, in order.
    """
    names: dict[int, set[str]] = {}
    for mention in analysis.mentions:
        entity = index.entity_of(mention)
        if entity is not None:
            names.setdefault(mention.sentence, set()).add(entity.name)
    return [
        Claim(
            article_id=analysis.article.id,
            sentence=sentence.index,
            text=sentence.text,
            quantities=tuple(quantities.get(sentence.index, ())),
            dates=tuple(dates.get(sentence.index, ())),
            entities=tuple(sorted(names.get(sentence.index, ()))),
            negated=is_negated(sentence.text),
        )
        for sentence in analysis.sentences
    ]
