"""Opposed statements: the word-level cue that two aligned claims cannot both hold.

Two sentences that say the same thing (the caller gates on embedding cosine and shared
content words) contradict when one negates what the other asserts ("will not reopen" /
"will reopen") or when they use opposing predicates of one relation ("denied" /
"confirmed", "non-binding" / "binding", "acquitted" / "convicted"). The list below holds
relation words only, never names; a pair counts only when each sentence has its own side
and not the other's, so "rejected the claim he accepted money" is no cue.
"""

from __future__ import annotations

import re

from .claims import content_words, is_negated

__all__ = ["OPPOSITES", "opposition", "residual_overlap"]

# Pairs of stems (prefix match on lower-cased words). Each is a relation whose two ends
# cannot both be true of one subject and object at one time.
OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("deny", "denie", "denied", "denial"), ("confirm", "admit", "acknowledg")),
    (("reject",), ("accept", "approv", "endors")),
    (
        ("increas", "rais", "rise", "rose", "risen", "grew", "grow"),
        ("decreas", "cut", "lower", "fell", "fall", "drop", "declin", "reduc", "shrank"),
    ),
    (("guilty", "convict"), ("innocent", "acquit", "not-guilty")),
    (("won", "wins", "winn"), ("lost", "loses", "losing", "defeat")),
    (("support",), ("oppos",)),
    (("binding",), ("non-binding", "nonbinding")),
    (("legal", "lawful"), ("illegal", "unlawful")),
    (("allow", "permit", "lift"), ("ban", "bann", "forbid", "prohibit")),
    (("open", "reopen"), ("close", "closed", "shut")),
    (("true", "accurate"), ("false", "inaccurate", "untrue")),
    (("safe",), ("unsafe", "dangerous")),
    (("effective",), ("ineffective",)),
    (("alive", "survived"), ("dead", "died", "killed")),
    (("praise", "prais"), ("criticiz", "criticis", "condemn")),
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _sides(words: frozenset[str]) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for index, pair in enumerate(OPPOSITES):
        for side, stems in enumerate(pair):
            for word in words:
                if any(word.startswith(s) for s in stems) and not (
                    # "binding" must not match inside "non-binding"'s other side.
                    side == 0 and any(word.startswith(o) for o in pair[1])
                ):
                    found.add((index, side))
    return found


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def opposition(a: str, b: str) -> str | None:
    """Say why ``a`` and ``b`` (already aligned) cannot both hold, or None.

    Args:
        a: one sentence.
        b: a sentence of another source that says the same thing but for the cue.

    Returns:
        "negation" when exactly one is negated, "antonym:<x>/<y>" when each holds one end
        of an opposing relation the other lacks, else None.

    Example:
        >>> opposition("The court convicted him.", "The court acquitted him.")
        'antonym:guilty/innocent'
    """
    sides_a, sides_b = _sides(_words(a)), _sides(_words(b))
    for index, side in sorted(sides_a):
        other = (index, 1 - side)
        if other in sides_b and other not in sides_a and (index, side) not in sides_b:
            # Negating the opposite end restates: "did not deny" ~ "confirmed".
            if is_negated(a) == is_negated(b):
                return f"antonym:{OPPOSITES[index][0][0]}/{OPPOSITES[index][1][0]}"
            return None
    if is_negated(a) != is_negated(b):
        return "negation"
    return None


def residual_overlap(a: str, b: str) -> float:
    """Return the Jaccard overlap of content words once the opposing words are set aside.

    Args:
        a: one sentence.
        b: another.

    Returns:
        A value in [0, 1]; 0 when neither has content words.
    """
    wa, wb = content_words(a), content_words(b)

    def plain(words: frozenset[str]) -> frozenset[str]:
        return frozenset(
            w
            for w in words
            if not any(w.startswith(s) for pair in OPPOSITES for stems in pair for s in stems)
        )

    pa, pb = plain(wa), plain(wb)
    union = pa | pb
    return len(pa & pb) / len(union) if union else 0.0
