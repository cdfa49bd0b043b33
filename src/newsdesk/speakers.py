"""Who is speaking: the speech verb of a quote or report, its subject, and the name behind it.

Works on a spaCy parse (``Models().nlp``: dependencies and NER; the lemmatizer is off, so
speech verbs are listed by form). A subject resolves, in this order, to:

1. a person or organisation the NER found in it, under its story-wide name ("Mr Schenker"
   -> "David Schenker"; a name in apposition: "the director-general, Aurel Menning"); a
   wire service or the article's own outlet is never a speaker, and an outlet in the
   attribution clause is not its subject ("said a WeWork spokesperson when contacted by
   Reuters" -> the spokesperson);
2. a pronoun (he/she) -> the last person named outside quotes who spoke or was the subject
   of a clause before it (else the last person named), skipping people whose title says
   otherwise ("she said" after Mr. Varkonen and Ms. Ostrova -> Ostrova); it/they -> the
   last speaker; I/we outside quotes -> the byline (a column, a memoir);
3. a role with a definite article ("the minister said") -> the person the story named with
   that role ("Transport minister Ilyas Varkonen", "Varkonen, the minister", "Mayor Dorotea
   Halvik") or the organisation whose name holds it ("the directorate");
4. an explicit description, as written: "one of the officials", "a WeWork spokesperson",
   "the joint statement" -- but never a bare generic noun ("the statement", "a document"):
   that becomes the body that issued it ("a statement from the ministry"; "the email said"
   after "Clinton's campaign sent out an email") or nobody.

The speech verb is found by walking up the parse from the quoted words, else next to them
(with its own object between: "telling reporters, “…”"), else "according to" in the
sentence, else a colon: "Daron Shaw: “…”", or a paragraph that ends "Cruz continued:" before
the quote's own. Its subject is never a quoted word; an inverted verb the parse left without
one takes the name right after it ("“…,” said Skelly, explaining …").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .entities import EntityIndex, display_form
from .models import ArticleAnalysis, Mention

__all__ = [
    "SPEECH_VERBS",
    "Speaker",
    "SpeakerContext",
    "cue_of",
    "is_cue",
    "named_before_colon",
    "speaker_named_by",
    "speaker_of",
]

# Forms of verbs that introduce speech (the pipeline runs without a lemmatizer). Chosen on
# PolNeAR train (the cues of its direct quotes, by frequency); re-run benchmarks/quotes.py.
_BASES = (
    "say tell add state write ask explain note insist warn argue claim declare announce reply "
    "respond continue recall tweet post acknowledge admit shout exclaim concede joke quip remark "
    "observe suggest predict promise vow call describe read put testify confirm deny boast "
    "complain lament urge plead scoff counter retort stress emphasize emphasise assert allege "
    "agree caution charge maintain mock muse tout wonder conclude confess interject answer yell "
    "proclaim chant scream cry label dub brand term coin thank echo praise blast slam criticize "
    "criticise accuse decry hail applaud report assure bark boom repeat pledge surmise snap shoot "
    "demand point affirm"
)
_IRREGULAR = {
    "say": ("said", "says", "saying"),
    "tell": ("told", "tells", "telling"),
    "write": ("wrote", "writes", "writing", "written"),
    "read": ("reads", "reading"),
    "put": ("puts", "putting"),
    "shoot": ("shot",),  # "shot back"
}


def _forms(base: str) -> set[str]:
    if base in _IRREGULAR:
        return {base, *_IRREGULAR[base]}
    stem = base[:-1] if base.endswith("e") else base
    if base.endswith("y") and base[-2] not in "aeiou":
        past, third = base[:-1] + "ied", base[:-1] + "ies"
    else:
        past = stem + "ed"
        third = base + ("es" if base.endswith(("s", "sh", "ch", "x")) else "s")
    doubled = base + base[-1] if base in {"admit", "quip", "dub", "slam", "snap"} else stem
    return {base, past, third, stem + "ing", doubled + "ed", doubled + "ing"}


SPEECH_VERBS: frozenset[str] = frozenset(f for b in _BASES.split() for f in _forms(b))
# Verbs that report a claim ("X said that ..."): the cues of statements.
_REPORTING = frozenset(
    f
    for b in [
        "say",
        "tell",
        "state",
        "add",
        "announce",
        "warn",
        "insist",
        "argue",
        "claim",
        "explain",
        "note",
        "stress",
        "emphasize",
        "emphasise",
        "acknowledge",
        "admit",
        "confirm",
        "deny",
        "assert",
        "allege",
        "predict",
        "maintain",
    ]
    for f in _forms(b)
)

_PRONOUNS_PERSON = {"he", "she"}
_PRONOUNS_GROUP = {"it", "they"}
# Documents and messages: a speaker only with a modifier ("the joint statement") or the body
# that issued them ("a statement from the ministry").
_GENERIC = {
    "statement", "document", "report", "letter", "communique", "communiqué", "release",
    "memo", "email", "e-mail", "post", "tweet", "message", "notice", "declaration", "study",
    "survey", "filing", "website", "page", "text", "note", "transcript", "video", "ad",
}  # fmt: skip
# A news outlet reports what others say: as a subject it is never the speaker of a quote
# (wire services, and the article's own outlet).
_WIRES = {
    "reuters", "associated press", "ap", "afp", "agence france-presse", "agence france presse",
    "bloomberg", "xinhua", "tass", "interfax", "ria novosti", "efe", "ansa", "dpa", "upi",
    "cnn", "bbc", "fox news", "nbc", "cbs", "abc", "msnbc", "npr", "politico",
}  # fmt: skip
_HYPHENS = {"-", "–", "‑"}
_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Dame)\.?\s+$")
_OPENING = {'"', "“", "``", "«", "'", "‘"}
_CUT = {"appos", "relcl", "acl", "advcl", "punct", "cc", "conj", "parataxis", "ccomp"}
_TITLE_WORDS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "senator"}


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the name or description, and the mention (article offsets)."""

    name: str
    start: int
    end: int
    person: bool = False


