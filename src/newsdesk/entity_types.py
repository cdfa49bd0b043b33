"""The type of an entity, voted by all its mentions: NER label plus what surrounds each one.

The English NER labels each mention alone and gets many wrong in news: the mayor as ORG,
a city as PERSON, a bridge as PERSON, a wire agency as PERSON. A mention's context says
more than its label: a title before it ("Mayor Dorotea Halvik"), its age after it, "the
city of" before it, the pronoun the report uses for it ("said she", "said its"), what only
an organisation has ("Dell shares", "Reuters reported", "(Reuters)"), the head noun of a
multiword name ("Korvane Bridge", "Ministry of Transport", "Harbour Master"). Each mention
votes its strongest cue (3; 1 for weak ones such as "in X") and each form its NER label
once per article (2); an entity's type is the sum over all its mentions in all sources
(``type_of``). The weights were not tuned on data; they only order the evidence: one strong
cue outweighs one article's label, two articles' labels outweigh one cue, and a weak cue
only breaks a tie between labels.

A name that the contexts of its mentions give to two kinds of thing (Dell the company,
Dell the man) is two referents (``by_referent``); a name whose labels disagree but whose
contexts do not is one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .models import Mention

__all__ = [
    "PERSON",
    "PERSON_TITLES",
    "PLACE",
    "PLACES",
    "ROLE_HEADS",
    "by_referent",
    "context_votes",
    "cue_of",
    "cue_votes",
    "is_role",
    "modifier_of",
    "named_after",
    "told_before",
    "type_of",
]

PERSON = "PERSON"

# Context cues of the type vote (``context_votes``). General English lexicon (titles,
# designators, head nouns), checked against ECB+ train topics with
# benchmarks/entity_merging.py --split train; re-run it after changing any list.
# A title or description right before a name ("Mayor Dorotea Halvik", "actress Lindsay
# Lohan") or inside the mention ("Transport Minister Ilyas Varkonen") makes it a person.
PERSON_TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "rev", "reverend"}
    | {"president", "vice", "premier", "minister", "mayor", "governor", "gov", "senator"}
    | {"sen", "rep", "representative", "congressman", "congresswoman", "judge", "justice"}
    | {"chancellor", "secretary", "king", "queen", "prince", "princess", "pope", "sheikh"}
    | {"gen", "general", "col", "colonel", "lt", "capt", "captain", "sgt", "sergeant"}
    | {"officer", "detective", "prosecutor", "attorney", "lawyer", "coach", "actress"}
    | {"actor", "singer", "rapper", "chairman", "chairwoman", "ceo", "spokesman"}
    | {"spokeswoman", "spokesperson", "commissioner", "ambassador", "inspector", "professor"}
    | {"prof", "bishop", "cardinal", "archbishop", "ayatollah", "imam", "emir", "striker"}
    | {"midfielder", "defender", "goalkeeper", "quarterback", "pitcher", "boxer", "champion"}
    | {"star", "icon", "legend", "model", "author", "writer", "director", "producer", "host"}
    | {"filmmaker", "comedian", "journalist", "reporter", "photographer", "swimmer", "artist"}
)
# Titles that also begin names of organisations ("General Motors", "General Electric").
_NAME_WORDS = frozenset({"general"})
# Words right before a place name: "the city of Velmora", "the province of Korvan".
_PLACE_BEFORE = re.compile(
    r"\b(?:city|town|village|province|state|county|region|district|capital|island)"
    r"\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A US state written after a name in AP style or as a postal code makes it a place
# ("Schenectady, N.Y.", "Newport Beach, Calif.", "Fountain Valley, CA"); not "MD" (Regina
# Benjamin, MD). General knowledge (the AP stylebook's abbreviations), checked on ECB+
# train and dev topics.
_STATE_AFTER = re.compile(
    r"^,\s*(?:(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Mass|Mich|Minn"
    r"|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)\.|D\.\s?C\.|R\.\s?I\."
    r"|N\.\s?[YJHMCD]\.|S\.\s?[CD]\.|W\.\s?Va\."
    r"|(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IA|KS|KY|LA|ME|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    r"|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\b)"
)
_IN_BEFORE = re.compile(r"\b(?:in|near|outside)\s+(?:the\s+)?$")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.\-]*)\s+$")
_WORD_AFTER = re.compile(r"\s+([a-z]+)\b")
_AGE_AFTER = re.compile(r"^,\s*\d{1,3}\s*,")
# What follows a name and says what it names: the pronoun a report uses for it ("Dell said
# its profit", "Halvik said she"; ", who" / ", which"), what only an organisation has
# ("Dell shares", "Reuters reported", "a Velmora Council spokesman"), a credit line
# ("(Reuters)"). General English, checked on ECB+ train topics like the lists above.
PERSON_AFTER = re.compile(
    r"^(?:,\s*who\b|\s+(?:said|says|told|added)\s+(?:he|she|his|her)\b)", re.IGNORECASE
)
_ORG_AFTER = re.compile(
    r"^(?:,\s*which\s+(?:is|was|has|had|said|says)\b|\s+(?:said|says|told|added)\s+(?:it|its)\b"
    r"|\s+(?:reported|reports)\b|(?:['’]s?)?\s+(?:shares|stock|employees|staff|executives|"
    r"officials|headquarters|subsidiary|spokesman|spokeswoman|spokesperson|correspondent|"
    r"correspondents|reporter|reporters|journalist|journalists|radio|television|tv|"
    r"newspaper|magazine|broadcaster)\b)",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"^\)")
# A place does not win, lose or keep a record: a place name that does is its team ("beat
# Chicago", "defeated Evansville 51-50", "Creighton (25-7)"). A general English cue, checked
# on ECB+ train topics: 59 gold ORG team mentions the NER called GPE.
_SCORE_AFTER = re.compile(
    r"^\s*(?:\(\s*\d{1,3}\s*-\s*\d{1,3}\s*\)|\d{1,3}\s*-\s*\d{1,3}\b(?!\s*-))"
)
_CONTEST_BEFORE = re.compile(
    r"\b(?:beat|beats|beating|defeat|defeats|defeated|defeating|outlasted|edged|routed"
    r"|(?:win|wins|won|victory|loss)\s+(?:over|against)|(?:lost|lose|loses|fell|falls)\s+to)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
# "X of Y" has head X in English and in the names it borrows (Stade de Suisse).
_OF = frozenset({"of", "de", "du", "des", "del", "della"})
# "told Reuters", "told the BBC": what a source tells is mostly an outlet (a weak cue).
_TOLD_BEFORE = re.compile(r"\btold\s+(?:the\s+)?$")
# Head nouns (the mention's last word) that say what kind of thing is named.
_HEADS = {
    # A role is a person, whatever comes before it ("Harbour Master", "Attorney General").
    PERSON: frozenset(
        {"master", "chief", "minister", "secretary", "president", "mayor", "governor"}
        | {"spokesman", "spokeswoman", "spokesperson", "commissioner", "director", "manager"}
        | {"officer", "inspector", "prosecutor", "attorney", "general", "judge", "coach"}
        | {"chairman", "chairwoman", "ceo", "ambassador", "sheriff", "premier", "chancellor"}
    ),
    "FAC": frozenset(
        {"bridge", "airport", "stadium", "stade", "arena", "hotel", "hospital", "clinic"}
        | {"center", "centre", "prison", "jail", "tower", "building", "hall", "station"}
        | {"church", "cathedral", "mosque", "temple", "museum", "palace", "dam", "mall"}
        | {"theater", "theatre", "highway", "motorway", "tunnel", "embassy", "base"}
        | {"factory", "plant", "store", "shop", "supermarket", "restaurant", "cafe", "clinic"}
        | {"warehouse", "creamery", "memorial", "monument", "courthouse", "terminal"}
    ),
    "ORG": frozenset(
        {"inc", "corp", "corporation", "co", "ltd", "llc", "plc", "group", "party"}
        | {"council", "ministry", "department", "agency", "police", "army", "navy", "forces"}
        | {"union", "association", "committee", "court", "university", "college", "company"}
        | {"commission", "institute", "foundation", "federation", "organization", "bank"}
        | {"organisation", "authority", "bureau", "administration", "government", "league"}
        | {"club", "network", "news", "times", "post", "press", "agency", "parliament"}
        | {"militia", "brigade", "brigades", "front", "movement", "service", "services"}
        | {"airlines", "airways", "motors", "foods", "industries", "holdings", "group"}
        | {"systems", "technologies", "pharmaceuticals", "entertainment", "studios", "pictures"}
        | {"records", "communications", "enterprises", "incorporated", "llp", "ag", "gmbh"}
    ),
    "PLACE": frozenset(
        {"city", "county", "province", "island", "islands", "river", "lake", "mountains"}
        | {"valley", "beach", "bay", "sea", "ocean", "coast", "peninsula", "region"}
        | {"district", "desert", "gulf", "strait", "straits"}
    ),
}
# Heads of company names (general designators): "Kraft Foods", "Delta Air Lines", "Apple Inc".
_COMPANY_HEADS = frozenset(
    {"inc", "corp", "corporation", "co", "ltd", "llc", "plc", "company", "incorporated"}
    | {"llp", "ag", "gmbh", "airlines", "airways", "motors", "foods", "industries", "holdings"}
    | {"systems", "technologies", "pharmaceuticals", "entertainment", "studios", "pictures"}
    | {"records", "communications", "enterprises", "group", "bank"}
)
# Vote labels, ties broken in this order; GPE and LOC vote together as a place.
PLACE = "PLACE"
PLACES = frozenset({"GPE", "LOC"})
VOTED = ("PERSON", "ORG", PLACE, "FAC")


# Offices a mention can name without naming anyone ("Harbour Master", "the Prime Minister",
# "Minister"): the head nouns of roles above plus offices that are written alone. Not
# "star", "host", "model": those head names of things (the Toronto Star).
ROLE_HEADS = _HEADS[PERSON] | frozenset(
    {"senator", "congressman", "congresswoman", "king", "queen", "prince", "princess", "pope"}
    | {"captain", "colonel", "sergeant", "detective", "lieutenant", "admiral", "chairperson"}
)


def is_role(form: str) -> bool:
    """Whether a mention is made only of an office ("Harbour Master", "Prime Minister of
    Korvan", "President"): its head noun is a role and no word of it is a name of its own
    kind (a person's name after the title makes "President Obama" a name). "General" heads
    a role only after a title (Attorney General; not Dollar General)."""
    words = [w.lower().strip(".,") for w in form.split()]
    if not words or any(w and not w[0].isalpha() for w in words):
        return False
    of = next((i for i, w in enumerate(words) if i and w in _OF), None)
    head_at = of - 1 if of is not None else len(words) - 1
    head = words[head_at]
    if head not in ROLE_HEADS:
        return False
    return head not in _NAME_WORDS or any(w in PERSON_TITLES for w in words[:head_at])


def told_before(mention: Mention, text: str) -> bool:
    """Whether the mention is what a source "told" ("told Reuters", "told the BBC")."""
    return bool(_TOLD_BEFORE.search(text[max(0, mention.start - 20) : mention.start]))


def context_votes(mention: Mention, form: str, text: str) -> Counter[str]:
    """The mention's votes for its entity's type: its NER label and what surrounds it."""
    votes: Counter[str] = Counter({PLACE if mention.label in PLACES else mention.label: 2})
    words = [w.lower().strip(".") for w in form.split()]
    # Every cue is anchored at the mention's edge and at most about 25 characters long
    # ("victory against the ", "'s spokeswoman"); the windows only have to hold one, with
    # room for extra spaces. Not tuned on any data.
    before = text[max(0, mention.start - 40) : mention.start] if text else ""
    after = text[mention.end : mention.end + 60] if text else ""
    previous = _WORD_BEFORE.findall(before)
    # A word with a full stop is a title only as an abbreviation ("Sen." not "judge."): the AP
    # Stylebook's abbreviated titles before a name (Gov., Sen., Rep., Lt., Capt., Cmdr., Msgr.)
    # have at most four letters. Not tuned on any data.
    title = bool(previous) and (
        previous[0].lower().strip(".") in PERSON_TITLES
        and (not previous[0].endswith(".") or len(previous[0]) <= 5)
    )
    following = _WORD_AFTER.match(after)
    head = _head_kind(words)
    if len(words) > 1 and head is not None:
        votes[head] += 3
    elif mention.label in PLACES and (_SCORE_AFTER.match(after) or _CONTEST_BEFORE.search(before)):
        votes["ORG"] += 3  # a team named by its place
    elif _STATE_AFTER.match(after):
        votes[PLACE] += 3
    elif (
        any(w in PERSON_TITLES and w not in _NAME_WORDS for w in words[:-1])
        or title
        or _AGE_AFTER.match(after)
        or PERSON_AFTER.match(after)
    ):
        votes[PERSON] += 3
    elif _PLACE_BEFORE.search(before):
        votes[PLACE] += 3
    elif _ORG_AFTER.match(after) or (before.endswith("(") and _CREDIT.match(after)):
        votes["ORG"] += 3
    elif following is not None and (
        kind := next(
            (k for k, heads in _HEADS.items() if k != PERSON and following[1] in heads), None
        )
    ):
        votes[kind] += 3  # "the Korvane bridge", "Staunton police"
    elif _IN_BEFORE.search(before) and not after.startswith(("'", "’")):
        votes[PLACE] += 1
    elif _THE_BEFORE.search(before) or _TOLD_BEFORE.search(before):
        votes["ORG"] += 1  # "the X" is no person (the Hollywood Reporter)
    return votes


def _head_kind(words: Sequence[str]) -> str | None:
    """The kind the head noun of a name's lower-cased words says, if any; the head of "X of
    Y" is X (University of Texas, Minister of Justice)."""
    of = next((i for i, w in enumerate(words) if i and w in _OF), None)
    head_word = words[of - 1] if of is not None else words[-1]
    return next((k for k, heads in _HEADS.items() if head_word in heads), None)


def named_after(form: str) -> str | None:
    """The kind of a name that a shorter name of the story may stand for: a facility or a
    company by its head noun ("Betty Ford Center" FAC, "Kraft Foods" ORG); None for other
    names and for bodies a person or place leads ("Obama administration", "Staunton
    Police"), whose short form names the person or the place."""
    words = [w.lower().strip(".,") for w in form.split()]
    # A phrase ("Academy at the Kodak Theater") is no name of one thing.
    if len(words) < 2 or any(w.islower() and w not in _OF for w in form.split()[1:]):
        return None
    kind = _head_kind(words)
    if kind == "FAC" or (kind == "ORG" and words[-1] in _COMPANY_HEADS):
        return kind
    return None


def type_of(votes: Counter[str], labels: Counter[str]) -> str:
    """The winning type of summed votes; a place is GPE unless its mentions say LOC."""
    best = max(VOTED, key=lambda label: (votes[label], -VOTED.index(label)))
    if best != PLACE:
        return best
    return "LOC" if labels["LOC"] > labels["GPE"] else "GPE"


def modifier_of(mention: Mention, text: str) -> str | None:
    """The organisation noun a name modifies, if any ("the Obama administration" ->
    "administration", "Staunton police" -> "police")."""
    following = _WORD_AFTER.match(text[mention.end : mention.end + 30]) if text else None
    return following[1] if following is not None and following[1] in _HEADS["ORG"] else None


def cue_votes(mention: Mention, vote: Counter[str]) -> Counter[str]:
    """The part of a mention's votes that its context gives (its NER label's taken off)."""
    label = PLACE if mention.label in PLACES else mention.label
    return vote - Counter({label: 2})


def cue_of(mention: Mention, vote: Counter[str]) -> str | None:
    """The type a mention's context (not its NER label) says strongly, if any."""
    cue = cue_votes(mention, vote)
    best = max(VOTED, key=lambda kind: (cue[kind], -VOTED.index(kind)))
    return best if cue[best] >= 3 else None


def by_referent(
    indices: Sequence[int], cluster: Sequence[Mention], votes: Sequence[Counter[str]]
) -> list[list[int]]:
    """Split one name's mentions when their contexts say it names two kinds of thing.

    Two referents need at least two mentions with a strong context cue on each side ("Dell
    said its profit" twice, "Dell said he" twice); a name whose NER labels disagree but
    whose contexts do not (Velmora PERSON once, GPE twice) stays one entity. A mention
    without a cue goes with its NER label's side when that is one of the two, else with the
    side of more mentions.
    """
    cues = [cue_of(m, votes[i]) for m, i in zip(cluster, indices, strict=True)]
    counts = Counter(c for c in cues if c is not None)
    ranked = sorted(counts, key=lambda kind: (-counts[kind], VOTED.index(kind)))
    if len(ranked) < 2 or counts[ranked[1]] < 2:
        return [list(indices)]
    sides = ranked[:2]
    split: dict[str, list[int]] = {side: [] for side in sides}
    for mention, index, cue in zip(cluster, indices, cues, strict=True):
        label = PLACE if mention.label in PLACES else mention.label
        side = cue if cue in split else label if label in split else sides[0]
        split[side].append(index)
    return [split[side] for side in sides]
