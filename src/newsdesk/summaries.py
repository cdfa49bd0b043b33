"""Extractive multi-document summaries whose every sentence cites all sources that report it.

Selection follows the concept-coverage model of ICSISumm (Gillick & Favre 2009), solved
greedily: a *concept* is a word bigram that at least ``min_df`` independent sources use (a
syndicated copy does not count twice), weighted by how many sources use it and how early
they do (news puts the gist first). Sentences are picked by the weight of concepts they add
that the summary does not cover yet, per word, plus a small bonus for opening sentences, so
a second sentence saying the same thing earns nothing and the summary does not repeat
itself. Only sentences that stand alone are eligible (no dangling "He said…", no quotation
without a speaker); the summary is read in the order the sources tell the story.

Citations are decided separately, per summary sentence and per source: a source is cited
when one of its sentences (alone or with its neighbour) says the same thing, which takes
all three of: a close MiniLM embedding, most of the sentence's content words (weighted by
rarity in the story), and every number of the sentence. See ``Citer``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Levenshtein

from .models import ArticleAnalysis, Sentence, SummarySentence

__all__ = [
    "Candidate",
    "Citer",
    "SummaryOptions",
    "count_words",
    "standalone",
    "summarize",
    "trim_attribution",
]

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SummaryOptions:
    """Knobs of the summarizer.

    Selection knobs (``min_df``, ``concept_position``, ``lead_bonus``, ``length_power``,
    ``min_words``, ``max_words``, ``redundancy``) were tuned by 5-fold cross-validation on
    DUC 2004 (``newsdesk eval summaries --data …/duc2004 --folds 5``; the grid is
    ``evaluation.summaries.tuning_grid``). Citation knobs (``same_claim``, ``near_claim``,
    ``cite_recall``, ``loose_recall``) were calibrated by reading the seeds and the example
    story sentence by sentence (``tests/test_summaries.py`` pins the resulting citation
    sets). Re-run both after changing any of them.
    """

    #: Word budget. The summary never exceeds it unless ``overflow`` is set.
    words: int = 120
    #: Let the last sentence run past the budget. Only for ROUGE evaluation, which cuts
    #: every summary at 100 words itself; the product promises at most ``words`` words.
    overflow: bool = False
    #: A bigram is a concept when this many independent sources use it (fewer for stories
    #: with few sources, see ``_min_df``).
    min_df: int = 3
    #: Concept weight per source is 1 + concept_position / (1 + index of the first
    #: sentence using it): concepts of the opening sentences weigh up to 5x.
    concept_position: float = 4.0
    #: Bonus for opening sentences, lead_bonus / (1 + sentence index), in concept units.
    lead_bonus: float = 2.0
    #: Gain is divided by length ** length_power (1 = gain per word).
    length_power: float = 1.0
    #: Sentence length bounds (words, after trimming) for summary candidates.
    min_words: int = 8
    max_words: int = 55
    #: Skip a candidate whose cosine with a chosen sentence reaches this (near-duplicates).
    redundancy: float = 0.85
    #: Drop relative weekday mentions ("on Thursday"): they mean nothing without the date.
    drop_weekdays: bool = True
    #: Citation: cosine at which a source sentence may say the same as the summary sentence.
    same_claim: float = 0.55
    #: ... provided it carries this share of the sentence's content words (rarity-weighted).
    cite_recall: float = 0.45
    #: A very close paraphrase (cosine >= near_claim) needs only loose_recall of the words.
    near_claim: float = 0.7
    loose_recall: float = 0.3


@dataclass(frozen=True)
class Candidate:
    """A sentence that may enter the summary, as it would be printed."""

    sentence: Sentence
    text: str
    row: int
    words: int
    concepts: frozenset[tuple[str, str]]
    bonus: float


# --- text rules: what stands alone, what to trim ---------------------------------------------

# Openers that point back to something earlier in the article.
_DANGLING_START = re.compile(
    r"^(?:he|she|it|they|them|his|her|hers|its|their|theirs|this|these|those|that|such|"
    r"there|here|but|and|or|so|yet|also|however|meanwhile|moreover|furthermore|still|"
    r"instead|then|thus|hence|besides|otherwise|nonetheless|nevertheless|likewise|"
    r"similarly|additionally|in addition|on the other hand|in turn|as a result|after that|"
    r"the (?:statement|document|official|officials|spokesman|spokeswoman|minister|move|"
    r"decision|report|letter|agency|source|sources|comments|remarks|announcement|"
    r"two officials|two countries|two men|two women|latter|former|same)\b|"
    r"mr|mrs|ms|dr|one of the)\b\.?",
    re.IGNORECASE,
)
# "the statement added" / "it said" anywhere: the sentence leans on an earlier one.
_REFERRING = re.compile(
    r"\b(?:(?:the|that) (?:joint )?(?:statement|document|official|report|letter|"
    r"announcement)|it|he|she|they) (?:added|said|says|noted|stated|continued|recalls|"
    r"recalled|told)\b",
    re.IGNORECASE,
)
# ", it said." / ", he told reporters." / ", the joint statement added." at the end.
_TRAILING_ATTRIBUTION = re.compile(
    r",?\s*[”\"]?,?\s*(?:he|she|it|they|officials?|the (?:official|(?:joint )?statement|"
    r"document|ministry|agency))\s+(?:said|says|added|noted|stated|told reporters|explained)"
    r"(?:\s+(?:on|in|at)\s+\w+)?\s*([.!])\s*$",
    re.IGNORECASE,
)
# "rejected that account", "denied the claim": a reference to something said before.
_BACK_REFERENCE = re.compile(
    r"\b(?:that|this|these|those|such) (?:account|claims?|criticism|allegations?|view|"
    r"assessment|accusations?|charges?|suggestion|idea|request|demand|warning|figures?|"
    r"version|argument|position|comments?|remarks?)\b",
    re.IGNORECASE,
)
_OPEN_QUOTES = "“\"‘'"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# "on Thursday", "late on Tuesday night", "announced Thursday": relative days that need the
# article's date to mean anything. Possessives ("Tuesday's rush") and ranges ("from
# Thursday", "by Friday") carry meaning and stay.
_WEEKDAY_MENTION = re.compile(
    rf"(?:,\s*|\s+)(?:(?:late|early)\s+)?on\s+{_WEEKDAY}"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b(?![’'-])"
    rf"|(?:(?<=\bsaid)|(?<=\bsays)|(?<=\bannounced)|(?<=\breported)|(?<=\badded))"
    rf"\s+{_WEEKDAY}\b(?![’'-])"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def count_words(text: str) -> int:
    """Count words as the budget does: whitespace tokens, each CJK or Thai character one word.

    Scripts written without spaces would otherwise count a whole sentence as one word.

    Example:
        >>> count_words("Two dead in Velmora."), count_words("大桥 倒塌")
        (4, 4)
    """
    return sum(max(1, len(_CJK.findall(token))) for token in text.split())


def trim_attribution(text: str) -> str:
    """Drop a trailing attribution with no referent out of context (", it said.").

    Example:
        >>> trim_attribution("Talks will resume in May, it said.")
        'Talks will resume in May.'
    """
    if text.lstrip()[:1] in _OPEN_QUOTES:
        return text  # quoted speech: the attribution says who spoke
    trimmed = _TRAILING_ATTRIBUTION.sub(r"\1", text)
    return trimmed if trimmed.count("“") == trimmed.count("”") else text


def _drop_weekdays(text: str) -> str:
    return _WEEKDAY_MENTION.sub("", text)


def standalone(text: str) -> bool:
    """Say whether a sentence reads on its own: no dangling reference, no speakerless quote.

    Example:
        >>> standalone("He said the talks failed."), standalone("The talks failed, Ann Lee said.")
        (False, True)
    """
    stripped = text.strip()
    if not stripped or stripped.endswith(("?", ":")) or stripped[-1:] not in ".!\"”’'":
        return False
    if _DANGLING_START.match(stripped) or _REFERRING.search(stripped):
        return False
    if _BACK_REFERENCE.search(stripped):
        return False
    if stripped.count('"') % 2 == 1 or stripped.count("“") != stripped.count("”"):
        return False
    if stripped[0] in "“\"" and stripped.rstrip(".")[-1:] in "”\"":
        return False  # a whole-sentence quotation with no speaker
    if re.search(r"\s\.\s*$|\.\s+\.$", stripped):
        return False  # a stray full stop: a splitting or translation artefact
    return not re.search(r"\b(?:he|she|they) (?:said|added|told)\b", stripped[:40], re.I)


# --- words, stems, numbers -----------------------------------------------------------------

_TOKEN = re.compile(r"\w+(?:[.,:]\d+)*", re.UNICODE)
# Small closed class: English function words and reporting verbs. They carry no claim, and
# for other languages the list simply matches nothing.
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said say says saying told tell added add according statement since
    among across via within without upon toward towards despite amid ago even already around
    nearly almost roughly least
    reported report reports stated noted announced us mr mrs ms dr per cent percent monday
    tuesday wednesday thursday friday saturday sunday""".split()
)
_DETERMINERS = frozenset("the both these those its their all his her our".split())
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}


