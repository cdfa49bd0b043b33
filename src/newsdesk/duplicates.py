"""Duplicates: exact copies (same normalised text) and near copies (MinHash LSH over shingles).

Syndicated wire copies and light rewrites share most of their word 5-grams; MinHash
estimates that overlap (Jaccard) and LSH finds the candidates without comparing every pair.
The index of articles seen so far belongs to the caller (``DuplicateIndex``), who decides
how long it remembers; ``find_duplicates`` is a pure function of the index and the batch.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from .models import Article, DuplicateGroup, earliest_first

__all__ = [
    "CopyKey",
    "DuplicateIndex",
    "DuplicateMatch",
    "DuplicateOptions",
    "MinHash",
    "assign_originals",
    "choose_original",
    "content_hash",
    "copy_groups",
    "copy_key",
    "find_duplicates",
    "group_duplicates",
    "independent_roots",
    "lsh_bands",
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


# --- MinHash and LSH ------------------------------------------------------------------------
#
# datasketch's "affine32" scheme (datasketch 2.0), written out so that a brief does not import
# datasketch (it pulls scipy.integrate: ~0.5 s of every cold start). The signatures are bit for
# bit datasketch's, so stored signatures and band keys stay comparable (tests/test_duplicates.py
# checks both against pinned values): a shingle's hash is the first 4 bytes of its SHA-1
# (little-endian), pre-mixed by MurmurHash3's 32-bit finalizer, then permuted by
# h -> a * h + b mod 2**32 with odd ``a``; ``a`` and ``b`` are drawn from
# ``numpy.random.RandomState(seed)``.
_SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)

Signature = npt.NDArray[np.uint32]


class MinHash:
    """A MinHash signature: ``num_perm`` uint32 values (``datasketch.MinHash``'s layout)."""

    scheme = _SCHEME

    def __init__(self, hashvalues: Signature, seed: int) -> None:
        self.hashvalues = hashvalues
        self.seed = seed

    def __len__(self) -> int:
        return len(self.hashvalues)

    def jaccard(self, other: MinHash) -> float:
        """Estimate the Jaccard similarity: the share of equal values."""
        if other.seed != self.seed or len(other) != len(self):
            raise ValueError("MinHashes of different seeds or sizes cannot be compared")
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / float(len(self))


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[Signature, Signature]:
    # Drawn once per process: the same for every sketch of these options.
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: Signature) -> Signature:
    """MurmurHash3's 32-bit finalizer (multiplications wrap modulo 2**32)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    out: Signature = values ^ (values >> np.uint32(16))
    return out


def minhash(text: str, options: DuplicateOptions = DuplicateOptions()) -> MinHash:
    """Return the MinHash of a text's shingles (seeded, so stable across runs and machines)."""
    grams = shingles(text, options.shingle_size)
    if not grams:
        return MinHash(np.full(options.num_perm, _EMPTY, dtype=np.uint32), options.seed)
    digests = b"".join(hashlib.sha1(g).digest()[:4] for g in grams)
    hashes = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    a, b = _permutations(options.num_perm, options.seed)
    values: Signature = (hashes[:, None] * a + b).min(axis=0)
    return MinHash(values, options.seed)


@functools.lru_cache(maxsize=8)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """``datasketch.MinHashLSH``'s choice of (bands, rows): the pair that minimises the
    false-positive plus false-negative probability mass (weights 0.5 each) around the
    threshold, the first such pair in (bands, rows) order.

    The integrands are polynomials of degree bands * rows <= num_perm, so Gauss-Legendre
    quadrature with num_perm / 2 + 1 nodes integrates them exactly (datasketch calls
    scipy's ``quad``; the choices agree on every threshold tested, see the tests).
    """
    pairs = np.array(
        [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)],
        dtype=np.float64,
    )
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def mass(lo: float, hi: float, positive: bool) -> npt.NDArray[np.float64]:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        miss = (1 - s[None, :] ** pairs[:, 1:2]) ** pairs[:, 0:1]  # P(no band agrees)
        found = 1 - miss
        out: npt.NDArray[np.float64] = (hi - lo) / 2 * ((found if positive else miss) @ weights)
        return out

    error = 0.5 * mass(0.0, threshold, True) + 0.5 * mass(threshold, 1.0, False)
    b, r = pairs[int(np.argmin(error))]
    if b < 2:
        raise ValueError("too few LSH bands: lower lsh_threshold or raise num_perm")
    return int(b), int(r)


