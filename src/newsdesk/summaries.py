"""Extractive multi-document summaries whose every sentence cites all sources that report it.

Selection follows the concept-coverage model of ICSISumm (Gillick & Favre 2009): a
*concept* is a word bigram that at least ``min_df`` independent sources use (a syndicated
copy does not count twice), weighted per source by how early it appears (news puts the gist
first; the summed weight is raised to a power, so what many outlets say counts more). An
integer program (``_Selection``) picks the sentences that cover the most concept weight
within the word budget, plus bonuses for opening sentences and for sentences the other
independent sources report; the summary opens with the lead most sources report, and two
sentences that say the same thing never both enter. Only sentences that stand alone are
eligible (``eligibility``: no dangling "He said…", no quotation without a speaker, no
interviewer's question, no fragment, no boilerplate, no other language), datelines, short
parenthetical asides and relative weekdays go, the summary uses its budget (``fill``), and
after the lead it reads in the order the sources tell the story. Each sentence then cites
every source that reports it (``citations.Citer``).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .citations import Citer, Statement, bigrams_of, statement
from .duplicates import independent_roots
from .eligibility import (
    _drop_weekdays,
    count_words,
    drop_asides,
    in_language,
    standalone,
    strip_dateline,
    trim_attribution,
)
from .models import ArticleAnalysis, Sentence, SummarySentence
from .scores import cosine, cosines, quantize

__all__ = [
    "Candidate",
    "SummaryOptions",
    "count_words",
    "drop_asides",
    "standalone",
    "summarize",
    "trim_attribution",
]

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SummaryOptions:
    """Knobs of the summarizer.

    Selection knobs (``min_df`` to ``redundancy``) were set on DUC 2004 (``newsdesk eval
    summaries --data …/duc2004``, which also reports them cross-validated over
    ``evaluation.summaries.tuning_grid``). ``support`` and ``lead_first`` are design rules,
    not fits: a brief opens with the event most outlets report and prefers what many of
    them say. DUC measures their cost: the eval's "best set" row is the summarizer without
    the lead rule, about 0.1 ROUGE-1 and 0.3 ROUGE-2 above the defaults in the held-out
    folds, a gain the one-standard-error rule does not call clear (the standard error of
    the mean is about 0.65 ROUGE-1). Citations come from the evidence engine
    (``citations.Citer``) with its thresholds (``citations.EvidenceOptions``, chosen on ECB+
    train topics), the same that decides the facts' support; the citation knobs below
    override them only when set. Re-run both after changing any of them.
    """

    #: Word budget. The summary never exceeds it unless ``overflow`` is set.
    words: int = 120
    #: Let the last sentence run past the budget. Only for ROUGE evaluation, which cuts
    #: every summary at 100 words itself; the product promises at most ``words`` words.
    overflow: bool = False
    #: A bigram is a concept when this many independent sources use it (fewer for stories
    #: with few sources, see ``_min_df``).
    min_df: int = 3
    #: A concept weighs, per source, 1 + concept_position / (1 + index of the first
    #: sentence using it): concepts of the opening sentences weigh up to 3x.
    concept_position: float = 2.0
    #: The summed weight is raised to this power: > 1 makes concepts many sources use count
    #: more than in proportion (1 = ICSISumm's document frequency).
    concept_power: float = 1.5
    #: Bonus for opening sentences, lead_bonus / (1 + sentence index), in units of the
    #: mean concept weight.
    lead_bonus: float = 2.0
    #: Bonus for a sentence the other independent sources report, support x their share,
    #: in units of the mean concept weight: the summary prefers what many outlets say.
    support: float = 5.0
    #: Open the summary with the lead (``_Summarizer.lead``: the opening sentence most
    #: independent sources report), and leave out any sentence whose cosine with it
    #: reaches ``lead_repeat`` (it would say the lead again in other words).
    lead_first: bool = True
    lead_repeat: float = 0.8
    #: Paraphrase penalty: two chosen sentences whose cosine ``c`` exceeds ``novelty_from``
    #: lose novelty x (c - novelty_from) / (1 - novelty_from) of the smaller one's value
    #: (concepts cannot see a paraphrase: other words, same claim). Off by default: DUC
    #: 2004 does not pick it, and the lead rule covers the seeds' paraphrases.
    novelty: float = 0.0
    novelty_from: float = 0.7
    #: Sentence length bounds (words, after trimming) for summary candidates.
    #: ``concept_power`` 1.5 and ``min_words`` 10 (were 2.0 and 8) were chosen on DUC 2004's
    #: training folds: each of the five training sets (four folds) prefers them to the old
    #: values on both ROUGE-1 and ROUGE-2. Then ``lead_bonus`` 2 (was 3): cross-validation
    #: chose it on three of the five training sets (one-standard-error rule), and four of
    #: five prefer it on ROUGE-1 + ROUGE-2.
    min_words: int = 10
    max_words: int = 55
    #: Only this many candidates, densest first (concept weight per word), enter the
    #: program; 0 = all. Keeps the solver fast on big stories.
    pool: int = 80
    #: With ``overflow``: the last sentence may be cut after any multiple of this many
    #: words (it is printed last, where ROUGE's cut falls).
    prefix_step: int = 5
    #: Two sentences whose cosine reaches this never both enter (near-copies).
    redundancy: float = 0.85
    #: The summary reaches at least this share of ``words`` whenever the eligible sentences
    #: allow it (the program gets a floor on length; it drops the floor when no choice
    #: reaches it). Without it a 500-word budget stopped some 60 words short.
    fill: float = 0.95
    #: Drop relative weekday mentions ("on Thursday"): they mean nothing without the date.
    drop_weekdays: bool = True
    #: Drop short parenthetical asides ("2 mph (3 kph)", "Sen. Lee (D-Ore.)").
    drop_asides: bool = True
    #: Citation thresholds: None = the evidence engine's (``citations.EvidenceOptions``).
    same_claim: float | None = None
    cite_recall: float | None = None
    near_claim: float | None = None
    loose_recall: float | None = None


@dataclass(frozen=True)
class Candidate:
    """A sentence that may enter the summary, as it would be printed."""

    sentence: Sentence
    text: str
    row: int
    article: int
    words: int
    concepts: frozenset[tuple[str, str]]
    bonus: float


# --- selection -----------------------------------------------------------------------------


def _weight_of(
    weights: Mapping[tuple[str, str], float], concepts: Iterable[tuple[str, str]]
) -> float:
    """The summed weight of ``concepts``, the same whatever order a set iterates in.

    A set of strings iterates in a different order in every process (hash randomisation),
    and a float sum in another order can differ in its last bit and break a tie the other
    way: ``math.fsum`` is exact.
    """
    return math.fsum(weights.get(c, 0.0) for c in concepts)


def _min_df(options: SummaryOptions, sources: int) -> int:
    # Ten DUC documents: 3. Five seeds: 3. Two reports: both. One: anything it says.
    return max(1, min(options.min_df, math.ceil((sources + 1) / 2)))


class _Summarizer:
    """One summary's working state: candidates, concept weights, citations found so far."""

    def __init__(
        self,
        analyses: Sequence[ArticleAnalysis],
        matrix: Matrix,
        opts: SummaryOptions,
        duplicate_of: Mapping[str, str],
    ) -> None:
        self.opts = opts
        self.matrix = matrix
        self.analyses = analyses
        sentences = [(a, s) for a, analysis in enumerate(analyses) for s in analysis.sentences]
        self.citer = Citer(
            [s.text for _, s in sentences],
            [a for a, _ in sentences],
            matrix,
            same_claim=opts.same_claim,
            cite_recall=opts.cite_recall,
            near_claim=opts.near_claim,
            loose_recall=opts.loose_recall,
        )
        roots = independent_roots([a.article.id for a in analyses], duplicate_of)
        self.group = [roots[a.article.id] for a in analyses]
        self.n_groups = len(set(self.group))
        # The summary's language: the most common among the articles (ties: by code).
        languages = Counter(a.article.language for a in analyses if a.article.language)
        language = min(languages, key=lambda k: (-languages[k], k)) if languages else None
        self.candidates: list[Candidate] = []
        per_group: dict[str, dict[tuple[str, str], float]] = {}

        for row, (a, sentence) in enumerate(sentences):
            concepts = self.concepts_of(sentence.text)
            weights = per_group.setdefault(self.group[a], {})
            weight = 1.0 + opts.concept_position / (1 + sentence.index)
            for concept in concepts:
                if weights.get(concept, 0.0) < weight:
                    weights[concept] = weight
            text = trim_attribution(strip_dateline(sentence.text.strip()))
            if opts.drop_weekdays:
                text = _drop_weekdays(text)
            if opts.drop_asides:
                text = drop_asides(text)
            n_words = count_words(text)
            if (
                opts.min_words <= n_words <= opts.max_words
                and standalone(text)
                and in_language(text, language)
            ):
                self.candidates.append(
                    Candidate(
                        sentence=sentence,
                        text=text,
                        row=row,
                        article=a,
                        words=n_words,
                        concepts=(concepts if text == sentence.text else self.concepts_of(text)),
                        bonus=opts.lead_bonus / (1 + sentence.index),
                    )
                )
        users: Counter[tuple[str, str]] = Counter()
        mass: Counter[tuple[str, str]] = Counter()
        for weights in per_group.values():
            users.update(weights.keys())
            mass.update(weights)
        min_df = _min_df(opts, len(per_group))
        self.weights = {
            c: quantize(w**opts.concept_power) for c, w in mass.items() if users[c] >= min_df
        }
        self._said: dict[int, Statement] = {}
        #: The sentence the summary must open with, if the selection fixed one.
        self.first: Candidate | None = None
        self._cited: dict[int, list[int]] = {}

    def concepts_of(self, text: str) -> frozenset[tuple[str, str]]:
        """The concepts of ``text``: its word bigrams (``citations.bigrams_of``)."""
        return bigrams_of(self.citer.words.plain(text))

    def said(self, cand: Candidate) -> Statement:
        found = self._said.get(cand.row)
        if found is None:
            found = self._said[cand.row] = statement(cand.text, self.citer.words)
        return found

    def cited(self, cand: Candidate) -> list[int]:
        """The articles that report ``cand`` (computed once)."""
        found = self._cited.get(cand.row)
        if found is None:
            sims = cosines(self.matrix, self.matrix[cand.row])
            found = self._cited[cand.row] = self.citer.sources(self.said(cand), sims, cand.article)
        return found

    def support(self, cand: Candidate) -> float:
        """Share of the other independent sources that report ``cand`` (0..1)."""
        if self.n_groups < 2:
            return 0.0
        groups = {self.group[a] for a in self.cited(cand)}
        return (len(groups) - 1) / (self.n_groups - 1)

    def repeats(self, cand: Candidate, other: Candidate) -> bool:
        """Whether ``other`` says what ``cand`` says."""
        cos = cosine(self.matrix[cand.row], self.matrix[other.row])
        return cos >= self.opts.redundancy or self.citer.covers(self.said(cand), cos, other.row)

    def lead(self) -> Candidate | None:
        """The opening sentence most independent sources report (then most outlets, densest).

        None when no article's first sentence is a candidate or fits the budget.
        """
        openings = [
            c
            for c in self.candidates
            if c.sentence.index == 0 and (c.words <= self.opts.words or self.opts.overflow)
        ]
        if not openings:
            return None

        def rank(cand: Candidate) -> tuple[float, int, float, int]:
            gain = _weight_of(self.weights, cand.concepts)
            density = quantize(gain / cand.words)
            return (-self.support(cand), -len(self.cited(cand)), -density, cand.row)

        return min(openings, key=rank)

    def select(self) -> list[Candidate]:
        """Pick the summary's sentences (``_Selection``)."""
        return _Selection(self).solve()


