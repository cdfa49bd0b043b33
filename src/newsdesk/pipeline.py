"""The one pipeline: read, clean, dedupe and brief a set of reports (``newsdesk.brief``).

The CLI's ``brief``, the evaluations, the benchmarks and the README's Python example all call
``brief``; nothing else strings the stages together. Heavy modules are imported when the
function runs, so ``import newsdesk`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from .config import Options

if TYPE_CHECKING:
    from .models import Article, Brief
    from .nlp import Models

__all__ = ["brief", "dedupe", "prepare"]


def dedupe(articles: Sequence[Article]) -> dict[str, str]:
    """Map each syndicated copy's id to the id of the article it copies.

    The original is the earliest published; on a tie, the first by location, so the answer
    does not depend on ids (hashes) or input order.
    """
    from .duplicates import DuplicateIndex, find_duplicates

    matches = find_duplicates(articles, DuplicateIndex())
    by_id = {a.id: a for a in articles}
    groups: dict[str, set[str]] = {}
    for match in matches:
        if match.duplicate_of:
            groups.setdefault(match.duplicate_of, {match.duplicate_of}).add(match.article_id)
    out: dict[str, str] = {}
    for members in groups.values():
        ordered = sorted(
            members, key=lambda i: (by_id[i].published or "9999", by_id[i].location, i)
        )
        out.update({member: ordered[0] for member in ordered[1:]})
    return out


def prepare(articles: Iterable[Article]) -> tuple[list[Article], dict[str, str]]:
    """Clean raw articles and find their syndicated copies: the inputs of a brief.

    One order whatever the input order, and one copy per id (the same text at two paths keeps
    the first by location), so a brief never depends on how its inputs were listed.

    Returns:
        The cleaned articles that kept a body, and each copy's id mapped to its original's.
    """
    from .articles import clean

    unique: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: (a.location, a.id)):
        unique.setdefault(article.id, article)
    cleaned = [clean(a) for a in unique.values()]
    kept = [a for a in cleaned if a.text.strip()]
    return kept, dedupe(kept) if kept else {}


def brief(
    inputs: Sequence[str],
    options: Options | None = None,
    *,
    models: Models | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[str], None] = lambda _stage: None,
) -> Brief | None:
    """Read, clean, dedupe and brief the reports at ``inputs``.

    Args:
        inputs: files, directories, globs, URLs-free paths, or ``-`` for stdin.
        options: the effective options (``config.load_options``); defaults when None.
        models: loaded models to reuse (a new ``Models`` for ``options.embedder`` if None).
        warn: called with one line per unreadable input or reader warning.
        progress: called with the name of each stage as it starts.

    Returns:
        The brief, or None when no input holds a readable article.

    Example:
        >>> import newsdesk
        >>> newsdesk.brief(["examples/harbour-bridge"]).story.n_sources  # doctest: +SKIP
        6
    """
    from .briefs import BriefOptions, build_brief
    from .nlp import Models
    from .readers import read_articles

    opts = options or Options()
    result = read_articles(inputs)
    for failure in result.failures:
        warn(f"skipped {failure.location}: {failure.reason}")
    for warning in result.warnings:
        warn(warning)
    progress("cleaning")
    articles, duplicate_of = prepare(result.articles)
    if not articles:
        return None
    return build_brief(
        articles,
        models or Models(embedder_name=opts.embedder),
        options=BriefOptions(words=opts.words),
        duplicate_of=duplicate_of,
        progress=progress,
    )
