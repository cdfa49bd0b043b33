"""Name conflicts: sources naming different people or bodies for the same role or act.

Two sentences of different sources that share most of their words once names are set
aside (``_SAME_WORDS``; their vectors differ by the names) hold one clause each with the
same act, both stated (not hedged, not negated, same tense):

* **A role** filled once: "X was appointed prime minister" / "Y was named prime minister"
  (appoint, name, nominate, elect, choose, pick, select, designate, tap: one act), the same
  role words and the one appointed a different named person in each.
* **An act with one doer**: "X won the election" / "Y won the election", "X claimed
  responsibility for the attack" / "Y claimed ...": the same patient, a different named
  agent in each.

Precision first: each side names exactly one story entity in that role; neither sentence
names the other side's entity at all (so "X won, beating Y" is no conflict with "Y lost");
the names are entities of the story (``EntityIndex``), compared by entity, not by spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..claims import content_words
from ..entities import EntityIndex
from ..models import Conflict, ConflictSide, Entity, Evidence
from ..scores import quantize
from .base import StoryView
from .clauses import Clause, ClauseParser, patient_phrase

__all__ = ["NameConflicts"]

# Acts that give a role to one person: one act whatever the verb.
_ROLE_VERBS = frozenset(
    {"appoint", "name", "nominate", "elect", "choose", "pick", "select", "designate", "tap"}
)
# Acts with one doer, and the noun that names the doer in the subject line.
_ONE_DOER = {"win": "winner of ", "claim": "", "lead": "leader of "}
# Share of the two sentences' content words (names set aside) they must have in common:
# the same rule and value as the statement detector's ``same_words`` (0.6, ClaimDiff).
_SAME_WORDS = 0.6
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


class NameConflicts:
    """Different names given for one role or one act by two independent sources."""

    kind = "name"

    def find(self, view: StoryView) -> list[Conflict]:
        rows = view.rows
        if not rows or not view.index.entities:
            return []
        # The names differ by construction, and names weigh heavily in a sentence vector
        # ("Jonas Berg was appointed transport minister" / "Ilyas Varkonen was named ..."
        # score 0.46): the pair is aligned on its other words instead.
        names = {w.lower() for e in view.index.entities for w in _WORD.findall(e.name)}
        cued = [k for k, row in enumerate(rows) if _cue(row.text)]
        words = {k: content_words(rows[k].text) - names for k in cued}
        pairs = [
            (i, j)
            for n, i in enumerate(cued)
            for j in cued[n + 1 :]
            if view.root(rows[i].article) != view.root(rows[j].article)
            and _overlap(words[i], words[j]) >= _SAME_WORDS
        ]
        view.parses.prepare([rows[k].text for pair in pairs for k in pair])
        conflicts: list[Conflict] = []
        seen: set[tuple[str, ...]] = set()
        for i, j in pairs:
            a, b = rows[i], rows[j]
            found = _clash(view.parses, view.index, a.text, b.text)
            if found is None:
                continue
            subject, name_a, name_b = found
            key = (subject, *sorted((name_a, name_b)))
            if key in seen:
                continue
            seen.add(key)
            conflicts.append(
                Conflict(
                    subject=subject,
                    kind="name",
                    sides=tuple(
                        ConflictSide(
                            value=name,
                            article_ids=(row.claim.article_id,),
                            evidence=(
                                Evidence(article_id=row.claim.article_id, sentence=row.text),
                            ),
                        )
                        for name, row in sorted(((name_a, a), (name_b, b)), key=lambda x: x[0])
                    ),
                )
            )
        return conflicts


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return quantize(len(a & b) / len(a | b)) if a | b else 0.0


def _cue(text: str) -> bool:
    """Cheap test before parsing: the sentence holds a role or one-doer verb."""
    lowered = text.lower()
    return any(
        stem in lowered
        for stem in ("appoint", "name", "nominat", "elect", "chose", "choos", "pick", "select")
        + ("designat", "tapped", "won ", "wins", "claim", "led ", "leads")
    )


def _act(clause: Clause) -> str | None:
    verb = clause.verb.split()[0]
    if verb in _ROLE_VERBS:
        return "role"
    if verb in _ONE_DOER:
        return verb
    return None


def _entities(words: frozenset[str], index: EntityIndex) -> set[str]:
    """The story entities a role's words name: most name words matched, at least half of
    them (the parse drops some words of a name: "front" is a stop word)."""
    scored: dict[str, int] = {}
    for entity in index.entities:
        for form in (entity.name, *entity.aliases):
            name_words = {w.lower() for w in _WORD.findall(form)}
            matched = len(name_words & words)
            if name_words and 2 * matched >= len(name_words) and matched:
                scored[entity.name] = max(scored.get(entity.name, 0), matched)
    if not scored:
        return set()
    best = max(scored.values())
    return {name for name, n in scored.items() if n == best}


def _mentions(text: str, name: str, index: EntityIndex) -> bool:
    entity = next((e for e in index.entities if e.name == name), None)
    forms: Iterable[str] = (name, *entity.aliases) if isinstance(entity, Entity) else (name,)
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(f.lower())}\b", lowered) for f in forms)


def _clash(
    parses: ClauseParser, index: EntityIndex, text_a: str, text_b: str
) -> tuple[str, str, str] | None:
    a, b = parses.clauses(text_a), parses.clauses(text_b)
    for x in a:
        act = _act(x)
        if act is None or x.hedged or x.negated:
            continue
        for y in b:
            if _act(y) != act or y.hedged or y.negated or x.tense != y.tense:
                continue
            if act == "role":
                role = x.rest
                if not role or x.rest != y.rest:
                    continue  # "transport minister" / "finance minister": two roles
                named_x, named_y = _entities(x.patient, index), _entities(y.patient, index)
                subject = " ".join(w for w in _ordered(text_a, role))
            else:
                if not x.patient or not (x.patient <= y.patient or y.patient <= x.patient):
                    continue
                named_x, named_y = _entities(x.agent, index), _entities(y.agent, index)
                # "winner of mayoral election in Velmora", "responsibility for bus bombing".
                subject = _ONE_DOER[act] + patient_phrase(parses.doc(text_a), x)
            if len(named_x) != 1 or len(named_y) != 1 or named_x == named_y:
                continue
            (name_x,), (name_y,) = named_x, named_y
            if _mentions(text_a, name_y, index) or _mentions(text_b, name_x, index):
                continue
            return subject, name_x, name_y
    return None


def _ordered(text: str, words: frozenset[str]) -> list[str]:
    """The words of ``words`` in the order the sentence writes them (lemmas as written)."""
    out: list[str] = []
    for word in _WORD.findall(text):
        lowered = word.lower()
        if lowered in words and lowered not in out:
            out.append(lowered)
    rest = sorted(w for w in words if w not in out)
    return out + rest
