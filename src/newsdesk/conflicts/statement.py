"""Statement conflicts: aligned clauses of one claim with opposite polarity.

Two sentences of different sources (cosine >= ``same_clause``) holding one clause each
with the same verb and participants where one is negated ("does not seek" / "seeks",
"refused to extend" / "extended") or whose verbs are opposing ends of one relation
("approved" / "rejected"), read on the dependency parse (``clauses.clauses``: polarity
scoped to the predicate; hedged, conditional and differently-tensed clauses never clash);
and opposing words such as "binding" / "non-binding" between sentences with cosine >=
``same_statement`` and the same content words (Jaccard >= ``same_words``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..models import Conflict, ConflictSide, Evidence
from ..scores import cosines
from .base import ConflictOptions, Matrix, Row, StoryView
from .clauses import (
    OPPOSITES,
    ClauseParser,
    clash,
    may_clash,
    opposition,
    residual_overlap,
    subject_line,
)

__all__ = ["StatementConflicts"]


class StatementConflicts:
    """Aligned clauses of one claim that one source negates and another does not."""

    kind = "statement"

    def find(self, view: StoryView) -> list[Conflict]:
        roots = [view.root(a) for a in range(len(view.analyses))]
        return _statement_conflicts(view.rows, view.vectors, roots, view.options, view.parses)


def _statement_conflicts(
    rows: Sequence[Row],
    matrix: Matrix,
    roots: Sequence[str],
    options: ConflictOptions,
    parses: ClauseParser,
) -> list[Conflict]:
    conflicts: list[Conflict] = []
    if not rows:
        return conflicts
    sims = cosines(matrix, matrix)
    gate = min(options.same_clause, options.same_statement)
    pairs = [
        (int(i), int(j))
        for i, j in zip(*np.nonzero(np.triu(sims >= gate, k=1)), strict=True)
        if roots[rows[int(i)].article] != roots[rows[int(j)].article]
    ]
    # Parse only the pairs whose words allow a clash, all in one batch.
    parsed = {
        (i, j)
        for i, j in pairs
        if sims[i, j] >= options.same_clause and may_clash(rows[i].text, rows[j].text)
    }
    parses.prepare([rows[k].text for pair in sorted(parsed) for k in pair])
    for i, j in pairs:
        a, b = rows[i], rows[j]
        sim = float(sims[i, j])
        found = clash(parses.clauses(a.text), parses.clauses(b.text)) if (i, j) in parsed else None
        if found is not None:
            cue, x, y = found
            if cue == "negation":
                # Sides answer the subject line: "Velmora seeking permanent bases": yes / no.
                positive, negative = (a, b) if not x.negated else (b, a)
                labels = {id(positive): "yes", id(negative): "no"}
                shown = x if not x.negated else y
                subject = subject_line(parses.doc(positive.text), shown)
            else:
                positive, negative = a, b
                labels = {id(a): x.text, id(b): y.text}
                subject = subject_line(parses.doc(a.text), x, act=False)
        else:
            if sim < options.same_statement:
                continue
            word_cue = opposition(a.text, b.text)
            if (
                word_cue is None
                or word_cue == "negation"  # a negation counts only on an aligned clause (above)
                or residual_overlap(a.text, b.text) < options.same_words
            ):
                continue
            # Sides in article order, each labelled with the opposing word it uses.
            positive, negative = a, b
            first, second = word_cue.removeprefix("antonym:").split("/")
            labels = {
                id(a): _end(a.text, word_cue, first, second),
                id(b): _end(b.text, word_cue, first, second),
            }
            subject = _plain_subject(parses, a.text, set(labels.values()))
        conflicts.append(
            Conflict(
                subject=subject,
                kind="statement",
                sides=tuple(
                    ConflictSide(
                        value=labels[id(r)],
                        article_ids=(r.claim.article_id,),
                        evidence=(Evidence(article_id=r.claim.article_id, sentence=r.text),),
                    )
                    for r in (positive, negative)
                ),
            )
        )
    return conflicts


def _end(text: str, cue: str, first: str, second: str) -> str:
    """Name the end of the opposing relation that ``text`` holds (its own word if found)."""
    lowered = text.lower()
    for pair in OPPOSITES:
        if pair[0][0] == first and pair[1][0] == second:
            for stems in (pair[1], pair[0]):
                for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", lowered):
                    if any(word.startswith(s) for s in stems):
                        return str(word)
    return cue


def _plain_subject(parses: ClauseParser, text: str, cues: set[str]) -> str:
    """The subject line of a word-cue conflict: the main clause's phrase without the
    opposing words ("parliament passing resolution on troop withdrawal")."""
    found = [c for c in parses.clauses(text) if c.agent or c.patient]
    if not found:
        return text
    phrase = subject_line(parses.doc(text), found[0])
    words = [w for w in phrase.split() if w.lower() not in cues]
    return " ".join(words)
