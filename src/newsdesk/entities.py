"""One name per real-world entity: resolve NER mentions across outlets into ``Entity`` records.

Outlets spell the same person differently (al-Kadhimi / Al-Kadhimi / Kadhemi / Kahdimi,
Soleimani / Suleimani), shorten names (Kadhemi for Mustafa Kadhemi, Mr Schenker) and switch
between acronyms and long forms (US / United States; ISIS defined as "the Islamic State
(ISIS)"). We resolve them without any list of names:

* **Alias rules** (``entity_aliases``): transliteration folding (``fold_token``: Kadhimi,
  Kadhemi and Kahdimi all fold to ``kadimi``), token alignment anchored on the last name
  (``names_compatible``: "Adel Abdel Mahdi" is not "Abu Mahdi al-Muhandis"), acronyms,
  partial names of organisations and places, and short forms of facility and company
  names ("Betty Ford" of "Betty Ford Center").
* **Type** (``entity_types``): voted by all mentions of all sources with their context.
* **Context**: a bare surname that fits several full names is attached to the one its own
  article names; a one-word mention that the NER model mislabels (Kadhemi as GPE) joins a
  person only when that article names the person in full; ``LONG (ACR)`` in a sentence
  defines an acronym.
* **Non-names**: an office alone ("Harbour Master", "the Prime Minister") belongs to the
  person the story names with it and is otherwise dropped; a one-word piece of a longer
  name ("Islamic" of "anti-Islamic State") goes to that name; a source's outlet, a name
  "told" things that no person of the story carries, and "X Radio" are organisations.

The canonical name is the most complete form (most name tokens), then the most frequent
spelling, so the output says "Mustafa al-Kadhimi" with the other spellings as aliases.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .entity_aliases import (
    DESIGNATORS,
    AliasGroup,
    fold_token,
    is_acronym,
    join_nicknames,
    merge_aliases,
    names_compatible,
    short_forms,
)
from .entity_nonnames import (
    BESIDE,
    OWN,
    attach_heads,
    attach_roles,
    fold_fragments,
    names_outlet,
    office,
    outlet_keys,
    told_outlets,
)
from .entity_types import (
    PERSON,
    PERSON_TITLES,
    PLACE,
    PLACES,
    by_referent,
    context_votes,
    cue_votes,
    modifier_of,
    named_after,
    type_of,
)
from .frequencies import zipf
from .models import ArticleAnalysis, Entity, Mention

__all__ = [
    "ENTITY_LABELS",
    "EntityIndex",
    "display_form",
    "fold_token",
    "is_english",
    "is_english_code",
    "name_tokens",
    "names_compatible",
    "resolve_entities",
]

# Labels that name people, organisations and places. NORP (Iraqi, Shiite) are adjectives of
# groups, not referents; DATE/CARDINAL are handled by timelines/quantities.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})


_TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "gen", "president", "prime", "minister", "lt"}
    | {"gov", "sen", "rep", "rev", "sgt", "capt", "col", "det", "prof"}
)
TITLE_WORDS = _TITLES  # titles left out of a name's tokens
_PARTICLE = re.compile(r"^(?:al|el|ul|ad|ar|as|ash|at|az)[-\u2010\u2011’']", re.IGNORECASE)
_PARTICLE_WORDS = frozenset({"al", "el", "ul"})
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_LEADING_PREPOSITION = re.compile(r"^(?:In|On|At|Near|Outside|Inside|IN|ON|AT)\s+(?=[A-Z])")
# "Gov.Sarah Palin": a title run into the name it precedes.
_RUN_IN_TITLE = re.compile(r"\b([A-Z][a-z]{1,3})\.(?=[A-Z][a-z])")
# Where a facility or body is, or what it is, after its name: "Morningside Recovery in
# Newport Beach, Calif", "Morningside Recovery, a treatment facility". Only after two words
# or more: "Research in Motion" keeps its "in".
_QUALIFIER = re.compile(r"\s+in\s+(?=[A-Z])|,\s+(?:a|an|the)\s+(?=[a-z])")
# "City of Palmer" is Palmer, "the Island of Qeshm" Qeshm ("District of Columbia" is not).
_KIND_OF = re.compile(r"^(?:city|town|village|province|county|island|state)\s+of\s+(?=\S)", re.I)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_QUOTES = "“”\"‘’'«»()[]"
_NICKNAME = re.compile(
    r"(?<=\S)\s*(?:\([^()]{1,30}\)|[\"“][^\"“”]{1,30}[\"”]|(?<=\s)['‘][^'‘’\s][^'‘’]{0,28}['’](?=\s))"
    r"\s*(?=\S)"
)
_ACRONYM_DEFINITION = re.compile(r"\(([A-Z][A-Za-z.]{1,7})\)")
# A mention of more words is a run-together headline or a clause, no name. Chosen on ECB+
# train topics (benchmarks/entity_merging.py --sweep MAX_NAME_TOKENS=4,5,6,7,8,10,20
# --sweep-typing): alias B3 F1 0.8876/0.8886/0.8887/0.8891/0.8891 at 4/5/6/7/8 words (P
# 0.981 at each; 8 keeps "Morningside Recovery, a treatment facility in Newport Beach", R
# 0.8190 -> 0.8191), the same at 10 and 20; train typing 88.6 at 4, 89.3 at 5, 89.4 from 6.
_MAX_NAME_TOKENS = 8
_SCORE = re.compile(r"(?<=[^\W\d_])\s+\d{1,3}\s*-\s*\d{1,3}$")
_APPOSITION = re.compile(r"\s*,\s*(?:\d{1,3}|[A-Z][A-Za-z]?\.?(?:[A-Z]\.?){0,3}|Jr\.?|Sr\.?)$")
_WEB_SUFFIX = re.compile(r"(?<=\w)\s?\.\s?(?:com|net|org|co\.uk)$", re.IGNORECASE)

# A one-word organisation or place whose name is this common a word ("State" 5.8, "White"
# 5.5) is no name; "Police" 5.3, "Congress" 4.9, "Google" 4.9 are kept. Chosen on ECB+ train
# topics (benchmarks/entity_merging.py --split train): 5.0 dropped gold ORG mentions
# ("Police"), 5.5 none; re-run it after changing.
_COMMON_ZIPF = 5.5
# A place's kind written after its name in lower case is no part of the name.
_PLACE_KINDS = frozenset(
    {"city", "town", "village", "province", "state", "county", "region", "district"}
    | {"island", "islands", "capital", "neighborhood", "neighbourhood", "area", "country"}
)
# Abbreviated name words (unambiguous ones): Mt Cook = Mount Cook, Ft Worth = Fort Worth.
_ABBREVIATIONS = {"mt": "mount", "mtn": "mountain", "ft": "fort"}
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Labels the NER gives names it does not recognise as such ("Klitschko" NORP, "Jermayne"
# PRODUCT): such a one-word mention only joins a person its own article names in full.
_JOINERS = frozenset({"NORP", "PRODUCT", "WORK_OF_ART"})
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def display_form(text: str) -> str:
    """Return a mention as it should be shown: no leading article, possessive or stray quotes.

    Args:
        text: the mention's surface text.

    Returns:
        The cleaned form ("the State Department’s" -> "State Department").
    """
    text = " ".join(text.split()).strip(_QUOTES + " ,;:")
    text = _LEADING_ARTICLE.sub("", text).lstrip(".,;: ")
    # A headline's preposition is no part of the name: "On Qeshm Island", "In Athens".
    text = _LEADING_PREPOSITION.sub("", text)
    text = _RUN_IN_TITLE.sub(r"\1. ", text)
    # An apposition after a comma is not part of the name: "Eric Kirkpatrick, 61",
    # "Regina Benjamin, MD", "Arcade Comeaux, Jr.".
    text = _APPOSITION.sub("", text)
    text = _POSSESSIVE.sub("", text).strip(_QUOTES + " ,;:")
    # Keep the full stop of an initialism ("U.S."), drop a sentence's.
    return text if re.search(r"\b[A-Z]\.$", text) else text.rstrip(".")


def name_tokens(text: str) -> tuple[str, ...]:
    """Split a name into folded tokens without titles and Arabic article particles.

    Args:
        text: a display form of a name ("Mustafa al-Kadhimi", "Mr Schenker").

    Returns:
        Folded tokens ("mustafa", "kadimi"); "U.S." gives ("us",). A nickname inside the
        name is left out: 'Vincent "The Chin" Gigante' and "Luis (Jerry) Ortiz" give the
        tokens of Vincent Gigante and Luis Ortiz.
    """
    text = _NICKNAME.sub(" ", text)
    text = _KIND_OF.sub("", text)
    qualifier = _QUALIFIER.search(text)
    if qualifier is not None and len(text[: qualifier.start()].split()) > 1:
        text = text[: qualifier.start()]
    # A web address names its host: TMZ.com is TMZ (the form keeps it: "People.com" is a
    # name where "People" alone is a common word).
    text = _WEB_SUFFIX.sub("", text)
    words = [w for w in re.split(r"[\s\u2010\u2011\-]+(?=[A-Z])|\s+", text) if w]
    tokens: list[str] = []
    for index, word in enumerate(words):
        bare = word.strip(_QUOTES + ".,")
        if re.fullmatch(r"(?:[A-Z]\.){2,}", bare + ("." if not bare.endswith(".") else "")):
            bare = bare.replace(".", "")
        bare = _PARTICLE.sub("", bare)
        lowered = bare.lower().rstrip(".")
        if not lowered or lowered in _PARTICLE_WORDS:
            continue
        if index == 0 and lowered in _TITLES and len(words) > 1:
            continue
        if index == len(words) - 1 and tokens and lowered.replace(".", "") in DESIGNATORS:
            continue  # "General Motors Corp" is General Motors, "Apple Inc." is Apple
        if index == len(words) - 1 and len(tokens) > 1 and lowered in _GENERATIONS:
            continue  # "Arcade Joseph Comeaux Jr." is Comeaux
        if index == len(words) - 1 and tokens and bare in _PLACE_KINDS:
            continue  # "Qeshm island" is Qeshm; "Kansas City" keeps its capital
        folded = fold_token(_ABBREVIATIONS.get(lowered, bare))
        if folded:
            tokens.append(folded)
    return tuple(tokens)


@dataclass(frozen=True)
class EntityIndex:
    """Entities of a story plus the map from each mention to its entity.

    ``by_mention`` maps ``(article_id, start, end)`` of a ``Mention`` to the index of its
    entity in ``entities``. ``resolve`` finds the entity a free-text name refers to (for
    quote speakers and quantity owners).
    """

    entities: tuple[Entity, ...]
    by_mention: Mapping[tuple[str, int, int], int]
    keys: tuple[tuple[tuple[str, ...], ...], ...]
    # Articles not in English: the English NER is not run on them (their names are unread).
    unread: tuple[str, ...] = ()

    def entity_of(self, mention: Mention) -> Entity | None:
        """Return the entity a mention was resolved to, if any."""
        index = self.by_mention.get((mention.article_id, mention.start, mention.end))
        return None if index is None else self.entities[index]

    def resolve(self, name: str, article_id: str | None = None) -> Entity | None:
        """Return the entity ``name`` denotes, preferring entities of ``article_id``.

        Args:
            name: a surface name ("Schenker", "Mr Schenker", "the U.S.").
            article_id: the article the name occurs in (context for bare surnames).

        Returns:
            The entity, or None when no entity or more than one fits.
        """
        tokens = name_tokens(display_form(name))
        if not tokens:
            return None
        exact = [i for i, keys in enumerate(self.keys) if tokens in keys]
        if len(exact) == 1:
            return self.entities[exact[0]]
        candidates = exact or [
            i
            for i, keys in enumerate(self.keys)
            if self.entities[i].type == PERSON
            and any(names_compatible(tokens, key) for key in keys if len(key) >= len(tokens))
        ]
        if len(candidates) > 1 and article_id is not None:
            candidates = [i for i in candidates if article_id in self.entities[i].article_ids]
        return self.entities[candidates[0]] if len(candidates) == 1 else None


def _usable(mention: Mention) -> str | None:
    if mention.label not in ENTITY_LABELS | _JOINERS:
        return None
    # A score after a name is no part of it ("Evansville 91-73", "Klitschko 19 - 2").
    form = _SCORE.sub("", display_form(mention.text))
    # A hyphen written with spaces inside a name, as tokenised dumps write it: one word on a
    # side ("T - Mobile USA", "Dominique Strauss - Kahn"); longer runs on both sides are
    # headlines run together ("Red Sox - Teixeira Rumor").
    sides = form.split(" - ")
    if (
        len(sides) == 2
        and min(len(sides[0].split()), len(sides[1].split())) == 1
        and sides[0][-1:].isalpha()
        and sides[1][:1].isalpha()
    ):
        form = "-".join(sides)
    words = form.split()
    # Run-together headline promos ("Van Hunt Romance - Facebook Rolls") are not names.
    if (
        not words
        or len(words) > _MAX_NAME_TOKENS
        or " - " in form
        # A token of digits alone is a score, a date or an age ("Klitschko 19 - 2"); digits
        # inside a word belong to the name ("Philadelphia 76ers", "G20").
        or any(w.strip(".,;:") and not any(c.isalpha() for c in w) for w in words)
    ):
        return None
    if not any(c.isalpha() for c in form):
        return None
    # A name has a capital where its script has case: "eastern" is no name.
    if any(c.lower() != c.upper() for c in form) and not any(c.isupper() for c in form):
        return None
    return form


def _without_title(form: str) -> str:
    """A person's name without the office before it ("Transport Minister Ilyas Varkonen")."""
    words = form.split()
    cut = max(
        (i + 1 for i, w in enumerate(words[:-1]) if w.lower().strip(".") in PERSON_TITLES),
        default=0,
    )
    return " ".join(words[cut:]) if cut else form


