"""Split cleaned articles into sentences and named-entity mentions with the spaCy pipeline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .models import Article, ArticleAnalysis, Mention, Sentence

__all__ = [
    "LDC_QUOTES",
    "MAX_SENTENCES",
    "MAX_TOKENS",
    "TITLES",
    "analyze",
    "bound_runs",
    "curly_quotes",
    "paragraph_spans",
]

#: LDC/TeX quotation marks (``…''), as newspaper archives and wire corpora write quotes, and
#: the curly marks they stand for. Every rule that looks for quotation marks reads text
#: through ``curly_quotes``, so ``A,'' she said`` is a quote as “A,” she said is; the
#: printed text keeps the source's marks.
LDC_QUOTES = {"``": "“", "''": "”"}
_LDC_QUOTE = re.compile("``|''")

# Bound the work per article: a hostile 10 MB "article" must not stall a batch. Real news
# bodies stay far below this (DUC 2004's longest document has ~120 sentences).
MAX_SENTENCES = 400
_MAX_CHARS = 60_000
# Tokens per article the tagger, parser and NER see (after _MAX_CHARS): 60k characters of
# prose are ~12k tokens, but 60k emoji are 60k tokens and ~13 s of parsing.
MAX_TOKENS = 20_000

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Longest run of non-space characters the tokenizer sees: spaCy's prefix/suffix splitting is
# quadratic in the length of a run (10k emoji or quotation marks: ~15 s; 50k: minutes). Real
# tokens stay far below this (long URLs ~150 characters); in a longer run every 200th
# character is shown to the parser as a space, which keeps offsets and bounds the work.
_MAX_RUN = 200
_LONG_RUN = re.compile(rf"\S{{{_MAX_RUN}}}")


def bound_runs(text: str) -> str:
    """Return ``text`` (same length) with a space closing every ``_MAX_RUN``-character run."""
    return _LONG_RUN.sub(lambda m: m.group()[:-1] + " ", text)


def curly_quotes(text: str) -> str:
    """Return ``text`` with LDC/TeX quotation marks (``…'') as curly ones (“…”).

    Example:
        >>> curly_quotes("``It is over,'' she said.")
        '“It is over,” she said.'
    """
    return _LDC_QUOTE.sub(lambda m: LDC_QUOTES[m[0]], text)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the non-empty paragraphs of ``text``."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _open_quote(text: str) -> bool:
    """True when ``text`` opens a quotation it does not close."""
    text = curly_quotes(text)
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


#: Titles written before a name ("Sen. Lee", "Cmndr. Zejnil Delalic"). After a lower-case word
#: the name must follow, so a sentence that ends on one was cut early ("the panel chaired by
#: Sen."); after a capitalised word the title may be the end of a name ("Hun Sen.").
TITLES = (
    "Mr|Mrs|Ms|Dr|Drs|Sen|Sens|Rep|Reps|Gov|Govs|Gen|Gens|Lt|Col|Sgt|Cpl|Pvt|Capt|Maj|Adm|"
    "Cmdr|Cmndr|Comdr|Brig|Prof|Profs|Rev|Msgr|Hon|No|Nos|vs|Dept|Pres|Amb|Supt|Insp|Det"
)
_TITLE_END = re.compile(rf"(?:^|\s)[a-z][\w'’-]*\s+(?:{TITLES})\.$")
# A short capitalised abbreviation ("Sen.", "Gen.", "Co.").
_ABBREVIATION = re.compile(r"^[A-Z][a-z]{1,4}\.$")


def _split_at_names(sents: list[Any], text: str) -> list[Any]:
    """Split sentences the parser ran together after a name that looks like an abbreviation.

    "… promised by strongman Hun Sen. Sam Rainsy wrote …" is two sentences, but the parser
    reads "Sen." as the title and never ends the first. A capitalised word then such an
    abbreviation is a name when the article writes the pair elsewhere without the full
    stop ("Hun Sen's", "Hun Sen said"); then, before a capitalised word, its full stop ends
    the sentence.
    """
    out: list[Any] = []
    for sent in sents:
        start = sent.start
        doc = sent.doc
        for k in range(sent.start + 1, sent.end - 2):
            token, before, after = doc[k], doc[k - 1], doc[k + 1]
            if not (
                _ABBREVIATION.match(token.text)
                and before.text[:1].isupper()
                and before.text.isalpha()
                and after.text[:1].isupper()
                and token.whitespace_
            ):
                continue
            pair = rf"\b{re.escape(before.text)}\s+{re.escape(token.text[:-1])}(?![.\w])"
            if re.search(pair, text):
                out.append(doc[start : k + 1])
                start = k + 1
        out.append(doc[start : sent.end] if start != sent.start else sent)
    return out


def _cut_off(text: str) -> bool:
    """True when ``text`` is the tail of a sentence the parser cut (it opens in lower case)."""
    first = text.lstrip()[:1]
    return first.isalpha() and first.islower()


def _cut_at_title(text: str) -> bool:
    """True when ``text`` ends with a title the parser took for a full stop ("cleared Cmndr.")."""
    return _TITLE_END.search(text.rstrip()) is not None


def _whole_quotes(sents: list[Any]) -> list[Any]:
    """Join sentences the parser split inside a quotation or after an abbreviation.

    The parser splits multi-sentence quotations, which leaves a fragment that opens a quote
    and another that closes it with its attribution; neither stands alone. It also cuts
    after some abbreviations ("checked the ID. of every driver"), leaving a sentence that
    ends too early and a tail that opens in lower case: a piece that opens in lower case
    joins the sentence before it, and so does the piece after a title that ends a sentence
    after a lower-case word ("The tribunal cleared Cmndr." + "Zejnil Delalic of …"). At
    most three sentences are joined, so one stray quote mark cannot swallow a paragraph.
    """
    out: list[Any] = []
    i = 0
    while i < len(sents):
        j = i
        doc = sents[i].doc
        while j < min(i + 2, len(sents) - 1) and (
            _open_quote(doc[sents[i].start : sents[j].end].text)
            or _cut_off(sents[j + 1].text)
            or _cut_at_title(sents[j].text)
        ):
            j += 1
        out.append(doc[sents[i].start : sents[j].end] if j > i else sents[i])
        i = j + 1
    return out


def analyze(articles: Sequence[Article], nlp: Any) -> list[ArticleAnalysis]:
    """Split each article into sentences (per paragraph) and collect entity mentions.

    Args:
        articles: cleaned articles.
        nlp: a loaded spaCy pipeline (``Models.nlp``).

    Returns:
        One ``ArticleAnalysis`` per article, in the same order.

    Example:
        >>> analyses = analyze([article], Models().nlp)  # doctest: +SKIP
    """
    jobs: list[tuple[int, int, int, str]] = []  # (article index, paragraph, offset, text)
    for a_index, article in enumerate(articles):
        text = article.text[:_MAX_CHARS]
        for p_index, (start, end) in enumerate(paragraph_spans(text)):
            jobs.append((a_index, p_index, start, text[start:end]))
    sentences: list[list[Sentence]] = [[] for _ in articles]
    mentions: list[list[Mention]] = [[] for _ in articles]
    budget = [MAX_TOKENS] * len(articles)
    made = []
    for a_index, _, _, text in jobs:
        doc = nlp.make_doc(bound_runs(" ".join(text.split("\n"))))
        if len(doc) > budget[a_index]:
            doc = doc[: budget[a_index]].as_doc()
        budget[a_index] -= len(doc)
        made.append(doc)
    docs = nlp.pipe(made, batch_size=64)
    for (a_index, p_index, offset, _), doc in zip(jobs, docs, strict=True):
        article = articles[a_index]
        bucket = sentences[a_index]
        for sent in _whole_quotes(_split_at_names(list(doc.sents), article.text)):
            if len(bucket) >= MAX_SENTENCES:
                break
            raw = sent.text.strip()
            if not raw:
                continue
            lead = len(sent.text) - len(sent.text.lstrip())
            start = offset + sent.start_char + lead
            s_index = len(bucket)
            bucket.append(
                Sentence(
                    article_id=article.id,
                    index=s_index,
                    paragraph=p_index,
                    text=" ".join(raw.split()),
                    start=start,
                    end=start + len(raw),
                )
            )
            for ent in sent.ents:
                mentions[a_index].append(
                    Mention(
                        article_id=article.id,
                        sentence=s_index,
                        text=ent.text,
                        label=ent.label_,
                        start=offset + ent.start_char,
                        end=offset + ent.end_char,
                    )
                )
    return [
        ArticleAnalysis(article=a, sentences=tuple(s), mentions=tuple(m))
        for a, s, m in zip(articles, sentences, mentions, strict=True)
    ]
