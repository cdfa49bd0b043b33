"""Duplicates: exact copies (same normalised text) and near copies (MinHash LSH over shingles).

Syndicated wire copies and light rewrites share most of their word 5-grams; MinHash
estimates that overlap (Jaccard) and LSH finds the candidates without comparing every pair.
The index of articles seen so far belongs to the caller (``DuplicateIndex``), who decides
how long it remembers; ``find_duplicates`` is a pure function of the index and the batch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from .models import Article, DuplicateGroup, earliest_first

__all__ = [
    "DuplicateIndex",
    "DuplicateMatch",
    "DuplicateOptions",
    "content_hash",
    "find_duplicates",
    "group_duplicates",
    "minhash",
    "separate_repeats",
    "shingles",
    "signature_bytes",
    "sketch_from_bytes",
]


@dataclass(frozen=True)
class DuplicateOptions:
    """How near duplicates are found.

    ``threshold`` is the word-5-gram Jaccard above which two texts are copies; 0.5 is the
    line DUC 2004's README draws for its 60 wire rewrites (re-run benchmarks/duplicates.py
    after changing it). LSH looks for candidates from ``lsh_threshold`` up so that pairs
    near 0.5 are not lost to MinHash's estimation error (about 0.045 at 128 permutations);
    the estimate then decides.
    """

    num_perm: int = 128
    shingle_size: int = 5
    threshold: float = 0.5
    lsh_threshold: float = 0.35
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0 or not 0.0 < self.lsh_threshold <= self.threshold:
            raise ValueError("need 0 < lsh_threshold <= threshold <= 1")
        if self.num_perm < 16 or self.shingle_size < 1:
            raise ValueError("num_perm must be >= 16 and shingle_size >= 1")


@dataclass(frozen=True)
class DuplicateMatch:
    """One article's verdict: ``duplicate_of`` is the canonical copy's id, or None."""

    article_id: str
    duplicate_of: str | None
    kind: str | None = None  # exact | near
    similarity: float = 0.0


# datasketch's permutation scheme, named so that stored signatures stay comparable across
# datasketch versions (32-bit values: 512 bytes per article at 128 permutations).
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_hash(text: str) -> str:
    """Return the fingerprint of a text's words (case, spacing and punctuation ignored).

    Example:
        >>> content_hash("Rain,  fell.") == content_hash("rain fell")
        True
    """
    body = " ".join(_words(text))
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def shingles(text: str, size: int = 5) -> set[bytes]:
    """Return the set of word ``size``-grams of ``text`` (the whole text when shorter)."""
    words = _words(text)
    if len(words) < size:
        return {" ".join(words).encode("utf-8", "surrogatepass")} if words else set()
    return {
        " ".join(words[i : i + size]).encode("utf-8", "surrogatepass")
        for i in range(len(words) - size + 1)
    }


def minhash(text: str, options: DuplicateOptions = DuplicateOptions()) -> MinHash:
    """Return the MinHash of a text's shingles (seeded, so stable across runs and machines)."""
    sketch = MinHash(num_perm=options.num_perm, seed=options.seed, scheme=_SCHEME)
    grams = shingles(text, options.shingle_size)
    if grams:
        sketch.update_batch(sorted(grams))
    return sketch


class DuplicateIndex:
    """The articles seen so far, for finding copies of new ones. Owned by the caller.

    Holds each article's MinHash and its canonical copy (itself, or the article it copies),
    plus the content hashes of exact texts.
    """

    def __init__(self, options: DuplicateOptions = DuplicateOptions()) -> None:
        self.options = options
        self._lsh = MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm)
        self._sketches: dict[str, MinHash] = {}
        self._canonical: dict[str, str] = {}
        self._exact: dict[str, str] = {}
        self._verdicts: dict[str, DuplicateMatch] = {}

    def __len__(self) -> int:
        return len(self._canonical)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._canonical

    def canonical(self, article_id: str) -> str | None:
        """Return the canonical copy of an indexed article (itself when it is an original)."""
        return self._canonical.get(article_id)

    def add(
        self,
        article_id: str,
        sketch: MinHash | None,
        *,
        text_hash: str | None = None,
        canonical: str | None = None,
        kind: str | None = None,
        similarity: float = 0.0,
    ) -> None:
        """Remember an article (idempotent); ``canonical`` is the original it copies, if any."""
        if article_id in self._canonical:
            return
        root = canonical or article_id
        self._canonical[article_id] = root
        if canonical is not None:
            self._verdicts[article_id] = DuplicateMatch(
                article_id, canonical, kind or "near", similarity
            )
        if text_hash is not None:
            self._exact.setdefault(text_hash, root)
        if sketch is not None:
            self._sketches[article_id] = sketch
            self._lsh.insert(article_id, sketch)

    def remove(self, article_id: str) -> None:
        """Forget an article (e.g. when it falls out of the caller's time window)."""
        if self._canonical.pop(article_id, None) is None:
            return
        self._verdicts.pop(article_id, None)
        if self._sketches.pop(article_id, None) is not None:
            self._lsh.remove(article_id)
        for key in [k for k, v in self._exact.items() if v == article_id]:
            del self._exact[key]

    def verdict(self, article_id: str) -> DuplicateMatch:
        """Return the recorded verdict of an indexed article."""
        return self._verdicts.get(article_id) or DuplicateMatch(article_id, None)

    def exact(self, text_hash: str) -> str | None:
        """Return the canonical id of an indexed article with this content hash, if any."""
        return self._exact.get(text_hash)

    def nearest(self, sketch: MinHash) -> tuple[str, float] | None:
        """Return the indexed article most similar to ``sketch`` above the threshold, if any."""
        best: tuple[float, str] | None = None
        for key in self._lsh.query(sketch):
            similarity = float(sketch.jaccard(self._sketches[key]))
            if similarity < self.options.threshold:
                continue
            # Highest similarity wins; ties go to the smallest id so the answer is stable.
            if best is None or (similarity, _neg(key)) > (best[0], _neg(best[1])):
                best = (similarity, key)
        return (best[1], best[0]) if best else None


