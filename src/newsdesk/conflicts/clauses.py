"""Opposed statements: the cues that two aligned claims cannot both hold.

Two readings, both explainable:

* **Clauses** (``clauses``, ``clash``): each sentence's dependency parse gives its
  predicates, each with verb, agent, patient, other complements, speaker, tense and a
  polarity scoped to that predicate ("did not", "never", "no" on the object, "refused to",
  "denied that"). Two sentences clash when one clause of each has the same verb and names
  the same participants and one is negated ("will not reopen" / "will reopen"), or when the
  verbs are opposing ends of one relation ("rejected" / "approved"). Hedged clauses (modal,
  conditional, time-bounded, under a verb of attitude, claimed by a noun such as
  "allegations that ...") and clauses of different tense or different speakers never clash.
* **Words** (``opposition``): the word-level cue between two sentences the caller already
  aligned on cosine and shared content words, for opposing words that are not verbs
  ("non-binding" / "binding"). The list below holds relation words only, never names; a
  pair counts only when each sentence has its own side and not the other's, so "rejected
  the claim he accepted money" is no cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..claims import NEGATION, content_words, is_negated

__all__ = [
    "OPPOSITES",
    "Clause",
    "ClauseParser",
    "aligned",
    "clash",
    "clauses",
    "may_clash",
    "opposition",
    "patient_phrase",
    "residual_overlap",
    "same_event",
    "subject_line",
]

# Pairs of stems (prefix match on lower-cased words). Each is a relation whose two ends
# cannot both be true of one subject and object at one time.
OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("deny", "denie", "denied", "denial"), ("confirm", "admit", "acknowledg")),
    (("reject",), ("accept", "approv", "endors")),
    (
        ("increas", "rais", "rise", "rose", "risen", "grew", "grow"),
        ("decreas", "cut", "lower", "fell", "fall", "drop", "declin", "reduc", "shrank"),
    ),
    (("guilty", "convict"), ("innocent", "acquit", "not-guilty")),
    (("won", "wins", "winn"), ("lost", "loses", "losing", "defeat")),
    (("support",), ("oppos",)),
    (("binding",), ("non-binding", "nonbinding")),
    (("legal", "lawful"), ("illegal", "unlawful")),
    (("allow", "permit", "lift"), ("ban", "bann", "forbid", "prohibit")),
    (("open", "reopen"), ("close", "closed", "shut")),
    (("true", "accurate"), ("false", "inaccurate", "untrue")),
    (("safe",), ("unsafe", "dangerous")),
    (("effective",), ("ineffective",)),
    (("alive", "survived"), ("dead", "died", "killed")),
    (("praise", "prais"), ("criticiz", "criticis", "condemn")),
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


# str.startswith takes a tuple: one call per word and side.
_STEMS = tuple((pair[0], pair[1]) for pair in OPPOSITES)


def _sides(words: frozenset[str]) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for index, (first, second) in enumerate(_STEMS):
        for word in words:
            if word.startswith(second):
                found.add((index, 1))
            # "binding" must not match inside "non-binding"'s other side.
            elif word.startswith(first):
                found.add((index, 0))
    return found


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def opposition(a: str, b: str) -> str | None:
    """Say why ``a`` and ``b`` (already aligned) cannot both hold, or None.

    Args:
        a: one sentence.
        b: a sentence of another source that says the same thing but for the cue.

    Returns:
        "negation" when exactly one is negated, "antonym:<x>/<y>" when each holds one end
        of an opposing relation the other lacks, else None.

    Example:
        >>> opposition("The court convicted him.", "The court acquitted him.")
        'antonym:guilty/innocent'
    """
    sides_a, sides_b = _sides(_words(a)), _sides(_words(b))
    for index, side in sorted(sides_a):
        other = (index, 1 - side)
        if other in sides_b and other not in sides_a and (index, side) not in sides_b:
            # Negating the opposite end restates: "did not deny" ~ "confirmed".
            if is_negated(a) == is_negated(b):
                return f"antonym:{OPPOSITES[index][0][0]}/{OPPOSITES[index][1][0]}"
            return None
    if is_negated(a) != is_negated(b):
        return "negation"
    return None


def residual_overlap(a: str, b: str) -> float:
    """Return the Jaccard overlap of content words once the opposing words are set aside.

    Args:
        a: one sentence.
        b: another.

    Returns:
        A value in [0, 1]; 0 when neither has content words.
    """
    wa, wb = content_words(a), content_words(b)

    def plain(words: frozenset[str]) -> frozenset[str]:
        return frozenset(
            w
            for w in words
            if not any(w.startswith(s) for pair in OPPOSITES for stems in pair for s in stems)
        )

    pa, pb = plain(wa), plain(wb)
    union = pa | pb
    return len(pa & pb) / len(union) if union else 0.0


# --- Aligned clauses -----------------------------------------------------------------------
#
# Sentence-level cues are crude: "not" anywhere counts, whatever it negates. The clause
# reading below scopes polarity to one predicate of a dependency parse (spaCy's), so two
# sentences conflict only when one clause of each says the same thing of the same
# participants and the predicates' polarities (or opposing verbs) differ.

# Verbs whose infinitive complement they deny ("refused to extend" ~ "did not extend") and
# verbs whose clausal complement they deny ("denied that the port would close").
_DENY_XCOMP = frozenset({"refuse", "decline", "fail"})
_DENY_CCOMP = frozenset({"deny", "dispute"})
# Verbs of saying: their subject is the speaker of the clause they report.
_SPEECH = frozenset(
    {"say", "tell", "state", "announce", "claim", "insist", "argue", "add", "report", "write"}
    | {"confirm", "note", "warn", "tweet", "declare", "assert", "testify"}
)
# Verbs of attitude: what is hoped, planned or believed is not asserted as fact.
_ATTITUDE = frozenset(
    {"hope", "want", "expect", "plan", "aim", "try", "seek", "intend", "fear", "believe"}
    | {"think", "wish", "urge", "ask", "demand", "propose", "threaten", "promise", "vow"}
)
# Reporting verbs: "did not say when" is silence about a claim, not its denial.
_REPORTING = frozenset({"say", "tell", "add", "write", "tweet", "report", "state", "note"})
# A clause under these asserts no plain fact to contradict: a modal, a condition, a time
# bound ("will not reopen until May" is no denial of "will reopen in June") or a state that
# changes ("no longer", "not yet").
_HEDGE_AUX = frozenset({"may", "might", "could", "can", "should", "must", "ought"})
_HEDGE_WORDS = frozenset({"if", "unless", "whether", "until", "till", "before", "yet", "longer"})
_HEDGE_WORDS |= frozenset({"still", "anymore", "again", "perhaps", "maybe", "likely", "reportedly"})
# Restrictive quantifiers make polarity incomparable: "will govern only with X" says what
# "would not govern with any other than X" says.
_HEDGE_WORDS |= frozenset({"only", "other", "except", "than", "instead", "alone", "solely"})
_NEGATIVE_WORDS = frozenset({"nothing", "nobody", "none", "noone"})
_FUTURE_AUX = frozenset({"will", "would", "shall"})
_PARTICLES = frozenset({"up", "down", "out", "off", "in", "over", "back", "away", "on"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_PRONOUNS = frozenset({"it", "he", "she", "they", "we", "i", "you", "this", "these", "those"})
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr.", "sen", "sen.", "rep"})
# Time words set aside from participants: the time is compared by the tense and date rules.
_TIME = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"january", "february", "march", "april", "may", "june", "july", "august"}
    | {"september", "october", "november", "december", "today", "yesterday", "tomorrow"}
    | {"week", "month", "year", "day", "night", "morning", "evening", "time"}
)
_FUNCTION_ADJ = frozenset(
    {"other", "such", "own", "same", "many", "much", "few", "several", "more", "most"}
    | {"various", "whole", "last", "next", "first", "least", "less", "else", "all", "any"}
    | {"each", "every", "both", "either", "neither", "enough"}
)
# Subtrees that are not part of a participant ("the port, which closed in May, ...").
_PRUNE = frozenset({"relcl", "acl", "appos", "advcl", "ccomp", "punct", "cc", "det"})


# The subject is a pronoun we cannot resolve: it aligns with nothing.
_UNKNOWN = frozenset({"?"})


@dataclass(frozen=True)
class Clause:
    """One predicate of a parsed sentence with its participants and polarity.

    ``verb`` is the lemma with its particle ("step down"), or "be <complement>" for a
    copula ("be binding"). Participants are lower-cased content lemmas: ``agent`` (active
    subject or passive "by" phrase), ``patient`` (object or passive subject), ``rest``
    (prepositional objects and complements, time words set aside). ``speaker`` holds the
    words of whoever the clause is reported from ("Velmora said it ..."), empty if stated.
    """

    verb: str
    form: str
    text: str
    negated: bool
    tense: str
    hedged: bool
    agent: frozenset[str]
    patient: frozenset[str]
    rest: frozenset[str]
    speaker: frozenset[str]
    token: int


def _lemma(token: Any) -> str:
    return str(token.lemma_ or token.text).lower()


def _words_of(token: Any) -> frozenset[str]:
    """Content lemmas of the phrase headed by ``token`` (relative clauses etc. pruned)."""
    out: set[str] = set()
    stack = [token]
    while stack:
        t = stack.pop()
        if t.i != token.i and t.dep_ in _PRUNE:
            continue
        lemma = _lemma(t)
        if (
            t.pos_ in {"NOUN", "PROPN", "ADJ", "NUM", "VERB"}
            # spaCy's stop list holds content adjectives ("serious"); ours only quantifiers.
            and not (t.is_stop and (t.pos_ != "ADJ" or lemma in _FUNCTION_ADJ))
            and lemma not in _TIME
            and lemma not in _TITLES
            and len(lemma) > 1
        ):
            out.add(lemma.strip(".").removesuffix("'s"))
        stack.extend(t.children)
    return frozenset(out)


def _has_neg(token: Any) -> bool:
    return any(c.dep_ == "neg" or c.lower_ == "never" for c in token.children)


def _no_det(token: Any) -> bool:
    """A noun phrase that denies existence: "no permanent bases", "nothing"."""
    return _lemma(token) in _NEGATIVE_WORDS or any(
        c.dep_ == "det" and c.lower_ == "no" for c in token.children
    )


def _subject_words(token: Any, verb: Any) -> frozenset[str]:
    lemma = _lemma(token)
    if lemma in _RELATIVE and verb.dep_ == "relcl":
        return _words_of(verb.head)
    if lemma in _PRONOUNS:
        # "Velmora said it does not seek ...", "Lebanon denied it is ...": the speaker.
        if verb.dep_ == "ccomp" and _lemma(verb.head) in _SPEECH | _DENY_CCOMP:
            for c in verb.head.children:
                if c.dep_ == "nsubj" and _lemma(c) not in _PRONOUNS:
                    return _words_of(c)
        return _UNKNOWN
    return _words_of(token)


def _speaker(verb: Any) -> frozenset[str]:
    node = verb
    while node.dep_ in {"ccomp", "conj", "xcomp"} and node.head.i != node.i:
        node = node.head
        if _lemma(node) in _SPEECH:
            for c in node.children:
                if c.dep_ == "nsubj":
                    return _words_of(c) or frozenset({_lemma(c)})
            return frozenset({"?"})
    # "..., the statement said": the report hangs on a speech verb as its head.
    for c in verb.children:
        if c.dep_ == "parataxis" and _lemma(c) in _SPEECH:
            for s in c.children:
                if s.dep_ == "nsubj":
                    return _words_of(s)
    return frozenset()


def _tense(verb: Any, auxes: Sequence[Any]) -> str:
    if any(_lemma(a) in _FUTURE_AUX for a in auxes):
        return "future"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" or _lemma(a) == "have" for a in auxes):
        return "past"
    return "present"


def clauses(doc: Any) -> tuple[Clause, ...]:
    """Read the predicates of a parsed sentence (spaCy ``Doc`` with tags, parse, lemmas).

    Args:
        doc: a parsed sentence.

    Returns:
        One ``Clause`` per verb or copula, in text order.

    Example:
        >>> [c.verb for c in clauses(nlp("The port will not reopen."))]  # doctest: +SKIP
        ['reopen']
    """
    found: list[Clause] = []
    question = doc.text.rstrip().endswith("?")
    for verb in doc:
        if verb.pos_ not in {"VERB", "AUX"} or verb.dep_ in {"aux", "auxpass", "amod"}:
            continue
        kids = list(verb.children)
        auxes = [c for c in kids if c.dep_ in {"aux", "auxpass"}]
        lemma = _lemma(verb)
        negated = _has_neg(verb)
        complement = next((c for c in kids if c.dep_ in {"acomp", "attr"}), None)
        if lemma == "be":
            if complement is None:
                continue
            name = f"be {_lemma(complement)}"
            negated = negated or _has_neg(complement) or _no_det(complement)
        else:
            particle = next(
                (c for c in kids if c.dep_ in {"prt", "advmod"} and c.lower_ in _PARTICLES), None
            )
            name = f"{lemma} {particle.lower_}" if particle is not None else lemma
        agent: frozenset[str] = frozenset()
        patient: frozenset[str] = frozenset()
        rest: set[str] = set()
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in kids)
        for c in kids:
            if c.dep_ == "nsubj":
                agent = _subject_words(c, verb)
                negated = negated or _no_det(c)
            elif c.dep_ == "nsubjpass":
                patient = _subject_words(c, verb)
                negated = negated or _no_det(c)
            elif c.dep_ == "agent":
                agent = frozenset(w for g in c.children for w in _words_of(g))
            elif c.dep_ in {"dobj", "dative"}:
                patient = patient | _words_of(c)
                negated = negated or _no_det(c)
            elif c.dep_ in {"prep", "xcomp", "oprd", "attr", "acomp", "npadvmod"}:
                rest.update(w for g in [c, *c.children] for w in _words_of(g))
        if verb.dep_ in {"xcomp", "conj"} and not agent and not passive:
            # "The ministry refused to extend": the controller is the agent.
            for c in verb.head.children:
                if c.dep_ == "nsubj":
                    agent = _subject_words(c, verb.head)
        hedged = question or any(_lemma(a) in _HEDGE_AUX for a in auxes)
        hedged = hedged or any(c.lower_ in _HEDGE_WORDS for c in verb.subtree if c.i != verb.i)
        for node in verb.ancestors:
            if (
                node.dep_ == "advcl"
                or _lemma(node) in _ATTITUDE
                or any(
                    c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"}
                    for c in node.children
                )
            ):
                hedged = True
        if verb.dep_ == "advcl" or any(c.dep_ == "mark" and c.lower_ in _HEDGE_WORDS for c in kids):
            hedged = True
        # A clause hanging on a noun or a preposition ("allegations that Syria is harbouring",
        # "accuses Syria of harbouring") is what someone claims, not what the outlet says.
        if any(n.dep_ in {"acl", "pcomp"} for n in [verb, *verb.ancestors]):
            hedged = True
        head = verb.head
        if verb.dep_ == "xcomp" and _lemma(head) in _DENY_XCOMP:
            negated = not negated
            hedged = hedged or _has_neg(head)
        if verb.dep_ == "ccomp" and _lemma(head) in _DENY_CCOMP:
            negated = not negated
            hedged = hedged or _has_neg(head)
        shown = [*auxes, verb, *(c for c in kids if c.dep_ == "neg")]
        if lemma == "be" and complement is not None:
            shown += [complement, *(c for c in complement.children if c.dep_ == "neg")]
        tense_of = verb.head if verb.dep_ == "xcomp" else verb
        found.append(
            Clause(
                verb=name,
                form=verb.lower_,
                text=" ".join(t.text for t in sorted(set(shown), key=lambda t: t.i)),
                negated=negated,
                tense=_tense(
                    tense_of, [c for c in tense_of.children if c.dep_ in {"aux", "auxpass"}]
                ),
                hedged=hedged,
                agent=agent,
                patient=patient,
                rest=frozenset(rest - agent - patient),
                speaker=_speaker(verb),
                token=verb.i,
            )
        )
    return tuple(found)


def _opposed_verbs(x: Clause, y: Clause) -> str | None:
    """The opposing relation whose ends the two verbs hold (lemma or form: "won" / "lose")."""
    if x.verb.split()[0] == y.verb.split()[0]:
        return None
    for pair in OPPOSITES:
        for first, second in ((0, 1), (1, 0)):
            if any(w.startswith(s) for w in (x.verb, x.form) for s in pair[first]) and any(
                w.startswith(s) for w in (y.verb, y.form) for s in pair[second]
            ):
                return f"antonym:{pair[0][0]}/{pair[1][0]}"
    return None


_POLARITY_CUE = re.compile(
    NEGATION.pattern + r"|\b(?:nothing|nobody|none|refus|declin|fail|den(?:y|i)|disput)",
    re.IGNORECASE,
)


def may_clash(a: str, b: str) -> bool:
    """Cheap test before parsing: could ``clash`` find a clash in these two sentences?

    A negation clash needs a polarity cue that one sentence has and the other lacks (their
    counts differ); an antonym clash needs opposing words. Two sentences with equally many
    cues ("does not seek" / "does not seek") are restatements and are not parsed: this skips
    a rare clash (the one cue of each on different clauses) to keep the cost of a story low.

    Args:
        a: one sentence.
        b: another.

    Returns:
        False when the two sentences are not worth parsing.
    """
    if len(_POLARITY_CUE.findall(a)) != len(_POLARITY_CUE.findall(b)):
        return True
    sides_a, sides_b = _sides(_words(a)), _sides(_words(b))
    return any((index, 1 - side) in sides_b for index, side in sides_a)


def _same(p: frozenset[str], q: frozenset[str]) -> bool:
    """One phrase names the other: "the levy" / "the new harbour levy", not "harbour levy" /
    "airport levy" nor "Korvana's navy" / "Velmora's navy"."""
    return p <= q or q <= p


def aligned(x: Clause, y: Clause) -> bool:
    """Whether two clauses speak of the same participants (verbs are compared by the caller).

    Each role both clauses fill must name the same thing (one's words contain the other's);
    the agent or the patient must be filled on both sides, so a clause is never aligned on its
    verb alone; a patient on one side only means two different acts ("make a power of the
    union" / "make no endorsement"); an unresolved pronoun aligns with nothing; the remaining
    complements, when both have them, must share at least half of the smaller set; and two
    different reported speakers are two claims, not one outlet against another.
    """
    if _UNKNOWN in (x.agent, y.agent, x.patient, y.patient):
        return False
    if bool(x.patient) != bool(y.patient):
        return False  # a transitive use against an intransitive one: two different acts
    anchored = False
    for p, q in ((x.agent, y.agent), (x.patient, y.patient)):
        if p and q:
            if not _same(p, q):
                return False
            anchored = True
    if not anchored:
        return False
    if x.rest and y.rest and len(x.rest & y.rest) < 0.5 * min(len(x.rest), len(y.rest)):
        return False
    return not (x.speaker and y.speaker and not _same(x.speaker, y.speaker))


def clash(a: Sequence[Clause], b: Sequence[Clause]) -> tuple[str, Clause, Clause] | None:
    """Find one clause of ``a`` and one of ``b`` that cannot both hold.

    Args:
        a: clauses of one sentence (``clauses``).
        b: clauses of a sentence of another source.

    Returns:
        ``("negation", x, y)`` when ``x`` and ``y`` share verb and participants but one is
        negated; ``("antonym:<x>/<y>", x, y)`` when their verbs are opposing ends of one
        relation (``OPPOSITES``) at the same polarity; None otherwise. Hedged clauses
        (modal, conditional, time-bounded) and clauses of different tense never clash.

    Example:
        >>> a, b = nlp("The port will reopen."), nlp("The port will not reopen.")  # doctest: +SKIP
        >>> clash(clauses(a), clauses(b))[0]  # doctest: +SKIP
        'negation'
    """
    for x in a:
        if x.hedged or x.verb in _REPORTING:
            continue
        for y in b:
            if y.hedged or x.tense != y.tense or not aligned(x, y):
                continue
            negative, positive = (x, y) if x.negated else (y, x)
            # Denying a qualified object does not deny the plain one: "has no serious health
            # problems" leaves "has health problems" open; "has no problems" does not.
            if x.verb == y.verb and x.negated != y.negated and negative.patient <= positive.patient:
                return ("negation", x, y)
            cue = _opposed_verbs(x, y)
            if cue is not None and x.negated == y.negated:
                return (cue, x, y)
    return None


def same_event(x: Clause, y: Clause) -> bool:
    """Whether two clauses report one event: same verb, same polarity, aligned participants.

    Date conflicts use it: "was appointed on March 3" and "was appointed on March 5" are
    one event given two dates; "closed on March 3" and "reopened on March 5" are two events.
    """
    return x.verb == y.verb and x.negated == y.negated and aligned(x, y)


class ClauseParser:
    """Clauses of sentences parsed on demand (NER off, lemmas on), cached by text.

    The caller owns it for one comparison (``facts.cross_check`` makes one per call). Only
    sentences of candidate pairs are parsed, so the cost follows the number of aligned
    pairs, not the story's length.

    Example:
        >>> parser = ClauseParser(Models().nlp)  # doctest: +SKIP
        >>> [c.verb for c in parser.clauses("The port will not reopen.")]  # doctest: +SKIP
        ['reopen']
    """

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self._lemmatizer = (
            nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.component_names else None
        )
        self._docs: dict[str, Any] = {}
        self._clauses: dict[str, tuple[Clause, ...]] = {}

    def prepare(self, texts: Sequence[str]) -> None:
        """Parse the texts not parsed yet in one batched call."""
        missing = sorted({t for t in texts if t not in self._docs})
        if not missing:
            return
        disabled = [n for n in ("ner",) if n in self._nlp.pipe_names]
        for text, doc in zip(
            missing, self._nlp.pipe(missing, disable=disabled, batch_size=64), strict=True
        ):
            if self._lemmatizer is not None and "lemmatizer" not in self._nlp.pipe_names:
                doc = self._lemmatizer(doc)
            self._docs[text] = doc

    def doc(self, text: str) -> Any:
        self.prepare([text])
        return self._docs[text]

    def clauses(self, text: str) -> tuple[Clause, ...]:
        if text not in self._clauses:
            self._clauses[text] = clauses(self.doc(text))
        return self._clauses[text]

    def clause_at(self, text: str, span: str) -> Clause | None:
        """The clause whose verb governs the first occurrence of ``span`` in ``text``."""
        start = text.find(span)
        if start < 0:
            return None
        doc = self.doc(text)
        by_token = {c.token: c for c in self.clauses(text)}
        token = next((t for t in doc if t.idx >= start), None)
        while token is not None:
            if token.i in by_token:
                return by_token[token.i]
            if token.head.i == token.i:
                return None
            token = token.head
        return None


# Subtrees left out of a subject line: clauses, appositions, punctuation, determiners and
# the negation itself (the subject is what is disputed, not one side's polarity).
_SUBJECT_PRUNE = frozenset({"relcl", "acl", "appos", "advcl", "ccomp", "punct", "cc", "conj"})
_SUBJECT_WORDS = 10


def _phrase(token: Any) -> list[Any]:
    keep: list[Any] = []
    stack = [token]
    while stack:
        t = stack.pop()
        if t.i != token.i and t.dep_ in _SUBJECT_PRUNE | {"det", "neg"}:
            continue
        keep.append(t)
        stack.extend(t.children)
    return sorted(keep, key=lambda t: t.i)


def _gerund(lemma: str) -> str:
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
        return lemma[:-1] + "ing"
    return lemma + "ing"


def _text(tokens: Sequence[Any]) -> str:
    return "".join(t.text_with_ws for t in tokens).strip()


def subject_line(doc: Any, clause: Clause, *, act: bool = True) -> str:
    """Name what a clause is about as a short noun phrase: agent, gerund, patient.

    "Velmora does not seek permanent bases in Korvana" -> "Velmora seeking permanent
    bases"; "The levy was approved by the council" -> "council approving levy". At most
    ``_SUBJECT_WORDS`` words; determiners and the negation are left out.

    Args:
        doc: the parsed sentence the clause was read from.
        clause: one of ``clauses(doc)``.
        act: name the act as a gerund; False when the sides hold opposing verbs
            ("council on harbour levy").

    Returns:
        The phrase, or the clause's verb when the parse gives no participant.
    """
    verb = doc[clause.token]
    agent: list[Any] = []
    patient: list[Any] = []
    for child in verb.children:
        if child.dep_ == "nsubj" and clause.agent not in (frozenset(), _UNKNOWN):
            agent = _phrase(child)
        elif child.dep_ == "agent":
            agent = [t for g in child.children for t in _phrase(g)]
        elif child.dep_ in {"dobj", "nsubjpass"}:
            patient = _phrase(child)
    if not agent and verb.dep_ in {"xcomp", "conj"}:
        for child in verb.head.children:
            if child.dep_ == "nsubj":
                agent = _phrase(child)
    lemma = clause.verb
    if not act:
        action = "on" if agent and patient else ""
    elif lemma.startswith("be "):
        action = "being " + lemma[3:]
    else:
        first, *rest = lemma.split()
        action = " ".join([_gerund(first), *rest])
    words = " ".join(p for p in (_text(agent), action, _text(patient)) if p).split()
    return " ".join(words[:_SUBJECT_WORDS]) or clause.verb


def patient_phrase(doc: Any, clause: Clause) -> str:
    """The clause's object as written, without determiners ("mayoral election in Velmora").

    Args:
        doc: the parsed sentence the clause was read from.
        clause: one of ``clauses(doc)``.

    Returns:
        The phrase (at most ``_SUBJECT_WORDS`` words), empty when the clause has no object.
    """
    verb = doc[clause.token]
    for child in verb.children:
        if child.dep_ in {"dobj", "nsubjpass"}:
            return " ".join(_text(_phrase(child)).split()[:_SUBJECT_WORDS])
    return ""
