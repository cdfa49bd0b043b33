"""Cross-source analysis: corroborated facts, conflicts, timeline, entities and quotes.

``cross_check`` is the stage the brief calls. It resolves entities once, reads every
sentence's numbers, dates and polarity into claims, then:

* **Facts**: the evidence engine (``citations.Citer``, the one that cites the summary)
  says which sources report each candidate sentence, and by which of their sentences
  (same claim, paraphrase allowed; numbers, months and polarity agree). Centres are taken
  greedily by independent support, then salience; a sentence found for a chosen fact, or
  restating its centre, cannot start another (paraphrases of one claim are one fact).
  Facts that state a summary sentence's claim are left out (the summary already prints
  them with all their sources). Facts rank by support, then salience (cosine to the story
  centroid, earlier in the article is better); one-source facts fill the list up to
  ``max_facts`` with support 1.
* **Independence**: ``duplicate_of`` maps a syndicated copy to its original. A copy is not
  corroboration: ``Fact.article_ids`` (and so ``support``) holds one article per duplicate
  group (the original when it is in the story), and the copies that repeat the fact are
  listed in ``Fact.copy_ids``. Conflict sides list every article that reports a value.
* **Conflicts** (``conflicts``): one detector per kind (number, date, statement, name)
  over one ``conflicts.StoryView`` of the story.
* **Evidence everywhere**: the same engine gives each summary sentence's cited sources
  their sentence (``summary_evidence``) and says which sources a timeline entry lists
  (``timelines.build_timeline``'s ``reporters``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .citations import Citer, EvidenceOptions
from .claims import build_claims
from .conflicts import ConflictOptions, StoryView, find_conflicts
from .conflicts.clauses import ClauseParser
from .duplicates import independent_roots  # the one answer for copies (summaries too)
from .eligibility import standalone
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
    SummarySentence,
    TimelineEntry,
)
from .quantities import QuantityInfo, extract_quantities
from .quotes import find_quotes, merge_quotes
from .scores import cosines, quantize
from .timelines import DatedSentence, Reporters, TimelineOptions, build_timeline, find_dates

__all__ = [
    "CrossCheck",
    "FactOptions",
    "cross_check",
    "evidence_engine",
    "find_facts",
    "independent_roots",
    "summary_evidence",
]

Matrix = npt.NDArray[np.float32]

_HAS_NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|twenty|fifty|hundred)\b",
    re.IGNORECASE,
)
_TRAILING_PRONOUN = re.compile(r",\s*(?:it|he|she|they)\s+(?:said|added|says)\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class FactOptions:
    """Knobs of the cross-check. Similarities are cosines of MiniLM sentence embeddings.

    Which sources report a sentence is the evidence engine's decision (``evidence``, see
    ``citations.EvidenceOptions``, chosen on ECB+ train topics), the same that cites the
    summary. ``max_facts`` caps the list; ``min_words``/``max_words`` bound a fact's
    sentence; ``position_weight`` ranks earlier sentences of an article first among facts
    of equal support (a presentation choice, not a threshold).
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

    evidence: EvidenceOptions = field(default_factory=EvidenceOptions)
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
    #: The summary given to ``cross_check``, each sentence with its sources' sentences.
    summary: tuple[SummarySentence, ...] = ()


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


def _summary_rows(
    citer: Citer, summary: Sequence[SummarySentence], ids: Sequence[str]
) -> list[tuple[str, int]]:
    """Each summary sentence with the story row it was printed from.

    The summary prints a trimmed form of one sentence of one of its cited sources: that
    sentence is the one of a cited source sharing the most of its tokens.
    """
    number = {article_id: a for a, article_id in enumerate(ids)}
    found: list[tuple[str, int]] = []
    for sentence in summary:
        want = set(citer.words.tokens(sentence.text))
        best: tuple[float, int] | None = None
        for article_id in sentence.article_ids:
            a = number.get(article_id)
            if a is None:
                continue
            for row in range(len(citer.tokens)):
                if citer.article_of[row] != a:
                    continue
                have = set(citer.tokens[row])
                share = quantize(len(want & have) / max(len(want), 1))
                if best is None or share > best[0]:
                    best = (share, row)
        if best is not None:
            found.append((sentence.text, best[1]))
    return found


