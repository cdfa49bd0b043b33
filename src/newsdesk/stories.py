"""Stories: articles grouped by event, the same whatever order they arrive in.

Each article is described by its proper names (who and where: two earthquakes in two
countries share topic words but not place names) and its content words, both weighted by how
rare the word is in the language (wordfreq), so an article's description depends on nothing
else in the store; a MiniLM embedding of its title and lead can be scored too
(``StoryOptions.embedding_weight``, off by default: see there). Two articles are as similar
as the weighted sum of the cosines plus a bonus for shared rare names, damped by the days
between them: reports more than ``StoryOptions.max_gap_days`` apart never join. Two reports
that both write years (1950-2039) but share none are told apart further (look-alike events:
one boxer's title defences in 2008 and 2013 share every name but the year).

Stories are the clusters of average-linkage agglomerative clustering over *all* articles,
cut at ``StoryOptions.threshold``. That is a function of the set of articles, not of the
order or batches they came in, and it can be kept up to date incrementally: a merge needs a
mean similarity >= threshold, so at least one pair >= threshold, so every cluster lies inside
one connected component of the graph linking pairs at or above the threshold, and components
are clustered independently. A new batch links its articles to stored ones near it in time,
joins their components, and only those components are clustered again.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .frequencies import zipf
from .models import Article, earliest_first
from .nlp import Embedder
from .scores import cosines

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

__all__ = [
    "WITH_MINILM",
    "ArticleFeatures",
    "StoryOptions",
    "article_terms",
    "canonical_key",
    "cluster",
    "components",
    "day_number",
    "explain",
    "featurize",
    "links",
    "similarity",
    "story_id_for",
    "term_weights",
]

Vector = npt.NDArray[np.float32]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that are not names when they open a sentence (or anywhere: titles, days).
_NOT_NAMES = _wordset(
    """a an the he she it they we i you his her their its this that these those in on at of
    for and but or as by with from to after before when while if there here what who whom
    which where why how said says say mr mrs ms dr monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december today yesterday tomorrow but so also however meanwhile one two three
    according some many most all both each every no not our my your him them us"""
)
_STOPWORDS = _NOT_NAMES | _wordset(
    """about above again against been being below between could does doing down during
    further have having into just more once only other over own same should such than then
    there their theirs them themselves they this those through under until very were what
    when where which while will with would your yours also said says told year years week
    weeks people time after before first last over says like just than were been have more
    from that this with they which their would there could other into what about"""
)
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w'’.-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-3]\d)\b")


@dataclass(frozen=True)
class StoryOptions:
    """How articles are grouped into stories.

    The weights, ``threshold``, ``year_mismatch_penalty`` and the rare-name rule were chosen
    together on the train parts of ``benchmarks/clustering.py`` (the whole stream clustered,
    DUC 2004 even clusters + ECB+ train/dev topics scored; ``--tune`` prints the grid): the
    best mean B3 F1 of the two among lexical weights (names, words) 0.7/0.3, 0.65/0.35,
    0.8/0.2 x rare names (Zipf <= 2, full at 3 or Zipf <= 3, full at 4) x penalty 0.25/0.4 x
    threshold 0.22-0.25 whose precision stays within 0.01 of the defaults before issue 17
    (weights 0.2/0.6/0.2, threshold 0.30, no penalty) on both: mean F1 0.804, DUC train
    0.707 (P 0.942), ECB+ train 0.901 (P 0.925). The MiniLM snippet embedding is not scored
    (``embedding_weight`` 0): with it (0.1/0.7/0.2, threshold 0.26, the previous default)
    mean train F1 was 0.808, within noise of 0.804, at ~3x the CPU per ingested article
    (benchmarks/ingest.py: ~18 of ~23 ms per article was the embedding). A shared strong
    pair as a bridge between two stories (single link at 0.4-0.6 on top of average linkage)
    lost train precision faster than it gained recall. A lower threshold or no penalty
    buys DUC recall with ECB+ precision (look-alike events). ``max_gap_days`` is a
    news-desk choice: follow-ups within days join, a similar event weeks later is new. DUC
    clusters are topics followed over weeks (consecutive reports up to 44 days apart), but
    7/30 days gained only 0.004 mean train F1 and doubles the stored articles each batch is
    compared with (benchmarks/ingest.py: ~10% more CPU per article). Re-run
    ``benchmarks/clustering.py --tune`` after changing any of these. ``max_terms`` bounds
    each stored description (128 gained 0.001 train F1 at twice the terms to compare).
    """

    threshold: float = 0.25
    embedding_weight: float = 0.0
    entity_weight: float = 0.65
    word_weight: float = 0.35
    # Shared rare names (Zipf frequency <= rare_name_zipf, e.g. "Ranariddh", "Kadhimi") add
    # up to rare_name_bonus, reached at rare_names_full of them: a count, so a long report's
    # 64 names do not dilute it as they dilute the name cosine (chosen with the weights).
    rare_name_bonus: float = 0.1
    rare_name_zipf: float = 3.0
    rare_names_full: int = 4
    full_weight_days: int = 3
    max_gap_days: int = 14
    # Two reports that both write years but share none: similarity times (1 - penalty).
    year_mismatch_penalty: float = 0.4
    # Two stories of one component (each of at least bridge_min_size reports) whose pairs
    # are linked (similarity >= threshold) at least this share of the time are one story:
    # later reports bridge them, though the mean similarity stays under the threshold.
    # Chosen on the train parts of benchmarks/clustering.py with the weights above (share
    # 0.35-0.6 x sizes 1/2): the best mean B3 F1 whose precision did not fall on either
    # (0.45 ties; the larger share joins less), 0.804 -> 0.806 (ECB+ train R 0.878 -> 0.884,
    # P 0.925 both; DUC train unchanged); a share of 0.35 from one report on gave mean
    # 0.826 (DUC train R 0.566 -> 0.637) but DUC train P 0.942 -> 0.877.
    # 0 turns it off (plain average linkage).
    bridge_share: float = 0.5
    bridge_min_size: int = 2
    # Title + 200 characters of lead, when the embedding is scored: MiniLM cost grows with
    # length; 300 characters gave train B3 F1 0.893 vs 0.887 at 200 but ~1.5x slower.
    snippet_chars: int = 200
    max_terms: int = 64

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be between 0 and 1")
        if min(self.embedding_weight, self.entity_weight, self.word_weight) < 0:
            raise ValueError("weights must be >= 0")
        if not 0 <= self.full_weight_days < self.max_gap_days:
            raise ValueError("need 0 <= full_weight_days < max_gap_days")
        if self.rare_name_bonus < 0 or self.rare_names_full < 1:
            raise ValueError("need rare_name_bonus >= 0 and rare_names_full >= 1")
        if not 0.0 <= self.year_mismatch_penalty <= 1.0:
            raise ValueError("year_mismatch_penalty must be between 0 and 1")
        if not 0.0 <= self.bridge_share <= 1.0 or self.bridge_min_size < 1:
            raise ValueError("need 0 <= bridge_share <= 1 and bridge_min_size >= 1")


#: The settings chosen on the same train parts with the MiniLM snippet scored (the default
#: until December 2026): mean train B3 F1 0.808 against the lexical default's 0.804, at
#: about 3x the ingest CPU. The benchmarks print it beside the default.
WITH_MINILM = StoryOptions(
    threshold=0.26,
    embedding_weight=0.1,
    entity_weight=0.7,
    word_weight=0.2,
    year_mismatch_penalty=0.25,
    rare_name_zipf=2.0,
    rare_names_full=3,
    bridge_share=0.0,
)


@dataclass(frozen=True)
class ArticleFeatures:
    """What clustering knows of one article: day, embedding, weighted names and words."""

    article_id: str
    published: str | None
    day: int | None
    embedding: Vector = field(repr=False)
    # "e:" names, "w:" words (each L2-normalised), "y:" years written (1.0 each).
    terms: Mapping[str, float] = field(repr=False)
    # The terms split by namespace once ("e:" -> (keys, weights)): similarity reads them
    # for every pair of batches, the store's rows are decoded once per batch.
    parts: Mapping[str, tuple[list[str], list[float]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        keys = sorted(self.terms)  # the store's rows come sorted: a linear pass
        parts: dict[str, tuple[list[str], list[float]]] = {}
        for prefix in ("e:", "w:", "y:"):
            # ";" follows ":": the keys of one namespace are one run of the sorted list.
            run = keys[bisect_left(keys, prefix) : bisect_left(keys, prefix[0] + ";")]
            if run:
                parts[prefix] = (run, list(map(self.terms.__getitem__, run)))
        object.__setattr__(self, "parts", parts)

    def to_bytes(self) -> bytes:
        """Serialise for the store: embedding as float16, terms as a word list and float16s."""
        keys = sorted(self.terms)
        words = "\x1f".join(keys).encode()
        return (
            struct.pack("<II", self.embedding.shape[0], len(words))
            + np.asarray(self.embedding, dtype=np.float16).tobytes()
            + words
            + np.array([self.terms[k] for k in keys], dtype=np.float16).tobytes()
        )

    @classmethod
    def from_bytes(cls, article_id: str, published: str | None, data: bytes) -> ArticleFeatures:
        """Read features written by ``to_bytes``."""
        dims, size = struct.unpack_from("<II", data)
        offset = 8 + 2 * dims
        embedding = np.frombuffer(data[8:offset], dtype=np.float16).astype(np.float32)
        keys = data[offset : offset + size].decode().split("\x1f") if size else []
        values = np.frombuffer(data[offset + size :], dtype=np.float16).astype(np.float64)
        return cls(
            article_id=article_id,
            published=published,
            day=day_number(published),
            embedding=embedding,
            terms=dict(zip(keys, values.tolist(), strict=True)),
        )


def day_number(published: str | None) -> int | None:
    """Return a publication date as a day number (YYYY-MM and YYYY count from their start)."""
    if not published:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1)).toordinal()
    except ValueError:
        return None


def article_terms(article: Article) -> Counter[str]:
    """Return an article's names (``e:``), content words (``w:``) and years (``y:``), counted.

    Names are runs of capitalised words not opening a sentence as a function word; each
    word of a run counts, so "Lohan" matches "Lindsay Lohan". This costs ~0.3 ms per
    article, where spaCy NER on the lead alone measured ~7 ms (the ingest budget is 10 ms).
    """
    text = f"{article.title or ''}\n{article.text}"
    counts: Counter[str] = Counter()
    for sentence in _SENTENCE_END.split(text):
        for i, token in enumerate(_TOKEN.findall(sentence)):
            if not token[:1].isupper():  # most tokens: tested first, it is the cheap test
                continue
            word = token.strip(".'’-").lower()
            if not word or word in _NOT_NAMES:
                continue
            if i > 0 or word not in _STOPWORDS:
                counts["e:" + word] += 1
    for word in _CONTENT_WORD.findall(text.lower()):
        if word not in _STOPWORDS:
            counts["w:" + word] += 1
    counts.update("y:" + year for year in _YEAR.findall(text))
    return counts


def snippet(article: Article, chars: int) -> str:
    """Return the title and lead the embedding reads."""
    lead = " ".join(article.text[: chars * 2].split())[:chars]
    return f"{article.title}. {lead}" if article.title else lead


@lru_cache(maxsize=200_000)
def _idf(word: str, language: str) -> float:
    """Rarity of a word in its language: (8 - its Zipf frequency) squared; unseen words 64.

    Squared rarity beat plain rarity (= log inverse frequency) on the ECB+ train topics:
    B3 F1 0.903 against 0.893, each at its best weights and threshold.
    """
    try:
        value = zipf(word, language)
    except LookupError:  # a language wordfreq does not know: English frequencies
        value = zipf(word, "en")
    return max(0.5, 8.0 - value) ** 2


def term_weights(
    counts: Mapping[str, int], *, language: str = "en", max_terms: int = 64
) -> dict[str, float]:
    """Sublinear tf times the word's rarity in the language, each namespace L2-normalised.

    The weights depend on the article alone (not on what else is stored), which is what
    makes stories a function of the set of articles. Only the ``max_terms`` heaviest terms
    of each namespace are kept (ties by term); years (``y:``) weigh 1 each (only whether two
    reports share one counts).
    """
    out: dict[str, float] = {k: 1.0 for k in sorted(counts) if k.startswith("y:")}
    parts: dict[str, dict[str, float]] = {"e:": {}, "w:": {}}
    for k, c in counts.items():
        part = parts.get(k[:2])
        if part is not None:
            part[k] = (1.0 + math.log(c)) * _idf(k[2:], language)
    for part in parts.values():
        top = sorted(part.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]
        if not top:
            continue
        norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
        # Rounded as the store keeps them (float16), so stored and fresh features agree.
        rounded = (np.array([v for _, v in top]) / norm).astype(np.float16).astype(np.float64)
        out.update(zip([k for k, _ in top], rounded.tolist(), strict=True))
    return out


def featurize(
    articles: Sequence[Article],
    embedder: Embedder | None,
    *,
    options: StoryOptions = StoryOptions(),
) -> list[ArticleFeatures]:
    """Compute the clustering features of articles (one embedder call for the whole batch).

    Args:
        articles: the articles to describe.
        embedder: sentence embedder (L2-normalised rows); None when
            ``options.embedding_weight`` is 0 (then no vector is computed).
        options: clustering options (snippet length, terms kept).

    Returns:
        One ``ArticleFeatures`` per article, in order.
    """
    if not articles:
        return []
    if options.embedding_weight > 0:
        if embedder is None:
            raise ValueError("embedding_weight > 0 needs an embedder")
        vectors = embedder.embed([snippet(a, options.snippet_chars) for a in articles])
    else:  # the embedding is not scored: no model call (most of ingest's CPU otherwise)
        vectors = np.zeros((len(articles), 0), dtype=np.float32)
    return [
        ArticleFeatures(
            article_id=a.id,
            published=a.published,
            day=day_number(a.published),
            embedding=np.asarray(vectors[i], dtype=np.float16).astype(np.float32),
            terms=term_weights(
                article_terms(a), language=a.language or "en", max_terms=options.max_terms
            ),
        )
        for i, a in enumerate(articles)
    ]


def canonical_key(features: ArticleFeatures) -> tuple[str, str]:
    """The order clustering works in: by publication date (undated last), then id."""
    return earliest_first(features.published, features.article_id)


def story_id_for(seed_article_id: str) -> str:
    """Return the id of a story whose earliest article is this one (a function of the id)."""
    return "st-" + hashlib.blake2b(seed_article_id.encode(), digest_size=6).hexdigest()


def _gather(
    nodes: Sequence[ArticleFeatures], prefix: str
) -> tuple[list[str], list[float], list[int]]:
    """The terms with this prefix of every node, one run after another: keys, values, indptr."""
    keys: list[str] = []
    values: list[float] = []
    indptr = [0]
    empty: tuple[list[str], list[float]] = ([], [])
    for node in nodes:
        k, v = node.parts.get(prefix, empty)
        keys += k
        values += v
        indptr.append(len(keys))
    return keys, values, indptr


def _term_matrices(
    left: Sequence[ArticleFeatures], right: Sequence[ArticleFeatures], prefix: str
) -> tuple[csr_matrix, csr_matrix, list[str]] | None:
    """The terms with this prefix as two sparse matrices over one vocabulary (None: no term).

    ``right`` may be ``left`` itself (a component against itself): it is gathered once.
    """
    # Imported here: scipy.sparse (with numpy.f2py) is ~0.16 s of a cold start.
    from scipy.sparse import csr_matrix

    lk, lv, lp = _gather(left, prefix)
    rk, rv, rp = (lk, lv, lp) if right is left else _gather(right, prefix)
    if not lk or not rk:
        return None
    vocab = list(dict.fromkeys(lk + rk))
    index = {key: i for i, key in enumerate(vocab)}
    a = csr_matrix(
        (lv, list(map(index.__getitem__, lk)), lp), shape=(len(left), len(vocab)), dtype=np.float64
    )
    if right is left:
        return a, a, vocab
    b = csr_matrix(
        (rv, list(map(index.__getitem__, rk)), rp), shape=(len(right), len(vocab)), dtype=np.float64
    )
    return a, b, vocab


def _rare_name_bonus(
    a: csr_matrix, b: csr_matrix, vocab: Sequence[str], options: StoryOptions
) -> npt.NDArray[np.float64]:
    """The bonus of every pair for the rare names (``e:`` columns) both articles carry."""
    floor = max(0.5, 8.0 - options.rare_name_zipf) ** 2  # as _idf weighs words
    # Rarity in English whatever the article's language: names are names.
    rare = np.array([_idf(key[2:], "en") >= floor for key in vocab], dtype=bool)
    if not rare.any():
        return np.zeros((a.shape[0], b.shape[0]))
    present = []
    for matrix in (a,) if b is a else (a, b):
        ones = matrix[:, rare].tocsr()
        ones.data[:] = 1.0
        present.append(ones)
    shared = (present[0] @ present[-1].T).toarray()
    full = float(options.rare_names_full)
    bonus: npt.NDArray[np.float64] = options.rare_name_bonus * np.minimum(shared, full) / full
    return bonus


def _year_factor(
    left: Sequence[ArticleFeatures], right: Sequence[ArticleFeatures], penalty: float
) -> npt.NDArray[np.float64]:
    """1 - penalty for the pairs that both write years (``y:`` terms) but share none, else 1."""
    found = _term_matrices(left, right, "y:") if penalty > 0 else None
    if found is None:
        return np.ones((len(left), len(right)))
    a, b, _ = found
    shared = (a @ b.T).toarray() > 0
    has_l = np.diff(a.indptr) > 0
    has_r = np.diff(b.indptr) > 0
    apart = has_l[:, None] & has_r[None, :] & ~shared
    return np.where(apart, 1.0 - penalty, 1.0)


def similarity(
    left: Sequence[ArticleFeatures],
    right: Sequence[ArticleFeatures],
    options: StoryOptions = StoryOptions(),
) -> npt.NDArray[np.float64]:
    """Return the similarity of every article of ``left`` to every article of ``right``.

    The weighted sum of the embedding, name and word cosines plus the shared rare names
    bonus, times the time damping: 1 up to ``full_weight_days`` apart, falling linearly to
    0 at ``max_gap_days`` (undated: 1), times ``1 - year_mismatch_penalty`` when both
    reports write years and share none.
    """
    if not left or not right:
        return np.zeros((len(left), len(right)))
    sim = np.zeros((len(left), len(right)))
    if options.embedding_weight > 0:
        emb_l = np.vstack([f.embedding for f in left]).astype(np.float64)
        emb_r = np.vstack([f.embedding for f in right]).astype(np.float64)
        if not emb_l.shape[1] or emb_l.shape[1] != emb_r.shape[1]:
            raise ValueError(
                "embedding_weight > 0 but these features were computed without the same "
                "embedding: featurize them again with these options"
            )
        sim += options.embedding_weight * cosines(emb_l, emb_r)
    for prefix, weight in (("e:", options.entity_weight), ("w:", options.word_weight)):
        found = _term_matrices(left, right, prefix)
        if found is None:
            continue
        a, b, vocab = found
        sim += weight * (a @ b.T).toarray()
        if prefix == "e:" and options.rare_name_bonus > 0:
            sim += _rare_name_bonus(a, b, vocab, options)
    day_l = np.array([np.nan if f.day is None else f.day for f in left], dtype=np.float64)
    day_r = np.array([np.nan if f.day is None else f.day for f in right], dtype=np.float64)
    gap = np.abs(day_l[:, None] - day_r[None, :])
    span = options.max_gap_days - options.full_weight_days
    factor = np.clip(1.0 - (gap - options.full_weight_days) / span, 0.0, 1.0)
    factor[np.isnan(gap)] = 1.0  # undated: time says nothing
    factor = factor * _year_factor(left, right, options.year_mismatch_penalty)
    # Rounded so that the last-bit noise of the matrix products cannot make a pair link in
    # one order and not in the other.
    result: npt.NDArray[np.float64] = np.round(sim * factor, 6)
    return result


def links(
    new: Sequence[ArticleFeatures],
    stored: Sequence[ArticleFeatures],
    options: StoryOptions = StoryOptions(),
    *,
    among_new: bool = True,
) -> list[tuple[str, str]]:
    """Return the pairs (new article, new or stored article) similar at the threshold or more.

    ``among_new=False`` leaves out the pairs of two new articles (a caller that links the
    new ones to the store a slice at a time needs them once).
    """
    new_ids = {n.article_id for n in new}
    others = [f for f in stored if f.article_id not in new_ids]
    if among_new:
        others = list(new) + others
    out: list[tuple[str, str]] = []
    for start in range(0, len(others), 4096):  # bounded matrices against a large store
        part = others[start : start + 4096]
        sim = similarity(new, part, options)
        rows, cols = np.nonzero(sim >= options.threshold)
        out += [
            (new[i].article_id, part[j].article_id)
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
            if new[i].article_id != part[j].article_id
        ]
    return out


def components(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components of the linked pairs: each id -> its component's smallest id."""
    parent: dict[str, str] = {i: i for i in ids}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in list(parent)}


