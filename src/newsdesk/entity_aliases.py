"""Which names of a story are other names of one referent: the alias rules.

Outlets spell one name many ways and shorten it; these rules decide, without any list of
names, when two folded names denote the same thing:

* **Transliteration folding** (``fold_token``) and **token alignment** (``names_compatible``):
  Kadhimi = Kadhemi = Kahdimi; Mark Heller = Mark Jay Heller; Adel Abdel Mahdi is not Abu
  Mahdi al-Muhandis (the last tokens must match).
* **Acronyms**: initials of a long form (US = United States) or an explicit definition
  ("the Islamic State (ISIS)").
* **Partial names** of organisations and places: a suffix (Colts of Indianapolis Colts) or a
  start (New Orleans of New Orleans Saints) of exactly one longer name.

``merge_aliases`` applies them to the groups of one story (mentions that share a folded key)
and returns the union-find of referents. Thresholds and lists say where they were chosen.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

__all__ = [
    "CONNECTORS",
    "DESIGNATORS",
    "AliasGroup",
    "UnionFind",
    "acronyms",
    "fold_token",
    "is_acronym",
    "join_nicknames",
    "merge_aliases",
    "names_compatible",
    "short_forms",
]

# Folded tokens that differ only by a spelling choice the folding misses (rapidfuzz ratio, same
# first letter, both at least _FUZZY_MIN_LENGTH letters) are one token. Chosen on ECB+ train
# topics (benchmarks/entity_merging.py --sweep TOKEN_SIMILARITY=60,70,75,78,80,82,85,90,100.1
# --sweep-typing): alias B3 P/R/F1 0.981/0.819/0.889 at 75-80 (tie kept at 80); 0.981/0.815/
# 0.886 at 85 (Promises Treatment Centre/Center, Katie/Kathryn Jenkin split); 0.981/0.812/0.884
# with no fuzzy match; 0.980/0.819/0.889 at 70 (Texas joins Teixeira, tixas/tixira 72.7);
# train typing 89.4 from 70 up, 89.1 at 60. 50 pairs of different folded tokens of one train
# topic score 80-99, 41 of them in one gold chain (majlis/mijlis, alisbandi/alisvandi).
_TOKEN_SIMILARITY = 80.0
# Shorter tokens are matched only when equal: one letter of three is too much. Chosen on ECB+
# train topics (--sweep FUZZY_MIN_LENGTH=3,4,5,6): alias B3 P/R/F1 0.980/0.819/0.889 at 3,
# 0.981/0.819/0.889 at 4, 0.981/0.817/0.888 at 5 and 6; train typing 89.4 at each.
_FUZZY_MIN_LENGTH = 4
# An all-capital word of 2 to this many letters is an acronym (US, NATO, UNICEF, NASDAQ); a
# longer one is a word a headline shouts (EXCLUSIVE, BREAKING). ECB+ train cannot decide it:
# every value from 3 to 10 gives the same alias B3 (0.981/0.819/0.889) and typing (89.4)
# (--sweep ACRONYM_MAX_LENGTH=3,4,5,6,8,10 --sweep-typing); 6 is the longest of those common
# acronyms, not tuned on any data.
_ACRONYM_MAX_LENGTH = 6
CONNECTORS = frozenset({"of", "and", "for", "the", "de", "du", "la", "&"})
# Corporate designators are not part of the name: GM = General Motors = General Motors Corp.
DESIGNATORS = frozenset(
    {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc"}
    | {"llp", "lp", "plc", "ag", "sa", "nv", "bv", "gmbh", "pty"}
)


def fold_token(token: str) -> str:
    """Fold one name token to a transliteration-neutral key (``Kadhemi`` -> ``kadimi``).

    Args:
        token: a single word of a name.

    Returns:
        The folded key; non-Latin letters are kept as they are (lower-cased).
    """
    text = unicodedata.normalize("NFKD", token)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = "".join(c for c in text if c.isalnum())
    if not text or not text.isascii():
        return text
    for digraph, single in (("dh", "d"), ("kh", "k"), ("gh", "g"), ("sh", "s"), ("th", "t")):
        text = text.replace(digraph, single)
    text = text.replace("ph", "f").replace("q", "k").replace("ck", "k")
    text = text[0] + text[1:].replace("h", "") if len(text) > 1 else text
    text = text.replace("ou", "u").replace("e", "i").replace("o", "u").replace("y", "i")
    collapsed = [text[0]]
    for char in text[1:]:
        if char != collapsed[-1]:
            collapsed.append(char)
    return "".join(collapsed)


def _token_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) < _FUZZY_MIN_LENGTH or len(b) < _FUZZY_MIN_LENGTH or a[0] != b[0]:
        return False
    return fuzz.ratio(a, b) >= _TOKEN_SIMILARITY


def _given_match(short: str, long: str) -> bool:
    """A given name of the shorter name matches one of the longer name as itself, as its
    initial (M. = Mark) or as a short form (Fred = Frederick); not a full name against an
    initial: Louis Gigante is not Vincent L. Gigante."""
    if _token_match(short, long):
        return True
    if len(short) == 1:
        return long.startswith(short)
    shorter, longer = sorted((short, long), key=len)
    return len(shorter) >= 3 and longer.startswith(shorter)


def names_compatible(short: Sequence[str], long: Sequence[str]) -> bool:
    """Say whether folded name ``short`` can denote the same person as ``long``.

    Args:
        short: folded tokens of the shorter (or equal) name.
        long: folded tokens of the longer name.

    Returns:
        True when the last tokens match and every token of ``short`` matches a token of
        ``long`` in order.
    """
    if not short or not long or len(short) > len(long):
        return False
    if not _token_match(short[-1], long[-1]):
        return False
    position = 0
    for token in short[:-1]:
        while position < len(long) - 1 and not _given_match(token, long[position]):
            position += 1
        if position >= len(long) - 1:
            return False
        position += 1
    return True


def acronyms(form: str) -> frozenset[str]:
    """Initials a long form may be shortened to: "Hewlett-Packard Co" -> HP, "Research in
    Motion" -> RM or RIM (connectors are left out by some writers, kept by others)."""
    words = [w for w in re.split(r"[\s\u2010\u2011-]+", form) if w]
    if len(words) > 2 and words[-1].lower().replace(".", "") in DESIGNATORS:
        words = words[:-1]
    if len(words) < 2:
        return frozenset()
    named = "".join(w[0] for w in words if w.lower() not in CONNECTORS and w[0].isupper())
    every = "".join(w[0] for w in words if w[0].isalpha())
    return frozenset({named.upper(), every.upper()})