def _stem(word: str) -> str:
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
    return _SYNONYMS.get(word, word)


# A few paraphrases news copy uses interchangeably (stems on both sides). Kept tiny: each
# entry was seen splitting one claim across outlets in the seeds or the example story.
_SYNONYMS = {
    "forc": "troop",
    "soldier": "troop",
    "personnel": "troop",
    "di": "kill",  # dies
    "died": "kill",
    "dead": "kill",
    "wound": "injur",
    "hurt": "injur",
    "strain": "tension",
}


def _fold(text: str) -> str:
    # Accents off and curly apostrophes straight, so Ostrová = Ostrova and U.S. = US.
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("U.S.", "US"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


_STOP_STEMS = _STOPWORDS | {_stem(w) for w in _STOPWORDS}


def _tokens(text: str) -> list[str]:
    """Lower-cased stems, possessives off, numbers normalised (5,000 -> 5000)."""
    out: list[str] = []
    for raw in _TOKEN.findall(_fold(text)):
        if raw[0].isdigit():
            out.append(raw.replace(",", ""))
        else:
            out.append(_stem(raw.removesuffix("'s")))
    return out


def _numbers(text: str) -> frozenset[str]:
    """Numbers a sentence states, digits or words: "two" and "2" are the same claim."""
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


def _content(tokens: Sequence[str]) -> frozenset[str]:
    return frozenset(t for t in tokens if t not in _STOP_STEMS and len(t) > 1)


def _bigrams(tokens: Sequence[str]) -> frozenset[tuple[str, str]]:
    return frozenset(
        (a, b)
        for a, b in zip(tokens, tokens[1:], strict=False)
        if not (a in _STOP_STEMS and b in _STOP_STEMS)
    )


# --- citations -----------------------------------------------------------------------------


class Citer:
    """Decide which sources report a sentence: embedding, content words and numbers agree.

    A sentence is split into clauses ("X reiterated … and the Iraqi government said …" is
    two claims). A source reports the sentence when one of its sentences has cosine >=
    ``same_claim`` with it and every clause is found in the source: some sentence of the
    source (or a sentence joined with the next, for claims a source splits in two) close to
    the whole (cosine >= ``same_claim`` - 0.15) states every number of the clause (14
    injured is not 17 injured) and covers ``cite_recall`` of the clause's content words,
    weighted by rarity in the story, so "Varkonen" and "inquiry" count and "bridge" hardly;
    only ``loose_recall`` when that sentence is a near paraphrase (cosine >= ``near_claim``),
    since translations and rewordings share few words. Names match across spellings
    (Soleimani = Suleimani, Ostrová = Ostrova).

    Calibration: read on the seeds and the example story (``tests/test_summaries.py`` pins
    the citation sets). Same-claim paraphrases across outlets have cosine 0.6-0.98 and
    weighted recall 0.3-1.0; sentences on the same topic but another claim reach cosine
    0.5-0.75 with recall under 0.3.

    Args:
        analyses: the story's articles, split into sentences.
        matrix: the sentences' embeddings, stacked in the same order.
        options: the citation thresholds.
    """

    def __init__(
        self, analyses: Sequence[ArticleAnalysis], matrix: Matrix, options: SummaryOptions
    ) -> None:
        self._options = options
        self._matrix = matrix
        self._article_ids = [a.article.id for a in analyses]
        texts = [s.text for a in analyses for s in a.sentences]
        self._article_of = np.array(
            [i for i, a in enumerate(analyses) for _ in a.sentences], dtype=np.int64
        )
        self._content = [_content(_tokens(t)) for t in texts]
        self._numbers = [_numbers(t) for t in texts]
        df: Counter[str] = Counter()
        for words in self._content:
            df.update(words)
        n = max(len(texts), 1)
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}

    def _weight(self, word: str) -> float:
        return self._idf.get(word, math.log(1 + len(self._content)))

    def recall(
        self, words: frozenset[str], other: frozenset[str], names: frozenset[str] = frozenset()
    ) -> float:
        """Return the rarity-weighted share of ``words`` found in ``other``.

        Words in ``names`` (proper names) also match a spelling variant in ``other``.
        """
        total = sum(self._weight(w) for w in words)
        if not total:
            return 0.0
        found = 0.0
        for word in words:
            if word in other or (word in names and _variant_in(word, other)):
                found += self._weight(word)
        return found / total

    def reports(self, text: str, vector: Matrix, article: int) -> bool:
        """Say whether article number ``article`` reports the sentence ``text``."""
        opts = self._options
        rows = np.nonzero(self._article_of == article)[0]
        if not len(rows):
            return False
        sims = self._matrix[rows] @ vector
        if float(sims.max()) < opts.same_claim:
            return False
        floor = opts.same_claim - 0.15
        order = [int(i) for i in np.argsort(-sims)[:4] if sims[i] >= floor]
        last = int(rows[-1])
        spans: list[tuple[float, frozenset[str], frozenset[str]]] = []
        for local in order:
            row = int(rows[local])
            cos = float(sims[local])
            spans.append((cos, self._content[row], self._numbers[row]))
            if row < last:
                spans.append(
                    (
                        cos,
                        self._content[row] | self._content[row + 1],
                        self._numbers[row] | self._numbers[row + 1],
                    )
                )
        names = _names(text)
        for words, numbers in _clauses(text):
            # The predicate must be there too, not only the names: "Varkonen met port
            # operators" does not report "Varkonen promised an inquiry".
            predicate = words - names if len(words - names) >= 2 else words
            if not any(
                numbers <= stated
                and min(self.recall(words, have, names), self.recall(predicate, have))
                >= (opts.loose_recall if cos >= opts.near_claim else opts.cite_recall)
                for cos, have, stated in spans
            ):
                return False
        return True

    def covers(self, text: str, vector: Matrix, row: int) -> bool:
        """Say whether sentence number ``row`` says what ``text`` says (redundancy test).

        Looser than citing (cosine gate ``same_claim`` - 0.15, recall 0.1 lower): a summary
        sentence that mostly repeats another wastes the budget even if it adds a detail.
        """
        opts = self._options
        cos = float(self._matrix[row] @ vector)
        if cos < opts.same_claim - 0.15:
            return False
        need = (opts.loose_recall if cos >= opts.near_claim else opts.cite_recall) - 0.1
        names = _names(text)
        have = self._content[row]
        for words, numbers in _clauses(text):
            predicate = words - names if len(words - names) >= 2 else words
            if not numbers <= self._numbers[row] or (
                min(self.recall(words, have, names), self.recall(predicate, have)) < need
            ):
                return False
        return True

    def sources(self, text: str, vector: Matrix, own: int) -> tuple[str, ...]:
        """Return the ids of the articles that report ``text`` (its own article included)."""
        cited = {self._article_ids[own]}
        for article, article_id in enumerate(self._article_ids):
            if article != own and self.reports(text, vector, article):
                cited.add(article_id)
        return tuple(sorted(cited))