def _facts(
    citer: Citer,
    candidates: Sequence[int],
    roots: Sequence[str],
    analyses: Sequence[ArticleAnalysis],
    summary: Sequence[tuple[str, int]],
    options: FactOptions,
) -> tuple[Fact, ...]:
    """Group the story's sentences into facts with the evidence engine (``Citer``).

    Every candidate sentence asks the engine which sources report it (and by which of
    their sentences); centres are taken by independent support, then salience. A sentence
    the engine found for a chosen fact cannot start another, and neither can a sentence
    that restates a chosen fact's centre or is restated by it (``Citer.covers`` either
    way): paraphrases of one claim are one fact. A fact that states a summary sentence's
    claim (the same test against the summary's rows) is left out: the Facts section lists
    what the summary does not say.
    """
    if not candidates:
        return ()
    matrix = citer.matrix
    ids = [a.article.id for a in analyses]
    centroid = matrix.astype(np.float64).mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    to_centre = cosines(matrix, centroid / norm)
    first_row = {a: citer.article_of.index(a) for a in sorted(set(citer.article_of))}

    def salience(row: int) -> float:
        a = citer.article_of[row]
        n = max(1, len(analyses[a].sentences))
        position = 1.0 - (row - first_row[a]) / n
        return quantize(float(to_centre[row]) + options.position_weight * position)

    found: dict[int, dict[int, int]] = {}
    sims_of: dict[int, npt.NDArray[np.float64]] = {}
    for row in candidates:
        sims = sims_of[row] = cosines(matrix, matrix[row])
        said = citer.statement(citer.texts[row])
        found[row] = citer.evidence(said, sims, citer.article_of[row], row)

    def support(row: int) -> int:
        return len({roots[a] for a in found[row]})

    def restates(row: int, other: int, other_text: str) -> bool:
        cos = float(sims_of[row][other])
        return citer.covers(citer.statement(citer.texts[row]), cos, other) or citer.covers(
            citer.statement(other_text), cos, row
        )

    def unclean(row: int) -> bool:
        # A clean sentence reads best as a fact: no quotation marks, no "…, he said".
        text = citer.texts[row]
        return any(c in text for c in '“”"') or bool(_TRAILING_PRONOUN.search(text))

    order = sorted(candidates, key=lambda r: (-support(r), unclean(r), -salience(r), r))
    used: set[int] = set()
    chosen: list[int] = []
    members: dict[int, dict[int, list[int]]] = {}
    for row in order:
        if row in used or any(restates(row, c, citer.texts[c]) for c in chosen):
            continue
        chosen.append(row)
        # Every sentence of a reporting source that states the claim is its evidence.
        said = citer.statement(citer.texts[row])
        members[row] = {
            a: sorted({r, *citer.rows_reporting(said, sims_of[row], a)})
            for a, r in found[row].items()
        }
        used.update(r for rows in members[row].values() for r in rows)
        if len(chosen) >= 4 * options.max_facts + len(summary):
            break  # enough to fill the list after the summary's claims leave it
    facts: list[tuple[int, float, Fact]] = []
    for centre in chosen:
        if any(
            any(r in rows for rows in members[centre].values()) or restates(centre, r, text)
            for text, r in summary
        ):
            continue
        evidence_rows = found[centre]
        rows_of = members[centre]
        # One article per independent source backs the fact (the original when it reports
        # it); syndicated copies that repeat it are cited apart, never counted.
        backing: dict[str, int] = {}
        for a in evidence_rows:
            root = roots[a]
            if root not in backing or ids[a] == root:
                backing[root] = a
        article_ids = sorted(ids[a] for a in backing.values())
        copy_ids = tuple(sorted(ids[a] for a in evidence_rows if ids[a] not in article_ids))
        evidence = tuple(
            Evidence(article_id=ids[a], sentence=citer.texts[r])
            for a in sorted(rows_of, key=lambda a: ids[a])
            for r in rows_of[a]
        )
        fact = Fact(
            text=citer.texts[centre],
            article_ids=tuple(article_ids),
            evidence=evidence,
            copy_ids=copy_ids,
        )
        facts.append((len(article_ids), salience(centre), fact))
    facts.sort(key=lambda item: (-item[0], -item[1], item[2].text))
    return tuple(f for _, _, f in facts[: options.max_facts])


def summary_evidence(
    citer: Citer, summary: Sequence[SummarySentence], ids: Sequence[str]
) -> tuple[SummarySentence, ...]:
    """Give each summary sentence the sentence of each cited source that reports it.

    The engine's own choice (``Citer.reporting``) for the sentence the summary printed; a
    cited source the engine does not confirm (a summary cited by other thresholds) gets
    no evidence, and the citations themselves are never changed.

    Args:
        citer: the story's evidence engine.
        summary: the summary, as ``summaries.summarize`` wrote it.
        ids: the article id of each of the engine's article numbers.
    """
    rows = dict(_summary_rows(citer, summary, ids))
    out = []
    for sentence in summary:
        row = rows.get(sentence.text)
        if row is None:
            out.append(sentence)
            continue
        found = citer.reporting(sentence.text, row)
        evidence = tuple(
            Evidence(article_id=ids[a], sentence=citer.texts[found[a][0]])
            for a in sorted(found, key=lambda a: ids[a])
            if ids[a] in sentence.article_ids
        )
        out.append(dataclasses.replace(sentence, evidence=evidence))
    return tuple(out)


