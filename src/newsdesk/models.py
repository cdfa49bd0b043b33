"""Frozen records that flow between the pipeline stages.

Every derived record carries the ids of the articles it came from (provenance is data).
Stages never mutate a record; they return new ones (``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Article",
    "ArticleAnalysis",
    "Brief",
    "BriefSource",
    "Claim",
    "Conflict",
    "ConflictSide",
    "DateMention",
    "DuplicateGroup",
    "Entity",
    "Evidence",
    "Fact",
    "Mention",
    "Quantity",
    "Quote",
    "ReadFailure",
    "Sentence",
    "Statement",
    "Story",
    "StoryInfo",
    "SummarySentence",
    "TimelineEntry",
    "UNDATED",
    "earliest_first",
]

#: Sorts after every ISO date: undated articles come last (also in the store's SQL).
UNDATED = "9999"


def earliest_first(published: str | None, article_id: str) -> tuple[str, str]:
    """The canonical order of articles: by publication date, undated last, then by id.

    The earliest copy is a duplicate group's original and a story is named after its
    earliest member, whatever order the articles arrived in.
    """
    return (published or UNDATED, article_id)


@dataclass(frozen=True)
class Article:
    """One news report: body text plus the metadata we could recover.

    ``text`` holds the body as paragraphs separated by blank lines. ``removed`` lists the
    lines that cleaning took out (boilerplate), so a reader can audit every deletion.
    ``id`` is a stable content fingerprint (see ``articles.article_id``).
    """

    id: str
    location: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD (or coarser) as the source gives it
    author: str | None = None
    dateline: str | None = None
    language: str | None = None
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadFailure:
    """An input a reader could not turn into an article: where, and why (one line)."""

    location: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article body, with its position (``start``/``end`` index ``text``)."""

    article_id: str
    index: int
    paragraph: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A named-entity mention found by the NER model."""

    article_id: str
    sentence: int
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, DATE, ...
    start: int
    end: int


@dataclass(frozen=True)
class ArticleAnalysis:
    """An article split into sentences, with its entity mentions."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Quantity:
    """A number in a sentence, with what it counts and how it is hedged."""

    article_id: str
    sentence: int
    text: str  # as written: "5,200", "more than 5,000"
    value: float
    unit: str  # what is counted, lemmatised head noun: "troop", "base"
    subject: str  # what the count belongs to: "US troops in Iraq"
    qualifier: str = "exact"  # exact | about | more_than | less_than | at_least | at_most


@dataclass(frozen=True)
class DateMention:
    """A date expression resolved against the article's publication date."""

    article_id: str
    sentence: int
    text: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD: never more precise than the text
    # True when the article has no publication date and a day-relative expression ("on
    # Thursday") was resolved against the story's date instead: joins, never makes, an entry.
    borrowed: bool = False
    # event | speech | prediction | conditional | background (``dates.ROLES``): only events
    # and sayings are dated on a timeline.
    role: str = "event"


@dataclass(frozen=True)
class Claim:
    """A checkable statement: a sentence (or clause) with its typed values."""

    article_id: str
    sentence: int
    text: str
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    entities: tuple[str, ...] = ()
    negated: bool = False


@dataclass(frozen=True)
class Evidence:
    """The sentence of one article that backs a derived statement."""

    article_id: str
    sentence: str


@dataclass(frozen=True)
class Fact:
    """Claims from several articles that say the same thing."""

    text: str
    article_ids: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    # Syndicated copies (``duplicate_of``) that repeat the fact: cited, not counted, so
    # ``article_ids`` and ``support`` hold independent sources only.
    copy_ids: tuple[str, ...] = ()

    @property
    def support(self) -> int:
        return len(self.article_ids)


@dataclass(frozen=True)
class ConflictSide:
    value: str
    article_ids: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Conflict:
    """Articles that give values for the same thing that cannot all hold."""

    subject: str
    kind: str  # number | date | name | statement | change (one quantity over time)
    sides: tuple[ConflictSide, ...]
    # Reports of the same thing compatible with every side ("more than 5,000" beside 5,000
    # and 5,200): shown for completeness, on no side.
    also: tuple[ConflictSide, ...] = ()


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    text: str
    # Sources whose own sentence gives ``date`` at its precision.
    article_ids: tuple[str, ...]
    # Sources that report the event with a coarser date ("in January" under 2020-01-05).
    also_ids: tuple[str, ...] = ()
    # Each listed source's sentence that reports the entry (the evidence engine's choice).
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Entity:
    """One real-world person, organisation or place under its canonical name."""

    name: str
    type: str
    aliases: tuple[str, ...]
    article_ids: tuple[str, ...]
    mentions: int


@dataclass(frozen=True)
class Quote:
    """Words that stand between quotation marks in the sources, verbatim, and who said them.

    ``speaker`` is a name ("David Schenker") or an explicit description ("a WeWork
    spokesperson"), never an outlet or a bare generic noun.
    """

    speaker: str
    text: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """Reported speech ("X said that ..."): the speaker and the reported clause, no quote."""

    speaker: str
    text: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class SummarySentence:
    text: str
    article_ids: tuple[str, ...]
    # Each cited source's sentence that reports it (the evidence engine's choice).
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class DuplicateGroup:
    """Articles whose text is the same (exact) or nearly so (syndicated copies)."""

    id: str
    canonical_id: str
    article_ids: tuple[str, ...]
    kind: str = "near"  # exact | near


@dataclass(frozen=True)
class Story:
    """The reports of one event."""

    id: str
    article_ids: tuple[str, ...]
    headline: str = ""
    first_published: str | None = None
    last_published: str | None = None


# --- The brief: the JSON contract ``newsdesk.brief/2`` is rendered from these records.
# Inside a Brief every record still cites article ids; the renderers map them to the
# source labels (S1, S2, ...) listed in ``Brief.sources``.


@dataclass(frozen=True)
class BriefSource:
    id: str  # S1, S2, ...
    article_id: str
    location: str
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None
    duplicate_of: str | None = None
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryInfo:
    id: str
    headline: str
    first_published: str | None
    last_published: str | None
    n_sources: int
    # Why the reports are one story, in one line (``stories.explain``); stored stories only.
    why: str | None = None


@dataclass(frozen=True)
class Brief:
    """A story's sourced account. Every entry cites the articles it comes from."""

    story: StoryInfo
    sources: tuple[BriefSource, ...]
    summary: tuple[SummarySentence, ...]
    facts: tuple[Fact, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    statements: tuple[Statement, ...] = ()
