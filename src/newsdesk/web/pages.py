"""View models for the web pages: what the templates show, built from briefs and articles.

Everything here is a pure function over records; the templates only lay the values out.
Article-derived text stays plain ``str`` so Jinja2's autoescaping covers all of it: nothing
in this module produces markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from ..entities import is_english_code
from ..models import Article, Brief, BriefSource, Evidence, Sentence
from ..sentences import analyze, paragraph_spans
from .charts import day_number, human_date, timeline_chart

__all__ = [
    "ArticleText",
    "Cite",
    "Segment",
    "after_first",
    "article_href",
    "article_paragraphs",
    "counts",
    "human_date",
    "locate",
    "news_span",
    "outlet_name",
    "safe_url",
    "snippet_segments",
    "split_article",
    "story_view",
    "timeline_chart",
]

# Where a cited text's first part ends: a sentence end, or the ellipsis that joins the parts
# of a quote.
_FIRST_PART = re.compile(r"(?<=[.!?])\s+|\s*…\s*")

# Bounds on what one page shows, so a hostile or runaway story cannot produce a huge page.
MAX_ITEMS = 200
MAX_MATRIX_COLUMNS = 40
MAX_URL_CHARS = 2048


@dataclass(frozen=True)
class ArticleText:
    """An article with its sentences (offsets index ``article.text``)."""

    article: Article
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Segment:
    """A run of article text; ``index`` is its sentence number, None between sentences."""

    text: str
    index: int | None = None


@dataclass(frozen=True)
class Cite:
    """A citation link: source label, where it goes, and a tooltip."""

    label: str
    href: str
    title: str
    article_id: str


def split_article(article: Article, nlp: Any) -> ArticleText:
    """Split an article into sentences with the same pipeline the briefs use.

    Args:
        article: a stored (cleaned) article.
        nlp: the spaCy pipeline (``Models.nlp``).

    Returns:
        The article with its sentences.
    """
    return ArticleText(article, analyze([article], nlp)[0].sentences)


def locate(sentences: Sequence[Sentence], text: str) -> int | None:
    """Return the index of the sentence a cited text comes from, or None.

    A brief's texts are the source's own words: an evidence sentence is a whole sentence,
    a quote or a reported statement lies inside one (a quote of several sentences, or of
    parts joined by an ellipsis, starts inside one), an entity is named in one. No fuzzy
    match: a text found nowhere (a brief cached before evidence was recorded) links to the
    article without a highlight.

    Args:
        sentences: the sentences of one article.
        text: a summary sentence, evidence sentence, quote, statement or name.

    Returns:
        The index of the first sentence that is, or holds, the text (or its first part).

    Example:
        >>> from newsdesk.models import Sentence
        >>> s = [
        ...     Sentence("a1", 0, 0, "He said no.", 0, 11),
        ...     Sentence("a1", 1, 0, "“We will. Soon,” she said.", 12, 38),
        ... ]
        >>> locate(s, "He said no."), locate(s, "We will. Soon"), locate(s, "Later")
        (0, 1, None)
    """
    exact = " ".join(text.split())
    if not sentences or not exact:
        return None
    for sentence in sentences:
        if sentence.text == exact:
            return sentence.index
    first = _FIRST_PART.split(exact, maxsplit=1)[0]
    for wanted in dict.fromkeys((exact, first)):
        if not wanted:
            continue
        for sentence in sentences:
            if wanted in " ".join(sentence.text.split()):
                return sentence.index
        folded = wanted.casefold()
        for sentence in sentences:
            if folded in " ".join(sentence.text.split()).casefold():
                return sentence.index
    return None


def article_href(article_id: str, sentence: int | None = None) -> str:
    """Return the link to an article page, highlighting and scrolling to one sentence."""
    base = f"/articles/{quote(article_id, safe='')}"
    return base if sentence is None else f"{base}?hl={sentence}#s-{sentence}"


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if it is a plain http(s) link we may put in an href, else None."""
    if not url or len(url) > MAX_URL_CHARS:
        return None
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def article_paragraphs(text: ArticleText) -> list[list[Segment]]:
    """Lay an article's body out as paragraphs of sentence segments (text kept verbatim)."""
    body = text.article.text
    sentences = sorted(text.sentences, key=lambda s: s.start)
    out: list[list[Segment]] = []
    si = 0
    for start, end in paragraph_spans(body):
        segments: list[Segment] = []
        pos = start
        while si < len(sentences) and sentences[si].start < end:
            sentence = sentences[si]
            if sentence.start > pos:
                segments.append(Segment(body[pos : sentence.start]))
            segments.append(Segment(body[sentence.start : sentence.end], sentence.index))
            pos = max(pos, sentence.end)
            si += 1
        if pos < end:
            segments.append(Segment(body[pos:end]))
        out.append(segments)
    return out


