"""Who said what: direct quotes (verbatim, between quotation marks) and reported statements.

A **quote** is text that stands between quotation marks in the source -- "…", “…”, LDC/TeX
``…'', doubled apostrophes ''…'' (as newspaper archives write quotes), « … » (single quotes
only inside one of these) -- copied exactly, partial quotes
included (promised an inquiry that would be "precisely what the engineers asked for"), with
the speaker the text attributes it to. The speech verb is found in the spaCy parse by walking
up from the quoted words ("…," he said later; X said: "…"; according to X, "…"); a quote
with no speech verb of its own that starts its sentence right after an attributed quote
continues it. A quoted span with no speech verb and no predecessor (titles, scare quotes:
the "coming weeks") is not a quote, nor one whose speaker we cannot name or describe
(``speakers`` decides who speaks).

A **statement** is reported speech outside quotation marks -- "X said (that) …", "…, X said"
-- kept apart: the speaker and the reported clause only, never the reporter's attribution.

Quotes that several outlets carry word for word are merged into one citing all of them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .entities import EntityIndex
from .models import ArticleAnalysis, Quote, Statement
from .sentences import paragraph_spans
from .speakers import (
    Speaker,
    SpeakerContext,
    cue_of,
    is_cue,
    is_reporting,
    named_before_colon,
    speaker_named_by,
    speaker_of,
)

__all__ = ["Attribution", "attribute", "find_quotes", "merge_quotes", "quote_spans"]

# A statement's reported clause has at least this many words ("he said it was over" is not a
# statement worth listing).
_MIN_STATEMENT_WORDS = 4
# Quoted words inside the writer's sentence are a partial quote from this many words on;
# shorter ones are terms or scare quotes (the "coming months"). Chosen on PolNeAR train.
_MIN_PARTIAL_WORDS = 3
# `"A," he said on Monday, "B."`: B continues A across at most this many words.
_GAP_WORDS = 8
_MAX_CHARS = 60_000
# Quote candidates per paragraph (news paragraphs hold one to three quotations).
_MAX_QUOTES = 50
_MARKS_AND_SPACE = " \xa0“\"`«'"  # as sentences.analyze: the same bounded share of a huge article

# The closing marks each opening mark accepts, preferred first (a straight quote closes only
# a straight one: a nested “title” must not end it).
_OPENERS = {"“": ("”", '"'), '"': ('"',), "«": ("»",), "``": ("''",), "''": ("''",)}
_MARK = re.compile(r"``|''|[\"“«]")


@dataclass(frozen=True)
class Attribution:
    """One quote or statement of one article, with offsets into ``Article.text``.

    ``kind`` is ``direct`` (words between quotation marks) or ``reported`` (a statement).
    An interrupted quote ("A," he said, "B.") is one attribution with two ``spans`` and the
    text "A … B". ``partial`` marks quoted words inside the writer's own sentence (promised
    an inquiry that would be "precisely what the engineers asked for").
    ``speaker_start``/``speaker_end`` locate the mention that names the speaker ("he",
    "the minister", "Varkonen"); ``speaker`` is whom it resolves to.
    """

    kind: str
    text: str
    start: int
    end: int
    speaker: str
    speaker_start: int
    speaker_end: int
    spans: tuple[tuple[int, int], ...] = ()
    partial: bool = False
    cue: int = -1  # article offset of the speech verb (-1: none, a continued quote)


def quote_spans(text: str) -> list[tuple[int, int, bool]]:
    """Find the spans between quotation marks in one paragraph.

    Args:
        text: a paragraph.

    Returns:
        ``(start, end, closed)`` of each quoted content, in order; ``closed`` is False for a
        quote left open at the paragraph's end (it goes on in the next paragraph).

    Example:
        >>> quote_spans('He said: “We found it.”')
        [(10, 22, True)]
    """
    spans: list[tuple[int, int, bool]] = []
    pos = 0
    while True:
        match = _MARK.search(text, pos)
        if match is None:
            return spans
        content = match.end()
        found = _closing(text, match.group(0), content)
        if found is None:
            if text[content:].strip():
                spans.append((content, len(text), False))
            return spans
        end, closer = found
        spans.append((content, end, True))
        pos = end + len(closer)


def _closing(text: str, opener: str, content: int) -> tuple[int, str] | None:
    """Where the quote opened by ``opener`` closes: the first fitting closing mark.

    Typed text mixes its marks (“…" and "…”, even “…“ with an opening mark in closing
    position); a ” after a straight quote closes it unless it closes a nested “…”.
    """
    ends = []
    for closer in _OPENERS[opener]:
        at = text.find(closer, content)
        if at >= 0:
            ends.append((at, closer))
    if opener == '"':
        at = text.find("”", content)
        if at >= 0 and "“" not in text[content:at]:
            ends.append((at, "”"))
    if opener == "“":
        for hit in re.finditer("“", text[content:]):
            at = content + hit.start()
            if text[at - 1 : at].strip() and not text[at + 1 : at + 2].isalnum():
                ends.append((at, "“"))  # “Apparently not,“ he said.
                break
    return min(ends) if ends else None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge spaces and the comma that replaces a full stop before an attribution."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def attribute(analysis: ArticleAnalysis, index: EntityIndex, nlp: Any) -> list[Attribution]:
    """Find the direct quotes and reported statements of one article, with their speakers.

    Args:
        analysis: the article's sentences and entity mentions (``sentences.analyze``).
        index: the story's resolved entities (speakers get their story-wide names).
        nlp: the spaCy pipeline (``Models().nlp``): its parse finds speech verbs and subjects.

    Returns:
        Quotes and statements in reading order, each with its speaker.

    Example:
        >>> [a.kind for a in attribute(analysis, index, models.nlp)]  # doctest: +SKIP
        ['direct', 'reported']
    """
    text = analysis.article.text[:_MAX_CHARS]
    # Every paragraph is parsed: a "he said" needs the subjects of the paragraphs before it.
    paragraphs = _lines(text)
    if not paragraphs:
        return []
    context = SpeakerContext(analysis, index)
    docs = nlp.pipe([text[s:e].replace("\n", " ") for s, e in paragraphs], batch_size=32)
    found: list[Attribution] = []
    previous: Attribution | None = None  # the last quote, which a bare quote continues
    previous_stop = 0
    lead_next: tuple[Any, Speaker] | None = None  # a paragraph ending "X said:"
    for (base, stop), doc in zip(paragraphs, docs, strict=True):
        paragraph = text[base:stop]
        # At most _MAX_QUOTES quote candidates per paragraph: each is matched against the
        # paragraph's tokens, so 50,000 quotation marks (25k candidates) were quadratic.
        spans = quote_spans(paragraph)[:_MAX_QUOTES]
        inside = {t.i for t in doc for s, e, _ in spans if s <= t.idx < e}
        noted = 0  # tokens before this one were read for subjects
        context.base = base
        if previous is not None and text[previous_stop:base].strip():
            previous = None  # a quote continues only into the paragraph right after it
        lead = lead_next
        lead_next = _colon_lead(doc, base, inside, context) if not spans or spans[-1][2] else None
        for s, e, _closed in spans:
            s, e = _trimmed(paragraph, s, e)
            if e <= s:
                continue
            tokens = [t for t in doc if s <= t.idx < e]
            # "“Many are uncertain,” Thiel wrote in a statement to Wired explaining why he
            # spoke, “but most agree …”": a lower-case piece after a comma, in the same
            # sentence, goes on with the quote before it however long the attribution.
            goes_on = (
                previous is not None
                and previous.end > base
                and paragraph[s : s + 1].islower()
                and not re.search(r"[.!?;]", text[previous.end : base + s].strip(_MARKS_AND_SPACE))
                and text[previous.end : base + s].rstrip(_MARKS_AND_SPACE).endswith(",")
            )
            noted = _note_subjects(doc, noted, tokens[0].i if tokens else noted, inside, context)
            cue = cue_of(tokens, inside) if tokens else None
            speaker: Speaker | None = None
            if cue is not None:
                speaker = speaker_of(cue, base, inside, context)
            elif tokens and (name := named_before_colon(tokens, inside)) is not None:
                cue = name
                speaker = speaker_named_by(name, base, inside, context)
            elif lead is not None and not paragraph[:s].strip(_MARKS_AND_SPACE):
                # "Cruz continued:" closing the paragraph before: the quote is his.
                cue, speaker = lead
            elif previous is not None and (
                _starts_sentence(tokens, paragraph, s)
                or (previous.end > base and _words(text[previous.end : base + s]) <= _GAP_WORDS)
                or goes_on
            ):
                speaker = Speaker(previous.speaker, previous.speaker_start, previous.speaker_end)
            if speaker is None or (cue is None and _words(paragraph[s:e]) < 2):
                previous = None if cue is not None else previous
                continue
            partial = cue is not None and _partial(tokens, cue, paragraph, s)
            if partial and _words(paragraph[s:e]) < _MIN_PARTIAL_WORDS:
                continue  # the "coming months": a term in quotation marks, not a quote
            piece = " ".join(paragraph[s:e].split())
            # "“A,” Christie said, adding that he had fought for bills. “B.”": a second report
            # between them ends the first quote; B is his, but another quote.
            reported = previous is not None and any(
                is_cue(t)
                and t.i not in inside
                and base + t.idx != previous.cue
                and previous.end <= base + t.idx < base + s
                for t in doc
            )
            if (
                previous is not None
                and not previous.partial
                and previous.speaker == speaker.name
                and not (cue is None and reported)
                and (
                    cue is None
                    or (
                        base + cue.idx == previous.cue
                        and (_words(text[previous.end : base + s]) <= _GAP_WORDS or goes_on)
                    )
                )
            ):
                # "A," he said, "B.": one quote interrupted by its attribution; a quote with
                # no attribution of its own goes on from the one before (also across a
                # paragraph break, as news quotes run on).
                joined = dataclasses.replace(
                    previous,
                    text=f"{previous.text} … {piece}",
                    end=base + e,
                    spans=(*previous.spans, (base + s, base + e)),
                )
                found[found.index(previous)] = joined
                previous = joined
                continue
            quote = Attribution(
                kind="direct",
                text=piece,
                start=base + s,
                end=base + e,
                speaker=speaker.name,
                speaker_start=speaker.start,
                speaker_end=speaker.end,
                spans=((base + s, base + e),),
                cue=base + cue.idx if cue is not None else -1,
                partial=partial,
            )
            found.append(quote)
            if cue is not None:
                context.heard(speaker)
            previous = quote
            previous_stop = stop
        found.extend(_statements(doc, base, inside, context))
        _note_subjects(doc, noted, len(doc), inside, context)
    found.sort(key=lambda a: (a.start, a.end))
    return found


def _partial(tokens: Sequence[Any], cue: Any, paragraph: str, start: int) -> bool:
    """True for quoted words inside the writer's sentence, not a whole utterance.

    Whole: the quote opens its sentence ("…," she said), or follows its attribution with
    nothing of the reported clause between them -- after a colon or a comma (she said: "…";
    a leading "But" or "Still" aside), as a cry right after its verb (a man yelled "Stay
    there!"), or as the object of the speech verb itself holding a verb, capitalised or
    with its own subject (she said "We will …"; declared "the matter is now concluded"; not:
    he calls it the "Washington cartel"; a "that" before the marks stays partial: counting
    it whole lost precision on train). Partial: the reported clause starts or goes on
    outside the marks (he said that whatever voters do, "they should not …"; "We are
    horrified" by the shooting, he said). Chosen on PolNeAR train (whole-quote overlap F1
    88.7 -> 89.3: fewer partial quotes inside reported speech counted as whole; then, on
    train's first 480 articles, 89.0 -> 89.4 with the colon, subject and cry rules; "a
    quote of two sentences is whole" lost 0.06 there and is left out).
    """
    if _clause_after(tokens, cue):
        return True
    if _starts_sentence(tokens, paragraph, start):
        return False
    if _exclaimed(tokens, cue):
        return False
    before = paragraph[:start].rstrip(" \xa0“\"`«'")
    if before.endswith(":"):
        return False  # a colon hands over a whole utterance ("Rubio fired back: “…”")
    if _clause_before(tokens, cue):
        return True
    if before.endswith(","):
        return False
    heads = {t.head.i for t in tokens if t.head not in tokens}
    verb = any(t.pos_ in {"VERB", "AUX"} for t in tokens)
    # A clause with its own subject, all inside the marks, is the whole report even in
    # lower case ("declares “the matter is now concluded.”"); a capitalised object with a
    # verb is a whole utterance too.
    quoted = {t.i for t in tokens}
    subject = any(t.dep_ in {"nsubj", "nsubjpass", "expl"} and t.head.i in quoted for t in tokens)
    return not (heads == {cue.i} and verb and (subject or tokens[0].text[:1].isupper()))


def _exclaimed(tokens: Sequence[Any], cue: Any) -> bool:
    """True for a cry or a question right after its speech verb ("a man yelled “Stay
    there!”", "the crowd chanted, “USA! USA!”"): capitalised, closed by its own ! or ?."""
    words = [t for t in tokens if not t.is_punct]
    if not words or not words[0].text[:1].isupper() or tokens[-1].text not in {"!", "?"}:
        return False
    at: int = tokens[0].i - cue.i
    return 0 < at <= 3


def _attribution(tokens: Sequence[Any], cue: Any) -> set[int]:
    """The attribution's tokens: the speech verb with its subject and modifiers, not the
    reported clause that holds the quote (nor, when the parse hangs the verb on the quoted
    words, anything but the verb's own subtree)."""
    quoted = {t.i for t in tokens}
    if cue.i in quoted:
        return {cue.i}
    content = [c for c in cue.children if quoted & {t.i for t in c.subtree}]
    inner = {t.i for c in content for t in c.subtree}
    return {t.i for t in cue.subtree} - inner


def _clause_after(tokens: Sequence[Any], cue: Any) -> bool:
    """True when the quoted words' own clause runs on past the closing mark with no comma
    ("“We are horrified” by the shooting, he said"): the next word hangs on the quote."""
    doc = tokens[0].doc
    quoted = {t.i for t in tokens}
    i = tokens[-1].i + 1
    while i < len(doc) and doc[i].is_punct and doc[i].text not in {",", ".", ";", ":", "!", "?"}:
        i += 1  # the closing mark
    if i >= len(doc) or doc[i].is_punct or doc[i].sent != tokens[-1].sent:
        return False
    token = doc[i]
    return (
        token.head.i in quoted
        and token.i not in _attribution(tokens, cue)
        and not any(t.i == cue.i for t in token.subtree)
    )


def _clause_before(tokens: Sequence[Any], cue: Any) -> bool:
    """True when the quoted words' own clause starts before the opening mark: a word of the
    sentence before the quote that belongs to the reported clause ("said that whatever
    voters do, “they should …”"; "Obama’s words “amount to …”"), the attribution aside."""
    doc = tokens[0].doc
    quoted = {t.i for t in tokens}
    attribution = _attribution(tokens, cue)
    rooted = any(t.head.i == t.i for t in tokens)  # the parse hung the attribution on them
    for token in doc[tokens[0].sent.start : tokens[0].i]:
        if token.is_punct or token.is_space or token.i in attribution:
            continue
        if token.dep_ in {"cc", "intj"} or (token.dep_ == "advmod" and token.i == token.sent.start):
            continue  # "But, Mr. Ryan said, “…”", "Still, she added, “…”": no reported clause
        if token.head.i in quoted:
            if rooted and token.dep_ in {"advcl", "parataxis", "ccomp", "nsubj"}:
                continue
            return True
        if token.i > cue.i and token.dep_ in {"nsubj", "nsubjpass", "expl", "mark"}:
            if token.lower_ == "that" and token.head.i in quoted:
                continue
            return True  # the clause under the speech verb starts before the quote
    return False


def _lines(text: str) -> list[tuple[int, int]]:
    """The paragraphs of ``text``, a line each: the readers unwrap hard-wrapped text, so a
    line break left in an article ends a paragraph (one stray quotation mark must not pair
    the quotes of a whole one-paragraph-per-line article wrongly)."""
    out: list[tuple[int, int]] = []
    for start, end in paragraph_spans(text):
        for match in re.finditer(r"[^\n]+", text[start:end]):
            if match.group(0).strip():
                out.append((start + match.start(), start + match.end()))
    return out


def _colon_lead(
    doc: Any, base: int, inside: set[int], context: SpeakerContext
) -> tuple[Any, Speaker] | None:
    """The speaker a paragraph ending in a colon hands the next paragraph's quote to."""
    last = len(doc) - 1
    while last >= 0 and doc[last].is_space:
        last -= 1
    if last < 1 or doc[last].text != ":" or last in inside:
        return None
    verb = doc[last].head
    if is_cue(verb):
        speaker = speaker_of(verb, base, inside, context)
        return (verb, speaker) if speaker is not None else None
    name = named_before_colon([doc[last]], inside, colon=last)
    if name is None:
        return None
    speaker = speaker_named_by(name, base, inside, context)
    return (name, speaker) if speaker is not None else None


def _starts_sentence(tokens: Sequence[Any], paragraph: str, start: int) -> bool:
    """True when the quote opens its sentence (nothing but its opening mark before it)."""
    if not tokens:
        return False
    sentence = tokens[0].sent
    lead = paragraph[sentence.start_char : start]
    return not lead.strip(" \xa0“\"`«'")


def _statements(
    doc: Any, base: int, inside: set[int], context: SpeakerContext
) -> list[Attribution]:
    """Reported speech in the paragraph's sentences that hold no quotation marks."""
    out: list[Attribution] = []
    for sentence in doc.sents:
        if any(t.i in inside or t.text in {'"', "“", "”", "``", "''", "«", "»"} for t in sentence):
            continue
        for verb in sentence:
            if not is_reporting(verb) or verb.dep_ in {"relcl", "acl"}:
                continue  # "…, which shippers warn could last": not a report of speech
            clauses = [c for c in verb.children if c.dep_ == "ccomp"]
            if not clauses:
                continue
            speaker = speaker_of(verb, base, inside, context)
            if speaker is None:
                continue
            clause = sorted(clauses[0].subtree, key=lambda t: t.i)
            marks = [i for i, t in enumerate(clause[:3]) if t.dep_ == "mark"]
            if marks:  # "said earlier that …": the clause starts after its "that"
                clause = clause[marks[0] + 1 :]
            while clause and (clause[0].dep_ == "mark" or clause[0].is_punct):
                clause.pop(0)
            while clause and clause[-1].is_punct:
                clause.pop()
            if not clause or any(t.i == verb.i for t in clause):
                continue
            start = clause[0].idx
            end = clause[-1].idx + len(clause[-1].text)
            if base + start < speaker.end and speaker.start < base + end:
                continue  # a parse that put the speaker inside the reported clause
            words = doc.text[start:end]
            if _words(words) < _MIN_STATEMENT_WORDS:
                continue
            out.append(
                Attribution(
                    kind="reported",
                    text=" ".join(words.split()),
                    start=base + start,
                    end=base + end,
                    speaker=speaker.name,
                    speaker_start=speaker.start,
                    speaker_end=speaker.end,
                    spans=((base + start, base + end),),
                )
            )
            context.heard(speaker)
            break
    return out


def _note_subjects(
    doc: Any, start: int, stop: int, inside: set[int], context: SpeakerContext
) -> int:
    """Remember the last person who was a clause's subject in ``doc[start:stop]`` (for a
    later "he said"); return ``stop``, where the next call starts."""
    for token in doc[start:stop]:
        if token.dep_ in {"nsubj", "nsubjpass"} and token.i not in inside:
            at = context.base + token.idx
            for mention in context.mentions_in(at, at + 1):
                if context.is_person(mention):
                    context.subject_seen(context.name_of(mention))
    return max(start, stop)


def find_quotes(
    analysis: ArticleAnalysis, index: EntityIndex, nlp: Any
) -> tuple[list[Quote], list[Statement]]:
    """Return the direct quotes and the reported statements of one article.

    Args:
        analysis: the article's sentences and mentions.
        index: the story's resolved entities (for speakers).
        nlp: the spaCy pipeline (``Models().nlp``).

    Returns:
        ``(quotes, statements)`` in reading order, each citing the article.
    """
    ids = (analysis.article.id,)
    quotes: list[Quote] = []
    statements: list[Statement] = []
    for item in attribute(analysis, index, nlp):
        if item.kind == "direct":
            quotes.append(Quote(speaker=item.speaker, text=item.text, article_ids=ids))
        else:
            statements.append(Statement(speaker=item.speaker, text=item.text, article_ids=ids))
    return quotes, statements


def _key(text: str) -> str:
    """Quotes merge only when their words are the same (space and final stop aside): a
    merged quote must stand verbatim in every source it cites."""
    return " ".join(text.split()).rstrip(".,!? ")


_Said = TypeVar("_Said", Quote, Statement)


def _named(speaker: str) -> bool:
    return speaker[:1].isupper()


def merge_quotes(records: Sequence[_Said]) -> tuple[_Said, ...]:
    """Merge the same quote (or statement) of several articles into one citing them all.

    Two records merge when their text is the same (spacing and a final stop aside) and
    their speakers agree (the same name, or a description beside a name: the name is kept).

    Args:
        records: quotes (or statements) of all articles, in reading order.

    Returns:
        Merged records, most sources first, then in first-seen order.
    """
    merged: list[_Said] = []
    keys: list[str] = []
    for record in records:
        key = _key(record.text)
        match = next(
            (
                i
                for i, k in enumerate(keys)
                if k == key
                and (
                    merged[i].speaker == record.speaker
                    or not (_named(merged[i].speaker) and _named(record.speaker))
                )
            ),
            None,
        )
        if match is None:
            merged.append(record)
            keys.append(key)
            continue
        old = merged[match]
        speaker = old.speaker
        if _named(record.speaker) and not _named(speaker):
            speaker = record.speaker
        merged[match] = dataclasses.replace(
            old,
            text=min(old.text, record.text, key=len),  # without a final stop: in both
            speaker=speaker,
            article_ids=tuple(sorted(set(old.article_ids) | set(record.article_ids))),
        )
    order = sorted(range(len(merged)), key=lambda i: (-len(merged[i].article_ids), i))
    return tuple(merged[i] for i in order)
