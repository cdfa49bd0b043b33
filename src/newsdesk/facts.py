"""Cross-source analysis: corroborated facts, conflicts, timeline, entities and quotes.

``cross_check`` is the stage the brief calls. It resolves entities once, reads every
sentence's numbers, dates and polarity into claims, then:

* **Facts**: a sentence is a candidate centre; each other independent source supports it
  with its most similar sentence when the cosine reaches ``FactOptions.same_claim`` and
  the pair does not disagree on a number or on polarity. Centres are taken greedily by
  support, then summed similarity; a sentence already used in a fact cannot be a centre
  again. Facts rank by support, then salience (cosine to the story centroid, earlier in the
  article is better); one-source facts fill the list up to ``max_facts`` with support 1.
* **Independence**: ``duplicate_of`` maps a syndicated copy to its original. A copy is not
  corroboration: ``Fact.article_ids`` (and so ``support``) holds one article per duplicate
  group (the original when it is in the story), and the copies that repeat the fact are
  listed in ``Fact.copy_ids``. Conflict sides list every article that reports a value.
* **Conflicts** (``conflicts``): one detector per kind (number, date, statement, name)
  over one ``conflicts.StoryView`` of the story.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .claims import build_claims
from .conflicts import ConflictOptions, StoryView, find_conflicts
from .conflicts.clauses import ClauseParser
from .entities import resolve_entities
from .models import (
    ArticleAnalysis,
    Claim,
    Conflict,
    DateMention,
    Entity,
    Evidence,
    Fact,
    Quote,
    Statement,
    TimelineEntry,
)
from .quantities import QuantityInfo, compatible, extract_quantities, unit_class
from .quotes import find_quotes, merge_quotes
from .scores import cosines, quantize
from .timelines import DatedSentence, TimelineOptions, build_timeline, dates_agree, find_dates

__all__ = ["CrossCheck", "FactOptions", "cross_check", "independent_roots"]

Matrix = npt.NDArray[np.float32]

_HAS_NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|twenty|fifty|hundred)\b",
    re.IGNORECASE,
)
_TRAILING_PRONOUN = re.compile(r",\s*(?:it|he|she|they)\s+(?:said|added|says)\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class FactOptions:
    """Knobs of the cross-check. Similarities are cosines of MiniLM sentence embeddings.

    ``same_claim`` 0.62: on the seeds, the five reports of "the US will keep reducing
    forces" score 0.53-0.98 pairwise and of "no permanent bases" 0.67-0.94, while different
    claims of one story score 0.3-0.6 (the summarizer uses the same calibration).
    ``same_fact`` 0.6: a new fact's centre whose mean cosine to an earlier fact's members
    reaches it restates that fact (on the seeds "reiterated its commitment to reduce"
    scores 0.64 against the five "continue reducing" reports, "will discuss the status of
    remaining forces" 0.55).
    ``same_statement`` 0.8 and ``same_words`` 0.6 decide that two sentences say the same
    thing but for an opposing word; set high because a false conflict costs more than a
    missed one (benchmarks/disagreement.py measures precision).
    ``same_clause`` 0.6: the cosine two sentences need before their parsed clauses are
    compared; lower than ``same_statement`` because the clause match (same verb, same
    participants, scoped polarity) carries the alignment. Our fixtures' true clashes score
    0.67-0.80; with no gate at all (0.0) the clause rule made no conflict on the seeds, on
    DUC 2004's 50 clusters of 10 reports, nor on ClaimDiff-W train; 0.6 keeps a margin and
    bounds the parsing (only pairs above it are parsed).
    Re-run tests/test_facts.py, tests/test_contradictions.py and the benchmark after changing
    any of them.
    """

    same_claim: float = 0.62
    same_fact: float = 0.6
    same_statement: float = 0.8
    same_words: float = 0.6
    same_clause: float = 0.6
    max_facts: int = 10
    min_words: int = 6
    max_words: int = 60
    position_weight: float = 0.15


@dataclass(frozen=True)
class CrossCheck:
    """Everything the brief shows beyond the summary; every record cites article ids."""

    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    timeline: tuple[TimelineEntry, ...]
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    statements: tuple[Statement, ...] = ()


def independent_roots(
    article_ids: Sequence[str], duplicate_of: Mapping[str, str] | None
) -> dict[str, str]:
    """Map each article to the article that stands for its duplicate group.

    Args:
        article_ids: the story's articles.
        duplicate_of: copy id -> original id (chains are followed; cycles are cut).

    Returns:
        article id -> representative id: the original if it is in the story, else the
        first copy of the group in ``article_ids`` order.
    """
    mapping = dict(duplicate_of or {})
    present = set(article_ids)
    roots: dict[str, str] = {}
    for article_id in article_ids:
        seen = {article_id}
        current = article_id
        while current in mapping and mapping[current] not in seen:
            current = mapping[current]
            seen.add(current)
        roots[article_id] = current
    # Groups whose original is absent: the first present member represents them.
    stand_in: dict[str, str] = {}
    for article_id in article_ids:
        root = roots[article_id]
        if root not in present:
            stand_in.setdefault(root, article_id)
    return {a: (r if r in present else stand_in[r]) for a, r in roots.items()}


@dataclass(frozen=True)
class _Row:
    """One sentence of the story as a row of the stacked embedding matrix."""

    article: int
    sentence: int
    text: str
    claim: Claim


def _is_candidate(text: str, options: FactOptions) -> bool:
    words = text.split()
    if not options.min_words <= len(words) <= options.max_words:
        return False
    if (
        text.count(" - ") > 1
        or text.endswith("?")
        or not text[:1].isupper()
        and text[:1] not in '“"'
    ):
        return False
    # Headline-case promos ("Kelly Clarkson Ready To Date") are not statements.
    capitalised = sum(w[:1].isupper() for w in words)
    return capitalised <= 0.6 * len(words)


def _parse_numbers(
    analyses: Sequence[ArticleAnalysis],
    models: Any,
    dates: Mapping[tuple[int, int], Sequence[DateMention]],
) -> dict[tuple[int, int], list[QuantityInfo]]:
    """Parse only the sentences that hold a figure: one batched spaCy call, NER off."""
    jobs = [
        (a_index, sentence)
        for a_index, analysis in enumerate(analyses)
        for sentence in analysis.sentences
        if _HAS_NUMBER.search(sentence.text)
    ]
    found: dict[tuple[int, int], list[QuantityInfo]] = {}
    if not jobs:
        return found
    disabled = [name for name in ("ner", "lemmatizer") if name in models.nlp.pipe_names]
    docs = models.nlp.pipe([s.text for _, s in jobs], disable=disabled, batch_size=64)
    for (a_index, sentence), doc in zip(jobs, docs, strict=True):
        # Figures inside date expressions ("Jan 5", "in 2014") are not counts.
        spans = [d.text for d in dates.get((a_index, sentence.index), ())] + [
            m.text
            for m in analyses[a_index].mentions
            if m.sentence == sentence.index and m.label in {"DATE", "TIME", "ORDINAL"}
        ]
        skip = []
        for span in spans:
            start = sentence.text.find(span)
            if start >= 0:
                skip.append((start, start + len(span)))
        infos = extract_quantities(
            doc, article_id=analyses[a_index].article.id, sentence=sentence.index, skip=skip
        )
        if infos:
            found[(a_index, sentence.index)] = infos
    return found


def _disagree(
    a: Claim, b: Claim, infos_a: Sequence[QuantityInfo], infos_b: Sequence[QuantityInfo]
) -> bool:
    """Whether ``b`` cannot back ``a`` as one fact: polarity differs, or ``a`` states a
    figure or a date that ``b`` does not repeat compatibly (a number is corroborated only by
    the same number). A date disagrees only against a date of the same precision."""
    if a.negated != b.negated:
        return True
    for x in infos_a:
        if not any(
            unit_class(x.quantity.unit) == unit_class(y.quantity.unit)
            and compatible(x.quantity, y.quantity, x.figure, y.figure)
            for y in infos_b
        ):
            return True
    for date in a.dates:
        same_precision = [o for o in b.dates if o.date.count("-") == date.date.count("-")]
        if same_precision and not any(dates_agree(date.date, o.date) for o in same_precision):
            return True
    for x in infos_a:
        for y in infos_b:
            same = (
                unit_class(x.quantity.unit) == unit_class(y.quantity.unit)
                and x.owner.lower() == y.owner.lower()
            )
            if same and not compatible(x.quantity, y.quantity, x.figure, y.figure):
                return True
    return False


def _facts(
    rows: Sequence[_Row],
    matrix: Matrix,
    roots: Sequence[str],
    quantities: Mapping[tuple[int, int], Sequence[QuantityInfo]],
    analyses: Sequence[ArticleAnalysis],
    options: FactOptions,
) -> tuple[Fact, ...]:
    if not rows:
        return ()
    sims = cosines(matrix, matrix)
    centroid = matrix.astype(np.float64).mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    lengths = [max(1, len(analyses[r.article].sentences)) for r in rows]
    position = np.array([1.0 - r.sentence / n for r, n in zip(rows, lengths, strict=True)])
    salience = np.round(cosines(matrix, centroid / norm) + options.position_weight * position, 6)
    row_roots = np.array([roots[r.article] for r in rows])
    # For each row: the best supporting row of every other independent source.
    support: list[dict[str, int]] = []
    for i, row in enumerate(rows):
        best: dict[str, int] = {roots[row.article]: i}
        close = np.nonzero(sims[i] >= options.same_claim)[0]
        for j in sorted(close.tolist(), key=lambda j: (-float(sims[i, j]), j)):
            root = str(row_roots[j])
            if root in best:
                continue
            other = rows[j]
            if not _disagree(
                row.claim,
                other.claim,
                quantities.get((row.article, row.sentence), ()),
                quantities.get((other.article, other.sentence), ()),
            ):
                best[root] = j
        support.append(best)
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            -len(support[i]),
            -quantize(math.fsum(float(sims[i, j]) for j in support[i].values())),
            -float(salience[i]),
            i,
        ),
    )
    used: set[int] = set()
    chosen: list[tuple[int, list[int]]] = []
    for i in order:
        # A centre that restates a chosen fact (close to its centre, or on average close to
        # its members: a paraphrase of a quote) would list one fact twice.
        if i in used or any(
            sims[i, c] >= options.same_claim
            or quantize(math.fsum(sims[i, m].tolist()) / len(m)) >= options.same_fact
            for c, m in chosen
        ):
            continue
        members = sorted(set(support[i].values()))
        chosen.append((i, members))
        used.update(members)
        if len(chosen) >= 4 * options.max_facts:
            break
    facts: list[tuple[int, float, Fact]] = []
    for center, found in chosen:
        # Syndicated copies repeat the fact without backing it: cite their best sentence.
        member_roots = {roots[rows[m].article] for m in found}
        copies: dict[int, int] = {}
        for j in np.nonzero(sims[center] >= options.same_claim)[0].tolist():
            a_index = rows[j].article
            if (
                roots[a_index] in member_roots
                and all(rows[m].article != a_index for m in found)
                and (a_index not in copies or sims[center, j] > sims[center, copies[a_index]])
            ):
                copies[a_index] = j
        members = sorted({*found, *copies.values()})
        representative = max(members, key=lambda m: _representativeness(m, members, sims, rows))
        # One article per independent source backs the fact; copies are cited apart.
        article_ids = sorted({analyses[rows[m].article].article.id for m in found})
        copy_ids = tuple(sorted(analyses[a].article.id for a in copies))
        evidence = tuple(
            Evidence(article_id=analyses[rows[m].article].article.id, sentence=rows[m].text)
            for m in sorted(
                members, key=lambda m: (analyses[rows[m].article].article.id, rows[m].sentence)
            )
        )
        fact = Fact(
            text=rows[representative].text,
            article_ids=tuple(article_ids),
            evidence=evidence,
            copy_ids=copy_ids,
        )
        facts.append((len(article_ids), float(max(salience[m] for m in members)), fact))
    facts.sort(key=lambda item: (-item[0], -item[1], item[2].text))
    return tuple(f for _, _, f in facts[: options.max_facts])


def _representativeness(
    m: int, members: Sequence[int], sims: npt.NDArray[np.float64], rows: Sequence[_Row]
) -> float:
    others = [o for o in members if o != m]
    score = quantize(math.fsum(float(sims[m, o]) for o in others) / len(others)) if others else 0.0
    text = rows[m].text
    # A clean sentence reads best: no quotation marks, not overlong.
    if any(c in text for c in '“”"'):
        score -= 0.15
    if _TRAILING_PRONOUN.search(text):
        score -= 0.15
    if len(text.split()) > 35:
        score -= 0.05
    return quantize(score)


def cross_check(
    analyses: Sequence[ArticleAnalysis],
    embeddings: Sequence[Matrix],
    models: Any,
    *,
    duplicate_of: Mapping[str, str] | None = None,
    options: FactOptions | None = None,
) -> CrossCheck:
    """Compare the reports of one story: facts with support, conflicts, timeline, entities, quotes.

    Args:
        analyses: the story's analysed articles.
        embeddings: ``embeddings[i]`` is the (n_sentences x d) L2-normalised matrix of
            ``analyses[i].sentences``.
        models: ``newsdesk.nlp.Models`` (its spaCy pipeline parses sentences with figures).
        duplicate_of: syndicated copy id -> original id; copies do not add support.
        options: thresholds (see ``FactOptions``).

    Returns:
        A ``CrossCheck`` whose every record cites article ids.

    Raises:
        ValueError: when ``embeddings`` does not match ``analyses``.

    Example:
        >>> check = cross_check(analyses, embeddings, models)  # doctest: +SKIP
        >>> [(f.support, f.text) for f in check.facts][:1]  # doctest: +SKIP
    """
    opts = options or FactOptions()
    if len(embeddings) != len(analyses):
        raise ValueError(
            f"got {len(embeddings)} embedding matrices for {len(analyses)} analyses; "
            "pass one per analysis"
        )
    for analysis, matrix in zip(analyses, embeddings, strict=True):
        if matrix.shape[0] != len(analysis.sentences):
            raise ValueError(
                f"article {analysis.article.id}: {matrix.shape[0]} embedding rows for "
                f"{len(analysis.sentences)} sentences"
            )
    if not analyses:
        return CrossCheck(facts=(), conflicts=(), timeline=(), entities=(), quotes=())
    ids = [a.article.id for a in analyses]
    root_of = independent_roots(ids, duplicate_of)
    roots = [root_of[i] for i in ids]
    index = resolve_entities(analyses)
    published = [a.article.published for a in analyses if a.article.published]
    story_date = max(published) if published else None

    # One parser for the dates' tenses and the conflicts' clauses (it caches by text).
    parses = ClauseParser(models.nlp)
    dates: dict[tuple[int, int], list[DateMention]] = {}
    dated: list[DatedSentence] = []
    dated_entities: list[frozenset[str]] = []
    for a_index, (analysis, matrix) in enumerate(zip(analyses, embeddings, strict=True)):
        for sentence in analysis.sentences:
            found = find_dates(
                sentence.text,
                article_id=analysis.article.id,
                sentence=sentence.index,
                published=analysis.article.published,
                story_date=story_date,
                parse=parses.doc,
            )
            if found:
                dates[(a_index, sentence.index)] = found
                # A bare date line ("October 14, 2025") dates nothing.
                rest = sentence.text
                for mention in found:
                    rest = rest.replace(mention.text, " ")
                if len(re.findall(r"[^\W\d_]{2,}", rest)) < 3:
                    continue
                for mention in found:
                    dated.append(
                        DatedSentence(
                            mention=mention, text=sentence.text, vector=matrix[sentence.index]
                        )
                    )
    quantities = _parse_numbers(analyses, models, dates)

    rows: list[_Row] = []
    vectors: list[Matrix] = []
    all_claims: list[Claim] = []
    for a_index, (analysis, matrix) in enumerate(zip(analyses, embeddings, strict=True)):
        claims = build_claims(
            analysis,
            index,
            {
                s: [q.quantity for q in quantities.get((a_index, s), [])]
                for s in range(len(analysis.sentences))
            },
            {s: dates.get((a_index, s), []) for s in range(len(analysis.sentences))},
        )
        all_claims.extend(claims)
        for claim in claims:
            if _is_candidate(claim.text, opts):
                rows.append(
                    _Row(article=a_index, sentence=claim.sentence, text=claim.text, claim=claim)
                )
                vectors.append(matrix[claim.sentence])
    claim_of = {(c.article_id, c.sentence): c for c in all_claims}
    for item in dated:
        claim = claim_of[(item.mention.article_id, item.mention.sentence)]
        dated_entities.append(frozenset(claim.entities))
    dim = embeddings[0].shape[1] if len(embeddings[0].shape) == 2 else 0
    stacked = (
        np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, dim), dtype=np.float32)
    )

    facts = _facts(rows, stacked, roots, quantities, analyses, opts)
    conflicts = find_conflicts(
        StoryView(
            analyses=analyses,
            index=index,
            roots=root_of,
            rows=rows,
            vectors=stacked,
            quantities=quantities,
            dates=dates,
            dated=dated,
            dated_entities=dated_entities,
            parses=parses,
            options=ConflictOptions(
                same_statement=opts.same_statement,
                same_words=opts.same_words,
                same_clause=opts.same_clause,
            ),
        )
    )
    timeline = build_timeline(dated, TimelineOptions())
    said = [find_quotes(analysis, index, models.nlp) for analysis in analyses]
    quotes = merge_quotes([q for found, _ in said for q in found])
    statements = merge_quotes([s for _, found in said for s in found])
    return CrossCheck(
        facts=facts,
        conflicts=conflicts,
        timeline=timeline,
        entities=index.entities,
        quotes=quotes,
        statements=statements,
    )
