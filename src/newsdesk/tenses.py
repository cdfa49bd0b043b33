"""The clause a date expression modifies: its verb's tense, and the role of the date in it.

``dates.resolve_date`` asks ``read_clause`` (on a spaCy parse of the sentence) which way an
expression points: the tense of the verb that governs it ("will hold its first hearing on 3
November" -> future; "'...the panel will read it,' the minister said on Wednesday" -> the
speech verb is past, whatever the quoted words say), the tense of the clause above an
infinitive, whether the date hangs on the verb as the time of its event ("met on Friday") or
through a noun or "to"/"until" (a deadline: "extended to Nov. 20"), and the date's role
(``event``, ``speech``, ``prediction``, ``conditional``, ``background``). Without a parse,
``guess_clause`` reads the words before the expression.

Word lists and rules were chosen on the train half of TempEval-3 TBAQ; re-run
``benchmarks/dates.py`` (train and held-out) after changing any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Clause", "guess_clause", "read_clause"]


@dataclass(frozen=True)
class Clause:
    """What the clause around a date expression says about it.

    ``tense``: future, past, present, infinitive, none (no verb) or unparsed (no parse);
    ``head_tense``: the tense of the clause above the verb (for an infinitive); ``direct``:
    the date is the time of the verb's event ("met on Friday"), not a deadline or a term
    reached through a noun ("extended to Nov. 20"); ``role``: one of ``dates.ROLES``.
    """

    tense: str
    head_tense: str = "none"
    direct: bool = True
    role: str = "event"


_FUTURE_AUX = {"will", "shall", "'ll", "wo", "would", "'d"}
_PREDICTION_AUX = {"could", "might", "may"}
# Verbs whose object lies ahead of them whatever their tense ("was planned for early March",
# "is scheduled for Friday", "due on"). Chosen on the TempEval-3 train half.
_SCHEDULED_STEMS = ("expect", "plan", "schedul", "due", "slate", "intend")
_PREDICTION_STEMS = ("expect", "forecast", "predict", "project", "likely", "estimat", "anticipat")
# Verbs of saying: "the minister said on Wednesday" dates the saying, an event of its own
# that yields to the reported one when a sentence dates both.
_SPEECH_STEMS = ("said", "say", "told", "tell", "announc", "reported", "stated", "declar", "wrote")
_STATISTIC_NOUNS = {
    "data",
    "figure",
    "figures",
    "statistics",
    "statistic",
    "survey",
    "census",
    "estimate",
    "estimates",
    "numbers",
    "poll",
    "index",
    "rate",
}


# Prepositions that tie a date to its verb as the time of that verb's event ("met on Friday",
# "closed in November"); others ("extended to Nov. 20", "gave until mid-November") do not.
_DIRECT = {"on", "in", "at", "during", "of", "since", "early", "late", "night", "morning"}
_DIRECT |= {"afternoon", "evening", "day", "weekend", "end", "beginning", "middle", "start"}
# Verbs that move an event to a later date: "postponed until Tuesday", "delayed to May".
_DEFER_STEMS = ("postpon", "delay", "adjourn", "defer", "push", "put off", "reschedul")


def _governor(span: Any) -> tuple[Any | None, list[Any]]:
    """The verb an expression modifies, and the tokens passed on the way up."""
    token = span.root
    path: list[Any] = []
    for _ in range(12):
        head = token.head
        if head is token or head.i == token.i:
            return (token if token.pos_ in {"VERB", "AUX"} else None), path
        path.append(head)
        if head.pos_ in {"VERB", "AUX"} or (head.pos_ == "ADJ" and head.dep_ in {"ROOT", "acomp"}):
            return head, path
        token = head
    return None, path


def _verb_before(span: Any) -> Any | None:
    """The verb just before an expression (skipping its preposition), if any."""
    i = span[0].i
    if span[0].pos_ != "ADP" and i > 0 and span.doc[i - 1].pos_ == "ADP":
        i -= 1
    if i == 0:
        return None
    token = span.doc[i - 1]
    return token if token.pos_ == "VERB" else None


def _auxes(verb: Any) -> list[Any]:
    return [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]


def _scheduled(verb: Any, words: set[str]) -> bool:
    """A schedule: its date lies ahead whatever the tense ("is scheduled for Friday", "has
    scheduled a news conference Thursday", "a summit set for Washington in April",
    "planned a demonstration on Saturday") -- but not an active past without an object
    ("On Friday, the government planned to pay": the day of the planning)."""
    text = verb.lower_
    if text == "set":  # "set for April", not "set fire to" or "set up"
        return verb.tag_ == "VBN" and any(c.lower_ == "for" for c in verb.children)
    if not text.startswith(_SCHEDULED_STEMS):
        return False
    if verb.tag_ == "VBD" and not words:
        # "planned a large demonstration in Little Havana on Saturday": the thing planned
        # holds the date; "planned to pay": the verb's own past.
        return any(c.dep_ == "dobj" for c in verb.children)
    return True


def _tense(verb: Any, depth: int = 0) -> str:
    """future, past, present or none, for a verb of a parsed sentence."""
    auxes = _auxes(verb)
    words = {a.lower_ for a in auxes}
    if words & {"will", "shall", "'ll", "wo"}:
        return "future"
    if _scheduled(verb, words):
        return "future"  # "was planned for early March", "has scheduled a news conference Thursday"
    if words & {"have", "has", "had", "'ve"} and verb.tag_ == "VBN":
        return "past"  # "may have been", "has decided"
    if words & _FUTURE_AUX or words & _PREDICTION_AUX:
        return "future"
    # "to admit in early March", "subpoenaed him to testify on Feb. 10": an infinitive's
    # event lies ahead of the clause that governs it.
    if "to" in words:
        return "infinitive"
    finite = {a.tag_ for a in auxes} & {"VBD", "VBZ", "VBP"}
    if finite == {"VBZ"} or finite == {"VBP"}:
        # "when the case is heard in May", "are being held": the auxiliary carries the
        # tense of a passive or progressive, not the participle.
        return "present"
    if any(a.tag_ == "VBD" for a in auxes) or verb.tag_ in {"VBD", "VBN"}:
        return "past"
    if verb.tag_ in {"VBZ", "VBP"} or any(a.tag_ in {"VBZ", "VBP"} for a in auxes):
        return "present"
    if verb.tag_ == "VBG" and depth < 3 and verb.head is not verb:
        return _tense(verb.head, depth + 1)
    return "none"


def _role(verb: Any | None, path: list[Any], period: bool) -> str:
    """event, prediction, conditional or background for an expression's clause.

    ``period``: the expression names a month or a year, the span of a statistic.
    """
    if any(t.lower_ == "according" for t in path) or any(
        t.lower_ in _STATISTIC_NOUNS for t in path if t.pos_ == "NOUN"
    ):
        return "background"  # "according to the latest official data from February"
    if (
        period
        and verb is not None
        and any(c.lower_ == "according" for c in verb.children)
        and any(t.like_num for t in verb.subtree)
    ):
        return "background"  # "handled 11.4 million tonnes in 2024, according to the port"
    chain: list[Any] = []
    token = verb
    while token is not None and len(chain) < 8:
        chain.append(token)
        token = None if token.head is token else token.head
    for token in chain:
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in token.children):
            return "conditional"
        if any(
            c.dep_ == "advcl" and any(m.lower_ in {"if", "unless"} for m in c.children)
            for c in token.children
        ):
            return "conditional"
    if verb is not None:
        words = {a.lower_ for a in _auxes(verb)}
        if words & _PREDICTION_AUX:
            return "prediction"
        if verb.pos_ == "VERB" and verb.lower_.startswith(_SPEECH_STEMS):
            return "speech"
        for token in chain[:3]:
            if token.lower_.startswith(_PREDICTION_STEMS) and token.tag_ != "VBD":
                return "prediction"
    return "event"


def _fallback_clause(text: str, start: int) -> tuple[str, str]:
    """Tense and role without a parser: the words before the expression, quotes set aside."""
    before = re.sub(r"[\"“”«»][^\"“”«»]*[\"“”«»]", " ", text[max(0, start - 80) : start])
    future = re.search(
        r"\b(?:will|would|shall|is due to|are due to|is expected to|are expected to|plans? to|"
        r"is set to|are set to|is scheduled to|are scheduled to|is to|are to)\b[^.;,]*$",
        before,
        re.I,
    )
    role = "event"
    if re.search(r"\baccording to\b[^.;]*$", before, re.I):
        role = "background"
    elif re.search(r"\b(?:could|might|may)\b[^.;,]*$", before, re.I):
        role = "prediction"
    elif re.search(r"\b(?:if|unless)\b", text, re.I):
        role = "conditional"
    return ("future" if future else "unparsed"), role


def read_clause(doc: Any, start: int, end: int, *, period: bool) -> Clause:
    """Read the clause that the expression ``doc.text[start:end]`` modifies.

    Args:
        doc: a spaCy parse of the sentence (``Models().nlp(sentence)``).
        start: where the expression starts in the sentence.
        end: where it ends.
        period: the expression names a month or a year (the period of a statistic).

    Returns:
        The governing verb's tense, its head's tense, whether the date is the time of the
        verb's event, and the date's role.

    Example:
        >>> read_clause(nlp("We will meet in March."), 12, 20, period=True).tense  # doctest: +SKIP
        'future'
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    verb, path = _governor(span) if span is not None and len(span) else (None, [])
    before_verb = _verb_before(span) if span is not None and len(span) else None
    if before_verb is not None and verb is not None and before_verb.i != verb.i:
        # "The United States said on Thursday it would reduce troops": the parser may
        # hang the date on "reduce"; a date right after a verb belongs to that verb.
        verb, path = before_verb, [before_verb]
    tense = _tense(verb) if verb is not None else "none"
    head_tense = "none"
    if verb is not None and verb.head is not verb:
        # "the peace process, set to resume Monday": a schedule whatever its tense.
        ahead = verb.head.lower_.startswith((*_SCHEDULED_STEMS, "set"))
        head_tense = "future" if ahead else _tense(verb.head, 1)
    direct = all(t.lower_ in _DIRECT for t in path[:-1])
    if (
        verb is not None
        and tense == "past"
        and verb.lower_.startswith(_DEFER_STEMS)
        and path
        and path[0].lower_ in {"until", "till", "to"}
    ):
        tense = "future"  # "postponed until Tuesday morning": the new date lies ahead
    return Clause(tense, head_tense, direct, _role(verb, path, period))


def guess_clause(text: str, start: int) -> Clause:
    """Tense and role without a parser: the words before ``text[start:]``, quotes set aside."""
    tense, role = _fallback_clause(text, start)
    return Clause(tense, role=role)
