"""Mentions that are no name of their own, found with the whole story as context.

* **Roles**: a mention made only of an office ("Harbour Master", "the Prime Minister") is
  the person the story names with it ("Harbour Master Lena Ostrova", "Lena Ostrova, the
  Harbour Master", or the office written before a name the NER tags alone); a bare office
  no one holds, or two people hold, names no one and is dropped. An office word that a
  person of the story carries as a name ("King" beside Billy King) stays a name.
* **Pieces**: a one-word mention that mostly lies inside a longer name of the story as the
  text writes it ("Islamic" tagged alone in "the anti-Islamic State coalition") goes to
  that name's entity, or is dropped; it is never an entity of its own.
* **Common words**: a word the story mostly writes in lower case, written as a name ("the
  Bank", "Parliament"), is the one longer name of the story it heads, or nothing.
* **Outlets**: a source's outlet (``Article.outlet``, also without a media word: Coastwatch
  of "Coastwatch Radio") and a one-word name a source "told" that no person of the story
  carries ("told Coastwatch") are organisations.

General English rules; checked on ECB+ train/dev topics with benchmarks/entity_merging.py
(train typing 84.8 -> 85.1 from the pieces; roles and "told" leave ECB+ unchanged: its gold
rarely has a bare office).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from .entity_aliases import fold_token
from .entity_types import PERSON, PERSON_TITLES, ROLE_HEADS, is_role, told_before, type_of
from .models import ArticleAnalysis, Mention

__all__ = [
    "BESIDE",
    "BORROWED",
    "OWN",
    "attach_heads",
    "attach_roles",
    "fold_fragments",
    "names_outlet",
    "office",
    "outlet_keys",
    "told_outlets",
]

# What a mention is to its entity: its own name; a piece of a longer name or a role whose
# holder the story names (it counts as a mention, but is no alias and casts no type vote);
# the role written right beside its holder's name (the same mention: not counted again).
OWN, BORROWED, BESIDE = 0, 1, 2
# Words an outlet's name adds to its brand: "Coastwatch Radio" is Coastwatch.
_MEDIA_WORDS = frozenset({"radio", "tv", "television", "news", "online", "magazine"})
# Between a role and its holder's name: nothing ("Harbour Master Lena Ostrova") or an
# apposition before it ("Lena Ostrova, the Harbour Master").
_GAP_AFTER = re.compile(r"[^\S\n]+")
_ROLE_BEFORE = re.compile(r"(?:[A-Z][\w.'’-]*[^\S\n]+){1,3}$")
_GAP_BEFORE = re.compile(r",[^\S\n]*(?:the[^\S\n]+)?$")


def office(form: str, lower: Counter[str]) -> bool:
    """Whether a mention names an office rather than someone: its head is a role and every
    word before the head is a title or a word the story also writes in lower case
    ("Harbour Master", "Prime Minister"; not "Billy King")."""
    from .entities import TITLE_WORDS  # entities imports this module

    if not is_role(form):
        return False
    words = [w.lower().strip(".,") for w in form.split()]
    head = next((i - 1 for i, w in enumerate(words) if i and w in {"of", "de"}), len(words) - 1)
    titles = PERSON_TITLES | ROLE_HEADS | TITLE_WORDS
    return all(w in titles or lower[w] > 0 for w in words[:head])


def outlet_keys(analyses: Sequence[ArticleAnalysis]) -> set[tuple[str, ...]]:
    """The folded names of the story's outlets ("Coastwatch Radio" -> coastwatch radiu)."""
    from .entities import display_form, name_tokens  # entities imports this module

    return {
        key
        for a in analyses
        if a.article.outlet and (key := name_tokens(display_form(a.article.outlet)))
    }


def names_outlet(tokens: tuple[str, ...], outlets: set[tuple[str, ...]]) -> bool:
    """Whether a name is a source's outlet, or its brand without a media word."""
    media = {fold_token(w) for w in _MEDIA_WORDS}
    return tokens in outlets or any(o[:-1] == tokens and o[-1] in media for o in outlets)


def told_outlets(
    mentions: Sequence[tuple[Mention, str, tuple[str, ...]]],
    votes: Sequence[Counter[str]],
    texts: Mapping[str, str],
) -> None:
    """A one-word name a source "told" that the story never writes inside a longer person's
    name is an outlet ("told Coastwatch"); a person one tells is named in full somewhere
    ("told Menning" beside Aurel Menning)."""
    named = {
        token
        for (_, _, tokens), vote in zip(mentions, votes, strict=True)
        if len(tokens) > 1 and type_of(vote, Counter()) == PERSON
        for token in tokens
    }
    for (mention, _, tokens), vote in zip(mentions, votes, strict=True):
        text = texts.get(mention.article_id, "")
        if len(tokens) == 1 and tokens[0] not in named and told_before(mention, text):
            vote["ORG"] += 3


