"""The pure pieces of a batch run (no Ray): LSH band keys, copy verdicts, the cell plan, links.

Workers and the driver call these; each restates a single-machine rule for rows that arrive
in any order (the package docstring says how they fit together).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from ..duplicates import CopyKey, DuplicateMatch, DuplicateOptions, assign_originals
from ..models import earliest_first
from ..stories import ArticleFeatures, StoryOptions, similarity

__all__ = [
    "band_keys",
    "cell_of",
    "link_cells",
    "link_tasks",
    "plan_cells",
    "resolve_duplicates",
    "with_originals",
]


def band_keys(hashvalues: npt.NDArray[np.uint32], bands: int, rows: int) -> list[str]:
    """Return one stable key per LSH band of a MinHash signature.

    Args:
        hashvalues: the signature (``MinHash.hashvalues`` as uint32).
        bands: number of bands.
        rows: hash values per band.

    Returns:
        ``bands`` hex keys; two signatures share a key iff that band is identical.
    """
    values = np.asarray(hashvalues, dtype=np.uint32)
    keys = []
    for b in range(bands):
        chunk = values[b * rows : (b + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=12, person=b.to_bytes(2, "little")).hexdigest()
        keys.append(f"{b}:{digest}")
    return keys


def _neg(key: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in key)


def resolve_duplicates(
    info: Mapping[str, tuple[str | None, str]],
    pairs: Iterable[tuple[str, str, float]],
    options: DuplicateOptions | None = None,
) -> dict[str, DuplicateMatch]:
    """Turn verified similar pairs into copy verdicts, as ``find_duplicates`` would.

    Args:
        info: article id -> (published, content hash), for every article in a pair.
        pairs: (id, id, estimated Jaccard) for candidate pairs (any order, any similarity).
        options: the threshold below which a pair is not a copy.

    Returns:
        Article id -> ``DuplicateMatch`` for the articles that copy another one.
    """
    options = options or DuplicateOptions()
    neighbours: dict[str, dict[str, float]] = {}
    for a, b, sim in pairs:
        if a == b:
            continue
        for x, y in ((a, b), (b, a)):
            neighbours.setdefault(x, {})[y] = sim
    order = sorted(neighbours, key=lambda i: earliest_first(info[i][0], i))
    rank = {aid: pos for pos, aid in enumerate(order)}
    canonical: dict[str, str] = {}
    exact_root: dict[str, str] = {}
    out: dict[str, DuplicateMatch] = {}
    for aid in order:
        text_hash = info[aid][1]
        match: DuplicateMatch | None = None
        if text_hash in exact_root:
            match = DuplicateMatch(aid, exact_root[text_hash], "exact", 1.0)
        else:
            best: tuple[float, str] | None = None
            for other, sim in neighbours[aid].items():
                if rank[other] > rank[aid] or sim < options.threshold:
                    continue
                if best is None or (sim, _neg(other)) > (best[0], _neg(best[1])):
                    best = (sim, other)
            if best is not None:
                root = canonical.get(best[1], best[1])
                match = DuplicateMatch(aid, root, "near", round(best[0], 4))
        root = match.duplicate_of if match and match.duplicate_of else aid
        canonical[aid] = root
        exact_root.setdefault(text_hash, root)
        if match is not None:
            out[aid] = match
    return out


def with_originals(
    matches: Mapping[str, DuplicateMatch], keys: Mapping[str, CopyKey]
) -> dict[str, DuplicateMatch]:
    """Point each group of copies at the original ``duplicates.choose_original`` picks.

    Args:
        matches: ``resolve_duplicates``' verdicts (each copy linked to some group member).
        keys: ``duplicates.copy_key`` of every article in a group.

    Returns:
        Article id -> ``DuplicateMatch`` for the copies, each naming its group's original.
    """
    originals = assign_originals(
        {aid: m.duplicate_of for aid, m in matches.items() if m.duplicate_of}, keys
    )
    links: dict[str | None, DuplicateMatch] = {}
    for match in sorted(matches.values(), key=lambda m: m.article_id):
        links.setdefault(match.duplicate_of, match)
    out: dict[str, DuplicateMatch] = {}
    for aid, original in sorted(originals.items()):
        # A former original takes the kind and similarity of a link into its group.
        via = matches.get(aid) or links.get(aid) or DuplicateMatch(aid, None, "near")
        out[aid] = DuplicateMatch(aid, original, via.kind or "near", via.similarity)
    return out


def plan_cells(
    days: Iterable[int | None], *, block_days: int, cell_size: int
) -> dict[int | None, int]:
    """Count the cells each time block is cut into.

    Args:
        days: the day number of every article (None when undated).
        block_days: days per time block (``StoryOptions.max_gap_days``).
        cell_size: at most this many articles per cell (on average: cells are by id hash).

    Returns:
        Block (``day // block_days``; None for the undated) -> number of cells.
    """
    counts: dict[int | None, int] = {}
    for day in days:
        block = None if day is None else day // block_days
        counts[block] = counts.get(block, 0) + 1
    return {block: -(-n // cell_size) for block, n in counts.items()}


def cell_of(
    article_id: str, day: int | None, cells: Mapping[int | None, int], block_days: int
) -> str:
    """Return the name of an article's cell: its time block and a hash of its id."""
    block = None if day is None else day // block_days
    digest = hashlib.blake2b(article_id.encode(), digest_size=4).digest()
    sub = int.from_bytes(digest, "little") % cells[block]
    return f"u.{sub}" if block is None else f"{block}.{sub}"


def link_tasks(cells: Mapping[int | None, int]) -> dict[str, list[str]]:
    """List the cell pairs to compare, as the tasks of each cell.

    A pair of dated articles can only link within one block or across adjacent blocks (the
    time damping is zero at ``max_gap_days`` apart); an undated article can link to any.

    Args:
        cells: block -> number of cells, from ``plan_cells``.

    Returns:
        Cell name -> the tasks it is part of, each named ``"A|B"`` (A == B: pairs within A).
    """

    def name(block: int | None, sub: int) -> str:
        return f"u.{sub}" if block is None else f"{block}.{sub}"

    undated = [name(None, s) for s in range(cells.get(None, 0))]
    tasks: dict[str, list[str]] = {}

    def add(a: str, b: str) -> None:
        key = f"{a}|{b}"
        tasks.setdefault(a, []).append(key)
        if b != a:
            tasks.setdefault(b, []).append(key)

    for block in sorted(b for b in cells if b is not None):
        own = [name(block, s) for s in range(cells[block])]
        following = [name(block + 1, s) for s in range(cells.get(block + 1, 0))]
        for i, a in enumerate(own):
            for b in [*own[i:], *following, *undated]:
                add(a, b)
    for i, a in enumerate(undated):
        for b in undated[i:]:
            add(a, b)
    return tasks


def link_cells(
    task: str,
    cells: Sequence[str],
    features: Sequence[ArticleFeatures],
    options: StoryOptions,
) -> list[tuple[str, str]]:
    """Return the pairs of one task similar at the story threshold or more.

    Args:
        task: ``"A|B"`` from ``link_tasks``.
        cells: the cell of each article (A or B).
        features: the articles of both cells.
        options: threshold, weights and time damping.

    Returns:
        (smaller id, larger id) pairs, as ``stories.links`` would find them.
    """
    first, second = task.split("|")
    left = [f for f, c in zip(features, cells, strict=True) if c == first]
    right = (
        left
        if first == second
        else [f for f, c in zip(features, cells, strict=True) if c == second]
    )
    hit = similarity(left, right, options) >= options.threshold
    if first == second:
        hit = np.triu(hit | hit.T, 1)
    out = []
    for i, j in zip(*np.nonzero(hit), strict=True):
        a, b = left[int(i)].article_id, right[int(j)].article_id
        if a != b:
            out.append((min(a, b), max(a, b)))
    return out