def _reporters(
    citer: Citer,
    ids: Sequence[str],
    dates: Mapping[tuple[int, int], Sequence[DateMention]],
) -> Reporters:
    """The engine's answer for a dated sentence: article id -> its reporting sentences.

    The engine is asked about the sentence without its date expressions: whether two
    dates agree, and at which precision a source gives one, is the timeline's rule (a
    source saying "opened in 1974" reports "opened on 2 May 1974", less precisely).
    """
    number = {article_id: a for a, article_id in enumerate(ids)}
    first_row = {a: citer.article_of.index(a) for a in sorted(set(citer.article_of))}

    def reporters(item: DatedSentence) -> dict[str, frozenset[int]]:
        a = number[item.mention.article_id]
        row = first_row[a] + item.mention.sentence
        text = item.text
        for mention in dates.get((a, item.mention.sentence), ()):
            text = text.replace(mention.text, " ")
        found = citer.reporting(" ".join(text.split()), row)
        return {ids[b]: frozenset(r - first_row[b] for r in rows) for b, rows in found.items()}

    return reporters


def evidence_engine(
    analyses: Sequence[ArticleAnalysis],
    embeddings: Sequence[Matrix],
    options: EvidenceOptions | None = None,
) -> Citer:
    """Return the story's evidence engine: every sentence, article after article.

    Example:
        >>> citer = evidence_engine(analyses, embeddings)  # doctest: +SKIP
        >>> citer.cite(citer.texts[0], 0)  # doctest: +SKIP
        [0, 2]
    """
    texts = [s.text for analysis in analyses for s in analysis.sentences]
    owners = [a for a, analysis in enumerate(analyses) for _ in analysis.sentences]
    dim = next((m.shape[1] for m in embeddings if len(m.shape) == 2), 384)
    full = (
        np.concatenate([np.asarray(m, dtype=np.float32) for m in embeddings])
        if texts
        else np.zeros((0, dim), dtype=np.float32)
    )
    return Citer(texts, owners, full, options=options)


def find_facts(
    analyses: Sequence[ArticleAnalysis],
    embeddings: Sequence[Matrix],
    *,
    duplicate_of: Mapping[str, str] | None = None,
    options: FactOptions | None = None,
    summary: Sequence[SummarySentence] = (),
    citer: Citer | None = None,
) -> tuple[Fact, ...]:
    """Group the story's sentences into facts, each with the sources that report it.

    The facts part of ``cross_check`` (same arguments), on its own.

    Returns:
        The facts, most independent support first; none states a claim of ``summary``.
    """
    opts = options or FactOptions()
    if not analyses:
        return ()
    engine = citer or evidence_engine(analyses, embeddings, opts.evidence)
    ids = [a.article.id for a in analyses]
    root_of = independent_roots(ids, duplicate_of)
    candidates: list[int] = []
    row = 0
    for analysis in analyses:
        for sentence in analysis.sentences:
            # A fact is read out of its article, as a summary sentence is: the same rule
            # (``eligibility.standalone``) decides whether it may be shown.
            if _is_candidate(sentence.text, opts) and standalone(sentence.text):
                candidates.append(row)
            row += 1
    return _facts(
        engine,
        candidates,
        [root_of[i] for i in ids],
        analyses,
        _summary_rows(engine, summary, ids),
        opts,
    )


def cross_check(
    analyses: Sequence[ArticleAnalysis],
    embeddings: Sequence[Matrix],
    models: Any,
    *,
    duplicate_of: Mapping[str, str] | None = None,
    options: FactOptions | None = None,
    summary: Sequence[SummarySentence] = (),
    citer: Citer | None = None,
) -> CrossCheck:
    """Compare the reports of one story: facts with support, conflicts, timeline, entities, quotes.

    Args:
        analyses: the story's analysed articles.
        embeddings: ``embeddings[i]`` is the (n_sentences x d) L2-normalised matrix of
            ``analyses[i].sentences``.
        models: ``newsdesk.nlp.Models`` (its spaCy pipeline parses sentences with figures).
        duplicate_of: syndicated copy id -> original id; copies do not add support.
        options: thresholds (see ``FactOptions``).
        summary: the brief's summary: facts that state one of its claims are left out.
        citer: the story's evidence engine, shared with the summary (built from
            ``analyses`` and ``embeddings`` with ``options.evidence`` when omitted).

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

    engine = citer or evidence_engine(analyses, embeddings, opts.evidence)
    facts = find_facts(
        analyses,
        embeddings,
        duplicate_of=duplicate_of,
        options=opts,
        summary=summary,
        citer=engine,
    )
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
    timeline = build_timeline(dated, TimelineOptions(), reporters=_reporters(engine, ids, dates))
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
        summary=summary_evidence(engine, summary, ids),
    )
