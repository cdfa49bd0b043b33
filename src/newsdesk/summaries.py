"""Extractive multi-document summaries whose every sentence cites all sources that report it.

A sentence is worth more when several independent sources say the same thing (cross-source
support), when it is central to the story (cosine to the centroid of all sentences), and
when it comes early in its article (news puts the gist first). Sentences are picked greedily
under a word budget with maximal-marginal-relevance redundancy control, must stand alone
(no dangling "He said…"), and are put in the order the sources tell the story.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .models import ArticleAnalysis, Sentence, SummarySentence

__all__ = ["SummaryOptions", "Candidate", "summarize", "standalone", "trim_attribution"]

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SummaryOptions:
    """Knobs of the summarizer. Thresholds are cosines of MiniLM sentence embeddings.

    ``same_claim`` was calibrated on the seeds and our example story: paraphrases of one
    claim across outlets score 0.62-0.85, related but different claims 0.35-0.6. Re-run
    ``tests/test_summaries.py`` and the DUC eval after changing any of these.
    """

    words: int = 120
    same_claim: float = 0.62
    redundancy: float = 0.70
    min_words: int = 6
    max_words: int = 50
    support_weight: float = 1.0
    centrality_weight: float = 1.0
    position_weight: float = 0.6
    mmr_lambda: float = 0.6


@dataclass(frozen=True)
class Candidate:
    """A sentence that may enter the summary, with the sources that say the same."""

    sentence: Sentence
    text: str
    row: int
    article_ids: tuple[str, ...]
    support: int
    score: float


# Openers that point back to something earlier in the article.
_DANGLING_START = re.compile(
    r"^(?:he|she|it|they|them|his|her|hers|its|their|theirs|this|these|those|that|such|"
    r"there|here|but|and|or|so|yet|also|however|meanwhile|moreover|furthermore|still|"
    r"instead|then|thus|hence|besides|otherwise|nonetheless|nevertheless|likewise|"
    r"similarly|additionally|in addition|on the other hand|in turn|as a result|after that|"
    r"the (?:statement|document|official|officials|spokesman|spokeswoman|minister|move|"
    r"decision|report|letter|agency|source|sources|comments|remarks|announcement|"
    r"two officials|two countries|latter|former)\b|mr|mrs|ms|dr)\b\.?",
    re.IGNORECASE,
)
_REFERRING = re.compile(
    r"\b(?:the statement|the document|the official|the report|the letter|"
    r"the announcement) (?:added|said|says|noted|stated|continued)\b",
    re.IGNORECASE,
)
# ", it said." / ", he told reporters." / ", officials said on Thursday." at the end.
_TRAILING_ATTRIBUTION = re.compile(
    r",\s*(?:he|she|it|they|officials?|the (?:official|statement|document|ministry|agency))\s+"
    r"(?:said|says|added|noted|stated|told reporters|explained)"
    r"(?:\s+(?:on|in|at)\s+\w+)?\s*([.!])\s*$",
    re.IGNORECASE,
)
_OPEN_QUOTES = "“\"‘'"
_QUOTE_CHARS = re.compile(r"[“”\"]")


def trim_attribution(text: str) -> str:
    """Drop a trailing pronoun attribution (", it said.") that has no referent out of context.

    Example:
        >>> trim_attribution("Talks will resume in May, it said.")
        'Talks will resume in May.'
    """
    if text.lstrip()[:1] in _OPEN_QUOTES:
        return text  # quoted speech: the attribution names who spoke
    return _TRAILING_ATTRIBUTION.sub(r"\1", text)


def standalone(text: str) -> bool:
    """True when a sentence reads on its own: no dangling reference, no open quotation.

    Example:
        >>> standalone("He said the talks failed."), standalone("The talks failed, Ann Lee said.")
        (False, True)
    """
    stripped = text.strip()
    if not stripped or stripped.endswith(("?", ":")) or stripped[-1:] not in ".!\"”’'":
        return False
    if _DANGLING_START.match(stripped) or _REFERRING.search(stripped):
        return False
    quotes = _QUOTE_CHARS.findall(stripped)
    if stripped.count("\"") % 2 == 1 or stripped.count("“") != stripped.count("”"):
        return False
    if quotes and stripped[0] in "“\"" and stripped[-1] in "”\"":
        return False  # a whole-sentence quotation with no speaker
    return not re.search(r"\b(?:he|she|they) (?:said|added|told)\b", stripped[:40], re.I)


def _rows(analyses: Sequence[ArticleAnalysis]) -> list[tuple[int, Sentence]]:
    return [(a, s) for a, analysis in enumerate(analyses) for s in analysis.sentences]


def summarize(
    analyses: Sequence[ArticleAnalysis],
    embeddings: Sequence[Matrix],
    *,
    options: SummaryOptions | None = None,
    duplicate_of: Mapping[str, str] | None = None,
) -> tuple[SummarySentence, ...]:
    """Write an extractive summary of several articles about one event.

    Args:
        analyses: the articles, split into sentences.
        embeddings: one L2-normalised matrix per analysis, a row per sentence.
        options: word budget and thresholds.
        duplicate_of: article id -> id of the article it copies; a copy does not count as
            independent support, but is still cited.

    Returns:
        Summary sentences in reading order, each citing every article that reports it.

    Example:
        >>> summarize([], [])
        ()
    """
    opts = options or SummaryOptions()
    if opts.words < 1:
        raise ValueError("the word budget must be at least 1 word")
    rows = _rows(analyses)
    if not rows:
        return ()
    matrix = np.vstack([np.asarray(m, dtype=np.float32) for m in embeddings if len(m)])
    if matrix.shape[0] != len(rows):
        raise ValueError("embeddings must have one row per sentence of each analysis")
    candidates = _candidates(analyses, rows, matrix, opts, duplicate_of or {})
    chosen = _select(candidates, matrix, opts)
    return _order(chosen, analyses)


def _independent(article_id: str, duplicate_of: Mapping[str, str]) -> str:
    seen = {article_id}
    while article_id in duplicate_of and duplicate_of[article_id] not in seen:
        article_id = duplicate_of[article_id]
        seen.add(article_id)
    return article_id


def _candidates(
    analyses: Sequence[ArticleAnalysis],
    rows: list[tuple[int, Sentence]],
    matrix: Matrix,
    opts: SummaryOptions,
    duplicate_of: Mapping[str, str],
) -> list[Candidate]:
    n_articles = len(analyses)
    article_of = np.array([a for a, _ in rows])
    sims = matrix @ matrix.T
    centroid = matrix.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    centrality = (matrix @ centroid) / norm
    out: list[Candidate] = []
    for row, (a_index, sentence) in enumerate(rows):
        text = trim_attribution(sentence.text)
        n_words = len(text.split())
        if not opts.min_words <= n_words <= opts.max_words or not standalone(text):
            continue
        # Best match in every article: who else reports this?
        cited: list[str] = []
        for other in range(n_articles):
            mask = article_of == other
            if other == a_index or sims[row, mask].max(initial=-1.0) >= opts.same_claim:
                cited.append(analyses[other].article.id)
        groups = {_independent(article_id, duplicate_of) for article_id in cited}
        support = len(groups)
        length = len(analyses[a_index].sentences)
        position = 1.0 - sentence.index / max(length, 1)
        score = (
            opts.support_weight * (support - 1) / max(n_articles - 1, 1)
            + opts.centrality_weight * float(centrality[row])
            + opts.position_weight * position
        )
        out.append(
            Candidate(
                sentence=sentence,
                text=text,
                row=row,
                article_ids=tuple(sorted(cited)),
                support=support,
                score=score,
            )
        )
    return out


def _select(candidates: list[Candidate], matrix: Matrix, opts: SummaryOptions) -> list[Candidate]:
    chosen: list[Candidate] = []
    used = 0
    pool = sorted(candidates, key=lambda c: (-c.score, c.sentence.article_id, c.sentence.index))
    while pool:
        best: Candidate | None = None
        best_value = -np.inf
        for cand in pool:
            n_words = len(cand.text.split())
            if used + n_words > opts.words and chosen:
                continue
            if chosen:
                overlap = max(float(matrix[cand.row] @ matrix[c.row]) for c in chosen)
                if overlap >= opts.redundancy:
                    continue
            else:
                overlap = 0.0
            value = opts.mmr_lambda * cand.score - (1 - opts.mmr_lambda) * overlap
            if value > best_value:
                best, best_value = cand, value
        if best is None:
            break
        chosen.append(best)
        used += len(best.text.split())
        pool = [c for c in pool if c is not best]
        if used >= opts.words:
            break
    return chosen


def _order(chosen: list[Candidate], analyses: Sequence[ArticleAnalysis]) -> tuple[SummarySentence, ...]:
    """Order by where the cited sources tell it: mean relative position across them."""
    lengths = {a.article.id: max(len(a.sentences), 1) for a in analyses}
    by_article = {a.article.id: a for a in analyses}

    def position(cand: Candidate) -> tuple[float, str, int]:
        own = cand.sentence.index / lengths[cand.sentence.article_id]
        return (own, cand.sentence.article_id, cand.sentence.index)

    del by_article
    ordered = sorted(chosen, key=position)
    return tuple(SummarySentence(text=c.text, article_ids=c.article_ids) for c in ordered)
