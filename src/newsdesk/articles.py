"""Articles: stable ids, and cleaning — boilerplate lines out, each removal recorded.

Cleaning works on lines and paragraphs with rules about their *shape* (a label and a colon
opening a short line, a parenthesised all-caps credit closing one, a tail of title-cased
headlines unrelated to the body...), never on a list of known strings, so it generalises to
outlets we have not seen.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rapidfuzz import fuzz

from .models import Article

__all__ = [
    "DATELINE",
    "MAX_ARTICLE_CHARS",
    "article_id",
    "canonical_url",
    "clean",
    "host_name",
    "is_boilerplate_line",
    "make_article",
    "neutralize",
    "normalize_text",
    "split_dateline",
    "split_stamps",
]

# Longest body we keep. The longest DUC 2004 / ECB+ article is ~30k characters; a 10 MB
# "article" is an attack or an extraction failure, and processing time grows with length.
MAX_ARTICLE_CHARS = 200_000

_TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|ref_src$|cmpid$|ocid$)")

# Characters that are not text. Lone surrogates (a JSON "\ud800" escape, an undecodable file
# name) cannot be stored or printed as UTF-8: they become U+FFFD. C0/C1 controls other than
# tab, newline, CR, VT and FF, and the bidi embedding/override/isolate controls (U+202A-202E,
# U+2066-2069: an "RTL override" in a title spoofs what a reader sees) are dropped; the
# U+200E/U+200F direction marks that Arabic and Hebrew text uses stay.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralize(text: str) -> str:
    r"""Return ``text`` with lone surrogates replaced and control/bidi-override characters dropped.

    Example:
        >>> neutralize("Evil\u202etxt.exe\x07 \ud800") == "Eviltxt.exe \ufffd"
        True
    """
    return _NOT_TEXT.sub("", _SURROGATE.sub("\ufffd", text))


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC with typographic quotes kept but whitespace runs folded."""
    text = unicodedata.normalize("NFC", neutralize(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    return re.sub(r" *\n *", "\n", text).strip()


def canonical_url(url: str | None) -> str | None:
    """Return ``url`` without tracking parameters, fragment, default port or trailing slash."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_PARAMS.match(k))
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def article_id(text: str, url: str | None = None) -> str:
    """Return the stable id of an article: blake2b of its canonical URL and normalised text.

    Example:
        >>> article_id("Hello  world.") == article_id("Hello world.")
        True
    """
    body = " ".join(normalize_text(text).split()).lower()
    digest = hashlib.blake2b(digest_size=8)
    digest.update((canonical_url(url) or "").encode())
    digest.update(b"\x00")
    digest.update(body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def make_article(
    text: str,
    *,
    location: str,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    author: str | None = None,
    dateline: str | None = None,
    language: str | None = None,
    removed: Sequence[str] = (),
) -> Article:
    """Build an ``Article`` with a normalised body (bounded in size) and its stable id."""
    body = normalize_text(text)[:MAX_ARTICLE_CHARS]
    return Article(
        id=article_id(body, url),
        location=location,
        text=body,
        title=_clip(title, 500),
        url=url.strip() if url and canonical_url(url) else None,
        outlet=_clip(outlet, 200),
        published=published,
        author=_clip(author, 200),
        dateline=dateline,
        language=language,
        removed=tuple(removed),
    )


def _clip(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = " ".join(neutralize(value).split())
    return value[:limit] or None


# --- Cleaning -------------------------------------------------------------------------------

# Words that make up the label of a promo line ("ALSO READ:", "Read more -", "SEE ALSO |").
_PROMO_WORDS = (
    r"also|read|more|see|related|watch|listen|recommended|suggested|trending|latest|top|"
    r"popular|don'?t|do not|miss|stories|story|posts?|articles?|links?|news|further|reading|"
    r"you|may|might|like|click|here|sign|up|subscribe|follow|us|on|share|this|video|photos?|"
    r"gallery|explainer|opinion|analysis|live|updates?|must|editor'?s|picks?|from|the|web|"
    r"sponsored|partner|content|advertisement|ad|newsletter|get|our|app|download|similar|"
    r"in|case|missed|it|other|elsewhere|what|to|know|continue|continues|continued|reading|"
    r"below|keep|now|previously|earlier|coverage|full|view|comments?|tap|join|conversation|"
    r"watch|for|of|inside|exclusive|breaking"
)
_LEAD_SYMBOLS = r"(?:[^\w\s\"“'‘(\[]{1,3}\s*)?"
_PROMO_LABEL = re.compile(
    # A hyphen separates a label only with a space before it: "Top-level talks" is prose.
    rf"^\s*{_LEAD_SYMBOLS}((?:{_PROMO_WORDS})(?:[\s']+(?:{_PROMO_WORDS})){{0,4}})"
    r"(?:\s*[:|»>–—]+|\s+-+)\s*\S",
    re.IGNORECASE,
)
# A whole line that is only a promo heading ("Related Posts", "Recommended Stories").
_PROMO_HEADING = re.compile(
    rf"^\s*{_LEAD_SYMBOLS}(?:{_PROMO_WORDS})(?:[\s']+(?:{_PROMO_WORDS})){{0,4}}\s*[:.!]?\s*$",
    re.IGNORECASE,
)
_CAPS_LABEL = re.compile(r"^\s*([A-Z][A-Z'’&-]*(?:\s+[A-Z][A-Z'’&-]*){1,5})\s*:\s*\S")
_PROMO_WORD = re.compile(rf"^(?:{_PROMO_WORDS})$", re.IGNORECASE)
# Calls to action addressed to the reader ("Sign up to…", "Tap here to follow…", "Got a tip?").
_CALL_TO_ACTION = re.compile(
    r"^\s*(?:sign\s+up|subscribe|follow\s+us|tap\s+here|click\s+here|download|join\s+our|"
    r"get\s+(?:our|the\s+\w+\s+app)|share\s+this|email\s+us|send\s+us|got\s+a\s+(?:story|tip)|"
    r"have\s+a\s+(?:story|tip)|like\s+us)\b.*(?:newsletter|app|whatsapp|follow|subscribe|email|"
    r"tips?|here|our|us|inbox|headlines|article|story)",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^\s*[—–-]?\s*\(?\s*(?:contributors?\s*:.*|additional\s+reporting\s*:.*|"
    r"editor'?s\s+note\s*:.*|correction\s*:.*|clarification\s*:.*|"
    r"with\s+(?:additional\s+)?(?:inputs?|reporting|contributions?|"
    r"input)\b.*|with\s+[\w\s.,&-]{1,60}\binputs?\b.*|(?:additional\s+)?reporting\s+by\b.*|"
    r"(?:writing|editing|compiled|edited|written|translated|produced)\s+by\b.*|"
    r"this\s+(?:story|article|report)\s+(?:has\s+been|was)\s+(?:updated|corrected|amended|"
    r"first\s+published|originally\s+published|published)\b.*|"
    r"(?:copyright|©)\s.*|all\s+rights\s+reserved.*)$",
    re.IGNORECASE,
)
_STAMP = re.compile(
    r"^\s*(?:published|updated|last\s+updated|first\s+published|posted|modified|"
    r"last\s+modified)\s*(?:on|at)?\s*[:|]?\s*(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec|mon|tue|wed|thu|fri|sat|sun)",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"^\s*(?:[(\[]?(?:photo|photograph|picture|image|pic|caption|credit|file\s+photo|video|"
    r"graphic|illustration)s?\b\s*(?:credit)?\s*[:)/|—–-]|in\s+th(?:is|e)\s+(?:\w+\s+){0,6}(?:file\s+)?"
    r"(?:photo|picture|image|handout)\b|file\s*(?:photo|picture)|[A-Z ]{0,20}\bFILE PHOTO\b)",
    re.IGNORECASE,
)
# "(IRAQI PARLIAMENT MEDIA OFFICE VIA AP)", "(Photo: Jane Doe/Getty)", "(Ana Moor/Ledger)"
_CAPTION_CREDIT = re.compile(
    r"[(\[]\s*(?:(?:[A-Z][A-Z0-9.&'/-]*\s*){2,}|(?i:[^()\[\]]*\b(?:photo|photograph|picture|"
    r"image|via|getty|afp|reuters|ap|epa|credit|courtesy|handout)\b[^()\[\]]*)|"
    r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*/\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})"
    r"[)\]]\s*$"
)
# One stamp with its date and time: "Posted September 26, 2013 - 3: 47pm", "Updated: 12:05 GMT".
_STAMP_DATE = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}/\d{1,2}/\d{2,4})"
)
_STAMP_TIME = r"\d{1,2}\s*[:.]\s*\d{2}\s*(?:[ap]\.?\s?m\.?)?(?:\s*[A-Z]{2,4}\b)?"
_STAMP_PART = re.compile(
    r"\s*(?:published|updated|last\s+updated|first\s+published|posted|modified|"
    r"last\s+modified)\s*(?:on|at)?\s*[:|]?\s*"
    rf"(?:{_STAMP_DATE}|{_STAMP_TIME})(?:\s*(?:[-,|@]|at)?\s*(?:{_STAMP_DATE}|{_STAMP_TIME})){{0,2}}"
    r"\s*[|,;-]?",
    re.IGNORECASE,
)
# A line that goes on this many words after its stamps is an article that opens with a stamp
# (ECB+ 45_1ecbplus: 5,952 characters on one line after "Posted ... Updated ..."): only the
# stamps go. Real stamp lines carry a few words at most.
_STAMP_REST_WORDS = 8


def split_stamps(line: str) -> tuple[str, str]:
    """Split the update stamps opening ``line`` from the text after them.

    Example:
        >>> split_stamps("Posted May 2, 2013 - 3: 47pm Updated May 3, 2013 A man was found guilty.")
        ('Posted May 2, 2013 - 3: 47pm Updated May 3, 2013', 'A man was found guilty.')
    """
    end = 0
    while True:
        match = _STAMP_PART.match(line, end)
        if match is None or match.end() == end or not _STAMP.match(line[end:]):
            break
        end = match.end()
    return line[:end].strip(" |,;-"), line[end:].strip()


# A whole line in brackets is an embed, a caption or a promo, never news copy.
_BRACKETED = re.compile(r"^\s*\[[^\]]{3,300}\]\s*$")
_SEPARATOR = re.compile(r"^[\W_]{1,12}$")
_END_PUNCT = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")


# A dateline opening a story: "WASHINGTON --", "CARACAS, July 25 --", "VELMORA —",
# "NEW YORK, June 3 (Reuters) -", "WASHINGTON / CAIRO -", "BAGHDAD:", "WASHINGTON _" (wire
# copy writes the dash as an underscore), "CARACAS, Venezuela (AP) --".
DATELINE = re.compile(
    r"^\s*((?:[A-Z][A-Z.'’-]+)(?:[ ]+[A-Z][A-Z.'’-]+){0,3}"
    r"(?:\s*[/,]\s*(?:[A-Z][A-Z.'’-]+)(?:[ ]+[A-Z][A-Z.'’-]+){0,3}){0,3}"
    r"(?:,\s*[A-Z][a-z]+\.?(?:[ ]+[A-Z][a-z]+){0,2}(?=\s*(?:\(|—|–|--?|_\s)))?)"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"(?:\s*\(([\w .&'-]{2,40})\))?"
    r"\s*(?:—|–|--?|:|_(?=\s))\s+(?=\S)"
)


def split_dateline(paragraph: str) -> tuple[str | None, str | None, str]:
    """Split a dateline (and an agency in brackets) from the paragraph it opens.

    Returns:
        (dateline, agency, rest); dateline is None when the paragraph has none.

    Example:
        >>> split_dateline("CARACAS, July 25 -- Voters queued before dawn.")
        ('CARACAS', None, 'Voters queued before dawn.')
    """
    match = DATELINE.match(paragraph)
    if match is None or len(match.group(1)) > 60:
        return None, None, paragraph
    place = " ".join(match.group(1).split())
    # "CARACAS, Venezuela" names the place; keep the capitalised city alone.
    place = place.split(",")[0].strip() if re.search(r",\s*[A-Z][a-z]", place) else place
    agency = match.group(2).strip() if match.group(2) else None
    return place, agency, paragraph[match.end() :]


# Wire-service syndication lines: slugs ("NYT-SF-KOSOVO-NYT", "BC-STRIKE-NYT"), the
# distribution notice, take markers and contact lines. Shapes from the NYT News Service and
# AP wire formats, not from any one story.
_SLUG = re.compile(r"^\s*(?:[A-Z]{2,6}-){1,5}[A-Z0-9]{2,}(?:-[A-Z0-9]+)*(?:\s+\S+){0,3}\s*$")
_SYNDICATION = re.compile(
    r"^\s*\(?\s*(?:for\s+(?:release|use)\s+by\s+(?:\w+\s+){0,2}clients\s+of\b|"
    r"story\s+can\s+end\s+here|optional\s+(?:\w+\s+)?(?:take|trim|add)\b|end\s+optional\b|"
    r"(?:c\.|\(c\)|©)\s*\d{4}\s.{0,80}(?:news\s+service|times|post|syndicate|press)|"
    r"(?:contact|e-?mail|phone|tel|fax|send\s+(?:questions|comments))\b[^.]{0,80}"
    r"(?:@|\d{3}[-.\s]\d{3,4}))",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


# A wire write-through's pick-up marker closing the copy: the first words of the paragraph
# where the previous version resumes, then its number ("Mitch _ once, 2nd graf pvs", "The
# vote, 3rd graf prv", "Jamal Fawz, graf 19 pvs", "No member, 5th graf, 1st Ld-Writethru").
# Editors' instructions, never news; only the words after the last sentence end go.
_PICKUP = re.compile(
    r"(?:^|(?<=[.!?])['\"”’)]*\s+)([^.!?\n]{0,80},\s*(?:\d{1,2}(?:st|nd|rd|th)\s+graf|graf\s+\d{1,2})"
    r"\b[^.!?\n]{0,40})\s*$",
    re.IGNORECASE,
)


def _split_pickup(text: str) -> tuple[str, str | None]:
    """Split a write-through pick-up marker off the end of ``text``: (text, marker or None)."""
    match = _PICKUP.search(text)
    if match is None or not text[: match.start(1)].strip():
        return text, None
    return text[: match.start(1)].rstrip(), match.group(1).strip()


def _is_syndication(line: str) -> bool:
    stripped = line.strip()
    if _SLUG.match(stripped) or _SYNDICATION.match(stripped):
        return True
    return bool(_EMAIL.search(stripped)) and len(stripped.split()) <= 15


# "Title - News Nation", "Title | The Daily Ledger", "Title — Site": a site name after the
# last separator, at most this many words.
_TITLE_SUFFIX = re.compile(r"^(?P<title>.{8,}?)\s+(?:[|–—-]|::)\s+(?P<site>[^|–—]{2,60})$")
_SITE_WORDS = 5
# Job titles that wire bylines append to a name ("Tom Krisher; AP Auto Writer").
_JOB = re.compile(
    r"\b(?:writer|correspondent|editor|reporter|staff|producer|contributor|columnist|"
    r"bureau|chief|special\s+to|associated\s+press|news\s+service|analyst|critic)\b",
    re.IGNORECASE,
)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def host_name(url: str | None) -> str | None:
    """The host of ``url`` without "www.": the outlet when only an address is known."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


_URLISH = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/?$", re.I)


def _site_suffix(title: str, outlet: str | None, url: str | None) -> tuple[str, str | None]:
    """Split a site name off the end of a title: (title, site) or (title, None)."""
    match = _TITLE_SUFFIX.match(title.strip())
    if match is None:
        return title, None
    site = match.group("site").strip()
    words = site.split()
    if len(words) > _SITE_WORDS or not all(w[:1].isupper() or w[:1].isdigit() for w in words):
        return title, None
    key = _squash(site)
    known = [_squash(v) for v in (outlet, host_name(url)) if v]
    named = bool(key) and any(key in k or k in key for k in known if k)
    # Without a known outlet to match, only the "|" separator marks a site name.
    if named or " | " in title:
        return match.group("title").strip(), site
    return title, None


def _author_name(author: str | None) -> str | None:
    """Drop job titles from a byline: "Tom Krisher; Ap Auto Writer" -> "Tom Krisher"."""
    if not author:
        return author
    parts = [p.strip() for p in re.split(r"\s*[;|,]\s*|\s+[-–—]\s+|\s+and\s+", author)]
    names = [
        re.sub(r"^by\s+", "", p, flags=re.IGNORECASE) for p in parts if p and not _JOB.search(p)
    ]
    name = ", ".join(names).strip(" ,")
    return name or None


def _metadata(article: Article, text: str) -> tuple[Article, str, list[str]]:
    """Clean the metadata and take it out of the body: a repeated headline and a dateline
    opening the body go, a site name leaves the title, the outlet is a name, not a URL."""
    removed: list[str] = []
    title, outlet = article.title, article.outlet
    if outlet and _URLISH.match(outlet.strip()):
        outlet = host_name(outlet)
    if title:
        title, site = _site_suffix(title, outlet, article.url)
        if site and (outlet is None or outlet == host_name(article.url)):
            outlet = site
    if outlet is None and article.url:
        outlet = host_name(article.url)
    paragraphs = text.split("\n\n")
    heads = {_squash(t) for t in (title, article.title) if t}
    while paragraphs and heads and _squash(paragraphs[0]) in heads:
        removed.append(paragraphs.pop(0).strip())
    dateline = article.dateline
    if paragraphs and dateline is None:
        place, agency, rest = split_dateline(paragraphs[0])
        if place is not None and rest.strip():
            dateline, paragraphs[0] = place, rest
            outlet = outlet or agency
    updated = dataclasses.replace(
        article,
        title=title,
        outlet=outlet,
        author=_author_name(article.author),
        dateline=dateline,
    )
    return updated, "\n\n".join(paragraphs), removed


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _is_headline_like(line: str) -> bool:
    """A short line in Title Case with no sentence end: a headline or a link text."""
    stripped = line.strip().rstrip("-–—|•").strip()
    words = stripped.split()
    if not 2 <= len(words) <= 25:
        return False
    if stripped.endswith(".") and not stripped.endswith("..."):
        return False
    alpha = [w for w in words if w[:1].isalpha()]
    if not alpha:
        return False
    capital = sum(1 for w in alpha if w[:1].isupper())
    return capital / len(alpha) >= 0.6


def _is_link_text(line: str) -> bool:
    """A short line with no sentence end, as listed under a promo heading."""
    stripped = line.strip()
    return len(stripped.split()) <= 20 and not (
        stripped.endswith(".") and not stripped.endswith("...")
    )


def _overlap(line: str, body_words: set[str]) -> float:
    words = [w for w in _words(line) if len(w) > 3]
    if not words:
        return 0.0
    return sum(1 for w in words if w in body_words) / len(words)


def _trailing_tail(lines: list[str], body_words: set[str]) -> int:
    """Return the index where a trailing block of unrelated headlines starts (len if none).

    A click-bait tail is >= 3 consecutive headline-like lines at the very end whose words are
    mostly absent from the rest of the article (checked on the seeds' and our fixtures' tails:
    their overlap is < 0.35, real closing paragraphs are full sentences).
    """
    end = len(lines)
    start = end
    count = 0
    for i in range(end - 1, -1, -1):
        line = lines[i]
        if not line.strip() or _SEPARATOR.match(line.strip()):
            start = i
            continue
        if _is_headline_like(line) and _overlap(line, body_words) < 0.5:
            start = i
            count += 1
            continue
        break
    return start if count >= 3 else end


def _is_pull_quote(paragraph: str, others: Sequence[str]) -> bool:
    """A short paragraph without end punctuation that repeats a sentence of another paragraph."""
    text = paragraph.strip().strip("“”\"'‘’")
    if len(text) < 30 or len(text.split()) > 40:
        return False
    return any(
        len(other) > len(text) and fuzz.partial_ratio(text.lower(), other.lower()) >= 90
        for other in others
    )


def is_boilerplate_line(line: str) -> bool:
    """Return True when ``line`` is boilerplate on its own (a promo, credit, stamp, caption).

    Example:
        >>> is_boilerplate_line("READ MORE: Sun shines"), is_boilerplate_line("Rain fell.")
        (True, False)
    """
    return bool(line.strip()) and _classify(line)


def _classify(line: str) -> bool:
    """Return True when a single line is boilerplate on its own."""
    stripped = line.strip()
    if _SEPARATOR.match(stripped):
        return True
    if _CREDIT.match(stripped) or _STAMP.match(stripped) or _is_syndication(stripped):
        return True
    if _PROMO_LABEL.match(stripped) and len(stripped.split()) <= 30:
        return True
    if _PROMO_HEADING.match(stripped) and len(stripped.split()) <= 5:
        return True
    if _CAPTION_START.match(stripped) or _BRACKETED.match(stripped):
        return True
    if _CALL_TO_ACTION.match(stripped) and len(stripped.split()) <= 25:
        return True
    caps = _CAPS_LABEL.match(stripped)
    if (
        caps
        and len(stripped.split()) <= 20
        and any(_PROMO_WORD.match(word) for word in caps.group(1).split())
    ):
        return True
    return bool(_CAPTION_CREDIT.search(stripped) and len(stripped.split()) <= 80)


def clean(article: Article) -> Article:
    """Remove boilerplate lines from an article's body and record what was removed.

    Removes related-link promos, trailing lists of unrelated headlines, photo captions and
    picture credits, reporting credits, update stamps, pull quotes that repeat a body
    sentence, and lone separators. Paragraph structure (blank lines) is kept.

    Args:
        article: an article as a reader produced it.

    Returns:
        A copy with the cleaned ``text`` and ``removed`` extended by the dropped lines.

    Example:
        >>> a = make_article("Rain fell.\\n\\nREAD MORE: Sun shines", location="x")
        >>> clean(a).removed
        ('READ MORE: Sun shines',)
    """
    lines = article.text.split("\n")
    stamps: list[str] = []
    for i, line in enumerate(lines):
        if _STAMP.match(line):
            stamp, rest = split_stamps(line)
            if stamp and len(rest.split()) >= _STAMP_REST_WORDS:
                # Never drop a line that carries the article: only its stamps go.
                stamps.append(stamp)
                lines[i] = rest
    # The body's vocabulary comes from full sentences only, so a tail of headlines cannot
    # vouch for itself.
    body_words = {
        w for line in lines if _END_PUNCT.search(line) for w in _words(line) if len(w) > 3
    }
    tail = _trailing_tail(lines, body_words)
    drop = [i >= tail or (bool(line.strip()) and _classify(line)) for i, line in enumerate(lines)]
    for i, line in enumerate(lines[:tail]):
        if not drop[i]:
            continue
        stripped = line.strip()
        # A credit line ("Photograph: A/B") takes the caption line just above it with it.
        if (_CAPTION_START.match(stripped) or _CAPTION_CREDIT.search(stripped)) and i > 0:
            above = lines[i - 1].strip()
            if (
                above
                and not drop[i - 1]
                and len(above.split()) <= 30
                and not _PROMO_LABEL.match(above)
            ):
                drop[i - 1] = True
        # A promo heading ("Recommended Stories") takes the headline list under it.
        if _PROMO_HEADING.match(stripped):
            j = i + 1
            while j < tail and lines[j].strip() and _is_link_text(lines[j]):
                drop[j] = True
                j += 1
    removed = stamps + [
        line.strip() for line, gone in zip(lines, drop, strict=True) if gone and line.strip()
    ]
    keep: list[str | None] = [
        None if gone else line for line, gone in zip(lines, drop, strict=True)
    ]
    kept_lines = [line for line in keep if line is not None]
    paragraphs = "\n".join(kept_lines).split("\n\n")
    sentences_elsewhere = [p for p in paragraphs if _END_PUNCT.search(p.strip() or ".")]
    final: list[str] = []
    for paragraph in paragraphs:
        if paragraph.strip() and "\n" not in paragraph.strip():
            others = [p for p in sentences_elsewhere if p is not paragraph]
            if _is_pull_quote(paragraph, others):
                removed.append(paragraph.strip())
                continue
        final.append(paragraph)
    text = re.sub(r"\n{3,}", "\n\n", "\n\n".join(p.strip("\n") for p in final)).strip()
    text, pickup = _split_pickup(text)
    if pickup is not None:
        removed.append(pickup)
    if "\n\n" not in text:
        # One paragraph per line: files that separate paragraphs with single newlines.
        text = "\n\n".join(line for line in text.split("\n") if line.strip())
    article, text, repeated = _metadata(article, text)
    return dataclasses.replace(
        article, text=text, removed=article.removed + tuple(removed) + tuple(repeated)
    )