class _Selection:
    """The concept-coverage integer program of Gillick & Favre (2009), with our extras.

    Maximise the weight of the concepts covered plus each chosen sentence's bonus (opening
    sentences, cross-source support), subject to the word budget; a concept counts once,
    however many chosen sentences use it, which is what keeps the summary from repeating
    itself. Two sentences that say the same thing (``_Summarizer.repeats``) may not both be
    chosen; that constraint is added lazily, for the pairs a solution actually picks.

    With ``overflow`` (ROUGE cuts the summary at the budget itself), one sentence may be
    cut: it enters as a prefix of ``prefix_step``, 2 x ``prefix_step``, … words that counts
    only those words against the budget and covers only their concepts, and it is printed
    last, so the cut falls on it.

    Solved by HiGHS (``_solve_program``): a DUC cluster (80 candidates, a few hundred
    concepts) takes tens of milliseconds; a greedy pass is the fallback when the solver
    returns nothing.
    """

    def __init__(self, work: _Summarizer) -> None:
        self.work = work
        opts = work.opts
        weights = work.weights
        # The opening-sentence bonus is in units of the mean concept weight, so it pulls as
        # hard in a story of five reports as in one of twenty, whatever ``concept_power``.
        self.unit = quantize(math.fsum(weights.values()) / len(weights)) if weights else 1.0

        def density(cand: Candidate) -> float:
            gain = _weight_of(weights, cand.concepts)
            return quantize((gain + cand.bonus * self.unit) / cand.words)

        ranked = sorted(work.candidates, key=lambda c: (-density(c), c.row))
        #: Every candidate, densest first: what tops the summary up past the pool.
        self.ranked = ranked
        if opts.pool:
            ranked = ranked[: opts.pool]
        lead = work.first = work.lead() if opts.lead_first else None
        if lead is not None:
            # The lead opens the summary; nothing else may restate it.
            lead_row = lead.row
            near = cosines(work.matrix[[c.row for c in ranked]], work.matrix[lead_row])
            ranked = [lead] + [
                c
                for c, cos in zip(ranked, near.tolist(), strict=True)
                if c.row != lead_row and cos < opts.lead_repeat
            ]
        self.pool = ranked
        # Items: each pool sentence whole, then (overflow only) its prefixes.
        self.owner: list[int] = list(range(len(ranked)))
        self.lengths: list[int] = [c.words for c in ranked]
        self.concepts: list[frozenset[tuple[str, str]]] = [c.concepts for c in ranked]
        self.values: list[float] = [quantize(self._bonus(c)) for c in ranked]
        if opts.overflow and opts.prefix_step > 0:
            for j, cand in enumerate(ranked):
                tokens = cand.text.split()
                for k in range(opts.prefix_step, len(tokens), opts.prefix_step):
                    head = " ".join(tokens[:k])
                    self.owner.append(j)
                    self.lengths.append(count_words(head))
                    self.concepts.append(work.concepts_of(head))
                    self.values.append(quantize(cand.bonus * self.unit * k / len(tokens)))

    def _bonus(self, cand: Candidate) -> float:
        opts = self.work.opts
        bonus = cand.bonus * self.unit
        if not opts.support:
            return bonus
        # A sentence every other independent source reports is worth ``support`` mean
        # concept weights more (a bonus in proportion to its concepts would favour long
        # sentences).
        return bonus + opts.support * self.work.support(cand) * self.unit

    def solve(self) -> list[Candidate]:
        if not self.pool:
            return []
        conflicts: set[tuple[int, int]] = set()
        checked: set[tuple[int, int]] = set()
        picked: list[int] = []
        floor = self._floor()
        for _ in range(8):
            solved = self._solve(conflicts, floor)
            if solved is None and floor:
                floor = 0  # no choice reaches the floor (or none in time): solve without it
                solved = self._solve(conflicts, floor)
            if solved is None:
                return self._top_up(self._greedy())
            picked = solved
            whole = sorted({self.owner[i] for i in picked})
            found = set()
            for i, a in enumerate(whole):
                for b in whole[i + 1 :]:
                    if (a, b) in checked:
                        continue
                    checked.add((a, b))
                    first, second = self.pool[a], self.pool[b]
                    if self.work.repeats(first, second) or self.work.repeats(second, first):
                        found.add((a, b))
            if not found:
                break
            conflicts |= found
        cut = any(i >= len(self.pool) for i in picked)
        chosen = self._ordered(picked)
        return self._fill(chosen, cut=cut) if self.work.opts.overflow else self._top_up(chosen)

    def _floor(self) -> int:
        """The fewest words the summary must have (``fill``), 0 when the pool is too small."""
        opts = self.work.opts
        if opts.overflow or not opts.fill:
            return 0
        floor = math.ceil(opts.fill * opts.words)
        return floor if sum(c.words for c in self.pool) >= floor else 0

    def _top_up(self, chosen: list[Candidate]) -> list[Candidate]:
        """Add candidates past the pool, densest first, while words remain and they fit.

        The pool only keeps the program small: a sentence that fits, says something new
        and does not restate the lead is worth its words whether or not it made the pool.
        """
        work = self.work
        used = sum(c.words for c in chosen)
        lead = work.first
        for cand in self.ranked:
            if used >= work.opts.words:
                break
            if cand in chosen or used + cand.words > work.opts.words:
                continue
            if lead is not None and cand is not lead:
                near = cosine(work.matrix[cand.row], work.matrix[lead.row])
                if near >= work.opts.lead_repeat:
                    continue
            if any(work.repeats(cand, c) or work.repeats(c, cand) for c in chosen):
                continue
            chosen = chosen + [cand]
            used += cand.words
        return chosen

    def _fill(self, chosen: list[Candidate], *, cut: bool) -> list[Candidate]:
        """With ``overflow`` and words to spare, add the sentence whose head adds most."""
        opts = self.work.opts
        spare = opts.words - sum(c.words for c in chosen)
        if not opts.overflow or cut or spare <= 0:
            return chosen
        covered = set().union(*(c.concepts for c in chosen))
        best, best_gain = None, 0.0
        for cand in self.pool:
            if cand in chosen or any(self.work.repeats(cand, c) for c in chosen):
                continue
            head = self.work.concepts_of(" ".join(cand.text.split()[:spare]))
            gain = _weight_of(self.work.weights, head - covered)
            if gain > best_gain:
                best, best_gain = cand, gain
        return chosen + [best] if best is not None else chosen

    def _ordered(self, picked: list[int]) -> list[Candidate]:
        # Whole sentences first, the cut one (an overflow prefix) last.
        whole = [self.pool[i] for i in picked if i < len(self.pool)]
        cut = [self.pool[self.owner[i]] for i in picked if i >= len(self.pool)]
        return whole + cut

    def _solve(self, conflicts: set[tuple[int, int]], floor: int = 0) -> list[int] | None:
        """Solve the program with the pairs in ``conflicts`` kept apart (sentence items).

        ``floor``: the fewest words the chosen items may have (0: no floor).
        """
        from scipy.sparse import coo_matrix  # type: ignore[import-untyped]

        cost, base, per_owner = self._program
        rows, cols, vals, upper = list(base[0]), list(base[1]), list(base[2]), list(base[3])
        for a, b in conflicts:
            for j in per_owner[a] + per_owner[b]:
                rows.append(len(upper))
                cols.append(j)
                vals.append(1.0)
            upper.append(1.0)
        matrix = coo_matrix((vals, (rows, cols)), shape=(len(upper), len(cost)))
        # The lead (pool item 0), when there is one, is chosen.
        col_lower = np.zeros(len(cost))
        col_lower[0] = float(self.work.first is not None)
        n_items = len(self.owner)
        x = _solve_program(
            cost,
            matrix.tocsc(),
            np.asarray([float(floor) if floor else -np.inf] + [-np.inf] * (len(upper) - 1)),
            np.asarray(upper),
            col_lower,
            # Only sentences are integer: at an integer choice of sentences, the best
            # concept and pair variables are 0 or 1 anyway, and the solver branches less.
            n_items,
        )
        if x is None:
            return None
        return [j for j in range(n_items) if x[j] > 0.5]

    @functools.cached_property
    def _program(
        self,
    ) -> tuple[
        npt.NDArray[np.float64],
        tuple[list[int], list[int], list[float], list[float]],
        list[list[int]],
    ]:
        """The program without the lazy conflict rows, built once per summary.

        Returns the cost of every variable (items, shared concepts, paraphrase pairs), the
        constraint rows as (row, column, value) triples with their upper bounds (every lower
        bound is -inf), and the items of each pool sentence (itself and its prefixes).
        """
        weights = self.work.weights
        # Concepts used by the same items are one variable (their weights summed); one used
        # by a single item is part of that item's value. Same optimum, a smaller program.
        users: dict[tuple[str, str], list[int]] = {}
        for j, found in enumerate(self.concepts):
            for c in sorted(found):  # one program (and one optimum among ties) every run
                if c in weights:
                    users.setdefault(c, []).append(j)
        merged: dict[tuple[int, ...], float] = {}
        for c, items in users.items():
            key = tuple(items)
            merged[key] = merged.get(key, 0.0) + weights[c]
        values = list(self.values)
        shared = []
        for members, weight in merged.items():
            if len(members) == 1:
                values[members[0]] += weight
            else:
                shared.append((members, weight))
        penalties = self._penalties
        n_items, n_concepts = len(self.owner), len(shared)
        cost = np.zeros(n_items + n_concepts + len(penalties))
        cost[:n_items] = -np.asarray([quantize(v) for v in values])
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        upper: list[float] = []

        def constrain(terms: list[tuple[int, float]], high: float) -> None:
            for col, val in terms:
                rows.append(len(upper))
                cols.append(col)
                vals.append(val)
            upper.append(high)

        constrain([(j, float(n)) for j, n in enumerate(self.lengths)], float(self.work.opts.words))
        for i, (members, weight) in enumerate(shared):
            # The concept counts (once) only if a chosen item has it.
            cost[n_items + i] = -quantize(weight)
            constrain([(n_items + i, 1.0)] + [(j, -1.0) for j in members], 0.0)
        per_owner: list[list[int]] = [[] for _ in self.pool]
        for j, owner in enumerate(self.owner):
            per_owner[owner].append(j)
        prefixes = range(len(self.pool), n_items)
        if len(prefixes):
            constrain([(j, 1.0) for j in prefixes], 1.0)  # at most one cut sentence
            for items in per_owner:
                if len(items) > 1:
                    constrain([(j, 1.0) for j in items], 1.0)
        # Paraphrases: choosing both of a close pair costs its penalty (a variable that
        # must be 1 when both are chosen).
        for k, (a, b, penalty) in enumerate(penalties):
            pair = n_items + n_concepts + k
            cost[pair] = penalty
            constrain([(j, 1.0) for j in per_owner[a] + per_owner[b]] + [(pair, -1.0)], 1.0)
        return cost, (rows, cols, vals, upper), per_owner

    @functools.cached_property
    def _penalties(self) -> list[tuple[int, int, float]]:
        """Pool pairs that say much the same in other words, with what choosing both costs.

        A sentence whose cosine with another is ``c`` > ``novelty_from`` is worth
        ``novelty`` x (c - novelty_from) / (1 - novelty_from) less beside it: the pair pays
        that share of the smaller of the two sentences' values. Concepts cannot see a
        paraphrase (other words, same claim); embeddings can.
        """
        novelty = self.work.opts.novelty
        if not novelty or len(self.pool) < 2:
            return []
        weights = self.work.weights
        worth = [
            self.values[j] + _weight_of(weights, self.concepts[j]) for j in range(len(self.pool))
        ]
        rows = [c.row for c in self.pool]
        sims = cosines(self.work.matrix[rows], self.work.matrix[rows])
        out = []
        floor = self.work.opts.novelty_from
        for a, b in zip(*np.nonzero(np.triu(sims > floor, k=1)), strict=True):
            share = novelty * min(1.0, (float(sims[a, b]) - floor) / (1.0 - floor))
            out.append((int(a), int(b), quantize(share * min(worth[a], worth[b]))))
        return out

    def _greedy(self) -> list[Candidate]:
        """Concept gain per word, best first, while the budget lasts (solver fallback)."""
        weights, budget = self.work.weights, self.work.opts.words
        chosen: list[Candidate] = []
        covered: set[tuple[str, str]] = set()
        used = 0
        pool = list(self.pool)
        while pool and used < budget:
            fits = [c for c in pool if used + c.words <= budget or self.work.opts.overflow]
            if not fits:
                break
            best = max(
                fits,
                key=lambda c: (
                    quantize(
                        (_weight_of(weights, c.concepts - covered) + c.bonus * self.unit) / c.words
                    ),
                    -c.row,
                ),
            )
            pool.remove(best)
            if any(self.work.repeats(best, c) or self.work.repeats(c, best) for c in chosen):
                continue
            chosen.append(best)
            covered |= best.concepts
            used += best.words
        return chosen