def is_english_code(language: str | None) -> bool:
    """Whether a language code is English or unknown ("en", "en-GB", None)."""
    code = (language or "en").lower()
    return code == "en" or code.startswith(("en-", "en_"))


def is_english(analysis: ArticleAnalysis) -> bool:
    """Whether the English NER may read this article (its language is unknown or English)."""
    return is_english_code(analysis.article.language)


def _word_cases(analyses: Sequence[ArticleAnalysis]) -> tuple[Counter[str], Counter[str]]:
    """Per lower-cased word: its lower-case and its capitalised uses inside sentences."""
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for analysis in analyses:
        for sentence in analysis.sentences:
            for word in _WORD.findall(sentence.text)[1:]:  # a sentence's first word is capitalised
                if word.islower():
                    lower[word] += 1
                elif word[:1].isupper() and not word.isupper():
                    upper[word.lower()] += 1
    return lower, upper


def _common_word(form: str, lower: Counter[str], upper: Counter[str]) -> bool:
    """A one-word mention the story mostly writes in lower case ("State", "Transport")."""
    if len(form.split()) != 1 or is_acronym(form):
        return False
    word = form.lower()
    return lower[word] > upper[word]


def _common_english(form: str) -> bool:
    """A one-word form that is among the commonest English words (wordfreq's Zipf scale)."""
    if " " in form or is_acronym(form):
        return False
    return zipf(form.lower(), "en") >= _COMMON_ZIPF


