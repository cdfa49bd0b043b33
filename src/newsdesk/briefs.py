"""Briefs: assemble a story's sourced account and turn it into the ``newsdesk.brief/2`` JSON.

``build_brief`` runs the analysis stages over cleaned articles; ``brief_to_dict`` is the JSON
contract (article ids become source labels S1, S2, ...). Renderers for Markdown and HTML
live in ``renderers``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .models import (
    Article,
    ArticleAnalysis,
    Brief,
    BriefSource,
    StoryInfo,
    SummarySentence,
)
from .nlp import Matrix, Models, detect_language
from .scores import cosines
from .sentences import analyze
from .summaries import SummaryOptions, summarize

__all__ = [
    "SCHEMA",
    "BriefOptions",
    "StoryInputs",
    "brief_to_dict",
    "build_brief",
    "prepare_story",
    "source_labels",
    "story_id_for",
]

# /2 (from /1): ``quotes`` hold only words between quotation marks, each with a speaker (never
# null); reported speech moved to ``statements``. README "The brief (JSON contract)" lists it.
SCHEMA = "newsdesk.brief/2"


@dataclass(frozen=True)
class BriefOptions:
    """How a brief is written: the summary's word budget and its thresholds."""

    words: int = 120
    summary: SummaryOptions = field(default_factory=SummaryOptions)


def story_id_for(articles: Sequence[Article]) -> str:
    """Return a stable story id for a set of articles (independent of their order)."""
    digest = hashlib.blake2b(digest_size=6)
    for article_id in sorted(a.id for a in articles):
        digest.update(article_id.encode())
    return digest.hexdigest()


def _sorted_articles(articles: Sequence[Article]) -> list[Article]:
    """Order sources reproducibly: by location, then id (input order never matters)."""
    unique: dict[str, Article] = {}
    # Same-id copies (one text at two paths) keep the first by location, not by input order.
    for article in sorted(articles, key=lambda a: (a.location, a.id)):
        unique.setdefault(article.id, article)
    return sorted(unique.values(), key=lambda a: (a.location, a.id))


def _embed_sentences(
    analyses: Sequence[ArticleAnalysis], models: Models, extra: Sequence[str] = ()
) -> tuple[list[Matrix], Matrix]:
    """Embed every sentence (one matrix per article) and ``extra`` texts in one model call."""
    texts = [s.text for a in analyses for s in a.sentences]
    everything = [*texts, *extra]
    matrix = (
        models.embedder.embed(everything) if everything else np.zeros((0, 384), dtype=np.float32)
    )
    out: list[Matrix] = []
    pos = 0
    for analysis in analyses:
        n = len(analysis.sentences)
        out.append(matrix[pos : pos + n])
        pos += n
    return out, matrix[pos:]


def _headline(
    titles: Sequence[str],
    title_vectors: Matrix,
    lead: Matrix | None,
    summary: Sequence[SummarySentence],
) -> str:
    """The title closest to the summary's lead, else the lead itself.

    A headline names the news the summary opens with, not a side story it also tells.
    """
    if titles and lead is not None:
        return titles[int(np.argmax(cosines(title_vectors, lead)))]  # first of equals
    if titles:
        return titles[0]
    if summary:
        text = summary[0].text
        return text if len(text) <= 120 else text[:117].rsplit(" ", 1)[0] + "…"
    return "Untitled story"


def _cross_check(
    analyses: Sequence[ArticleAnalysis],
    embeddings: Sequence[Matrix],
    models: Models,
    duplicate_of: Mapping[str, str],
    summary: Sequence[SummarySentence] = (),
) -> dict[str, Any]:
    """Facts, conflicts, timeline, entities and quotes (the cross-source analysis stage).

    Facts that state a summary sentence's claim are left out: the summary prints them.
    """
    try:
        from .facts import cross_check
    except ImportError:  # the stage is optional only while it is being built
        return {}
    result = cross_check(analyses, embeddings, models, duplicate_of=duplicate_of, summary=summary)
    return {
        "facts": tuple(result.facts),
        "conflicts": tuple(result.conflicts),
        "timeline": tuple(result.timeline),
        "entities": tuple(result.entities),
        "quotes": tuple(result.quotes),
        "statements": tuple(result.statements),
        # The same summary, each sentence with its cited sources' sentences (the engine's).
        **({"summary": tuple(result.summary)} if result.summary else {}),
    }