def cluster(
    features: Sequence[ArticleFeatures], options: StoryOptions = StoryOptions()
) -> list[tuple[str, ...]]:
    """Average-linkage clusters of these articles, cut at ``options.threshold``.

    Args:
        features: the articles (any order; duplicates by id are ignored).
        options: thresholds and weights.

    Returns:
        The groups of article ids, each in canonical order, the groups ordered by their
        first member; the same for any order of ``features``.

    Example:
        >>> cluster([])
        []
    """
    items = sorted({f.article_id: f for f in features}.values(), key=canonical_key)
    if not items:
        return []
    sim = similarity(items, items, options)
    ids = [f.article_id for f in items]
    linked = np.argwhere(sim >= options.threshold).tolist()
    root = components(ids, ((ids[i], ids[j]) for i, j in linked))
    by_component: dict[str, list[int]] = {}
    for position, article_id in enumerate(ids):
        by_component.setdefault(root[article_id], []).append(position)
    groups: list[tuple[str, ...]] = []
    cut = 1.0 - options.threshold
    for members in by_component.values():
        if len(members) == 1:
            groups.append((items[members[0]].article_id,))
            continue
        sub = sim[np.ix_(members, members)]
        dist = np.clip(1.0 - (sub + sub.T) / 2.0, 0.0, None)
        np.fill_diagonal(dist, 0.0)
        condensed = dist[np.triu_indices(len(members), 1)]
        if bool((condensed <= cut).all()):
            # Every pair within the cut: each average-linkage merge height is a mean of
            # these distances, so the whole component is one story (no scipy import:
            # ~0.3 s of a cold brief, whose reports are usually one such component).
            groups.append(tuple(items[m].article_id for m in members))
            continue
        parts: dict[int, list[int]] = {}
        for position, label in enumerate(_average_linkage(condensed, len(members), cut)):
            parts.setdefault(label, []).append(position)
        for part in _bridged(list(parts.values()), (sub + sub.T) / 2.0, options):
            groups.append(tuple(items[members[m]].article_id for m in sorted(part)))
    order = {f.article_id: i for i, f in enumerate(items)}
    return sorted(groups, key=lambda g: order[g[0]])


