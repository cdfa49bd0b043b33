"""Who said what: direct quotes and reported statements, with the speaker resolved.

Direct quotes are double-quoted spans of five words or more (shorter ones are scare quotes:
the “coming months”). The speaker comes from the attribution around the quote, in this order:

1. a named person or organisation in it (“…,” Schenker said / said David Schenker / the US
   State Department said), resolved to its entity, so "Mr Schenker" is "David Schenker";
2. a pronoun (he said) -> the last person the article named before;
3. an unnamed source ("one of the officials said", "an official", "sources") -> "an unnamed
   official" / "unnamed officials" ("one of the engineers" -> "an unnamed engineer");
4. a document ("a joint statement said", "reads the document") -> "joint statement";
5. no attribution in the sentence and a quote in the sentence before -> that speaker.

Reported statements are sentences without quotes in which a named person or unnamed officials
"said (that) …" / "told reporters (that) …": the speaker and the reported clause.
Quotes that several outlets carry (near-identical text) are merged into one with all sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .entities import EntityIndex, display_form
from .models import ArticleAnalysis, Mention, Quote

__all__ = ["UNNAMED", "UNNAMED_PLURAL", "find_quotes", "merge_quotes"]

UNNAMED = "an unnamed official"
UNNAMED_PLURAL = "unnamed officials"

_QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_VERBS = (
    r"said|says|added|adds|stated|states|told (?:reporters|journalists|\w+)|wrote|writes|"
    r"reads|read|noted|stressed|explained|continued|insisted|warned|announced|declared"
)
_AFTER_WHO_VERB = re.compile(rf"^\s*[,.!?]?\s*(?P<who>[^,;“”\"]{{1,90}}?)\s+(?:{_VERBS})\b")
_AFTER_VERB_WHO = re.compile(rf"^\s*[,.!?]?\s*(?:{_VERBS})\s+(?P<who>[^,;.“”\"]{{1,90}})")
_BEFORE = re.compile(
    rf"(?P<who>[^;“”\"]{{1,160}}?)\s+(?:{_VERBS}|reiterated|cited)(?:\s+that)?(?:\s+[^“”\",;]{{0,40}})?\s*[:,]?\s*$"
)
_REPORTED = re.compile(
    r"^(?P<who>[^;“”\"]{1,160}?)\s+(?:said|says|told reporters(?: \w+)?|stressed|emphasized|"
    r"emphasised|insisted|warned)(?:\s+that)?\s+(?P<what>[^“”\"]{12,})$"
)
_UNNAMED_ONE = re.compile(
    r"\b(?:one of the (?:officials|sources|diplomats)"
    r"|an? (?:\w+ )?(?:official|source|diplomat|spokes(?:man|woman|person)))\b",
    re.I,
)
_ONE_OF = re.compile(r"\bone of the (?:\w+ )?([a-z]+?)(?:e?s)\b(?! of)")
_UNNAMED_MANY = re.compile(
    r"\b(?:(?:two|three|several|some|\w+) )?(?:\w+ )?(?:officials|sources|diplomats)\b", re.I
)
_DOCUMENT = re.compile(
    r"\b(?:joint )?(?:statement|document|communiqu[eé]|declaration|report)\b", re.I
)
_PRONOUN = re.compile(r"^(?:he|she)$", re.I)
_IT = re.compile(r"^(?:it|they)$", re.I)
_MIN_QUOTE_WORDS = 5

# Near-identical quotes across outlets (US/UK spelling, a dropped comma) score 90+; different
# sentences of one statement score under 75. Calibrated on the seeds; re-run test_quotes.py.
_SAME_QUOTE = 88.0


@dataclass(frozen=True)
class _Found:
    article_id: str
    sentence: int
    speaker: str | None
    text: str
    kind: str


def _speaker(
    who: str,
    offset: int,
    base: int,
    mentions: Sequence[Mention],
    index: EntityIndex,
    last_person: str | None,
    article_id: str,
) -> str | None:
    """Resolve the attribution text ``who`` (at sentence offset ``offset``; the sentence
    starts at article offset ``base``, the frame of the mentions)."""
    inside = [
        m for m in mentions if offset <= m.start - base and m.end - base <= offset + len(who) + 1
    ]
    for label in ("PERSON", "ORG"):
        for mention in inside:
            if mention.label == label:
                entity = index.entity_of(mention)
                return entity.name if entity is not None else display_form(mention.text)
    bare = who.strip().rstrip(",")
    words = bare.split()
    last_word = words[-1] if words else ""
    if _PRONOUN.match(last_word):
        return last_person
    one_of = _ONE_OF.search(bare)
    if one_of:
        return f"an unnamed {one_of.group(1).lower()}"
    if _UNNAMED_ONE.search(bare):
        return UNNAMED
    if _UNNAMED_MANY.search(bare):
        return UNNAMED_PLURAL
    document = _DOCUMENT.search(bare)
    if document:
        return document.group(0).lower()
    if len(words) <= 3 and words and words[0][:1].isupper() and not _IT.match(last_word):
        entity = index.resolve(bare, article_id)
        if entity is not None:
            return entity.name
    for mention in inside:
        entity = index.entity_of(mention)
        if entity is not None and mention.label in {"GPE", "NORP"}:
            return entity.name
    return None


def find_quotes(analysis: ArticleAnalysis, index: EntityIndex) -> list[Quote]:
    """Find the direct quotes and reported statements of one article.

    Args:
        analysis: the article's sentences and mentions.
        index: the story's resolved entities (for speakers).

    Returns:
        Quotes in order of appearance, each citing the article.
    """
    article_id = analysis.article.id
    by_sentence: dict[int, list[Mention]] = {}
    for mention in analysis.mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    found: list[Quote] = []
    last_person: str | None = None
    previous_speaker: str | None = None
    previous_had_quote = False
    for sentence in analysis.sentences:
        text = sentence.text
        mentions = by_sentence.get(sentence.index, [])
        base = sentence.start
        quotes = [
            (m.start(), m.end(), (m.group(1) or m.group(2)).strip())
            for m in _QUOTE.finditer(text)
            if len((m.group(1) or m.group(2)).split()) >= _MIN_QUOTE_WORDS
        ]
        had_quote = False
        for start, end, content in quotes:
            after = text[end:]
            speaker: str | None = None
            attributed = False
            for pattern in (_AFTER_WHO_VERB, _AFTER_VERB_WHO):
                match = pattern.match(after)
                if match:
                    who = match.group("who")
                    speaker = _speaker(
                        who,
                        end + match.start("who"),
                        base,
                        mentions,
                        index,
                        last_person,
                        article_id,
                    )
                    attributed = True
                    break
            if not attributed:
                before = _BEFORE.search(text[:start])
                if before:
                    who = before.group("who")
                    speaker = _speaker(
                        who, before.start("who"), base, mentions, index, last_person, article_id
                    )
                    attributed = True
            if not attributed and previous_had_quote and text[:start].strip() == "":
                speaker = previous_speaker
                attributed = True
            if not attributed:
                continue
            if speaker is not None and _IT.match(speaker):
                speaker = previous_speaker
            found.append(
                Quote(speaker=speaker, text=content.rstrip(" ,."), article_ids=(article_id,))
            )
            previous_speaker = speaker
            had_quote = True
        if not quotes:
            reported = _REPORTED.match(text)
            if reported:
                who = reported.group("who")
                speaker = _speaker(who, 0, base, mentions, index, last_person, article_id)
                named = any(m.label == "PERSON" for m in mentions if m.end - base <= len(who) + 1)
                if speaker is not None and (named or speaker in {UNNAMED, UNNAMED_PLURAL}):
                    what = reported.group("what").rstrip(" .")
                    found.append(
                        Quote(
                            speaker=speaker, text=what, article_ids=(article_id,), kind="reported"
                        )
                    )
        previous_had_quote = had_quote
        for mention in mentions:
            if mention.label == "PERSON":
                entity = index.entity_of(mention)
                if entity is not None and entity.type == "PERSON":
                    last_person = entity.name
    return found


def _key(text: str) -> str:
    return re.sub(r"[^\w ]+", "", text.casefold()).strip()


def merge_quotes(quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    """Merge near-identical quotes of several articles into one quote citing them all.

    Args:
        quotes: quotes of all articles, in reading order.

    Returns:
        Merged quotes: direct quotes first, then by number of sources, in first-seen order.
    """
    merged: list[Quote] = []
    keys: list[str] = []
    for quote in quotes:
        key = _key(quote.text)
        match = next(
            (
                i
                for i, k in enumerate(keys)
                if merged[i].kind == quote.kind and fuzz.ratio(k, key) >= _SAME_QUOTE
            ),
            None,
        )
        if match is None:
            merged.append(quote)
            keys.append(key)
            continue
        old = merged[match]
        speaker = old.speaker
        # A named speaker beats a document or an unnamed one.
        if quote.speaker and (
            speaker is None or (speaker[:1].islower() and quote.speaker[:1].isupper())
        ):
            speaker = quote.speaker
        merged[match] = Quote(
            speaker=speaker,
            text=old.text,
            article_ids=tuple(sorted(set(old.article_ids) | set(quote.article_ids))),
            kind=old.kind,
        )
    order = sorted(
        range(len(merged)),
        key=lambda i: (merged[i].kind != "direct", -len(merged[i].article_ids), i),
    )
    return tuple(merged[i] for i in order)