@dataclass(frozen=True)
class StoryInputs:
    """A story's articles in brief order, their sentences and the sentences' vectors."""

    articles: tuple[Article, ...]
    analyses: tuple[ArticleAnalysis, ...]
    embeddings: tuple[Matrix, ...] = field(repr=False)
    titles: tuple[str, ...] = ()
    title_vectors: Matrix = field(default_factory=lambda: np.zeros((0, 384), np.float32))


def prepare_story(
    articles: Sequence[Article],
    models: Models,
    *,
    progress: Callable[[str], None] | None = None,
) -> StoryInputs:
    """Order a story's cleaned articles, split them into sentences and embed the sentences.

    The first half of ``build_brief``, public so that the summary evaluation runs exactly
    the product's steps (and can cache their result).
    """
    step = progress or (lambda _name: None)
    ordered = [
        a if a.language else dataclasses.replace(a, language=detect_language(a.text))
        for a in _sorted_articles(articles)
    ]
    step("sentences")
    analyses = analyze(ordered, models.nlp)
    step("embeddings")
    titles = tuple(a.title for a in ordered if a.title)
    embeddings, title_vectors = _embed_sentences(analyses, models, titles)
    return StoryInputs(tuple(ordered), tuple(analyses), tuple(embeddings), titles, title_vectors)