# What a sentence claims, for citing: attribution ("…, the State Department said.",
# "According to the statement, …") is who said it, not what; coordinated clauses ("… and
# the Iraqi government said …", "; ") are separate claims that a source must all report;
# subordinate and participial tails (", when …", ", killing …") and relative asides
# (", who flew in from the capital,") are detail a source may leave out, except for numbers.
_LEADING_ATTRIBUTION = re.compile(
    r"^(?:according to [^,]{1,60}|(?:in|under) (?:the|a) (?:joint )?(?:statement|document|"
    r"report|letter)[^,]{0,40}),\s*",
    re.IGNORECASE,
)
_TRAILING_ATTRIBUTION_ANY = re.compile(
    r"(?:[,”\"’]+\s*(?:the\s+)?(?:[\w.'’-]+\s+){0,6}?(?:said|says|added|announced|reported|"
    r"stated|noted|told reporters)(?:\s+(?:on|in|at|during|after|late|earlier|via|from|to)\b"
    r"[^,;“”\"]{0,60})?|,\s+(?:said|says|added|announced|reported)\s+(?:(?:a|an|the)\s+)?"
    r"(?:[\w.'’-]+\s+){0,3}?(?:statement|spokes(?:man|woman|person)|officials?|ministry|"
    r"department|agency|police|sources?|[A-Z][\w.'’-]+)\b[^,;“”\"]{0,60}|"
    r",\s+according to [^,;“”\"]{1,60})\s*[.!]?\s*$"
)
_ASIDE = re.compile(r",\s+(?:who|which|whose|where)\b[^,;]*,")
_CLAUSE_BREAK = re.compile(
    r";\s+|,?\s+(?:and|but|while|whereas)\s+(?=(?:the|a|an|it|he|she|they|its|his|her|"
    r"their)\s)|,\s+(?:stressing|saying|adding|noting|warning|although)\s+"
)
_SUBORDINATE = re.compile(
    r",\s+(?=(?:when|where|which|who|whose|after|before|because|since|although|though|amid|"
    r"following|as|with|leaving|killing|injuring|prompting|forcing|making|bringing)\b)|"
    r"\s+(?=(?:as the|as both|when|after|because|which)\s)"
)