def _acronym_pairs(analyses: Sequence[ArticleAnalysis]) -> set[tuple[str, tuple[str, ...]]]:
    """Find ``Long Form (ACR)`` definitions: (acronym, folded long form) pairs."""
    pairs: set[tuple[str, tuple[str, ...]]] = set()
    for analysis in analyses:
        by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for mention in analysis.mentions:
            by_sentence[mention.sentence].append(mention)
        for sentence in analysis.sentences:
            for match in _ACRONYM_DEFINITION.finditer(sentence.text):
                before = sentence.text[: match.start()].rstrip()
                for mention in by_sentence.get(sentence.index, []):
                    form = display_form(mention.text)
                    if form and before.endswith(form) and len(form.split()) > 1:
                        pairs.add((match.group(1).replace(".", "").upper(), name_tokens(form)))
    return pairs


def resolve_entities(analyses: Sequence[ArticleAnalysis]) -> EntityIndex:
    """Resolve the NER mentions of a story into one ``Entity`` per referent.

    Args:
        analyses: the story's analysed articles (sentences + mentions).

    Returns:
        An ``EntityIndex``: entities sorted by sources, then mentions, then name; and the
        mention -> entity map.

    Example:
        >>> index = resolve_entities(analyses)  # doctest: +SKIP
        >>> index.resolve("Kadhemi").name  # doctest: +SKIP
        'Mustafa al-Kadhimi'
    """
    # The English NER's mentions of an article in another language are noise ("45 entities"
    # on a Korean page): such articles are skipped and listed in ``EntityIndex.unread``.
    english = [a for a in analyses if is_english(a)]
    unread = tuple(sorted(a.article.id for a in analyses if not is_english(a)))
    lower, upper = _word_cases(english)
    outlets = outlet_keys(english)
    texts = {a.article.id: a.article.text for a in english}
    mentions: list[tuple[Mention, str, tuple[str, ...]]] = []
    votes: list[Counter[str]] = []
    modifiers: list[str | None] = []
    roles: list[tuple[Mention, str, tuple[str, ...]]] = []
    commons: list[tuple[Mention, str, tuple[str, ...]]] = []
    pending: list[tuple[Mention, str, tuple[str, ...], Counter[str], str | None]] = []
    for analysis in english:
        for mention in analysis.mentions:
            form = _usable(mention)
            if form is None:
                continue
            if _common_word(form, lower, upper):
                commons.append((mention, form, name_tokens(form)))
                continue
            vote = context_votes(mention, form, analysis.article.text)
            form = _without_title(form) if mention.label == PERSON else form
            tokens = name_tokens(form)
            if tokens:
                if names_outlet(tokens, outlets):
                    vote["ORG"] += 3  # the outlet of one of the story's sources
                modifier = modifier_of(mention, analysis.article.text)
                pending.append((mention, form, tokens, vote, modifier))
    # A name the NER gives no entity label ("The Red Sox" WORK_OF_ART, "Lionsgate" NORP) is
    # one when the story also writes it with one; a longer one is kept only then.
    named = {tokens for m, _, tokens, _, _ in pending if m.label not in _JOINERS}
    pending = [p for p in pending if p[0].label not in _JOINERS or " " not in p[1] or p[2] in named]
    # "Harbour Master", "President": an office, no name (resolved at the end). One word is a
    # name when a person of the story carries it ("King" beside Billy King).
    offices = [office(form, lower) for _, form, _, _, _ in pending]
    carried = {
        tokens[-1]
        for (_, _, tokens, vote, _), is_office in zip(pending, offices, strict=True)
        if len(tokens) > 1 and not is_office and type_of(vote, Counter()) == PERSON
    }
    for (mention, form, tokens, vote, modifier), is_office in zip(pending, offices, strict=True):
        if is_office and (len(form.split()) > 1 or tokens[-1] not in carried):
            roles.append((mention, form, tokens))
        else:
            mentions.append((mention, form, tokens))
            votes.append(vote)
            modifiers.append(modifier)
    if not mentions:
        return EntityIndex(entities=(), by_mention={}, keys=(), unread=unread)
    told_outlets(mentions, votes, texts)
    person_vote = [type_of(v, Counter()) == PERSON for v in votes]
    # A longer name without entity label is whatever the story calls it with one.
    labelled = {
        t: person_vote[i] for i, (m, _, t) in enumerate(mentions) if m.label not in _JOINERS
    }
    for i, (mention, form, tokens) in enumerate(mentions):
        if mention.label in _JOINERS and " " in form:
            person_vote[i] = labelled.get(tokens, person_vote[i])

    # 1. Group by (folded key, person-or-not): the unit that later rules merge.
    group_of_key: dict[tuple[tuple[str, ...], bool], int] = {}
    members: list[list[int]] = []
    for m_index, (_, _, tokens) in enumerate(mentions):
        slot = (tokens, person_vote[m_index])
        if slot not in group_of_key:
            group_of_key[slot] = len(members)
            members.append([])
        members[group_of_key[slot]].append(m_index)
    groups: list[AliasGroup] = []
    for (key, _), g_index in group_of_key.items():  # insertion order == group index
        idx = members[g_index]
        groups.append(
            AliasGroup(
                key=key,
                forms=tuple(mentions[i][1] for i in idx),
                labels=tuple(mentions[i][0].label for i in idx),
                articles=frozenset(mentions[i][0].article_id for i in idx),
            )
        )
    is_person = [
        type_of(_summed(mentions, votes, members[g]), Counter()) == PERSON
        for g in range(len(groups))
    ]
    # 2.-5. Aliases: one key whatever the votes, spelling variants, acronyms, partial names.
    is_org = [
        type_of(_summed(mentions, votes, members[g]), Counter()) == "ORG"
        for g in range(len(groups))
    ]
    common = [len(g.key) < 2 and _common_english(g.forms[0]) for g in groups]
    union = merge_aliases(groups, is_person, is_org, common, _acronym_pairs(analyses))
    nicknames = [
        frozenset(
            (*name_tokens(nick[0]), *group.key[-1:])
            for form in group.forms
            if (nick := _NICKNAME.search(form)) is not None and len(name_tokens(nick[0])) == 1
        )
        for group in groups
    ]
    join_nicknames(groups, union, is_person, nicknames)
    # A short form of one facility or company name votes as that name ("Betty Ford" of
    # "Betty Ford Center"), unless a person of the story carries it, its context says
    # person or it is voted a place (Baghdad is no short form of Baghdad International Airport).
    cued = {t for i, (m, _, t) in enumerate(mentions) if cue_votes(m, votes[i])[PERSON] >= 3}
    blocked = [
        common[g]
        or group.key in cued
        or type_of(_summed(mentions, votes, members[g]), Counter()) == "GPE"  # Baghdad
        or all(is_acronym(f) for f in group.forms)
        or any(
            is_person[o]
            and len(other.key) > len(group.key)
            and names_compatible(group.key, other.key)
            for o, other in enumerate(groups)
        )
        for g, group in enumerate(groups)
    ]
    kinds = [named_after(max(g.forms, key=lambda f: (len(f.split()), f))) for g in groups]
    for g_index, kind in short_forms(groups, union, kinds, blocked).items():
        for m_index in members[g_index]:
            votes[m_index][kind] += 3

    # 6. Partial person names and mislabelled one-word mentions, decided per mention with
    #    the article as context.
    assignment: list[int] = [
        union.find(group_of_key[(t, person_vote[i])]) for i, (_, _, t) in enumerate(mentions)
    ]
    cluster_keys: dict[int, set[tuple[str, ...]]] = defaultdict(set)
    cluster_articles: dict[int, set[str]] = defaultdict(set)
    for g_index, group in enumerate(groups):
        if is_person[g_index] and len(group.key) > 1:
            root = union.find(g_index)
            cluster_keys[root].add(group.key)
            cluster_articles[root].update(group.articles)
    surnames = {k[-1:] for keys in cluster_keys.values() for k in keys}
    # A name whose own mentions say it is no person ("Dell said its profit", "Dell shares")
    # is another referent than the person it also names (Michael Dell): it joins no one.
    cues: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for m_index, (mention, _, tokens) in enumerate(mentions):
        if modifiers[m_index] is None:  # "the Obama administration" says nothing of Obama
            cues[tokens].update(cue_votes(mention, votes[m_index]))
    not_person = {
        tokens
        for tokens, cue in cues.items()
        if max((n for kind, n in cue.items() if kind != PERSON), default=0) >= 3 + cue[PERSON]
    }
    for m_index, (mention, _, tokens) in enumerate(mentions):
        own = group_of_key[(tokens, person_vote[m_index])]
        if (
            is_person[own]
            and len(tokens) > 1
            and any(len(k) > len(tokens) for k in cluster_keys[union.find(own)])
        ) or tokens in not_person:
            if mention.label in _JOINERS and len(tokens) == 1 and tokens not in named:
                assignment[m_index] = -1  # an unknown word ("Iraqi" NORP) named no one here
            continue
        reach = {
            root: min(len(k) for k in fitting)
            for root, keys in cluster_keys.items()
            if root != union.find(own)
            and (
                fitting := [k for k in keys if len(k) > len(tokens) and names_compatible(tokens, k)]
            )
        }
        # A full name goes to the nearest longer name (as in step 3); a bare surname to any.
        nearest = min(reach.values(), default=0)
        fits = sorted(r for r, n in reach.items() if len(tokens) == 1 or n == nearest)
        if not is_person[own] or mention.label in _JOINERS:
            # A mislabelled mention joins a person only if its own article names that person.
            fits = (
                [r for r in fits if mention.article_id in cluster_articles[r]]
                if len(tokens) == 1
                else []
            )
        elif len(fits) > 1:
            fits = [r for r in fits if mention.article_id in cluster_articles[r]]
        if not fits and len(tokens) == 1 and is_person[own] and tokens not in surnames:
            # A first name alone ("Lindsay") is the one person its article names with it.
            fits = sorted(
                root
                for root, keys in cluster_keys.items()
                if root != union.find(own)
                and mention.article_id in cluster_articles[root]
                and any(k[0] == tokens[0] for k in keys)
            )
            fits = fits if len(fits) == 1 else []
        if len(fits) == 1:
            assignment[m_index] = fits[0]
            # Part of a person's name: it votes as the person ("Thompson" tagged ORG).
            votes[m_index] = Counter({PERSON: 2})
        elif mention.label in _JOINERS and tokens not in named:
            assignment[m_index] = -1  # joins no one: not a name of this story
    weight = [OWN] * len(mentions)
    fold_fragments(mentions, assignment, weight, texts)
    attach_roles(roles, mentions, person_vote, assignment, weight, texts)
    attach_heads(commons, mentions, assignment, weight)
    for mention, form, tokens in [*roles, *commons]:
        mentions.append((mention, form, tokens))
        votes.append(Counter())
        modifiers.append(None)
    kept = [i for i, root in enumerate(assignment) if root >= 0]
    return _build_index(
        [mentions[i] for i in kept],
        [votes[i] for i in kept],
        [assignment[i] for i in kept],
        [modifiers[i] for i in kept],
        [weight[i] for i in kept],
        unread,
    )