def lsh_bands(options: DuplicateOptions) -> tuple[int, int]:
    """(bands, rows per band) that ``datasketch.MinHashLSH`` picks for
    ``options.lsh_threshold``, worked out once per process (every index and the batch
    job's band keys use them)."""
    return _bands(options.lsh_threshold, options.num_perm)


class _Bands:
    """LSH buckets: two signatures are candidates when one band of rows is equal."""

    def __init__(self, bands: int, rows: int) -> None:
        self._ranges = [(i * rows, (i + 1) * rows) for i in range(bands)]
        self._tables: list[dict[bytes, set[str]]] = [{} for _ in range(bands)]
        self._keys: dict[str, list[bytes]] = {}

    def _band_keys(self, sketch: MinHash) -> list[bytes]:
        values = np.asarray(sketch.hashvalues, dtype=np.uint32)
        return [values[start:end].tobytes() for start, end in self._ranges]

    def insert(self, key: str, sketch: MinHash) -> None:
        keys = self._band_keys(sketch)
        self._keys[key] = keys
        for table, band in zip(self._tables, keys, strict=True):
            table.setdefault(band, set()).add(key)

    def remove(self, key: str) -> None:
        for table, band in zip(self._tables, self._keys.pop(key), strict=True):
            bucket = table[band]
            bucket.discard(key)
            if not bucket:
                del table[band]

    def query(self, sketch: MinHash) -> set[str]:
        found: set[str] = set()
        for table, band in zip(self._tables, self._band_keys(sketch), strict=True):
            found.update(table.get(band, ()))
        return found


class DuplicateIndex:
    """The articles seen so far, for finding copies of new ones. Owned by the caller.

    Holds each article's MinHash and its canonical copy (itself, or the article it copies),
    plus the content hashes of exact texts.
    """

    def __init__(self, options: DuplicateOptions = DuplicateOptions()) -> None:
        self.options = options
        self._lsh = _Bands(*lsh_bands(options))
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
    return MinHash(values, options.seed)


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
        >>> text = "The river rose two metres overnight in the old town."
        >>> a = make_article(text, location="a", published="2025-03-01")
        >>> b = make_article(text[:-1] + "!", location="b", published="2025-03-02")
        >>> [m.kind for m in find_duplicates([b, a], DuplicateIndex())]
        ['exact', None]
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


# --- Which copy is the original -------------------------------------------------------------
#
# One rule, used wherever copies are grouped (``pipeline.dedupe`` for ``brief``, ``ingest`` and
# the store, ``batch``, the web through the store): within a group of copies the original is
#   1. the earliest published (by date; undated last), and among those published the same day
#      the earliest to the minute when every one of them states its time (in one time zone);
#   2. then the one that does not credit another outlet ("With Reuters inputs", "(Reuters)",
#      "Originally published by ..."): the copy credits its source;
#   3. then the first by location, then by id: a stable key, the same in every run.
# The answer depends only on the group's members, never on the order they arrived in.