_SNIPPET_MARK = re.compile(r"\[([^\[\]]{1,200})\]")


def snippet_segments(snippet: str) -> list[tuple[str, bool]]:
    """Split a search snippet (matches wrapped in ``[ ]`` by the store) into (text, is_match)."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for match in _SNIPPET_MARK.finditer(snippet):
        if match.start() > pos:
            out.append((snippet[pos : match.start()], False))
        out.append((match.group(1), True))
        pos = match.end()
    if pos < len(snippet):
        out.append((snippet[pos:], False))
    return out


_LEADING_NUMBER = re.compile(r"^[\d\s._-]+(?=[^\d\s._-])")
_SEPARATORS = re.compile(r"[\s._-]+")


def outlet_name(outlet: str | None, url: str | None = None, location: str | None = None) -> str:
    """Name the outlet of a report: its metadata, else the site it came from, else its file.

    ``01_meridian_press.txt`` reads "Meridian Press"; ``https://www.tide.example/a`` reads
    "tide.example". Only when nothing names it does it say "unknown outlet".
    """
    if outlet and outlet.strip():
        return outlet.strip()
    for where in (url, location):
        if where and where.lower().startswith(("http://", "https://")):
            host = (urlsplit(where).hostname or "").removeprefix("www.")
            if host:
                return host
    if location and location not in ("-", "api", "<stdin>"):
        name = location.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        if re.search(r":\d+$", name):  # a line or record of a dump, not a page of its own
            return "unknown outlet"
        stem = name.rsplit(".", 1)[0] if "." in name else name
        words = _SEPARATORS.split(_LEADING_NUMBER.sub("", stem))
        words = [w for w in words if w]
        if words and any(c.isalpha() for c in stem):
            return " ".join(w if w.isupper() else w.capitalize() for w in words)
    return "unknown outlet"


def after_first(published: str | None, first: str | None) -> str | None:
    """Say when a report came out against the story's first report ("1 day after the first
    report", "3 hours after…", "the first report"), or None when either date is unknown."""
    if not published or not first:
        return None
    if len(published) >= 13 and len(first) >= 13 and published[:10] == first[:10]:
        try:
            hours = int(published[11:13]) - int(first[11:13])
        except ValueError:
            hours = 0
        if hours > 0:
            return f"{hours} hour{'' if hours == 1 else 's'} after the first report"
    a, b = day_number(first), day_number(published)
    if a is None or b is None or len(published) < 10 or len(first) < 10:
        return None
    days = b - a
    if days <= 0:
        return "the day of the first report"
    return f"{days} day{'' if days == 1 else 's'} after the first report"


def counts(n_reports: int, n_copies: int) -> str:
    """Say how many independent sources and how many reports: "6 sources · 7 reports (1 is a
    syndicated copy)"; copies repeat another report and do not count as sources."""
    n_sources = n_reports - n_copies
    text = f"{n_sources} source{'' if n_sources == 1 else 's'}"
    if n_copies:
        text += f" · {n_reports} report{'' if n_reports == 1 else 's'}"
        text += f" ({n_copies} syndicated cop{'y' if n_copies == 1 else 'ies'})"
    return text


def news_span(first: str | None, last: str | None) -> str | None:
    """Say when a story was reported, in news time: "first report 14 Oct 2025 · latest
    16 Oct 2025" (or "published 14 Oct 2025"); None when no report is dated."""
    if not first:
        return None
    if not last or last == first:
        return f"published {human_date(first)}"
    return f"first report {human_date(first)} · latest {human_date(last)}"