@dataclass
class SpeakerContext:
    """What the article said before the current point: candidates for pronouns and roles.

    Owned by one pass over one article (``quotes.attribute``); never shared.
    """

    analysis: ArticleAnalysis
    index: EntityIndex
    last_person: str | None = None
    last_speaker: Speaker | None = None
    outlet: str = ""
    base: int = 0  # offset of the paragraph being read
    _people: list[tuple[int, Mention]] = field(default_factory=list)
    _recent: list[str] = field(default_factory=list)  # people who spoke or were subjects
    _gender: dict[str, str] = field(default_factory=dict)  # name -> "he" or "she"

    def __post_init__(self) -> None:
        self.outlet = (self.analysis.article.outlet or "").casefold()
        self._people = [
            (m.start, m) for m in self.analysis.mentions if m.label in {"PERSON", "ORG"}
        ]
        text = self.analysis.article.text
        for start, mention in self._people:
            # "Mr. Trump", "Ms. Warren", "Mrs. Clinton": the title the text gives a person.
            title = _TITLE.search(text[max(0, start - 8) : start])
            if self.is_person(mention) and title is not None:
                pronoun = "he" if title.group(1).lower() in {"mr", "sir"} else "she"
                self._gender.setdefault(self.name_of(mention), pronoun)

    def person_for(self, pronoun: str, before: int) -> str | None:
        """Whom "he" or "she" names: the last person who spoke or was a subject, else the
        last person named, skipping people whose title ("Mr.", "Ms.") says otherwise."""
        for name in reversed(self._recent):
            if self._gender.get(name, pronoun) == pronoun:
                return name
        for start, mention in reversed(self._people):
            if start < before and self.is_person(mention):
                name = self.name_of(mention)
                if self._gender.get(name, pronoun) == pronoun:
                    return name
        return None

    def is_person(self, mention: Mention) -> bool:
        """Say whether a mention names a person: its own NER label, or the story-wide type of
        its entity (the small model tags "Carly Fiorina" ORG where "Fiorina" is PERSON)."""
        if mention.label == "PERSON":
            return True
        entity = self.index.entity_of(mention) if mention.label == "ORG" else None
        return entity is not None and entity.type == "PERSON"

    def name_of(self, mention: Mention) -> str:
        entity = self.index.entity_of(mention)
        return entity.name if entity is not None else display_form(mention.text)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.analysis.mentions if m.start < end and start < m.end]

    def role_holder(self, role: str, before: int) -> str | None:
        """The last person named before ``before`` with ``role`` next to the name, or the
        last organisation whose name holds it ("the directorate" -> "National Roads
        Directorate")."""
        text = self.analysis.article.text
        word = re.compile(rf"\b{re.escape(role)}\b", re.I)
        for start, mention in reversed(self._people):
            if start >= before:
                continue
            if mention.label == "ORG":
                # "National Roads Directorate" for "the directorate"; "Mayor Dorotea Halvik"
                # (a name the NER took for an organisation) for "the mayor".
                title = text[max(0, mention.start - 30) : mention.start].split()[-1:]
                if word.search(mention.text) or (title and word.fullmatch(title[0])):
                    return self.name_of(mention)
                continue
            left = text[max(0, mention.start - 40) : mention.start]
            right = text[mention.end : mention.end + 50]
            left = re.split(r"[.;!?\"“”]", left)[-1]
            right = re.split(r"[.;!?\"“”]", right)[0]
            if word.search(left) or (right.startswith(",") and word.search(right)):
                return self.name_of(mention)
        return None

    def issuer_of(self, noun: str, before: int) -> str | None:
        """Who issued the document ``noun`` that the article last named before ``before``:
        "a statement from the ministry", "Clinton's campaign sent out an email", "in a
        statement, Menning said" -- a name in the same sentence, one after "from"/"by"
        first, else the nearest before the noun (never an outlet or an "according to")."""
        text = self.analysis.article.text
        found = None
        for match in re.finditer(rf"\b{re.escape(noun)}s?\b", text[:before], re.I):
            found = match
        if found is None:
            return None
        left = max(text.rfind(c, 0, found.start()) for c in ".!?\n") + 1
        stops = [i for i in (text.find(c, found.end()) for c in ".!?\n") if i >= 0]
        right = min([*stops, before])
        people = [
            m
            for m in self.analysis.mentions
            if m.label in {"PERSON", "ORG"}
            and left <= m.start
            and m.end <= right
            and not re.search(r"according\s+to\s+(?:the\s+)?$", text[left : m.start], re.I)
            and not _is_outlet(self.name_of(m), self)
        ]
        after = [
            m
            for m in people
            if m.start >= found.end()
            and re.search(r"\b(?:from|by)\b", text[found.end() : m.start], re.I)
        ]
        ahead = [m for m in people if m.end <= found.start()]
        mention = after[0] if after else ahead[-1] if ahead else None
        return self.name_of(mention) if mention is not None else None

    def heard(self, speaker: Speaker) -> None:
        self.last_speaker = speaker
        if speaker.person:
            self.subject_seen(speaker.name)

    def subject_seen(self, name: str) -> None:
        self.last_person = name
        if name in self._recent:
            self._recent.remove(name)
        self._recent.append(name)