_CREDIT_PATTERNS = (
    # "With Reuters inputs", "with inputs from PTI and AFP"
    re.compile(
        r"\bwith\s+(?:additional\s+)?inputs?\s+from\s+([A-Z][\w&.' -]{1,40}?)\s*[.)]?$", re.I
    ),
    re.compile(r"\bwith\s+([A-Z][\w&.' -]{1,30}?)\s+inputs?\b", re.I),
    # "(Reuters)", "LONDON (Reuters) -", "CARACAS, Venezuela (AP) --"
    re.compile(r"^(?:[A-Z][\w.,' /-]{0,40}\s)?\(([A-Z][\w&.' -]{1,30})\)\s*(?:[-—–:]|$)"),
    # "Originally published by X", "This story first appeared in X", "Republished from X"
    re.compile(
        r"\b(?:originally\s+(?:published|appeared)|first\s+(?:published|appeared)|republished|"
        r"reprinted)\s+(?:in|on|by|from|with\s+permission\s+(?:of|from))\s+(?:the\s+)?"
        r"([A-Z][\w&.' -]{1,40}?)\s*[.,;)]?(?:\s|$)",
        re.I,
    ),
    re.compile(
        r"^\s*(?:source|courtesy(?:\s+of)?|via)\s*[:\-]?\s+([A-Z][\w&.' -]{1,40}?)\s*\.?$", re.I
    ),
)
_CREDIT_LINE_WORDS = 25
_PUBLISHED_STAMP = re.compile(r"^\s*(?:first\s+)?(?:published|posted)\b", re.I)
_ISO_MINUTE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
_CLOCK = re.compile(
    r"(?<![\d:])(\d{1,2})\s*[:.]\s*(\d{2})(?![\d:])(?:\s*([aApP])\.?\s?[mM]\b\.?)?"
    r"(?:\s*(GMT|UTC|Z\b|(?!AM\b|PM\b)[A-Z]{2,4}\b|[+-]\d{2}:?\d{2}))?"
)