def _source_name(source: BriefSource) -> str:
    return outlet_name(source.outlet, source.url, source.location)


class _Citer:
    """Turns the article ids a brief entry cites into links to the cited sentences."""

    def __init__(self, brief: Brief, texts: Mapping[str, ArticleText]) -> None:
        self.sources = {s.article_id: s for s in brief.sources}
        self.texts = texts

    def label(self, article_id: str) -> str:
        source = self.sources.get(article_id)
        return source.id if source else "?"

    def href(self, article_id: str, text: str) -> str:
        found = self.texts.get(article_id)
        sentence = locate(found.sentences, text) if found else None
        return article_href(article_id, sentence)

    def cites(
        self, article_ids: Sequence[str], text: str, evidence: Sequence[Evidence] = ()
    ) -> list[Cite]:
        # Where the entry carries the source's own sentence (the evidence engine's choice for
        # the summary, facts and the timeline; the conflict detectors' for conflicts), link
        # to that sentence; else (quotes, entities, a brief cached before evidence) find the
        # sentence the entry's text comes from.
        own = {e.article_id: e.sentence for e in evidence}
        out = []
        for aid in article_ids:
            source = self.sources.get(aid)
            if source is None:
                continue
            href = self.href(aid, own.get(aid, text))
            out.append(Cite(source.id, href, _source_name(source), aid))
        return sorted(out, key=lambda c: _label_key(c.label))

    def evidence(self, items: Sequence[Evidence]) -> list[dict[str, Any]]:
        return [
            {
                "label": self.label(e.article_id),
                "sentence": e.sentence,
                "href": self.href(e.article_id, e.sentence),
            }
            for e in items[:MAX_ITEMS]
        ]


def _label_key(label: str) -> tuple[int, str]:
    digits = label[1:]
    return (int(digits), label) if digits.isdigit() else (1 << 30, label)