def is_cue(token: Any) -> bool:
    """Say whether ``token`` introduces speech: a speech verb, or "according" (to)."""
    lower = token.lower_
    if lower == "according":
        return any(c.lower_ == "to" for c in token.children)
    return lower in SPEECH_VERBS and token.pos_ in {"VERB", "AUX"}


def is_reporting(token: Any) -> bool:
    """Say whether ``token`` is a verb that reports a claim ("said that ...")."""
    return token.lower_ in _REPORTING and token.pos_ == "VERB"


def _subject(cue: Any, inside: set[int]) -> Any | None:
    if cue.lower_ == "according":
        for to in cue.children:
            if to.lower_ == "to":
                objects = [c for c in to.children if c.dep_ == "pobj"]
                return objects[0] if objects else None
        return None
    verb = cue
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            # "was quoted as saying": the passive subject is the speaker too. A quoted word
            # the parse made a subject too ("“Anybody who …,” said Louise Sunshine") is not.
            outside = [c for c in subjects if c.i not in inside]
            return (outside or subjects)[0]
        if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head is not verb:
            if verb.head.i in inside:
                break  # the verb hangs from the quoted words: its subject is not theirs
            if verb.dep_ == "advcl" and verb.tag_ == "VBG":
                # "…, with David Schenker … telling reporters …": "with X V-ing" names X.
                for prep in verb.head.children:
                    if prep.lower_ == "with" and prep.dep_ == "prep" and prep.i < verb.i:
                        objects = [c for c in prep.children if c.dep_ == "pobj" and c.i < verb.i]
                        if objects and objects[0].i not in inside:
                            return objects[0]
            verb = verb.head
            continue
        break
    # "said X" parsed with X as an object of the verb (inverted attribution).
    objects = [c for c in cue.children if c.dep_ in {"dobj", "attr"} and c.i > cue.i]
    if objects and cue.lower_ in {"said", "says", "added", "continued", "wrote"}:
        return objects[0]
    return None