def _clauses(text: str) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Required content words and numbers of each claim in a sentence (at least one).

    Example:
        >>> [sorted(w) for w, _ in _clauses("Ann Lee won the vote, the agency said.")]
        [['ann', 'lee', 'vot', 'won']]
    """
    core = _ASIDE.sub(" ", _LEADING_ATTRIBUTION.sub("", text.strip()))
    stripped = _TRAILING_ATTRIBUTION_ANY.sub("", core)
    if len(_content(_tokens(stripped))) >= 4:
        core = stripped
    out: list[tuple[frozenset[str], frozenset[str]]] = []
    pending = ""
    for part in _CLAUSE_BREAK.split(core):
        part = f"{pending} {part}".strip()
        if len(_content(_tokens(part))) < 4:
            pending = part
            continue
        out.append(_claim(part))
        pending = ""
    if pending:
        if out:
            words, numbers = _claim(pending)
            out[-1] = (out[-1][0] | words, out[-1][1] | numbers)
        else:
            out.append(_claim(pending))
    return out


def _claim(part: str) -> tuple[frozenset[str], frozenset[str]]:
    numbers = _numbers(part)
    main = _SUBORDINATE.split(part, maxsplit=1)[0]
    words = _content(_tokens(main))
    if len(words) < 3:
        words = _content(_tokens(part))
    return words, numbers


def _names(text: str) -> frozenset[str]:
    """Stems of capitalised words after the first: the sentence's proper names."""
    raw = _TOKEN.findall(text.replace("’", "'"))
    return frozenset(_tokens(" ".join(w for w in raw[1:] if w[:1].isupper())))