def is_acronym(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= _ACRONYM_MAX_LENGTH and bare.isupper() and bare.isalpha()


@dataclass(frozen=True)
class AliasGroup:
    """All mentions that share one folded key."""

    key: tuple[str, ...]
    forms: tuple[str, ...]
    labels: tuple[str, ...]
    articles: frozenset[str]


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def _acronym_group(group: AliasGroup) -> bool:
    """Whether a group's forms are an acronym: all of them, since "COLTS" in a headline
    beside "Colts" is a word shouted, not initials (ECB+ train: the Colts joined no team)."""
    return all(is_acronym(f) for f in group.forms)


def merge_aliases(
    groups: Sequence[AliasGroup],
    is_person: Sequence[bool],
    is_org: Sequence[bool],
    common: Sequence[bool],
    definitions: set[tuple[str, tuple[str, ...]]],
) -> UnionFind:
    """Join the groups of one story that name one referent.

    Args:
        groups: the story's mentions grouped by folded key.
        is_person: per group, whether its mentions vote it a person.
        is_org: per group, whether they vote it an organisation.
        common: per group, whether its one-word form is a common English word ("State").
        definitions: ``(acronym, folded long form)`` pairs the story defines.

    Returns:
        The union-find over group indices; ``find`` gives a group's referent.
    """
    union = UnionFind(len(groups))

    # 2. Same folded key across labels (Hashd al-Shaabi PERSON / Hashd Shaabi ORG, Trump
    #    PERSON / Trump ORG): one referent whatever the votes; the type is voted in the end.
    #    A one-word mention that names a person in full in its own article still goes to
    #    that person (step 6).
    by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for g_index, group in enumerate(groups):
        by_key[group.key].append(g_index)
    for same in by_key.values():
        for other in same[1:]:
            union.union(same[0], other)

    # 3. Person spelling variants: same number of tokens, all compatible.
    people = [i for i in range(len(groups)) if is_person[i] and len(groups[i].key) > 1]
    for position, a in enumerate(people):
        for b in people[position + 1 :]:
            ka, kb = groups[a].key, groups[b].key
            if len(ka) == len(kb) and names_compatible(ka, kb):
                union.union(a, b)
    # A shorter full name (Mark Heller) is the longer one (Mark Jay Heller) it fits, when it
    # fits one person only; bare surnames then see one person, not two (step 6). The
    # nearest fits count (one word more before two more): "Obama To Nominate Regina
    # Benjamin", a headline run together, does not hide Regina M. Benjamin.
    for a in people:
        fits = [
            b
            for b in people
            if len(groups[b].key) > len(groups[a].key)
            and names_compatible(groups[a].key, groups[b].key)
        ]
        nearest = min((len(groups[b].key) for b in fits), default=0)
        longer = {union.find(b) for b in fits if len(groups[b].key) == nearest}
        if len(longer) == 1:
            union.union(a, longer.pop())
    # Spelling variants of a longer organisation or place name: the same number of words,
    # each the same up to transliteration (Academy of Motion Picture(s) Arts and Sciences).
    things = [i for i in range(len(groups)) if not is_person[i] and len(groups[i].key) > 2]
    for position, a in enumerate(things):
        for b in things[position + 1 :]:
            ka, kb = groups[a].key, groups[b].key
            if len(ka) == len(kb) and all(map(_token_match, ka, kb)):
                union.union(a, b)

    # 4. Acronyms: initials of a long form (US = United States) or an explicit definition.
    for g_index, group in enumerate(groups):
        if is_person[g_index] or not _acronym_group(group):
            continue
        acronym = group.forms[0].replace(".", "").upper()
        for other, candidate in enumerate(groups):
            if other == g_index or is_person[other] or len(candidate.key) < 2:
                continue
            if acronym in acronyms(candidate.forms[0]) or (acronym, candidate.key) in definitions:
                union.union(g_index, other)

    # 5. Partial organisation names (State Department in US State Department, Colts in
    #    Indianapolis Colts): a suffix of exactly one longer organisation; a one-word suffix
    #    only between organisations ("Orleans" is no short form of the city).
    for g_index, group in enumerate(groups):
        one_word = len(group.key) < 2
        if is_person[g_index] or (one_word and not is_org[g_index]):
            continue
        if one_word and (_acronym_group(group) or common[g_index]):
            continue
        longer = {
            union.find(o)
            for o, c in enumerate(groups)
            if not is_person[o]
            and (is_org[o] or not one_word)
            and len(c.key) > len(group.key)
            and c.key[-len(group.key) :] == group.key
        }
        if len(longer) == 1:
            union.union(g_index, longer.pop())
    # An organisation named by the start of one longer organisation's name, both voted
    # organisations: a team by its city (New Orleans = New Orleans Saints), a magazine by its
    # first word (Access = Access Hollywood).
    for g_index, group in enumerate(groups):
        if not is_org[g_index] or (
            len(group.key) < 2 and (_acronym_group(group) or common[g_index])
        ):
            continue
        longer = {
            union.find(o)
            for o, c in enumerate(groups)
            if is_org[o] and len(c.key) > len(group.key) and c.key[: len(group.key)] == group.key
        }
        if len(longer) == 1:
            union.union(g_index, longer.pop())
    return union


def short_forms(
    groups: Sequence[AliasGroup],
    union: UnionFind,
    kinds: Sequence[str | None],
    blocked: Sequence[bool],
) -> dict[int, str]:
    """Join each name written as the start of one longer facility or company name of the
    story to it: "Betty Ford" of "Betty Ford Center", "Kraft" of "Kraft Foods", "Promises"
    of "Promises Treatment Center" (ECB+ train: the NER calls them persons).

    Args:
        groups: the story's mentions grouped by folded key.
        union: the referents so far; joined in place.
        kinds: per group, the kind its head noun gives a shorter name (``named_after``).
        blocked: per group, whether it may not be a short form (a person's name or title
            around it, a common word, an acronym).

    Returns:
        The joined groups, each with the kind of the name it shortens.
    """
    found: dict[int, str] = {}
    for g_index, group in enumerate(groups):
        if kinds[g_index] is not None or blocked[g_index]:
            continue
        # Every longer name it starts is one referent ("Academy" also starts "Academy
        # Awards": no short form of "Academy at the Kodak Theater").
        longer = {
            (union.find(o), kinds[o])
            for o, c in enumerate(groups)
            if len(c.key) > len(group.key) and c.key[: len(group.key)] == group.key
        }
        roots = {root for root, _ in longer}
        named = {kind for _, kind in longer if kind is not None}
        if len(roots) == 1 and len(named) == 1:
            union.union(g_index, roots.pop())
            found[g_index] = named.pop()
    return found


def join_nicknames(
    groups: Sequence[AliasGroup],
    union: UnionFind,
    is_person: Sequence[bool],
    nicknames: Sequence[frozenset[tuple[str, ...]]],
) -> None:
    """Join a person named by a nickname and the surname ("Jerry Ortiz") to the full name
    that gives that nickname ('Luis Gerardo "Jerry" Ortiz'). ``nicknames`` holds, per group,
    the folded (nickname, surname) keys its forms write."""
    people = {g.key: i for i, g in enumerate(groups) if is_person[i]}
    for g_index, keys in enumerate(nicknames):
        for key in keys:
            other = people.get(key)
            if other is not None and is_person[g_index]:
                union.union(g_index, other)