def cue_of(tokens: Sequence[Any], inside: set[int]) -> Any | None:
    """The speech verb a quoted span hangs from: walk up the parse from the quote's tokens.

    Args:
        tokens: the quote's tokens.
        inside: indices of every token within quotation marks in the paragraph.
    """
    for token in tokens:
        head = token.head
        for _ in range(4):
            if head.i in inside:
                break
            if is_cue(head):
                return head
            if head.head is head:
                break
            head = head.head
    # The parse may hang the attribution on the quoted words: "Emphasizing the urgency,
    # Trump said, “…”" gives the quote's verb two speech-verb children; the one with a
    # subject nearest the quote speaks ("Asked by X whether …, she said, “…”").
    children = [
        c for t in tokens for c in t.children if c.i not in inside and is_cue(c) and c.i != t.i
    ]
    if children:
        first, last = tokens[0].i, tokens[-1].i

        def rank(cue: Any) -> tuple[bool, int, int]:
            gap = first - cue.i if cue.i < first else cue.i - last
            return (_subject(cue, inside) is None, gap, cue.i)

        return min(children, key=rank)
    adjacent = _adjacent_cue(tokens, inside)
    if adjacent is not None:
        return adjacent
    # "According to Menning, the inquiry would be “precisely what …”".
    for token in tokens[0].sent:
        if token.i not in inside and token.lower_ == "according" and is_cue(token):
            return token
    return None


def named_before_colon(
    tokens: Sequence[Any], inside: set[int], *, colon: int | None = None
) -> Any | None:
    """The person a colon hands the quote to ("Republican pollster Daron Shaw: “…”").

    Args:
        tokens: the quote's tokens (or, with ``colon``, any token of its doc).
        inside: indices of the tokens within quotation marks.
        colon: the colon's index when the quote is in the next paragraph.
    """
    doc = tokens[0].doc
    if colon is None:
        i = tokens[0].i - 1
        while i >= 0 and (doc[i].is_space or doc[i].text in _OPENING):
            i -= 1
        if i >= 0 and doc[i].sent != tokens[0].sent:
            return None
    else:
        i = colon
    if i < 1 or i in inside or doc[i].text != ":":
        return None
    name = doc[i - 1]
    # "Republican pollster Daron Shaw: “…”", "… - HuffPollster: “…”" (a name the NER left
    # untyped; never a place or a date).
    if name.pos_ == "PROPN" and name.ent_type_ in {"PERSON", "ORG", ""}:
        return name
    # "She then addressed the supporters again: “…”": the person the clause is about. The
    # parse may hang the colon on the quoted words ("Trump went even further: “…”"): then
    # the clause is the one the word before the colon belongs to.
    verb = doc[i].head
    if verb.i in inside or verb.pos_ not in {"VERB", "AUX"}:
        verb = doc[i - 1]
        for _ in range(3):
            if verb.pos_ in {"VERB", "AUX"} or verb.head is verb:
                break
            verb = verb.head
    if verb.i in inside or verb.pos_ not in {"VERB", "AUX"}:
        return None
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i not in inside]
    if subjects and (
        subjects[0].ent_type_ in {"PERSON", "ORG"} or subjects[0].lower_ in {"he", "she"}
    ):
        return subjects[0]
    return None


