"""Words, stems, numbers and months of a sentence: what the evidence engine compares.

``Words`` tokenizes and stems (with a cache), ``content_of``/``acronyms_of``/``numbers_of``/
``times_of``/``is_negated`` read what a sentence offers, and ``similar_words`` finds a story's
content words of nearly one meaning (``lexicon``). ``citations`` decides with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .lexicon import WordTable, similar_stems

__all__ = [
    "MONTH_STEMS",
    "NEGATION",
    "Words",
    "acronyms_of",
    "bigrams_of",
    "content_of",
    "is_negated",
    "numbers_of",
    "similar_words",
    "stem",
    "times_of",
]

# --- words, stems, numbers -----------------------------------------------------------------

_TOKEN = re.compile(r"\w+(?:[.,:]\d+)*", re.UNICODE)
# Small closed class: English function words and reporting verbs. They carry no claim, and
# for other languages the list simply matches nothing.
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
said say says saying told tell added add according statement since among across via within
without upon toward towards despite amid ago even already around nearly almost roughly least
reported report reports stated noted announced us mr mrs ms dr per cent percent monday
tuesday wednesday thursday friday saturday sunday
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_DETERMINER_TEXT = "the both these those its their all his her our"
_DETERMINERS = frozenset(_DETERMINER_TEXT.split())
_NUMBER_TEXT = """zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty"""
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_NUMBER_TEXT.split())}


def stem(word: str) -> str:
    """A light English suffix stripper: force/forces/forced/forcing share one stem."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 5:
        word = word[:-2]
    elif word.endswith("ment") and len(word) >= 9:
        word = word[:-4]  # commitment = committed, but keep "moment", "segment"
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # committ(ed) = commit, stopp(ed) = stop
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


_STOP_STEMS = _STOPWORDS | {stem(w) for w in _STOPWORDS}
_PLAIN = re.compile(r"[a-z0-9]+")
_NAME_WORDS = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][\w'’-]*")


class Words:
    """Tokens, content words, numbers and names of texts, with a stem cache it owns.

    Example:
        >>> sorted(Words().content("The forces were reduced."))
        ['forc', 'reduc']
    """

    def __init__(self) -> None:
        self._stems: dict[str, str] = {}
        self._plain: dict[str, str] = {}

    def tokens(self, text: str) -> list[str]:
        """Return lower-cased stems, possessives off, numbers normalised (5,000 -> 5000)."""
        out: list[str] = []
        stems = self._stems
        for raw in _TOKEN.findall(_fold(text)):
            if raw[0].isdigit():
                out.append(raw.replace(",", ""))
                continue
            found = stems.get(raw)
            if found is None:
                found = stems[raw] = stem(raw.removesuffix("'s"))
            out.append(found)
        return out

    def plain(self, text: str) -> list[str]:
        """Return ROUGE-style tokens (runs of a-z and 0-9) with light suffix stripping.

        Concepts for summary selection use these: DUC 2004 cross-validation preferred them
        to ``tokens`` (ROUGE-1 +0.3), as they count what ROUGE counts.
        """
        out: list[str] = []
        stems = self._plain
        for raw in _PLAIN.findall(_fold(text)):
            found = stems.get(raw)
            if found is None:
                found = raw
                for suffix in ("ing", "ed", "es", "s"):
                    if raw.endswith(suffix) and len(raw) - len(suffix) >= 4:
                        found = raw[: -len(suffix)]
                        break
                stems[raw] = found
            out.append(found)
        return out

    def content(self, text: str) -> frozenset[str]:
        """Return the content-word stems of ``text`` (function words out)."""
        return content_of(self.tokens(text))

    def names(self, text: str) -> frozenset[str]:
        """Return stems of capitalised words not opening a sentence: proper names.

        Acronyms (``acronyms_of``) are names too, kept upper-case: "US" is a country, "us"
        a pronoun; so is every word of a run of capitalised words, the sentence's first
        included ("Transport Minister Ilyas Varkonen …": a title, not what he did).
        """
        found = frozenset(self.tokens(" ".join(_NAME_WORDS.findall(text))))
        return found.union(acronyms_of(text), *(run for run, _ in self.runs(text)))

    def runs(self, text: str) -> tuple[tuple[frozenset[str], str], ...]:
        """Return each run of capitalised words as (its stems, its initials).

        Example:
            >>> [(sorted(run), initials) for run, initials in Words().runs(
            ...     "Talks in the United States of America ended.")]
            [(['america', 'unit'], 'USA')]
        """
        out = []
        for run in _NAME_RUN.findall(_dotless(text)):
            initials = _initials(run)
            if initials:
                out.append((content_of(self.tokens(run)), initials))
        return tuple(out)


# Acronyms: "U.S." = "US" = "United States", "EU" = "European Union", as ``entities`` matches
# an acronym to its long form (initials of the capitalised words, connectors left out).
# A general rule of English names, not a list: no acronym or name is spelled out here.
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_CONNECTOR_TEXT = "of and for the"
_CONNECTORS = frozenset(_CONNECTOR_TEXT.split())
_NAME_RUN = re.compile(r"\b[A-Z][\w'’]*(?:\s+(?:(?:of|and|for|the)\s+){0,2}[A-Z][\w'’]*)+")


def _dotless(text: str) -> str:
    return _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)