def build_brief(
    articles: Sequence[Article],
    models: Models,
    *,
    options: BriefOptions | None = None,
    duplicate_of: Mapping[str, str] | None = None,
    story_id: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Brief:
    """Write the brief of one story from its cleaned articles.

    Args:
        articles: the story's reports, already cleaned (``articles.clean``).
        models: the loaded models (spaCy pipeline, sentence embedder).
        options: word budget and summary thresholds.
        duplicate_of: article id -> id of the article it is a syndicated copy of.
        story_id: the story's id in a store; derived from the articles when omitted.
        progress: called with the name of each stage as it starts.

    Returns:
        The ``Brief``; every summary sentence cites the articles that report it.

    Example:
        >>> from newsdesk.articles import clean
        >>> from newsdesk.readers import read_articles
        >>> found = read_articles(["examples/harbour-bridge"]).articles
        >>> brief = build_brief([clean(a) for a in found], Models())  # doctest: +SKIP
    """
    opts = options or BriefOptions()
    dupes = dict(duplicate_of or {})
    step = progress or (lambda _name: None)
    story_inputs = prepare_story(articles, models, progress=step)
    ordered = list(story_inputs.articles)
    analyses, embeddings = story_inputs.analyses, story_inputs.embeddings
    titles, title_vectors = story_inputs.titles, story_inputs.title_vectors
    step("summary")
    summary_options = dataclasses.replace(opts.summary, words=opts.words)
    summary = summarize(analyses, embeddings, options=summary_options, duplicate_of=dupes)
    step("cross-check")
    extra = _cross_check(analyses, embeddings, models, dupes, summary)
    labels = source_labels(ordered)
    sources = tuple(
        BriefSource(
            id=labels[a.id],
            article_id=a.id,
            location=a.location,
            outlet=a.outlet,
            title=a.title,
            url=a.url,
            published=a.published,
            author=a.author,
            language=a.language,
            duplicate_of=labels.get(dupes[a.id]) if a.id in dupes else None,
            removed=a.removed,
        )
        for a in ordered
    )
    dates = sorted(a.published for a in ordered if a.published)
    # The lead as printed (trimmed of weekdays and asides), embedded like the titles.
    lead = models.embedder.embed([summary[0].text])[0] if titles and summary else None
    story = StoryInfo(
        id=story_id or story_id_for(ordered),
        headline=_headline(titles, title_vectors, lead, summary),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
        n_sources=len(ordered),
    )
    extra.setdefault("summary", summary)
    return Brief(story=story, sources=sources, **extra)


def source_labels(articles: Sequence[Article]) -> dict[str, str]:
    """Map article ids to source labels S1, S2, ... in the given order."""
    return {a.id: f"S{i}" for i, a in enumerate(articles, start=1)}


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """Return the brief as the ``newsdesk.brief/2`` JSON object.

    Raises:
        ValueError: a summary sentence cites no source (provenance is required).
    """
    labels = {s.article_id: s.id for s in brief.sources}

    def cite(ids: Sequence[str]) -> list[str]:
        return sorted({labels[i] for i in ids if i in labels}, key=lambda s: int(s[1:]))

    def evidence(items: Sequence[Any]) -> list[dict[str, str]]:
        return [
            {"source": labels[e.article_id], "sentence": e.sentence}
            for e in items
            if e.article_id in labels
        ]

    summary = []
    for sentence in brief.summary:
        sources = cite(sentence.article_ids)
        if not sources:
            raise ValueError(f"summary sentence without a citation: {sentence.text[:60]!r}")
        summary.append({"text": sentence.text, "sources": sources})
    return {
        "schema": SCHEMA,
        "story": {
            "id": brief.story.id,
            "headline": brief.story.headline,
            "first_published": brief.story.first_published,
            "last_published": brief.story.last_published,
            "n_sources": brief.story.n_sources,
            # Only stored stories say why their reports are together (``stories.explain``).
            **({"why": brief.story.why} if brief.story.why else {}),
        },
        "sources": [
            {
                "id": s.id,
                "outlet": s.outlet,
                "title": s.title,
                "url": s.url,
                "location": s.location,
                "published": s.published,
                "author": s.author,
                "language": s.language,
                "duplicate_of": s.duplicate_of,
                "removed": list(s.removed),
            }
            for s in brief.sources
        ],
        "summary": summary,
        "facts": [
            {
                "text": f.text,
                # Syndicated copies are cited but not counted as independent support.
                "support": len(cite(f.article_ids)),
                "sources": cite([*f.article_ids, *f.copy_ids]),
                "evidence": evidence(f.evidence),
            }
            for f in brief.facts
        ],
        "conflicts": [
            {
                "subject": c.subject,
                "kind": c.kind,
                "claims": [
                    {
                        "value": side.value,
                        "sources": cite(side.article_ids),
                        "evidence": evidence(side.evidence),
                    }
                    for side in c.sides
                ],
                # Reports compatible with every side ("more than 5,000" beside 5,000 and 5,200).
                "compatible": [
                    {
                        "value": side.value,
                        "sources": cite(side.article_ids),
                        "evidence": evidence(side.evidence),
                    }
                    for side in c.also
                ],
            }
            for c in brief.conflicts
        ],
        "timeline": [
            {
                "date": t.date,
                "text": t.text,
                "sources": cite(t.article_ids),
                "also": cite(t.also_ids),
            }
            for t in brief.timeline
        ],
        "entities": [
            {
                "name": e.name,
                "type": e.type,
                "aliases": list(e.aliases),
                "sources": cite(e.article_ids),
                "mentions": e.mentions,
            }
            for e in brief.entities
        ],
        # Words between quotation marks in every cited source, verbatim (an interrupted
        # quote's pieces are joined with " … "); the speaker is a name or a description.
        "quotes": [
            {"speaker": q.speaker, "text": q.text, "sources": cite(q.article_ids)}
            for q in brief.quotes
        ],
        # Reported speech ("X said that ..."): the reported clause, shown without marks.
        "statements": [
            {"speaker": s.speaker, "text": s.text, "sources": cite(s.article_ids)}
            for s in brief.statements
        ],
    }