def _neg(key: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in key)


def signature_bytes(sketch: MinHash) -> bytes:
    """Return a MinHash's hash values as bytes, for storage."""
    return np.asarray(sketch.hashvalues, dtype=np.uint32).tobytes()


def sketch_from_bytes(data: bytes, options: DuplicateOptions = DuplicateOptions()) -> MinHash:
    """Rebuild a MinHash stored with ``signature_bytes``."""
    values = np.frombuffer(data, dtype=np.uint32).copy()
    if len(values) != options.num_perm:
        raise ValueError(f"stored MinHash has {len(values)} values, expected {options.num_perm}")
    return MinHash(num_perm=options.num_perm, seed=options.seed, hashvalues=values, scheme=_SCHEME)


def _order_key(article: Article) -> tuple[str, str]:
    # Earlier publication first, so the original (not the copy) becomes canonical.
    return earliest_first(article.published, article.id)


def find_duplicates(
    articles: Sequence[Article],
    index: DuplicateIndex,
    *,
    sketches: dict[str, MinHash] | None = None,
) -> list[DuplicateMatch]:
    """Find which articles copy an indexed article or an earlier one of the batch.

    Articles are taken in publication order (then id), whatever order they come in, and
    each is added to ``index`` after it is checked. Articles already in the index keep
    their verdict, so running the same batch twice gives the same answer.

    Args:
        articles: the batch.
        index: the caller's index of articles seen so far; updated in place.
        sketches: MinHashes already computed by id (computed here when missing).

    Returns:
        One ``DuplicateMatch`` per distinct article, in the input order.

    Example:
        >>> from newsdesk.articles import make_article
        >>> a = make_article("The river rose two metres overnight in the old town.", location="a")
        >>> b = make_article("The river rose two metres overnight in the old town!", location="b")
        >>> [m.kind for m in find_duplicates([a, b], DuplicateIndex())]
        [None, 'exact']
    """
    sketches = dict(sketches or {})
    verdicts: dict[str, DuplicateMatch] = {}
    for article in sorted({a.id: a for a in articles}.values(), key=_order_key):
        if article.id in index:
            verdicts[article.id] = index.verdict(article.id)
            continue
        text_hash = content_hash(article.text)
        sketch = sketches.get(article.id) or minhash(article.text, index.options)
        exact = index.exact(text_hash)
        if exact is not None:
            match = DuplicateMatch(article.id, exact, "exact", 1.0)
        else:
            near = index.nearest(sketch)
            if near is not None:
                root = index.canonical(near[0]) or near[0]
                match = DuplicateMatch(article.id, root, "near", round(near[1], 4))
            else:
                match = DuplicateMatch(article.id, None)
        index.add(
            article.id,
            sketch,
            text_hash=text_hash,
            canonical=match.duplicate_of,
            kind=match.kind,
            similarity=match.similarity,
        )
        verdicts[article.id] = match
    return [verdicts[aid] for aid in dict.fromkeys(a.id for a in articles)]


def separate_repeats(articles: Iterable[Article]) -> list[Article]:
    """Give each repeat of an article (the same id read at another location) an id of its own.

    Two inputs with the same text (and no URL, or the same URL) get the same content id; kept
    under one id, the second would vanish from a brief without a trace. With an id of its own
    it reaches ``find_duplicates`` and is listed as an exact copy of the first. The first by
    location keeps the id, so the answer does not depend on input order; a repeat of the
    same location is the same input and is dropped.

    Example:
        >>> from newsdesk.articles import make_article
        >>> a = make_article("Rain fell on the plain.", location="b.txt")
        >>> b = make_article("Rain fell on the plain.", location="a.txt")
        >>> [(x.location, x.id == a.id) for x in separate_repeats([a, b, a])]
        [('a.txt', True), ('b.txt', False)]
    """
    seen: set[tuple[str, str]] = set()
    first: set[str] = set()
    out: list[Article] = []
    for article in sorted(articles, key=lambda a: (a.location, a.id)):
        if (article.id, article.location) in seen:
            continue
        seen.add((article.id, article.location))
        if article.id in first:
            digest = hashlib.blake2b(digest_size=8)
            digest.update(f"{article.id}\x00{article.location}".encode("utf-8", "surrogatepass"))
            article = dataclasses.replace(article, id=digest.hexdigest())
        else:
            first.add(article.id)
        out.append(article)
    return out


def group_duplicates(matches: Sequence[DuplicateMatch]) -> list[DuplicateGroup]:
    """Collect matches into groups (canonical first, then its copies), sorted by canonical id."""
    groups: dict[str, list[DuplicateMatch]] = {}
    for match in matches:
        if match.duplicate_of is not None:
            groups.setdefault(match.duplicate_of, []).append(match)
    out = []
    for canonical, members in sorted(groups.items()):
        ids = (canonical, *sorted({m.article_id for m in members}))
        kind = "exact" if all(m.kind == "exact" for m in members) else "near"
        digest = hashlib.blake2b("\x00".join(ids).encode(), digest_size=8).hexdigest()
        out.append(
            DuplicateGroup(id=f"dup-{digest}", canonical_id=canonical, article_ids=ids, kind=kind)
        )
    return out