def _variant_in(word: str, others: frozenset[str]) -> bool:
    """A spelling variant of a name: same initial, similar length, one edit in five."""
    if len(word) < 5:
        return False
    for other in others:
        if other[:1] == word[:1] and abs(len(other) - len(word)) <= 2:
            if Levenshtein.normalized_similarity(word, other) >= 0.8:
                return True
    return False


# --- selection -----------------------------------------------------------------------------


def _independent(article_id: str, duplicate_of: Mapping[str, str]) -> str:
    seen = {article_id}
    while article_id in duplicate_of and duplicate_of[article_id] not in seen:
        article_id = duplicate_of[article_id]
        seen.add(article_id)
    return article_id


def _min_df(options: SummaryOptions, sources: int) -> int:
    # Ten DUC documents: 3. Five seeds: 3. Two reports: both. One: anything it says.
    return max(1, min(options.min_df, math.ceil((sources + 1) / 2)))


def _prepare(
    analyses: Sequence[ArticleAnalysis],
    opts: SummaryOptions,
    duplicate_of: Mapping[str, str],
) -> tuple[list[Candidate], dict[tuple[str, str], float]]:
    """Candidates (standalone, trimmed, within length) and concept weights."""
    per_source: dict[str, dict[tuple[str, str], float]] = {}
    candidates: list[Candidate] = []
    row = 0
    for analysis in analyses:
        group = per_source.setdefault(_independent(analysis.article.id, duplicate_of), {})
        for sentence in analysis.sentences:
            text = trim_attribution(sentence.text.strip())
            if opts.drop_weekdays:
                text = _drop_weekdays(text)
            concepts = _bigrams(_tokens(text))
            weight = 1.0 + opts.concept_position / (1 + sentence.index)
            for concept in concepts:
                if group.get(concept, 0.0) < weight:
                    group[concept] = weight
            n_words = count_words(text)
            if opts.min_words <= n_words <= opts.max_words and standalone(text):
                candidates.append(
                    Candidate(
                        sentence=sentence,
                        text=text,
                        row=row,
                        words=n_words,
                        concepts=concepts,
                        bonus=opts.lead_bonus / (1 + sentence.index),
                    )
                )
            row += 1
    min_df = _min_df(opts, len(per_source))
    users: Counter[tuple[str, str]] = Counter()
    mass: dict[tuple[str, str], float] = {}
    for group_weights in per_source.values():
        for concept, weight in group_weights.items():
            users[concept] += 1
            mass[concept] = mass.get(concept, 0.0) + weight
    weights = {c: w for c, w in mass.items() if users[c] >= min_df}
    return candidates, weights