def _average_linkage(condensed: npt.NDArray[np.float64], n: int, cut: float) -> list[int]:
    """scipy's ``fcluster(linkage(condensed, "average"), t=cut, criterion="distance")`` labels.

    Up to ``_SMALL_LINKAGE`` reports, the same partition computed here: scipy's nearest-
    neighbour chain (``_hierarchy.nn_chain``: its scan order, its tie rule, its average
    update), each merge joining when no merge beneath it, itself included, is above
    ``cut``. A brief's component is small, and importing scipy.cluster is ~0.3 s of a cold
    brief. The labels name the parts only (here: each part's first position);
    ``tests/test_stories.py`` checks the partitions agree with scipy's on tied distances.
    """
    if n > _SMALL_LINKAGE:
        from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]

        labels = fcluster(linkage(condensed, method="average"), t=cut, criterion="distance")
        return [int(label) for label in labels.tolist()]
    flat = condensed.tolist()
    d = [[0.0] * n for _ in range(n)]
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            d[i][j] = d[j][i] = flat[k]
            k += 1
    size = [1] * n
    highest = [0.0] * n  # the highest merge in each cluster (scipy's max_dists)
    label = list(range(n))
    chain: list[int] = []
    for _ in range(n - 1):
        if not chain:
            chain.append(next(i for i in range(n) if size[i] > 0))
        while True:
            x = chain[-1]
            y = chain[-2] if len(chain) > 1 else -1
            best = d[x][y] if y >= 0 else math.inf
            for i in range(n):
                if size[i] and i != x and d[x][i] < best:
                    best, y = d[x][i], i
            if len(chain) > 1 and y == chain[-2]:
                break
            chain.append(y)
        del chain[-2:]
        x, y = min(x, y), max(x, y)
        nx, ny = size[x], size[y]
        size[x], size[y] = 0, nx + ny
        highest[y] = max(best, highest[x], highest[y])
        if highest[y] <= cut:
            old, new = label[x], label[y]
            label = [new if v == old else v for v in label]
        for i in range(n):
            if size[i] and i != y:
                d[i][y] = d[y][i] = (nx * d[i][x] + ny * d[i][y]) / (nx + ny)
    return label


