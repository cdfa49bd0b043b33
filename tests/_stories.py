"""Builders for the cross-source tests: tiny fictional articles and the seed loader."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from newsdesk.models import Article, ArticleAnalysis, Mention, Sentence

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harbour-bridge"

Matrix = npt.NDArray[np.float32]


def hand_analysis(
    article_id: str,
    sentences: Sequence[str],
    names: Sequence[tuple[str, str]],
    *,
    published: str | None = None,
) -> ArticleAnalysis:
    """Build an analysis without a model: every occurrence of each (text, label) is a mention."""
    records: list[Sentence] = []
    mentions: list[Mention] = []
    offset = 0
    for index, text in enumerate(sentences):
        records.append(Sentence(article_id, index, index, text, offset, offset + len(text)))
        for name, label in names:
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                before_ok = start == 0 or not text[start - 1].isalnum()
                after_ok = end == len(text) or not text[end].isalnum()
                if before_ok and after_ok:
                    mentions.append(
                        Mention(article_id, index, name, label, offset + start, offset + end)
                    )
                start = text.find(name, end)
        offset += len(text) + 2
    body = "\n\n".join(sentences)
    article = Article(id=article_id, location=f"{article_id}.txt", text=body, published=published)
    mentions.sort(key=lambda m: (m.start, -m.end))
    # Keep the longest of overlapping mentions, as NER would.
    kept: list[Mention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return ArticleAnalysis(article=article, sentences=tuple(records), mentions=tuple(kept))


def article(article_id: str, text: str, published: str | None = None) -> Article:
    """Build an Article from literal text (paragraphs separated by blank lines)."""
    return Article(id=article_id, location=f"{article_id}.txt", text=text, published=published)


def read_story(path: Path) -> list[Article]:
    """Read and clean a folder of articles with the project's own readers."""
    from newsdesk.articles import clean
    from newsdesk.readers import read_articles

    result = read_articles([str(path)])
    return [clean(a) for a in result.articles]


def embed_all(analyses: Sequence[ArticleAnalysis], models: object) -> list[Matrix]:
    """Embed every analysis' sentences (one matrix per article)."""
    embedder = models.embedder  # type: ignore[attr-defined]
    return [embedder.embed([s.text for s in a.sentences]) for a in analyses]
