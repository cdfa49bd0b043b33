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
    """Map each syndicated copy's id to the id of its group's original.

    The original is the one ``duplicates.choose_original`` picks (the rule ``ingest``, the
    store and ``batch`` use too), so the answer depends neither on ids nor on input order.
    """
    from .duplicates import DuplicateIndex, assign_originals, copy_key, find_duplicates

    matches = find_duplicates(articles, DuplicateIndex())
    found = {m.article_id: m.duplicate_of for m in matches if m.duplicate_of}
    return assign_originals(found, {a.id: copy_key(a) for a in articles})


def prepare(articles: Iterable[Article]) -> tuple[list[Article], dict[str, str]]:
    """Clean raw articles and find their syndicated copies: the inputs of a brief.

    One order whatever the input order. An input that repeats another's text exactly (the
    same id read at another location) keeps a place of its own and is listed as its copy
    (``duplicates.separate_repeats``), never dropped without a trace; the same location read
    twice is one input.

    Returns:
        The cleaned articles that kept a body, and each copy's id mapped to its original's.
    """
    from .articles import clean
    from .duplicates import separate_repeats

    cleaned = [clean(a) for a in separate_repeats(articles)]
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