def fold_fragments(
    mentions: Sequence[tuple[Mention, str, tuple[str, ...]]],
    assignment: list[int],
    weight: list[int],
    texts: Mapping[str, str],
) -> None:
    """A one-word mention that mostly lies inside a longer name of the story as the text
    writes it ("Islamic" tagged alone in "the anti-Islamic State coalition", beside
    "Islamic State") is a piece of that name: it goes to that name's entity when there is
    one, else it is dropped; never an entity of its own."""
    from .entities import name_tokens  # entities imports this module

    long_forms: dict[str, list[int]] = defaultdict(list)
    for i, (_, form, _) in enumerate(mentions):
        if len(form.split()) > 1:
            long_forms[form].append(i)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    total: Counter[tuple[str, ...]] = Counter()
    inside: Counter[tuple[str, ...]] = Counter()
    targets: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for mention, form, tokens in mentions:
        if " " in form:
            continue
        total[tokens] += 1
        if mention.article_id not in spans:
            text = texts.get(mention.article_id, "")
            spans[mention.article_id] = [
                (found.start(), found.end(), long)
                for long in long_forms
                for found in re.finditer(rf"(?<!\w){re.escape(long)}(?!\w)", text)
            ]
        hits = {
            long
            for start, end, long in spans[mention.article_id]
            if start < mention.end and end > mention.start and tokens[-1] in name_tokens(long)
        }
        if hits:
            inside[tokens] += 1
            targets[tokens].update(
                assignment[j] for long in hits for j in long_forms[long] if assignment[j] >= 0
            )
    for i, (_, form, tokens) in enumerate(mentions):
        if " " not in form and 2 * inside[tokens] > total[tokens]:
            roots = targets[tokens]
            assignment[i] = min(roots) if len(roots) == 1 else -1
            weight[i] = BORROWED


def attach_roles(
    roles: Sequence[tuple[Mention, str, tuple[str, ...]]],
    mentions: Sequence[tuple[Mention, str, tuple[str, ...]]],
    person_vote: Sequence[bool],
    assignment: list[int],
    weight: list[int],
    texts: Mapping[str, str],
) -> None:
    """A role belongs to the person the story names with it ("Harbour Master Lena Ostrova",
    "Lena Ostrova, the harbour master"); a bare role ("the Harbour Master said") to the one
    person the story names with that role, else it names no one and is dropped. Appends
    one assignment and weight per role."""
    from .entities import name_tokens  # entities imports this module

    at: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (mention, _, _) in enumerate(mentions):
        if person_vote[i] and assignment[i] >= 0:
            at[(mention.article_id, mention.start)].append(i)
            at[(mention.article_id, -mention.end)].append(i)
    holder: list[int | None] = []
    held: dict[tuple[str, ...], set[int]] = defaultdict(set)
    # A role written before a person's name ("President Ana Ruiz", NER-tagged "Ana Ruiz").
    for i, (mention, _, _) in enumerate(mentions):
        if not person_vote[i] or assignment[i] < 0:
            continue
        text = texts.get(mention.article_id, "")
        written = _ROLE_BEFORE.search(text[max(0, mention.start - 50) : mention.start])
        words = written.group(0).split() if written is not None else []
        role = next((w for k in range(len(words)) if is_role(w := " ".join(words[k:]))), None)
        if role is not None:
            held[name_tokens(role)].add(assignment[i])
    for mention, _, tokens in roles:
        text = texts.get(mention.article_id, "")
        after = _GAP_AFTER.match(text, mention.end)
        before = _GAP_BEFORE.search(text[max(0, mention.start - 8) : mention.start])
        found = at.get((mention.article_id, after.end()), []) if after is not None else []
        if not found and before is not None:
            found = at.get((mention.article_id, -(mention.start - len(before.group(0)))), [])
        root = assignment[found[0]] if found else None
        holder.append(root)
        if root is not None:
            held[tokens].add(root)
    for (_, _, tokens), root in zip(roles, holder, strict=True):
        if root is not None:
            assignment.append(root)
            weight.append(BESIDE)
        else:
            assignment.append(min(held[tokens]) if len(held[tokens]) == 1 else -1)
            weight.append(BORROWED)


def attach_heads(
    commons: Sequence[tuple[Mention, str, tuple[str, ...]]],
    mentions: Sequence[tuple[Mention, str, tuple[str, ...]]],
    assignment: list[int],
    weight: list[int],
) -> None:
    """A common word written as a name ("the Bank", "Parliament") is the one longer name of
    the story it heads ("Marfin Egnatia Bank", "Greek Parliament"), preferably one its own
    article writes; else it names nothing. It counts as a mention of that entity but is no
    alias and casts no type vote. Appends one assignment and weight per common word."""
    heads: dict[tuple[str, ...], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i, (mention, _, tokens) in enumerate(mentions):
        if len(tokens) > 1 and assignment[i] >= 0 and weight[i] == OWN:
            heads[tokens[-1:]][assignment[i]].add(mention.article_id)
    for mention, _, tokens in commons:
        roots = heads.get(tokens, {})
        near = [r for r, articles in roots.items() if mention.article_id in articles]
        fits = near or list(roots)
        assignment.append(fits[0] if len(fits) == 1 else -1)
        weight.append(BORROWED)
