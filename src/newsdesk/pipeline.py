"""The one pipeline: read, clean, dedupe and brief a set of reports (``newsdesk.brief``).

The CLI's ``brief``, the evaluations, the benchmarks and the README's Python example all call
``brief``; nothing else strings the stages together. Heavy modules are imported when the
function runs, so ``import newsdesk`` stays light.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import Options
from .sentences import MAX_SENTENCES, TITLES, curly_quotes, paragraph_spans

if TYPE_CHECKING:
    from .models import Article, Brief
    from .nlp import Models

__all__ = [
    "StoryReports",
    "brief",
    "brief_story",
    "briefs_all",
    "dedupe",
    "group_stories",
    "likely_sentences",
    "prepare",
    "several_stories",
    "story_inputs",
]


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
    twice is one input. A digest bundling several unrelated stories is split into its items
    (``digests.split_digest``), each a report of its own.

    Returns:
        The cleaned articles that kept a body, and each copy's id mapped to its original's.
    """
    from .articles import clean
    from .digests import split_digest
    from .duplicates import separate_repeats

    cleaned = [item for a in separate_repeats(articles) for item in split_digest(clean(a))]
    kept = [a for a in cleaned if a.text.strip()]
    return kept, dedupe(kept) if kept else {}


@dataclass(frozen=True)
class StoryReports:
    """One story among a call's inputs: its id (as the store names it) and its reports."""

    story_id: str
    articles: tuple[Article, ...]
    duplicate_of: Mapping[str, str]
    n_inputs: int  # readable articles in the whole call


def group_stories(
    articles: Sequence[Article],
    duplicate_of: Mapping[str, str],
    models: Models,
    *,
    n_inputs: int | None = None,
    group: bool = True,
) -> list[StoryReports]:
    """Group cleaned articles into stories with the clustering ``ingest`` uses.

    The story id is ``stories.story_id_for`` its earliest member, as the store names it.
    Copies are clustered like any article (they land beside their original); a copy whose
    original is in another story is not marked as a copy there. Largest story first, then
    in the clusters' order (by earliest member). ``group=False`` takes every article as one
    story (the caller knows they are: a topic cluster, say).
    """
    from .duplicates import assign_originals, copy_key
    from .models import earliest_first
    from .stories import StoryOptions, cluster, featurize, story_id_for

    if not articles:
        return []
    options = StoryOptions()  # ingest's default (IngestOptions.stories)
    by_id = {a.id: a for a in articles}
    if group:
        groups = cluster(featurize(articles, models.story_embedder, options=options), options)
    else:
        ordered = sorted(articles, key=lambda a: earliest_first(a.published, a.id))
        groups = [tuple(a.id for a in ordered)]
    out = []
    for ids in groups:
        members = tuple(by_id[i] for i in ids)
        copies = assign_originals(duplicate_of, {a.id: copy_key(a) for a in members})
        inputs = len(articles) if n_inputs is None else n_inputs
        out.append(StoryReports(story_id_for(ids[0]), members, copies, inputs))
    order = {s.story_id: i for i, s in enumerate(out)}
    return sorted(out, key=lambda s: (-len(s.articles), order[s.story_id]))


def several_stories(stories: Sequence[StoryReports]) -> str | None:
    """The line that says a call's inputs form several stories, or None for one story."""
    if len(stories) < 2:
        return None
    reports = len(stories[0].articles)
    return (
        f"{stories[0].n_inputs} inputs form {len(stories)} stories; briefing the largest "
        f"({reports} report{'s' if reports != 1 else ''})"
    )


def story_inputs(
    inputs: Sequence[str],
    models: Models,
    *,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[str], None] = lambda _stage: None,
    group: bool = True,
) -> list[StoryReports]:
    """Read, clean and dedupe the reports at ``inputs`` and group them into stories.

    Args:
        inputs: files, directories, globs, or ``-`` for stdin.
        models: loaded models (the story embedder groups the reports).
        warn: called with one line per unreadable input or reader warning.
        progress: called with the name of each stage as it starts.
        group: False takes all the reports as one story (``group_stories``).

    Returns:
        The stories, largest first (empty when no input holds a readable article).
    """
    from .readers import read_articles

    result = read_articles(inputs)
    for failure in result.failures:
        warn(f"skipped {failure.location}: {failure.reason}")
    for warning in result.warnings:
        warn(warning)
    progress("cleaning")
    articles, duplicate_of = prepare(result.articles)
    progress("grouping")
    read = len({(a.id, a.location) for a in result.articles})  # before digests are split
    return group_stories(articles, duplicate_of, models, n_inputs=read, group=group)


#: A guess at a sentence end: a full stop, question or exclamation mark (and a closing quote)
#: before a space and a capital, a digit or an opening quote ...
_SENTENCE_END = re.compile(r"[.!?][\"”’']?(?=\s+[\"“‘(]?[A-Z0-9])")
#: ... unless it closes a title ("Mr.") or an initial ("J.").
_NOT_AN_END = re.compile(rf"(?:\b(?:{TITLES})|\b[A-Z])\.$")
#: Characters of an article a guess reads (``sentences.analyze`` reads at most 60,000).
_GUESS_CHARS = 60_000