_SMALL_LINKAGE = 64  # pure-Python merges stay under ~10 ms up to here


def _bridged(
    parts: list[list[int]], sim: npt.NDArray[np.float64], options: StoryOptions
) -> list[list[int]]:
    """Join the average-linkage clusters of one component that later reports bridge.

    Two clusters of at least ``bridge_min_size`` reports each are joined when at least
    ``bridge_share`` of their cross pairs are linked (``sim`` at the threshold or more),
    and joins chain. Counts of pairs decide, so float noise cannot; the clusters stay
    inside their component, so ingest's component-by-component update stays exact.
    """
    sizes = np.array([len(p) for p in parts])
    if options.bridge_share <= 0 or int((sizes >= options.bridge_min_size).sum()) < 2:
        return parts
    member = np.zeros((sim.shape[0], len(parts)))
    for k, part in enumerate(parts):
        member[part, k] = 1.0
    linked = (sim >= options.threshold).astype(np.float64)
    counts = np.rint(member.T @ linked @ member).astype(np.int64)  # linked pairs per two parts
    needed = np.round(options.bridge_share * np.outer(sizes, sizes), 6)
    big = sizes >= options.bridge_min_size
    joined = (counts >= needed) & big[:, None] & big[None, :]
    np.fill_diagonal(joined, False)
    pairs = [(str(a), str(b)) for a, b in np.argwhere(joined).tolist()]
    root = components([str(k) for k in range(len(parts))], pairs)
    merged: dict[str, list[int]] = {}
    for k, part in enumerate(parts):
        merged.setdefault(root[str(k)], []).extend(part)
    return list(merged.values())


