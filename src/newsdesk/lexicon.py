"""Words of nearly one meaning, and words of opposite meaning, for the evidence engine.

``similar_stems`` compares a story's content words with all-MiniLM-L6-v2's own static word
vectors (the model's input embedding, ``wordtable.word_vectors``): "troops" and "forces" are one
meaning to a reader, and a source that writes one for the other reports the claim. Static
vectors also put opposites close ("increase"/"decrease"), so one root under opposing
prefixes (``affixed``) is never similar, and ``opposed`` says a source wrote the opposite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["Rows", "WordTable", "affixed", "opposed", "similar_stems"]


class Rows(Protocol):
    """Int8 rows of a word table, taken by a list of ids (``wordtable.WordRows``, or an array)."""

    def __getitem__(self, ids: list[int], /) -> npt.NDArray[np.int8]: ...


#: MiniLM's input embedding table (``wordtable.word_vectors``): vocabulary, int8 rows, row scales.
WordTable = tuple[Mapping[str, int], Rows, npt.NDArray[np.float32]]


def similar_stems(
    forms: Mapping[str, frozenset[str]], threshold: float, table: WordTable | None = None
) -> dict[str, frozenset[str]]:
    """Return each stem -> the other stems of ``forms`` of nearly its meaning.

    Two stems are similar when the cosine of their static MiniLM vectors (a stem's vector is
    the mean of its written forms' that are whole word pieces) rounds to >= ``threshold``
    and they are not one root under opposing prefixes (``affixed``).

    Args:
        forms: each stem -> its written forms, lower-cased ("forc" -> {"forces", "force"}).
        threshold: the least cosine (``citations.EvidenceOptions.same_word``).
        table: the word vectors (``wordtable.word_vectors()`` when omitted).
    """
    if table is None:
        from .wordtable import word_vectors  # the model file is read only when asked for

        table = word_vectors()
    vocabulary, rows, scales = table
    kept: list[str] = []
    ids: list[int] = []  # every kept stem's forms' rows, stem after stem
    counts: list[int] = []
    for stem in sorted(forms):
        found = sorted(vocabulary[f] for f in forms[stem] if f in vocabulary)
        if found:
            kept.append(stem)
            ids += found
            counts.append(len(found))
    if not kept:
        return {}
    # Only these rows are read (int8 -> float64 here, a few hundred of the table's 30,522).
    pieces = rows[ids].astype(np.float64) * scales[ids, None].astype(np.float64)
    pieces /= np.linalg.norm(pieces, axis=1, keepdims=True)
    starts = np.cumsum([0, *counts[:-1]])
    means = np.add.reduceat(pieces, starts, axis=0) / np.asarray(counts, dtype=np.float64)[:, None]
    del pieces
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    matrix = means / np.where(norms == 0.0, 1.0, norms)
    near: dict[str, set[str]] = {}
    # Cosines quantized before the threshold (machine noise never decides), in blocks of
    # rows so a long story's stems never hold their whole square matrix at once. On one BLAS
    # thread: OpenBLAS's workers spin ~0.1 s after a call they share, which cost the seeds'
    # warm brief 0.19 CPU-s for two products that take ~2 ms on one thread.
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"):
        for top in range(0, len(kept), _BLOCK):
            sims = np.round(matrix[top : top + _BLOCK] @ matrix.T, 6)
            for i, j in np.argwhere(sims >= threshold).tolist():
                i += top
                if i != j and not affixed(kept[i], kept[j]):
                    near.setdefault(kept[i], set()).add(kept[j])
    return {stem: frozenset(words) for stem, words in near.items()}


#: Rows of the stems' cosine matrix computed at once (512 x 2,000 stems: 8 MB).
_BLOCK = 512


def opposed(words: frozenset[str], have: frozenset[str]) -> bool:
    """Say whether ``have`` holds another prefix of a word ``words`` lacks (decrease/increase).

    Example:
        >>> opposed(frozenset({"fee", "increas"}), frozenset({"fee", "decreas"}))
        True
    """
    return any(
        affixed(word, other) for word in words - have for other in have if other[-4:] == word[-4:]
    )


def affixed(a: str, b: str) -> bool:
    """Say whether two stems are one root under different opposing prefixes.

    Such pairs are opposites (increase/decrease, include/exclude, approve/disapprove,
    import/export, legal/illegal), and static vectors put them close: they are never similar
    words, and a source that writes one for the other does not report the claim.

    Example:
        >>> affixed("import", "export"), affixed("part", "depart")
        (True, False)
    """
    shared = 0
    while shared < min(len(a), len(b)) and a[-1 - shared] == b[-1 - shared]:
        shared += 1
    heads = {a[: len(a) - shared], b[: len(b) - shared]}
    if shared < 4 or len(heads) < 2:
        return False
    # A bare root only opposes its negation (legal/illegal, approve/disapprove): "depart" is
    # no opposite of "part".
    return heads <= _OPPOSING_PREFIXES if "" not in heads else heads - {""} <= _NEGATING


# English prefixes that make a root's opposite (in/de, im/ex) or its negation.
_NEGATING = frozenset({"in", "im", "il", "ir", "un", "dis", "non", "mis"})
_OPPOSING_PREFIXES = _NEGATING | {"de", "ex"}
