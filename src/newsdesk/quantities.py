"""Numbers with what they count, whose they are, where, and how they are hedged.

``extract_quantities`` reads one parsed sentence: "More than 5,000 US troops have been deployed
in Iraq" gives value 5000, qualifier ``more_than``, unit ``troop``, owner "US", place "Iraq".
Elliptic counts take their unit from the count before them in the sentence: "7,500 military
... of which 5,000 were Americans" (unit troop, owner Americans), "coalition allies another
2,500" (unit troop, owner coalition allies, qualifier ``additional``: a part, not a total).

``interval`` turns a figure and its qualifier into the range of values it asserts; two
figures conflict only if their ranges are disjoint (``compatible``). The rule:

* Figures are read at two significant digits, the precision news figures are rounded to.
  An exact round figure ("5,000") stands for its rounding interval at that precision:
  5,000 -> [4,950, 5,050]; so 5,000 and 5,200 conflict: an outlet that knew 5,200 would
  have written it. A figure with more significant digits ("5,213") is exact.
* An approximate figure ("around 40", "roughly 5,000") asserts half the step of its last
  significant digit, at most 10%: "around 40" is [36, 44], "about 5,000" is [4,500, 5,500],
  "about 5,200" is [5,150, 5,250]. Two approximations a reader would take for one figure
  ("about 40" / "around 42") never conflict.
* A part of a count ("forty-two of the 69 sailors", "including three children") is never
  compared.
* Directional qualifiers assert only a side: "more than 5,000" is (5,000, inf). It is
  compatible with 5,200 *and* with "around 5,000", so it takes no side in that conflict.
* "nearly/almost N" is [0.9 N, N]; "another N" (an increment) is never compared.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .models import Quantity

__all__ = [
    "HedgedFigure",
    "QuantityInfo",
    "compatible",
    "extract_quantities",
    "hedged_figures",
    "interval",
    "parse_number",
    "unit_class",
]

_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_UNITS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine"})
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

# Hedges in front of a figure, longest first (matched on the lower-cased words before it).
_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("more than", "more_than"),
    ("greater than", "more_than"),
    ("upwards of", "more_than"),
    ("in excess of", "more_than"),
    ("over", "more_than"),
    ("above", "more_than"),
    ("at least", "at_least"),
    ("no fewer than", "at_least"),
    ("no less than", "at_least"),
    ("fewer than", "less_than"),
    ("less than", "less_than"),
    ("under", "less_than"),
    ("below", "less_than"),
    ("at most", "at_most"),
    ("up to", "at_most"),
    ("no more than", "at_most"),
    ("nearly", "nearly"),
    ("almost", "nearly"),
    ("close to", "nearly"),
    ("just under", "nearly"),
    ("approximately", "about"),
    ("an estimated", "about"),
    ("estimated", "about"),
    ("roughly", "about"),
    ("around", "about"),
    ("about", "about"),
    ("some", "about"),
    ("approx.", "about"),
    ("another", "additional"),
    ("an additional", "additional"),
    ("additional", "additional"),
    ("a further", "additional"),
    ("further", "additional"),
    ("an extra", "additional"),
)

# Count nouns that name the same thing: military personnel. A language fact, not a list of
# entities; extend it with other classes when a benchmark shows a need.
_UNIT_CLASSES = {
    "troop": "troop",
    "soldier": "troop",
    "force": "troop",
    "military": "troop",
    "personnel": "troop",
    "serviceman": "troop",
    "servicemen": "troop",
    "servicemember": "troop",
    "marine": "troop",
    "service member": "troop",
    "people": "person",
    "person": "person",
    "individual": "person",
}

# Nouns that say nothing about what is counted: the predicate does ("two people were killed").
_GENERIC_NOUNS = frozenset({"people", "person", "others", "other", "individuals", "more"})
# Predicates of event counts, stemmed; synonyms share a class ("died" and "killed").
_EVENT_CLASSES = {
    "kill": "killed",
    "die": "killed",
    "di": "killed",
    "dead": "killed",
    "injur": "injured",
    "wound": "injured",
    "hurt": "injured",
    "arrest": "arrested",
    "detain": "arrested",
    "evacuat": "evacuated",
    "displac": "displaced",
    "rescu": "rescued",
    "miss": "missing",
}

# Demonyms whose country name is not their stem (Iraqi -> Iraq is found by stemming).
_IRREGULAR_DEMONYMS = {
    "american": "united states",
    "british": "united kingdom",
    "briton": "united kingdom",
    "dutch": "netherlands",
    "french": "france",
    "swiss": "switzerland",
    "german": "germany",
    "chinese": "china",
    "japanese": "japan",
    "turkish": "turkey",
    "spanish": "spain",
    "greek": "greece",
}


@dataclass(frozen=True)
class QuantityInfo:
    """A ``Quantity`` plus the parts the comparison needs but the record does not hold."""

    quantity: Quantity
    figure: str  # the digits as written: "5,000"
    unit_text: str  # the count noun as written: "troops"
    owner: str  # whose: "US", "The United States", "Americans", "" if unknown
    place: str  # where: "Iraq", "the country", "" if unknown
    event: bool = False  # counted by what happened to them ("killing two people", "17 injured")


def parse_number(text: str) -> float | None:
    """Read a figure as written ("5,000", "2.5 million", "three", "a dozen").

    Args:
        text: the figure's words.

    Returns:
        Its value, or None when it is not a number.
    """
    words = text.lower().replace(",", "").split()
    if not words:
        return None
    value: float | None = None
    for word in words:
        if word in {"a", "an"}:
            continue
        if word in _SCALES and value is not None:
            value *= _SCALES[word]
        elif re.fullmatch(r"\d+(?:\.\d+)?", word):
            value = float(word)
        elif word in _WORD_NUMBERS:
            value = float(_WORD_NUMBERS[word])
        else:
            return None
    return value


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in {"forces", "personnel", "people", "military", "servicemen"}:
        return lower.rstrip("s") if lower == "forces" else lower
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("ses", "xes", "ches", "shes")) and not lower.endswith("bases"):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3:
        return lower[:-1]
    return lower


def unit_class(unit: str) -> str:
    """Return the comparison class of a count noun ("soldier" and "troop" -> "troop")."""
    return _UNIT_CLASSES.get(unit, unit)


def demonym_country(word: str, places: Sequence[str]) -> str | None:
    """Map a demonym ("Americans", "Iraqi") to a country name among ``places`` or a known one."""
    base = _singular(word).lower()
    if base in _IRREGULAR_DEMONYMS:
        return _IRREGULAR_DEMONYMS[base]
    for place in places:
        stem = place.lower()
        for suffix in ("ian", "an", "i", "ese", "ish", "n"):
            if base.endswith(suffix) and base[: -len(suffix)] in {
                stem,
                stem.rstrip("a"),
                stem[:-1],
            }:
                return stem
    return None


def _significant_band(value: float) -> float:
    """Half a unit of the second significant digit (5,000 -> 50; 7,500 -> 50; 12 -> 0.5)."""
    if value <= 0:
        return 0.5
    magnitude = 10.0 ** (math.floor(math.log10(value)) - 1)
    return max(0.5, magnitude / 2)


def _significant_digits(figure: str) -> int:
    digits = re.sub(r"\D", "", figure.split(".")[0]).lstrip("0")
    return len(digits.rstrip("0")) if digits else 0


def interval(value: float, qualifier: str, figure: str = "") -> tuple[float, float]:
    """Return the range of true values a hedged figure asserts (see the module rule).

    Args:
        value: the figure's value.
        qualifier: exact | about | more_than | less_than | at_least | at_most | nearly.
        figure: the digits as written; exact figures with more than two significant
            digits are read as exact.

    Returns:
        (low, high), inclusive; open ends are +-inf.
    """
    band = _significant_band(value)
    if qualifier == "more_than":
        return (value + 1e-9, math.inf)
    if qualifier == "at_least":
        return (value, math.inf)
    if qualifier == "less_than":
        return (-math.inf, value - 1e-9)
    if qualifier == "at_most":
        return (-math.inf, value)
    if qualifier == "nearly":
        return (0.9 * value, value)
    if qualifier == "exact" and figure and _significant_digits(figure) > 2:
        return (value, value)
    if qualifier == "about" and figure:
        # "around 40" is 36-44: half the step of its last significant digit, at most 10%.
        digits = re.sub(r"\D", "", figure.split(".")[0])
        zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
        band = max(band, min(10.0**zeros / 2, 0.1 * value))
    return (value - band, value + band)


def compatible(a: Quantity, b: Quantity, figure_a: str = "", figure_b: str = "") -> bool:
    """Say whether two figures for the same quantity can both hold."""
    if {"additional", "part"} & {a.qualifier, b.qualifier}:
        return True
    low_a, high_a = interval(a.value, a.qualifier, figure_a)
    low_b, high_b = interval(b.value, b.qualifier, figure_b)
    return low_a <= high_b and low_b <= high_a


def _verb_stem(word: str) -> str:
    lower = word.lower()
    for suffix in ("ing", "ed", "es", "e", "s", "d"):
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 3:
            return lower[: -len(suffix)]
    return lower


def event_class(verb: str) -> str | None:
    """Return the event class of a predicate ("injuring" -> "injured"), None if not an event."""
    return _EVENT_CLASSES.get(_verb_stem(verb))


def _event_unit(token: Any) -> str | None:
    """The predicate that counts ``token`` (a number or a generic noun), if it is an event."""
    head = token.head
    if token.dep_ in {"dobj", "nsubj", "nsubjpass", "attr"} and head.pos_ in {"VERB", "ADJ", "AUX"}:
        return event_class(head.text)
    if token.dep_ == "amod" or (
        token.dep_ == "nummod" and head.text.lower() in {"dead", "injured"}
    ):
        return event_class(head.text)
    return None


def _qualifier(doc: Any, start: int) -> tuple[str, int]:
    """The hedge right before token ``start`` and the index where the hedged figure begins."""
    if start > 0 and doc[start - 1].text.lower() in {"a", "an"}:
        start -= 1  # "more than a dozen"
    before = [t.text.lower() for t in doc[max(0, start - 3) : start]]
    joined = " ".join(before)
    for phrase, name in _QUALIFIERS:
        if joined == phrase or joined.endswith(" " + phrase):
            return name, start - len(phrase.split())
    return "exact", start


def _span_text(tokens: Sequence[Any]) -> str:
    return " ".join(t.text for t in tokens)


def _owner_of(noun: Any) -> str:
    """Whose the counted things are: a proper/national modifier, or the subject of have/keep."""
    modifiers = [
        c
        for c in noun.lefts
        if c.dep_ in {"compound", "amod", "nmod"} and (c.pos_ == "PROPN" or c.text[:1].isupper())
    ]
    if modifiers:
        return _span_text(modifiers)
    possessive = [c for c in noun.lefts if c.dep_ == "poss"]
    head = noun.head
    # "The alliance had 7,500 military deployed": the count is parsed as the subject of a
    # complement clause of "have"; the owner is the subject of "have".
    if noun.dep_ in {"nsubj", "nsubjpass"} and head.dep_ in {"ccomp", "xcomp"}:
        noun, head = head, head.head
        if head.lemma_ not in {"have", "keep"}:
            return ""
    if noun.dep_ in {"dobj", "attr", "ccomp", "xcomp"} and head.pos_ in {"VERB", "AUX"}:
        subjects = [c for c in head.lefts if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects and (possessive or head.lemma_ in {"", "have", "keep", "deploy", "station"}):
            subject = subjects[0]
            if subject.pos_ in {"PROPN", "NOUN"}:
                return _span_text(
                    [t for t in subject.subtree if t.dep_ != "relcl" and t.i <= subject.i]
                )
    return ""


def _place_of(noun: Any) -> str:
    """The "in X" that locates the counted things (on the noun or on its participle)."""
    candidates = [noun, *[c for c in noun.rights if c.dep_ == "acl"]]
    if noun.dep_ in {"nsubjpass", "nsubj"}:
        candidates.append(noun.head)
    for token in candidates:
        for child in token.rights:
            if child.dep_ == "prep" and child.text.lower() == "in":
                objects = [c for c in child.rights if c.dep_ == "pobj"]
                if objects:
                    # "in Iraq, of which ..." -> "Iraq": stop at the place noun itself.
                    head = objects[0]
                    return _span_text([t for t in head.subtree if t.i <= head.i])
    return ""


def extract_quantities(
    doc: Any, *, article_id: str, sentence: int, skip: Sequence[tuple[int, int]] = ()
) -> list[QuantityInfo]:
    """Find the counted figures of one parsed sentence.

    Args:
        doc: a spaCy ``Doc`` of the sentence (tagger + parser).
        article_id: the sentence's article.
        sentence: the sentence index.
        skip: character spans (in the sentence) that are dates, not counts.

    Returns:
        The quantities in order of appearance.
    """
    found: list[QuantityInfo] = []
    index = 0
    tokens = list(doc)
    while index < len(tokens):
        token = tokens[index]
        lower = token.text.lower()
        is_number = token.like_num or lower in _WORD_NUMBERS
        in_date = any(s <= token.idx < e for s, e in skip)
        if (
            not is_number
            or in_date
            or lower in {"one", "1"}
            or token.pos_ not in {"NUM", "DET", "NOUN", "ADJ"}
        ):
            index += 1
            continue
        end = index + 1
        while end < len(tokens) and tokens[end].text.lower() in _SCALES:
            end += 1
        figure = _span_text(tokens[index:end])
        value = parse_number(figure)
        # "Forty-two" is split by the tokenizer: tens, hyphen, units.
        if (
            value is not None
            and end + 1 < len(tokens)
            and tokens[end].text == "-"
            and lower in _TENS
            and tokens[end + 1].text.lower() in _UNITS
        ):
            value += _WORD_NUMBERS[tokens[end + 1].text.lower()]
            figure = f"{token.text}-{tokens[end + 1].text}"
            end += 2
        if value is None or re.fullmatch(r"(1[6-9]|20)\d\d", figure):
            index = end
            continue
        qualifier, q_start = _qualifier(doc, index)
        # "Forty-two of the 69 sailors", "including three children": a part of a count,
        # never compared with the whole.
        if (end < len(tokens) and tokens[end].text.lower() == "of") or (
            q_start > 0 and tokens[q_start - 1].text.lower() in {"including", "includes"}
        ):
            qualifier = "part"
        last = tokens[end - 1]
        noun = last.head if last.dep_ in {"nummod", "quantmod", "compound"} else None
        unit_text, owner, place = "", "", ""
        event = False
        generic = noun is not None and noun.text.lower() in _GENERIC_NOUNS
        counted = noun if generic and noun is not None else last
        event_unit = _event_unit(counted) if generic or noun is None or noun.i < last.i else None
        if event_unit is not None:
            unit_text, event = event_unit, True
        elif generic:
            pass
        elif noun is not None and noun.pos_ in {"NOUN", "PROPN"} and noun.i > last.i:
            unit_text = noun.text
            owner = _owner_of(noun)
            place = _place_of(noun)
        elif found:
            # Ellipsis: "..., of which 5,000 were Americans" / "allies another 2,500".
            previous = found[-1]
            unit_text = previous.unit_text
            place = previous.place
            head = last.head
            attrs = [c for c in head.rights if c.dep_ == "attr"] if last.dep_ == "nsubj" else []
            if attrs:
                owner = attrs[0].text
            elif last.dep_ == "appos" and head.pos_ in {"NOUN", "PROPN"}:
                owner = _span_text(
                    [t for t in head.subtree if t.i < last.i and t.dep_ != "det" and t.i <= head.i]
                )
        if not unit_text:
            index = end
            continue
        text = _span_text(tokens[q_start:end])
        unit = unit_text if event else _singular(unit_text)
        subject = " ".join(p for p in (owner, unit_text, f"in {place}" if place else "") if p)
        found.append(
            QuantityInfo(
                quantity=Quantity(
                    article_id=article_id,
                    sentence=sentence,
                    text=text,
                    value=value,
                    unit=unit,
                    subject=subject,
                    qualifier=qualifier,
                ),
                figure=figure,
                unit_text=unit_text,
                owner=owner,
                place=place,
                event=event,
            )
        )
        index = end
    return found


# --- hedged figures in plain text (the evidence engine's number agreement) -------------------

# Plural counts that name only an order of magnitude: "dozens" is 24 or more, and fewer than a
# gross; "hundreds" 200-999, and so on. "tens of thousands" is read before "thousands".
_VAGUE_COUNTS: tuple[tuple[str, tuple[float, float]], ...] = (
    ("hundreds of thousands", (2e5, 999_999.0)),
    ("tens of thousands", (2e4, 99_999.0)),
    ("hundreds of millions", (2e8, 999_999_999.0)),
    ("tens of millions", (2e7, 99_999_999.0)),
    ("dozens", (24.0, 143.0)),
    ("scores", (40.0, 199.0)),
    ("hundreds", (200.0, 999.0)),
    ("thousands", (2000.0, 999_999.0)),
    ("millions", (2e6, 999_999_999.0)),
)
_FIGURE_WORDS = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_HEDGES = "|".join(
    re.escape(phrase) for phrase, name in _QUALIFIERS if name not in {"additional", "exact"}
)
_HEDGED = re.compile(
    rf"\b(?P<hedge>{_HEDGES})\s+(?:a\s+|an\s+)?(?P<figure>\d[\d,]*(?:\.\d+)?|{_FIGURE_WORDS})"
    rf"(?P<scale>(?:\s+(?:{'|'.join(_SCALES)}))?)\b(?!\s*(?:%|percent|per cent)|[.,]?\d)",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    rf"\b(?:{'|'.join(re.escape(p) for p, _ in _VAGUE_COUNTS)})\s+of\b", re.IGNORECASE
)
_VAGUE_RANGES = dict(_VAGUE_COUNTS)
_PREPOSITIONS = frozenset({"over", "under", "above", "below", "some"})
_TIME_UNIT = re.compile(r"\s+(?:days?|weeks?|months?|years?|hours?|decades?|minutes?)\b", re.I)


@dataclass(frozen=True)
class HedgedFigure:
    """A figure a text does not state exactly, and the values it covers.

    ``start``/``end``: its characters in the text; ``low``/``high``: the range it asserts
    (``interval``), inclusive, open ends +-inf.
    """

    start: int
    end: int
    low: float
    high: float

    def covers(self, value: float) -> bool:
        """Say whether the figure is true of ``value`` ("more than a dozen" of 14)."""
        return self.low <= value <= self.high

    def within(self, other: HedgedFigure) -> bool:
        """Say whether every value this figure allows is one ``other`` allows."""
        return other.low <= self.low and self.high <= other.high


def hedged_figures(text: str) -> tuple[HedgedFigure, ...]:
    """Return the figures ``text`` hedges or gives as an order of magnitude.

    A hedged figure ("more than a dozen", "about 40", "nearly 5,000") asserts a range
    (``interval``), and so does a plural count ("dozens of", "hundreds of"). Such a figure is
    true of every precise figure in its range: "more than a dozen injured" is what "14
    injured" and "17 injured" both say. Percentages and increments ("another 2,500") are
    not hedged figures.

    Example:
        >>> [(f.low, f.high) for f in hedged_figures("About 40 cars and dozens of people.")]
        [(36.0, 44.0), (24.0, 143.0)]
    """
    found: list[HedgedFigure] = []
    names = dict(_QUALIFIERS)
    for match in _HEDGED.finditer(text):
        if match.group("hedge").lower() in _PREPOSITIONS and _TIME_UNIT.match(text, match.end()):
            continue  # "over two days" is during them, not more than two
        figure = match.group("figure").lower()
        value = parse_number(f"{figure}{match.group('scale')}")
        if value is None:
            continue
        qualifier = names[" ".join(match.group("hedge").lower().split())]
        digits = figure if figure[0].isdigit() else str(int(_WORD_NUMBERS[figure]))
        low, high = interval(value, qualifier, digits)
        found.append(HedgedFigure(match.start(), match.end(), low, high))
    for match in _VAGUE.finditer(text):
        phrase = " ".join(match.group(0).lower().split()[:-1])
        if any(f.start <= match.start() < f.end for f in found):
            continue
        low, high = _VAGUE_RANGES[phrase]
        found.append(HedgedFigure(match.start(), match.end(), low, high))
    return tuple(sorted(found, key=lambda f: f.start))