@dataclass(frozen=True)
class CopyKey:
    """What the original rule needs to know of an article (small, JSON-able, no body)."""

    article_id: str
    location: str
    published: str | None = None  # YYYY-MM-DD or coarser
    minute: str | None = None  # "YYYY-MM-DDTHH:MM", in ``zone``
    zone: str = ""  # "UTC" when converted; a stated abbreviation; "" when none was given
    credits: bool = False  # credits another outlet as its source

    def to_json(self) -> str:
        """Return the key as one JSON string (batch rows carry it)."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CopyKey:
        """Rebuild a key written by ``to_json``."""
        return cls(**json.loads(text))


def _minute(article: Article) -> tuple[str | None, str]:
    """The publication time to the minute, from the publication stamp the cleaner removed."""
    from .readers.dates import parse_date

    for line in (*article.removed, article.published or ""):
        iso = _ISO_MINUTE.search(line)
        stamp = _PUBLISHED_STAMP.match(line)
        if iso is not None and (stamp or line is article.published):
            day, hour, minute, offset = iso.groups()
            if offset is None:
                return f"{day}T{hour}:{minute}", ""
            when = datetime.fromisoformat(
                f"{day}T{hour}:{minute}{'+00:00' if offset == 'Z' else offset}"
            )
            return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"), "UTC"
        if stamp is None:
            continue
        # "Posted October 14, 2025 at 11:05 AM": the first date and the first clock time,
        # cut at an "Updated" that follows.
        head = re.split(r"\b(?:updated|modified)\b", line, maxsplit=1, flags=re.I)[0]
        day_text = parse_date(head)
        clock = _CLOCK.search(re.sub(r"\b\d{4}\b", " ", head))
        if day_text is None or clock is None:
            return None, ""
        hour, minute_text = int(clock[1]), int(clock[2])
        if clock[3]:
            hour = hour % 12 + (12 if clock[3].lower() == "p" else 0)
        if hour > 23 or minute_text > 59:
            return None, ""
        zone = (clock[4] or "").upper()
        zone = "UTC" if zone in {"GMT", "UTC", "Z", "+00:00", "+0000"} else zone
        return f"{day_text}T{hour:02d}:{minute_text:02d}", zone
    return None, ""


def _credited(article: Article) -> set[str]:
    """The names an article credits as its source (lower case)."""
    paragraphs = [p.strip() for p in article.text.split("\n") if p.strip()]
    # A credit is a line of its own, a dateline tag or a closing sentence, never mid-body.
    lines = [*article.removed]
    for paragraph in (*paragraphs[:1], *paragraphs[-2:]):
        words = paragraph.split()
        lines += [" ".join(words[:12]), re.split(r"(?<=[.!?])\s+", paragraph)[-1]]
    if article.dateline:
        lines.append(article.dateline)
    names: set[str] = set()
    for line in lines:
        if len(line.split()) > _CREDIT_LINE_WORDS:
            continue
        for pattern in _CREDIT_PATTERNS:
            for found in pattern.finditer(line.strip()):
                name = found.group(1).strip(" .,;").lower()
                if name and not re.search(r"\b(?:photo|image|file|handout|reporting)\b", name):
                    names.add(name)
    return names


def copy_key(article: Article) -> CopyKey:
    """Return what ``choose_original`` needs to know of ``article``.

    Example:
        >>> from newsdesk.articles import make_article
        >>> a = make_article("Rain fell on the plain. With Reuters inputs.", location="a.txt")
        >>> copy_key(a).credits
        True
    """
    minute, zone = _minute(article)
    own = (article.outlet or "").lower()
    credits = {n for n in _credited(article) if not own or (n not in own and own not in n)}
    return CopyKey(
        article_id=article.id,
        location=article.location,
        published=article.published,
        # A stamp that disagrees with the article's date is not its publication time.
        minute=minute if minute and minute[:10] == (article.published or "")[:10] else None,
        zone=zone,
        credits=bool(credits),
    )


def choose_original(keys: Iterable[CopyKey]) -> str:
    """Return the id of the original among a group of copies (see the rule above).

    Example:
        >>> a = CopyKey("a", "b.txt", "2025-10-14", "2025-10-14T11:05")
        >>> b = CopyKey("b", "a.txt", "2025-10-14", "2025-10-14T09:30")
        >>> choose_original([a, b]), choose_original([a, CopyKey("c", "c.txt", "2025-10-13")])
        ('b', 'c')
    """
    pool = sorted(
        {k.article_id: k for k in keys}.values(), key=lambda k: (k.location, k.article_id)
    )
    if not pool:
        raise ValueError("choose_original needs at least one article")
    first = min(earliest_first(k.published, "")[0] for k in pool)
    pool = [k for k in pool if earliest_first(k.published, "")[0] == first]
    if len(pool) > 1 and all(k.minute for k in pool) and len({k.zone for k in pool}) == 1:
        earliest = min(k.minute or "" for k in pool)
        pool = [k for k in pool if k.minute == earliest]
    pool = [k for k in pool if not k.credits] or pool
    return pool[0].article_id


def copy_groups(duplicate_of: Mapping[str, str]) -> list[list[str]]:
    """Return the groups of copies the copy -> original links form (each sorted, sorted)."""
    from .stories import components  # the one union-find: stories' and copies' groups

    label = components((), sorted(duplicate_of.items()))
    groups: dict[str, list[str]] = {}
    for member in sorted(label):
        groups.setdefault(label[member], []).append(member)
    return sorted(groups.values())


def assign_originals(
    duplicate_of: Mapping[str, str], keys: Mapping[str, CopyKey]
) -> dict[str, str]:
    """Re-point every group of copies at the original ``choose_original`` picks.

    Args:
        duplicate_of: copy id -> the id it was found to copy (any member of its group).
        keys: ``copy_key`` of the members to consider; members without a key are left out
            (e.g. an original outside a story: the present members then choose among them).

    Returns:
        copy id -> original id, for every member of a group but its original.
    """
    out: dict[str, str] = {}
    for group in copy_groups(duplicate_of):
        present = [keys[m] for m in group if m in keys]
        if len(present) < 2:
            continue
        original = choose_original(present)
        out.update((k.article_id, original) for k in present if k.article_id != original)
    return out


def independent_roots(
    article_ids: Sequence[str], duplicate_of: Mapping[str, str] | None
) -> dict[str, str]:
    """Map each article to the article that stands for its group of copies.

    A copy never counts as corroboration: the facts' support and the summary's source
    counts both count the distinct values of this map.

    Args:
        article_ids: the story's articles.
        duplicate_of: copy id -> original id (chains are followed; cycles are cut).

    Returns:
        article id -> representative id: the original if it is in the story, else the
        first member of the group in ``article_ids`` order.
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