def _initials(run: str) -> str:
    words = [w for w in run.split() if w.lower() not in _CONNECTORS]
    return "".join(w[0] for w in words) if 2 <= len(words) <= 6 else ""


def acronyms_of(text: str) -> frozenset[str]:
    """Return the acronyms a text writes (upper-case words of 2-6 letters, dots out).

    A text mostly in capitals (a shouted headline) has none.

    Example:
        >>> sorted(acronyms_of("The U.S. and the EU met at NATO headquarters."))
        ['EU', 'NATO', 'US']
    """
    found = _ACRONYM.findall(_dotless(text))
    if not found or len(_UPPER.findall(text)) > len(_LOWER.findall(text)):
        return frozenset()
    return frozenset(found)


def _fold(text: str) -> str:
    # Accents off and curly apostrophes straight, so Ostrová = Ostrova and U.S. = US.
    text = text.replace("’", "'").replace("U.S.", "US")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def content_of(tokens: Sequence[str]) -> frozenset[str]:
    """Return the tokens that carry content (not function words, not one letter)."""
    return frozenset(t for t in tokens if t not in _STOP_STEMS and len(t) > 1)


def bigrams_of(tokens: Sequence[str]) -> frozenset[tuple[str, str]]:
    """Return the word bigrams of ``tokens`` except those of two function words."""
    return frozenset(
        (a, b)
        for a, b in zip(tokens, tokens[1:], strict=False)
        if not (a in _STOP_STEMS and b in _STOP_STEMS)
    )


def numbers_of(text: str) -> frozenset[str]:
    """Return the numbers a text states, digits or words: "two" and "2" are one claim.

    Example:
        >>> sorted(numbers_of("The two countries said 5,000 troops and two bases."))
        ['2', '5000']
    """
    found = set()
    previous = ""
    for raw in _TOKEN.findall(_fold(text)):
        if raw[0].isdigit():
            found.add(raw.replace(",", "").rstrip(".:"))
        elif raw in _NUMBER_WORDS and raw != "one" and previous not in _DETERMINERS:
            # "one" is mostly a pronoun; "the two countries" names, it does not count.
            found.add(_NUMBER_WORDS[raw])
        previous = raw
    return frozenset(found)


_MONTH_CASE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b"
)
_MONTH_TEXT = """january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec"""
MONTH_STEMS = frozenset(stem(m) for m in _MONTH_TEXT.split())
#: Negation cues: "not", "no", "never", "nor", "neither", "without", "cannot", "n't".
NEGATION = re.compile(r"\b(?:not|no|never|nor|neither|without|cannot)\b|n[’']t\b", re.IGNORECASE)


def is_negated(text: str) -> bool:
    """Say whether ``text`` carries a negation cue (quoted words included: they are asserted)."""
    return bool(NEGATION.search(text))


def times_of(text: str) -> frozenset[str]:
    """Return the months a text names (capitalised, so "may" the verb is not May).

    Example:
        >>> sorted(times_of("Talks began in June and ended on Sept. 3."))
        ['jun', 'sep']
    """
    return frozenset(m.group(0)[:3].lower() for m in _MONTH_CASE.finditer(text))


# --- words of one meaning (``lexicon``) ----------------------------------------------------


def similar_words(
    texts: Sequence[str], words: Words, threshold: float, table: WordTable | None = None
) -> dict[str, frozenset[str]]:
    """Return each content stem of ``texts`` -> the stems of ``texts`` of nearly its meaning.

    ``lexicon.similar_stems`` over the stems' written forms; proper names (``Words.names``),
    months and function words are left out: another name is another referent.
    """
    excluded: set[str] = set(MONTH_STEMS)
    written: set[str] = set()
    for text in texts:
        excluded |= words.names(text)
        written.update(raw for raw in _TOKEN.findall(_fold(text)) if raw.isalpha())
    forms: dict[str, set[str]] = {}
    for raw in sorted(written):  # each written form stemmed once
        forms.setdefault(words.tokens(raw)[0], set()).add(raw)
    kept = {
        s: frozenset(f)
        for s, f in forms.items()
        if s not in excluded and s not in _STOP_STEMS and len(s) > 1
    }
    return similar_stems(kept, threshold, table)