def story_view(
    brief: Brief, texts: Mapping[str, ArticleText], *, version: str, n_articles: int
) -> dict[str, Any]:
    """Build the story page's template context from a brief and the cited articles' sentences.

    Args:
        brief: the story's brief.
        texts: the split articles by id (the brief's sources; missing ones link unhighlighted).
        version: the story version the page shows (live updates compare it).
        n_articles: how many articles the story holds.

    Returns:
        The template context: story, summary, facts, conflicts, timeline, chart, matrix,
        entities, quotes and sources, each entry with its citation links.
    """
    citer = _Citer(brief, texts)
    summary = [
        {"text": s.text, "cites": citer.cites(s.article_ids, s.text, s.evidence)}
        for s in brief.summary[:MAX_ITEMS]
    ]
    facts = [
        {
            "key": f"F{i}",
            "text": f.text,
            "support": f.support,
            "cites": citer.cites(f.article_ids, f.text, f.evidence),
            "evidence": citer.evidence(f.evidence),
        }
        for i, f in enumerate(brief.facts[:MAX_ITEMS], start=1)
    ]
    conflicts = [
        {
            "key": f"C{i}",
            "subject": c.subject,
            "kind": c.kind,
            "sides": [
                {
                    "value": side.value,
                    "cites": citer.cites(side.article_ids, side.value, side.evidence),
                    "evidence": citer.evidence(side.evidence),
                }
                for side in c.sides
            ],
            # Reports that fit every side ("more than a dozen" beside 14 and 17).
            "compatible": [
                {
                    "value": side.value,
                    "cites": citer.cites(side.article_ids, side.value, side.evidence),
                    "evidence": citer.evidence(side.evidence),
                }
                for side in c.also
            ],
        }
        for i, c in enumerate(brief.conflicts[:MAX_ITEMS], start=1)
    ]
    timeline = [
        {
            "date": t.date,
            "when": human_date(t.date),
            "text": t.text,
            "cites": citer.cites(t.article_ids, t.text, t.evidence),
            # Sources that report the event with a coarser date (as the Markdown says).
            "also": citer.cites(t.also_ids, t.text, t.evidence),
        }
        for t in brief.timeline[:MAX_ITEMS]
    ]
    entities = [
        {
            "name": e.name,
            "type": e.type,
            "aliases": [a for a in e.aliases if a != e.name],
            "mentions": e.mentions,
            "cites": citer.cites(e.article_ids, e.name),
        }
        for e in brief.entities[:MAX_ITEMS]
    ]
    quotes = [
        {"speaker": q.speaker, "text": q.text, "cites": citer.cites(q.article_ids, q.text)}
        for q in brief.quotes[:MAX_ITEMS]
    ]
    # Reported speech: shown without quotation marks, apart from the quotes.
    statements = [
        {"speaker": s.speaker, "text": s.text, "cites": citer.cites(s.article_ids, s.text)}
        for s in brief.statements[:MAX_ITEMS]
    ]
    first = brief.story.first_published
    sources = [
        {
            "label": s.id,
            "when": after_first(s.published, first),
            "published_human": human_date(s.published) if s.published else None,
            "article_id": s.article_id,
            "href": article_href(s.article_id),
            "name": _source_name(s),
            "outlet": s.outlet,
            "title": s.title,
            "url": safe_url(s.url),
            "published": s.published,
            "author": s.author,
            "language": s.language,
            "duplicate_of": s.duplicate_of,
            "removed": list(s.removed[:MAX_ITEMS]),
        }
        for s in brief.sources
    ]
    n_copies = sum(1 for s in brief.sources if s.duplicate_of)
    return {
        "story": brief.story,
        "counts": counts(len(brief.sources), n_copies),
        "n_copies": n_copies,
        "span": news_span(brief.story.first_published, brief.story.last_published),
        "version": version,
        "n_articles": n_articles,
        "summary": summary,
        "facts": facts,
        "conflicts": conflicts,
        "timeline": timeline,
        "chart": timeline_chart([t.date for t in brief.timeline[:MAX_ITEMS]]),
        "matrix": _matrix(brief, facts, conflicts),
        "entities": entities,
        # Sources the English NER did not read for names (not in English).
        "unread": ", ".join(
            f"{s.id} ({s.language})"
            for s in brief.sources
            if s.language and not is_english_code(s.language)
        ),
        "quotes": quotes,
        "statements": statements,
        "sources": sources,
    }


def _matrix(
    brief: Brief, facts: list[dict[str, Any]], conflicts: list[dict[str, Any]]
) -> dict[str, Any]:
    """Source x fact coverage: which source backs which fact, and its value in each conflict."""
    fact_cols = facts[:MAX_MATRIX_COLUMNS]
    conflict_cols = conflicts[: max(0, MAX_MATRIX_COLUMNS - len(fact_cols))]
    columns = [{"key": f["key"], "title": f["text"], "kind": "fact"} for f in fact_cols] + [
        {"key": c["key"], "title": f"where sources differ: {c['subject']}", "kind": "conflict"}
        for c in conflict_cols
    ]
    rows = []
    for source in brief.sources:
        aid = source.article_id
        cells: list[dict[str, Any]] = []
        for f in fact_cols:
            cite = next((c for c in f["cites"] if c.article_id == aid), None)
            cells.append(
                {"kind": "fact", "on": cite is not None, "href": cite.href if cite else None}
            )
        for c in conflict_cols:
            value = None
            href = None
            compatible = False
            for side, fits in [(s, False) for s in c["sides"]] + [
                (s, True) for s in c["compatible"]
            ]:
                cite = next((x for x in side["cites"] if x.article_id == aid), None)
                if cite is not None and value is None:
                    value, href, compatible = side["value"], cite.href, fits
            cells.append(
                {
                    "kind": "conflict",
                    "on": value is not None,
                    "value": value,
                    "href": href,
                    "compatible": compatible,
                }
            )
        rows.append(
            {
                "label": source.id,
                "name": _source_name(source),
                "copy_of": source.duplicate_of,
                "cells": cells,
            }
        )
    return {"columns": columns, "rows": rows}