def _opens_quote(text: str) -> bool:
    text = curly_quotes(text)
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def likely_sentences(articles: Sequence[Article]) -> list[str]:
    """Guess the sentences and titles a brief of ``articles`` embeds, without spaCy.

    Paragraphs are split after sentence-final punctuation before a capital, and pieces
    inside an open quotation are joined, as ``sentences.analyze`` does with the parser's
    sentences; text is spaced as it spaces it. Only a guess, to start embedding while the
    parser loads (``Models.embed_ahead``): of the sentences and titles the brief embeds it
    finds all of the seeds' 67 and the example's 94, and 182 of 235 in two ECB+ events
    (3_ecb, 12_ecbplus: wire text with LDC quotes and spaced hyphens), guessing 32 that
    are not. A wrong guess costs CPU on the otherwise idle core, never output.

    Example:
        >>> from newsdesk.articles import make_article
        >>> report = make_article("Mr. Lee spoke. The bridge fell.\\n\\nRain.", location="a")
        >>> likely_sentences([report])
        ['Mr. Lee spoke.', 'The bridge fell.', 'Rain.']
    """
    out: list[str] = []
    for article in articles:
        text = article.text[:_GUESS_CHARS]
        found: list[str] = []
        for start, end in paragraph_spans(text):
            paragraph = " ".join(text[start:end].split("\n"))
            pieces: list[str] = []
            pos = 0
            for match in _SENTENCE_END.finditer(paragraph):
                if not _NOT_AN_END.search(paragraph[pos : match.end()]):
                    pieces.append(paragraph[pos : match.end()])
                    pos = match.end()
            pieces.append(paragraph[pos:])
            i = 0
            while i < len(pieces):
                j = i
                while j < min(i + 2, len(pieces) - 1) and _opens_quote("".join(pieces[i : j + 1])):
                    j += 1
                sentence = " ".join("".join(pieces[i : j + 1]).split())
                if sentence:
                    found.append(sentence)
                i = j + 1
        out += found[:MAX_SENTENCES]
    out += [a.title for a in articles if a.title]
    return list(dict.fromkeys(out))


def brief_story(
    story: StoryReports,
    options: Options | None = None,
    *,
    models: Models,
    progress: Callable[[str], None] = lambda _stage: None,
) -> Brief:
    """Write the brief of one of ``story_inputs``' stories."""
    from .briefs import BriefOptions, build_brief

    opts = options or Options()
    if models.parser_loading:  # a cold start: embed the likely sentences while spaCy loads
        models.embed_ahead(likely_sentences(story.articles))
    return build_brief(
        story.articles,
        models,
        options=BriefOptions(words=opts.words),
        duplicate_of=story.duplicate_of,
        story_id=story.story_id,
        progress=progress,
    )


def _loading(options: Options) -> Models:
    """New models, loading in the background while the inputs are read (``Models.preload``)."""
    from .nlp import Models

    models = Models(embedder_name=options.embedder)
    models.preload()
    return models


def brief(
    inputs: Sequence[str],
    options: Options | None = None,
    *,
    models: Models | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[str], None] = lambda _stage: None,
    group: bool = True,
) -> Brief | None:
    """Read, clean, dedupe, group and brief the reports at ``inputs``.

    When the inputs form several stories (the clustering ``ingest`` uses), ``warn`` says so
    and the largest is briefed; ``briefs_all`` briefs every one. The story has the id and
    the headline the store gives it.

    Args:
        inputs: files, directories, globs, or ``-`` for stdin.
        options: the effective options (``config.load_options``); defaults when None.
        models: loaded models to reuse (a new ``Models`` for ``options.embedder`` if None).
        warn: called with one line per unreadable input or reader warning, and with
            "N inputs form M stories; briefing the largest (K reports)".
        progress: called with the name of each stage as it starts.
        group: False briefs all the reports as one story, without grouping them.

    Returns:
        The brief, or None when no input holds a readable article.

    Example:
        >>> import newsdesk
        >>> newsdesk.brief(["examples/harbour-bridge"]).story.n_sources  # doctest: +SKIP
        7
    """
    opts = options or Options()
    loaded = models or _loading(opts)
    stories = story_inputs(inputs, loaded, warn=warn, progress=progress, group=group)
    if not stories:
        return None
    note = several_stories(stories)
    if note:
        warn(note)
    return brief_story(stories[0], opts, models=loaded, progress=progress)


def briefs_all(
    inputs: Sequence[str],
    options: Options | None = None,
    *,
    models: Models | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[str], None] = lambda _stage: None,
    group: bool = True,
) -> list[Brief]:
    """Brief every story the reports at ``inputs`` form, largest first.

    Takes the same arguments as ``brief``; returns an empty list when no input holds a
    readable article.

    Example:
        >>> import newsdesk
        >>> len(newsdesk.briefs_all(["examples/harbour-bridge"]))  # doctest: +SKIP
        1
    """
    opts = options or Options()
    loaded = models or _loading(opts)
    stories = story_inputs(inputs, loaded, warn=warn, progress=progress, group=group)
    return [brief_story(s, opts, models=loaded, progress=progress) for s in stories]