def _adjacent_cue(tokens: Sequence[Any], inside: set[int]) -> Any | None:
    """A speech verb next to the quote that the parse did not link to it.

    After the quote: the first speech verb with a subject in the rest of the sentence ("…!"
    one person tweeted; "…," Trump, the front-runner, said). Before it: the last speech verb
    of the sentence when only a colon, a comma or nothing stands between them.
    """
    doc = tokens[0].doc
    last = tokens[-1].i + 1
    while last < len(doc) and (doc[last].is_punct or doc[last].is_space) and last not in inside:
        last += 1
    if last < len(doc) and last not in inside:
        sentence = doc[last].sent
        for token in doc[last : sentence.end]:
            if token.i in inside:
                break
            if is_cue(token) and _subject(token, inside) is not None:
                return token
    first = tokens[0].i - 1
    while first >= 0 and (doc[first].is_punct or doc[first].is_space) and first not in inside:
        first -= 1
    if first >= 0 and first not in inside and is_cue(doc[first]):
        return doc[first]
    gap = {t.text for t in doc[first + 1 : tokens[0].i]}
    if first >= 0 and first not in inside and not gap & {".", "!", "?", ";"}:
        # "telling reporters, “…”", "said in a statement, “…”": the verb's own words (its
        # object, a prepositional phrase) stand between it and the quote, in one sentence.
        head = doc[first]
        for _ in range(3):
            if head.head is head or head.head.i in inside or head.head.i > first:
                break
            head = head.head
            if is_cue(head):
                between = {t.i for t in head.subtree}
                if all(i in between for i in range(head.i, first + 1)):
                    return head
                break
    return None


def _phrase(subject: Any, inside: set[int]) -> list[Any]:
    """The subject's own words: no appositions, relative clauses or quoted words."""
    keep: list[Any] = []

    def walk(token: Any) -> None:
        if token.i in inside:
            return
        keep.append(token)
        for child in token.children:
            # A hyphen inside a word stays ("the 43-year-old", "rally-goers").
            if child.dep_ not in _CUT or (child.text in _HYPHENS and not child.whitespace_):
                walk(child)

    walk(subject)
    keep.sort(key=lambda t: t.i)
    # A contiguous run around the head.
    run = [subject]
    by_i = {t.i: t for t in keep}
    i = subject.i - 1
    while i in by_i:
        run.insert(0, by_i[i])
        i -= 1
    i = subject.i + 1
    while i in by_i:
        run.append(by_i[i])
        i += 1
    while run and run[-1].is_punct:
        run.pop()
    while run and (run[0].is_punct or run[0].dep_ == "preconj"):
        run.pop(0)
    return run or [subject]


def _is_outlet(name: str, context: SpeakerContext) -> bool:
    folded = name.casefold()
    return folded in _WIRES or (bool(context.outlet) and folded == context.outlet)


def _description(words: Sequence[Any]) -> str:
    text = "".join(t.text_with_ws for t in words).strip()
    first = words[0]
    if first.pos_ in {"DET", "NUM", "PRON"} or first.lower_ == "one":
        text = text[:1].lower() + text[1:]
    return text


