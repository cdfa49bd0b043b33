"""Digests: an article that bundles several unrelated stories is split into its items.

News digests and briefs columns ("World in brief", a wire's news summary) put several stories
under one page. Fed whole to a brief, their stories leak into the summary and the timeline of
an unrelated event. Each item is made a report of its own (``split_digest``), so clustering
puts it with its own story and the brief uses only the item on the story.

An item starts at a paragraph that opens with a dateline ("PARIS — ...", the wire's mark of a
new story) or at a heading paragraph (a short Title Case line with no sentence end) followed by
a body paragraph. A page is a digest when it has at least ``MIN_ITEMS`` items and the items
are unrelated: no proper name is shared by more than half of them. Subheads of one story
("What happens next") share the story's names and so never split it. The rule uses the shape
of the page only (no list of outlets or words); re-run tests/test_articles.py after changing it.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from .articles import _is_headline_like, make_article, split_dateline
from .models import Article

__all__ = ["MIN_ITEMS", "split_digest"]

#: The fewest items a digest has: two stories under one headline can be a story and its
#: background; three unrelated ones are a digest.
MIN_ITEMS = 3
# An item's body: at least this many words (a heading over a one-line caption is no item).
_MIN_ITEM_WORDS = 15
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _names(text: str) -> set[str]:
    """Capitalised words not opening a sentence (any script): the names an item is about."""
    names: set[str] = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        words = _WORD.findall(sentence)
        names.update(w for w in words[1:] if w[:1].isupper())
    return names


def _is_heading(line: str) -> bool:
    """A short line that opens with a capital and ends no sentence (Title or sentence case)."""
    stripped = line.strip()
    words = stripped.split()
    return (
        2 <= len(words) <= 14
        and stripped[:1].isupper()
        and not stripped.endswith((".", "!", "?", ":", ";", ",", '"', "”", "'", "’"))
        and (_is_headline_like(stripped) or stripped.count(",") == 0)
    )


def _items(paragraphs: list[str]) -> list[tuple[str | None, list[str]]]:
    """Cut paragraphs into (heading, body paragraphs) items at datelines and headings.

    A heading is a paragraph of its own or the first line of the paragraph it heads.
    """
    items: list[tuple[str | None, list[str]]] = []
    pending: str | None = None  # a heading paragraph waiting for its body
    for paragraph in paragraphs:
        first, _, rest = paragraph.strip().partition("\n")
        if pending is None and _is_heading(first) and not rest:
            pending = first
            continue
        heading = pending
        pending = None
        if heading is None and rest and _is_heading(first):
            heading, paragraph = first, rest
        if heading is not None:
            items.append((heading, [paragraph]))
        elif split_dateline(paragraph)[0] is not None or not items:
            items.append((None, [paragraph]))
        else:
            items[-1][1].append(paragraph)
    return items


def split_digest(article: Article) -> tuple[Article, ...]:
    """Split a digest into one article per item; any other article comes back alone.

    Each item keeps the page's metadata (outlet, date, URL, author); its title is its
    heading when it has one, its location is the page's with ``#item-N``, and its id is the
    fingerprint of its own text.

    Example:
        >>> from newsdesk.articles import make_article
        >>> page = make_article(
        ...     "OSLO — Norway's parliament passed a fishing law on Monday after a long debate "
        ...     "about quotas for the northern fleet and the coastal towns.\\n\\n"
        ...     "LIMA — Peru's central bank held its main interest rate at five percent on "
        ...     "Thursday, saying inflation was back within its target range.\\n\\n"
        ...     "NAIROBI — Kenya opened a new railway terminal on Friday to carry tea and "
        ...     "flowers from the highlands to the port of Mombasa.",
        ...     location="digest.txt")
        >>> [a.dateline for a in split_digest(page)]
        ['OSLO', 'LIMA', 'NAIROBI']
    """
    paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
    items = _items(paragraphs)
    bodies = ["\n\n".join(body) for _, body in items]
    if len(items) < MIN_ITEMS or any(len(b.split()) < _MIN_ITEM_WORDS for b in bodies):
        return (article,)
    counts = Counter(name for body in bodies for name in _names(body))
    if any(n * 2 > len(items) for n in counts.values()):
        return (article,)  # a name most items share: one story with subheads
    out = []
    for number, ((heading, _), body) in enumerate(zip(items, bodies, strict=True), start=1):
        place, _agency, rest = split_dateline(body)
        text = rest if place is not None and rest.strip() else body
        item = make_article(
            text,
            location=f"{article.location}#item-{number}",
            title=heading,
            url=article.url,
            outlet=article.outlet,
            published=article.published,
            author=article.author,
            dateline=place,
            language=article.language,
            removed=article.removed if number == 1 else (),
        )
        out.append(dataclasses.replace(item, title=heading))
    return tuple(out)