def _select(
    candidates: list[Candidate],
    weights: Mapping[tuple[str, str], float],
    matrix: Matrix,
    opts: SummaryOptions,
    citer: Citer | None = None,
) -> list[Candidate]:
    """Greedy concept coverage per word under the budget (ICSISumm's objective, greedily)."""
    chosen: list[Candidate] = []
    covered: set[tuple[str, str]] = set()
    used = 0
    pool = list(candidates)
    while pool and used < opts.words:
        best: Candidate | None = None
        best_value = -math.inf
        for cand in pool:
            if used + cand.words > opts.words and not (opts.overflow or not chosen):
                continue
            gain = sum(weights.get(c, 0.0) for c in cand.concepts - covered)
            value = (gain + cand.bonus) / cand.words**opts.length_power
            if value > best_value:
                best, best_value = cand, value
        if best is None:
            break
        pool.remove(best)
        if chosen and max(float(matrix[best.row] @ matrix[c.row]) for c in chosen) >= (
            opts.redundancy
        ):
            continue
        if citer is not None:
            if any(citer.covers(best.text, matrix[best.row], c.row) for c in chosen):
                continue  # says again what the summary says
            repeated = [c for c in chosen if citer.covers(c.text, matrix[c.row], best.row)]
            if repeated:
                # ``best`` says what an earlier pick said, and more: swap when it fits.
                freed = sum(c.words for c in repeated)
                if used - freed + best.words > opts.words and not opts.overflow:
                    continue
                chosen = [c for c in chosen if c not in repeated]
                used -= freed
                covered = set().union(*(c.concepts for c in chosen))
        if best.words > opts.words and not opts.overflow:
            continue  # the first pick may not fit a tiny budget: try a shorter one
        chosen.append(best)
        covered |= best.concepts
        used += best.words
    return chosen


def summarize(
    analyses: Sequence[ArticleAnalysis],
    embeddings: Sequence[Matrix],
    *,
    options: SummaryOptions | None = None,
    duplicate_of: Mapping[str, str] | None = None,
) -> tuple[SummarySentence, ...]:
    """Write an extractive summary of several articles about one event.

    Args:
        analyses: the articles, split into sentences.
        embeddings: one L2-normalised matrix per analysis, a row per sentence.
        options: word budget and thresholds.
        duplicate_of: article id -> id of the article it copies; a copy does not count as
            an independent source when weighing concepts, but is still cited.

    Returns:
        Summary sentences in reading order, each citing every article that reports it;
        at most ``options.words`` words in all unless ``options.overflow`` is set.

    Raises:
        ValueError: the budget is below one word, or the embeddings do not match.

    Example:
        >>> summarize([], [])
        ()
    """
    opts = options or SummaryOptions()
    if opts.words < 1:
        raise ValueError("the word budget must be at least 1 word")
    if len(embeddings) != len(analyses) or any(
        len(m) != len(a.sentences) for a, m in zip(analyses, embeddings, strict=False)
    ):
        raise ValueError("embeddings must have one row per sentence of each analysis")
    if not any(a.sentences for a in analyses):
        return ()
    matrix = np.vstack([np.asarray(m, dtype=np.float32) for m in embeddings if len(m)])
    candidates, weights = _prepare(analyses, opts, duplicate_of or {})
    citer = Citer(analyses, matrix, opts)
    chosen = _select(candidates, weights, matrix, opts, citer)
    index_of = {a.article.id: i for i, a in enumerate(analyses)}
    lengths = [max(len(a.sentences), 1) for a in analyses]

    def reading_order(cand: Candidate) -> tuple[float, int, int]:
        own = index_of[cand.sentence.article_id]
        return (cand.sentence.index / lengths[own], own, cand.sentence.index)

    return tuple(
        SummarySentence(
            text=c.text,
            article_ids=citer.sources(
                c.text, matrix[c.row], index_of[c.sentence.article_id]
            ),
        )
        for c in sorted(chosen, key=reading_order)
    )