# --- Why the reports are together -----------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,])|(?<![\w.,])\d+(?:\.\d+)?(?![\w,])"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:, \d{{4}})?|\d{{1,2}} (?:{_MONTHS})"
    rf"(?: \d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})\b"
)


def _shared(
    per_article: Sequence[Counter[str]], forms: Mapping[str, Counter[str]], limit: int
) -> list[tuple[int, str]]:
    """The keys most reports share: (reports, shown form), most shared first, at least 2."""
    reports: Counter[str] = Counter()
    for keys in per_article:
        reports.update(set(keys))
    ranked = sorted(
        ((n, key) for key, n in reports.items() if n >= 2),
        key=lambda nk: (-nk[0], -_idf(nk[1], "en"), nk[1]),
    )
    return [
        (n, min(forms[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]) for n, key in ranked[:limit]
    ]


def _listed(items: Sequence[tuple[int, str]], total: int, verb: str) -> str:
    """'5 of 5 reports name A, B and C' (items grouped by how many reports share them)."""
    parts = []
    for n in sorted({n for n, _ in items}, reverse=True):
        words = [w for k, w in items if k == n]
        said = ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]
        parts.append(f"{n} of {total} {verb} {said}")
    return "; ".join(parts)


def explain(articles: Sequence[Article], *, limit: int = 3) -> str:
    """Say in one line why these reports are one story: shared names, numbers, dates, span.

    Names are the capitalised words clustering weighs (the rarest first among those the most
    reports share), numbers and dates are those written in two or more reports, and the span
    runs from the first to the last publication date.

    Args:
        articles: the story's reports (cleaned).
        limit: at most this many names, numbers and dates each.

    Returns:
        One line of text, e.g. ``"4 of 5 reports name Kadhimi and Baghdad; 3 of 5 give 5,000;
        published 2020-06-11 to 2020-06-12 (2 days)."``

    Example:
        >>> from newsdesk.models import Article
        >>> explain([Article(id="a", location="a", text="Rain in Oslo.", published="2020-01-02")])
        'One report, published 2020-01-02.'
    """
    total = len(articles)
    dates = sorted(a.published[:10] for a in articles if a.published and day_number(a.published))
    if dates and dates[0] != dates[-1]:
        days = (day_number(dates[-1]) or 0) - (day_number(dates[0]) or 0) + 1
        span = f"published {dates[0]} to {dates[-1]} ({days} days)"
    elif dates:
        span = f"published {dates[0]}"
    else:
        span = "undated"
    if total < 2:
        return f"One report, {span}."
    names: list[Counter[str]] = []
    numbers: list[Counter[str]] = []
    mentioned: list[Counter[str]] = []
    forms: dict[str, Counter[str]] = {}
    for article in articles:
        counts = article_terms(article)
        names.append(Counter({k[2:]: v for k, v in counts.items() if k.startswith("e:")}))
        text = f"{article.title or ''}\n{article.text}"
        for token in _TOKEN.findall(text):
            if token[:1].isupper():
                word = token.strip(".'’-")
                forms.setdefault(word.lower(), Counter())[word] += 1
        found = Counter(
            n for n in _NUMBER.findall(text) if not (len(n) == 4 and n[:2] in ("19", "20"))
        )
        numbers.append(found)
        mentioned.append(Counter(" ".join(d.split()) for d in _DATE.findall(text)))
    for group in (numbers, mentioned):
        for found in group:
            for key in found:
                forms.setdefault(key, Counter())[key] += 1
    said = [
        _listed(_shared(names, forms, limit), total, "reports name"),
        _listed(_shared(numbers, forms, limit), total, "give"),
        _listed(_shared(mentioned, forms, limit), total, "mention"),
    ]
    reasons = "; ".join(s for s in said if s) or f"{total} reports close in wording"
    return f"{reasons}; {span}."