def _solve_program(
    cost: npt.NDArray[np.float64],
    matrix: Any,
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    col_lower: npt.NDArray[np.float64],
    n_integer: int,
) -> npt.NDArray[np.float64] | None:
    """Minimise ``cost @ x`` with ``lower <= matrix @ x <= upper``, ``col_lower <= x <= 1``.

    The first ``n_integer`` variables are integer. Solved by HiGHS through ``highspy``'s
    core class, with its output off: the solver must not write to the standard output
    that ``newsdesk brief --json`` prints to (scipy's bundled HiGHS prints a debug line on
    some restarts). Returns None when no solution is found within 5 seconds.
    """
    import highspy._core as highs

    solver = highs._Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", 5.0)
    solver.setOptionValue("threads", 1)
    program = highs.HighsLp()
    program.num_col_ = len(cost)
    program.num_row_ = len(lower)
    program.col_cost_ = cost
    program.col_lower_ = col_lower
    program.col_upper_ = np.ones(len(cost))
    program.row_lower_ = lower
    program.row_upper_ = upper
    program.a_matrix_.format_ = highs.MatrixFormat.kColwise
    program.a_matrix_.start_ = matrix.indptr
    program.a_matrix_.index_ = matrix.indices
    program.a_matrix_.value_ = matrix.data
    program.integrality_ = [highs.HighsVarType.kInteger] * n_integer + [
        highs.HighsVarType.kContinuous
    ] * (len(cost) - n_integer)
    if solver.passModel(program) == highs.HighsStatus.kError:
        return None
    solver.run()
    if solver.getInfo().primal_solution_status != highs.SolutionStatus.kSolutionStatusFeasible:
        return None
    return np.asarray(solver.getSolution().col_value)


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
            an independent source when weighing concepts and support, but is still cited.

    Returns:
        Summary sentences in reading order, each citing every article that reports it;
        at most ``options.words`` words in all (``count_words``) unless
        ``options.overflow`` is set.

    Raises:
        ValueError: the budget is below one word, or the embeddings do not match.

    Example:
        >>> summarize([], [])
        ()
    """
    opts = options or SummaryOptions()
    if opts.words < 1:
        raise ValueError("the word budget must be at least 1 word")
    if len(embeddings) != len(analyses) or any(
        len(m) != len(a.sentences) for a, m in zip(analyses, embeddings, strict=True)
    ):
        raise ValueError("embeddings must have one row per sentence of each analysis")
    if not any(a.sentences for a in analyses):
        return ()
    matrix = np.vstack([np.asarray(m, dtype=np.float32) for m in embeddings if len(m)])
    work = _Summarizer(analyses, matrix, opts, duplicate_of or {})
    chosen = work.select()
    lengths = [max(len(a.sentences), 1) for a in analyses]

    def reading_order(cand: Candidate) -> tuple[bool, float, int, int]:
        position = cand.sentence.index / lengths[cand.article]
        return (cand != work.first, position, cand.article, cand.sentence.index)

    # With overflow, the sentence that runs past the budget stays last: the cut falls there.
    cut = chosen[-1:] if sum(c.words for c in chosen) > opts.words else []
    ordered = sorted(chosen[: len(chosen) - len(cut)], key=reading_order) + cut
    return tuple(
        SummarySentence(
            text=c.text,
            article_ids=tuple(sorted(analyses[a].article.id for a in work.cited(c))),
        )
        for c in ordered
    )