def _canonical(forms: Counter[str]) -> str:
    """Most complete form (most name tokens; an acronym counts none), not shouted, then the
    most frequent spelling ignoring case, then the most frequent casing, then the form with
    more lower-case letters (al-Kadhimi over Al-Kadhimi) and the longer one. Between equally
    frequent forms, the one without a corporate designator or a place kind wins (Apple over
    Apple Inc, Qeshm over Qeshm island or City of Qeshm). A form two or more words longer
    than a full name used more than once is a run-together headline ("Obama To Nominate
    Regina Benjamin" beside "Regina Benjamin" twice), not the entity's name."""

    def spelled(form: str) -> int:
        return sum(n for f, n in forms.items() if f.casefold() == form.casefold())

    common = [len(name_tokens(f)) for f in forms if spelled(f) > 1 and len(name_tokens(f)) > 1]
    longest = min(common, default=_MAX_NAME_TOKENS) + 1

    def rank(form: str) -> tuple[bool, int, bool, int, int, bool, int, int, str]:
        informative = len(name_tokens(form)) if not is_acronym(form) else 0
        shouted = form.isupper() and not is_acronym(form)
        lower = sum(c.islower() for c in form)
        words = form.split()
        designated = (
            len(words) > 1
            and (words[-1].lower().rstrip(".") in DESIGNATORS or words[-1] in _PLACE_KINDS)
            or bool(_KIND_OF.match(form))
        )
        return (
            len(name_tokens(form)) > longest,
            -informative,
            shouted,
            -spelled(form),
            -forms[form],
            designated,
            -lower,
            -len(form),
            form,
        )

    return sorted(forms, key=rank)[0]