def speaker_of(cue: Any, base: int, inside: set[int], context: SpeakerContext) -> Speaker | None:
    """Resolve who speaks through ``cue`` (a token of a paragraph starting at ``base``).

    Returns:
        The speaker, or None when the text names none we may print (outlet, bare noun).
    """
    subject = _subject(cue, inside)
    if subject is None or subject.i in inside:
        subject = _nearby_subject(cue, inside)
    if subject is None:
        return None
    return speaker_named_by(subject, base, inside, context)


def _nearby_subject(cue: Any, inside: set[int]) -> Any | None:
    """The noun between a quote and its verb when the parse gave the verb no subject
    ("…," Ramos, 58, told AFP: "told" parsed as a conjunct of the quoted verb)."""
    doc = cue.doc
    i = cue.i - 1
    while i >= cue.sent.start and i not in inside:
        i -= 1
    if i >= cue.sent.start:  # after the quote: the first noun between it and the verb
        candidates = [
            t
            for t in doc[i + 1 : cue.i]
            if t.pos_ in {"PROPN", "NOUN", "PRON"}
            # "…,” Bozell notes.": a compound on the verb itself is its misparsed subject.
            and (t.dep_ not in {"poss", "compound"} or t.head.i == cue.i)
        ]
        return candidates[0] if candidates else _after(cue, inside)
    # Before the quote ("Clinton seemed ready, telling the crowd, “…”"): the last subject.
    subjects = [t for t in doc[cue.sent.start : cue.i] if t.dep_ in {"nsubj", "nsubjpass"}]
    if subjects:
        return subjects[-1]
    # "In a statement to the Observer, her adviser, Jake Sullivan, said: “…”" (the parse
    # hung the adviser on the Observer): the name that ends right before the verb.
    i = cue.i - 1
    while i > cue.sent.start and doc[i].is_punct:
        i -= 1
    named = doc[i].ent_type_ in {"PERSON", "ORG"} and doc[i].pos_ == "PROPN"
    return doc[i] if i < cue.i - 1 and named and i not in inside else None


def _after(cue: Any, inside: set[int]) -> Any | None:
    """The name right after an inverted speech verb the parse did not make its subject
    ("…," said Skelly, explaining …; "…," said retired neurosurgeon Ben Carson, asked …)."""
    for token in cue.doc[cue.i + 1 : cue.sent.end]:
        if token.i in inside:
            return None
        if token.dep_ in {"det", "amod", "compound", "nummod"} or token.pos_ in {"DET", "ADJ"}:
            continue
        named = token.pos_ in {"PROPN", "NOUN"} or token.ent_type_ in {"PERSON", "ORG"}
        return token if named or (token.is_alpha and token.is_title) else None
    return None


def speaker_named_by(
    subject: Any, base: int, inside: set[int], context: SpeakerContext
) -> Speaker | None:
    """Resolve the speaker a subject token names (see the module docstring for the order).

    Subjects joined by "and" ("Washington and Baghdad cited …") speak together: each is
    resolved, and the speaker is all of them, or None when one of them cannot be named.
    """
    joined = [c for c in subject.children if c.dep_ == "conj" and c.i not in inside]
    if joined and any(c.dep_ == "cc" and c.lower_ == "and" for c in subject.children):
        parts = [_named_one(t, base, inside, context) for t in (subject, *joined)]
        if any(p is None for p in parts):
            return None
        found = [p for p in parts if p is not None]
        names = list(dict.fromkeys(p.name for p in found))
        if len(names) == 1:
            return found[0]
        name = ", ".join(names[:-1]) + " and " + names[-1]
        return Speaker(name, min(p.start for p in found), max(p.end for p in found))
    return _named_one(subject, base, inside, context)


def _named_one(
    subject: Any, base: int, inside: set[int], context: SpeakerContext
) -> Speaker | None:
    for child in subject.children:
        # "The directorate's director-general, Aurel Menning, said": the name in apposition.
        if child.dep_ == "appos" and child.ent_type_ == "PERSON" and child.i not in inside:
            subject = child
            break
    words = _phrase(subject, inside)
    start = base + words[0].idx
    end = base + words[-1].idx + len(words[-1].text)
    lower = subject.lower_
    if lower in {"i", "we"} and context.analysis.article.author:
        # First person outside quotes is the writer (a column, a memoir).
        return Speaker(context.analysis.article.author, start, end, person=True)
    if lower in {"who", "which", "that"} and subject.head.dep_ == "relcl":
        # "from Mike Lee, who declared in the spin room, “…”": the relative clause's noun.
        # The mention stays the pronoun (the words of the attribution).
        antecedent = subject.head.head
        if antecedent.i == subject.i or antecedent.i in inside:
            return None
        found = speaker_named_by(antecedent, base, inside, context)
        if found is None:
            return None
        at = base + subject.idx
        return Speaker(found.name, at, at + len(subject.text), found.person)
    if subject.pos_ == "PRON" or lower in _PRONOUNS_PERSON | _PRONOUNS_GROUP:
        if lower in _PRONOUNS_PERSON:
            name = context.person_for(lower, start)
            return Speaker(name, start, end, person=True) if name else None
        if lower in _PRONOUNS_GROUP and context.last_speaker is not None:
            return Speaker(context.last_speaker.name, start, end, context.last_speaker.person)
        return None
    phrase = "".join(t.text_with_ws for t in words).strip()
    mentions = [
        m for m in context.mentions_in(start, end) if m.label in {"PERSON", "ORG", "GPE", "NORP"}
    ]
    head_at = base + subject.idx
    common = subject.pos_ in {"NOUN", "NUM"} or subject.text.islower()
    if common:
        # "a WeWork spokesperson": the organisation only modifies the describing noun.
        mentions = [m for m in mentions if m.start <= head_at < m.end]
    named = [m for m in mentions if m.label in {"PERSON", "ORG"}] or [
        m for m in mentions if m.start <= head_at < m.end
    ]
    if named:
        person = [m for m in named if context.is_person(m)]
        mention = (person or named)[0]
        name = context.name_of(mention)
        is_person = context.is_person(mention)
        # A person named like an outlet ("Bloomberg told New York magazine", the former mayor)
        # is a speaker; an organisation called so is the outlet.
        if not is_person and (_is_outlet(name, context) or _is_outlet(mention.text, context)):
            return None
        return Speaker(name, start, end, person=is_person)
    if lower in _GENERIC:
        for token in subject.subtree:
            if token.lower_ in {"from", "by", "of"} and token.head is subject:
                issuers = context.mentions_in(base + token.idx, end)
                if issuers:
                    return Speaker(context.name_of(issuers[0]), start, end)
        modified = any(t.dep_ in {"amod", "compound", "poss", "nmod"} for t in subject.children)
        if modified:
            return Speaker(_description(words), start, end)
        determiners = [t.lower_ for t in subject.children if t.dep_ == "det"]
        if determiners[:1] == ["the"]:
            # "the statement said": the body whose statement the story named before.
            issuer = context.issuer_of(lower, start)
            if issuer is not None:
                return Speaker(issuer, start, end)
        return None
    # A capitalised word mid-sentence the tagger took for an adverb ("said Skelly,") names.
    proper = subject.pos_ == "PROPN" or (
        subject.is_title and subject.is_alpha and subject.i > subject.sent.start
    )
    if proper and not common:
        if _is_outlet(phrase, context):
            return None
        entity = context.index.resolve(phrase, context.analysis.article.id)
        if entity is not None:
            return Speaker(entity.name, start, end, person=entity.type == "PERSON")
        if phrase[:1].isupper() and phrase.casefold() not in _TITLE_WORDS:
            return Speaker(display_form(phrase), start, end)
        return None
    if not common or (subject.pos_ == "NUM" and lower != "one"):
        return None
    determiners = [t for t in words if t.dep_ in {"det", "poss"} and t.i < subject.i]
    if determiners and determiners[0].lower_ in {"the", "this", "that"}:
        holder = context.role_holder(lower, start)
        if holder is not None:
            return Speaker(holder, start, end, person=holder[:1].isupper())
    return Speaker(_description(words), start, end)