def _summed(
    mentions: Sequence[tuple[Mention, str, tuple[str, ...]]],
    votes: Sequence[Counter[str]],
    indices: Iterable[int],
    weight: Sequence[int] | None = None,
) -> Counter[str]:
    """The type votes of some mentions: every context cue, but one NER label vote per form
    and article. An article that repeats a name repeats the model's one judgement of it
    (Bettie Page ORG twelve times): counted per mention, it outvoted every cue. ECB+ train
    typing 83.3 -> 84.2 (benchmarks/entity_merging.py --split train)."""
    total: Counter[str] = Counter()
    seen: set[tuple[str, str, str]] = set()
    for i in indices:
        if weight is not None and weight[i] != OWN:
            continue  # a piece of a name or a role votes as its entity, not for it
        mention, form, _ = mentions[i]
        total.update(cue_votes(mention, votes[i]))
        if (mention.article_id, form, mention.label) not in seen:
            seen.add((mention.article_id, form, mention.label))
            total[PLACE if mention.label in PLACES else mention.label] += 2
    return total


def _build_index(
    mentions: Sequence[tuple[Mention, str, tuple[str, ...]]],
    votes: Sequence[Counter[str]],
    assignment: Sequence[int],
    modifiers: Sequence[str | None],
    weight: Sequence[int],
    unread: tuple[str, ...],
) -> EntityIndex:
    clusters: dict[int, list[int]] = defaultdict(list)
    for m_index, root in enumerate(assignment):
        clusters[root].append(m_index)
    built: list[tuple[Entity, tuple[tuple[str, ...], ...], list[int]]] = []
    parts = [
        (part, len(split) > 1)
        for indices in clusters.values()
        for split in [by_referent(indices, [mentions[i][0] for i in indices], votes)]
        for part in split
    ]
    for indices, was_split in parts:
        forms: Counter[str] = Counter(mentions[i][1] for i in indices if weight[i] == OWN)
        if not forms:
            continue  # pieces and roles of no name of the story
        labels = Counter(mentions[i][0].label for i in indices if weight[i] == OWN)
        # All mentions of all sources vote; persons win ties: NER mislabels names as GPE/ORG
        # far more often than the reverse.
        label = type_of(_summed(mentions, votes, indices, weight), labels)
        name = _canonical(forms)
        nouns = Counter(noun for i in indices if (noun := modifiers[i]) is not None)
        if was_split and label == "ORG" and 2 * sum(nouns.values()) >= len(indices):
            # The body a person or place gives its name to: "Obama administration" beside
            # Barack Obama, not a second "Barack Obama".
            top = min(nouns, key=lambda n: (-nouns[n], n))
            forms.pop(name)
            name = f"{name} {top}"
        if label != PERSON and _common_english(name):
            continue  # "State", "Police": a common word, not a name
        entity = Entity(
            name=name,
            type=label,
            aliases=tuple(sorted(f for f in forms if f != name)),
            article_ids=tuple(sorted({mentions[i][0].article_id for i in indices})),
            mentions=sum(weight[i] != BESIDE for i in indices),
        )
        keys = tuple(sorted({mentions[i][2] for i in indices}))
        built.append((entity, keys, indices))
    built.sort(
        key=lambda item: (-len(item[0].article_ids), -item[0].mentions, item[0].name, item[0].type)
    )
    by_mention: dict[tuple[str, int, int], int] = {}
    for e_index, (_, _, indices) in enumerate(built):
        for i in indices:
            m = mentions[i][0]
            by_mention[(m.article_id, m.start, m.end)] = e_index
    return EntityIndex(
        entities=tuple(item[0] for item in built),
        by_mention=by_mention,
        keys=tuple(item[1] for item in built),
        unread=unread,
    )


def entity_names(index: EntityIndex, mentions: Iterable[Mention]) -> tuple[str, ...]:
    """Return the sorted canonical names of the entities among ``mentions``."""
    names = {e.name for m in mentions if (e := index.entity_of(m)) is not None}
    return tuple(sorted(names))
