from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _paths import EXAMPLE, FIXTURES
from newsdesk.articles import make_article
from newsdesk.models import ReadFailure
from newsdesk.readers import detect_format, read_articles, read_stream
from newsdesk.readers.dates import parse_date
from newsdesk.readers.jsonl import iter_jsonl
from newsdesk.readers.text import parse_text

BAD = FIXTURES / "bad"


def test_text_metadata_conventions() -> None:
    raw = (
        "Published: 08:10, March 3, 2024 | Updated: 09:00, March 4, 2025\n"
        "Dam gates opened after week of rain\n"
        "By Ola Brenn\n\n"
        "NORTHVALE / EASTPORT - Engineers opened the gates of the Tarn dam on Sunday.\n\n"
        "Water levels fell by two metres overnight."
    )
    article = parse_text(raw, location="x.txt")
    assert article.published == "2024-03-03"
    assert article.title == "Dam gates opened after week of rain"
    assert article.author == "Ola Brenn"
    assert article.dateline == "NORTHVALE / EASTPORT"
    assert article.text.startswith("Engineers opened the gates")
    assert article.removed == ("Published: 08:10, March 3, 2024 | Updated: 09:00, March 4, 2025",)


def test_date_prefix_outlet_tag_and_colon_dateline() -> None:
    a = parse_text(" date 2023-01-09 LAKETON — Ice closed the port.", location="a")
    assert (a.published, a.dateline, a.text) == ("2023-01-09", "LAKETON", "Ice closed the port.")
    b = parse_text("Port shut\n\n(Lake Herald) Ice closed the port on Monday.", location="b")
    assert (b.outlet, b.title, b.text) == (
        "Lake Herald",
        "Port shut",
        "Ice closed the port on Monday.",
    )
    c = parse_text("Port shut\nLAKETON: Ice closed the port.", location="c")
    assert (c.dateline, c.text) == ("LAKETON", "Ice closed the port.")


def test_date_line_under_title() -> None:
    a = parse_text("Sunday, 9 November 2025\nTram vote passes\n\nThe council voted.", location="a")
    assert (a.published, a.title, a.text) == (
        "2025-11-09",
        "Tram vote passes",
        "The council voted.",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11:16, June 12, 2020", "2020-06-12"),
        ("12 June 2020", "2020-06-12"),
        ("2020-06-12T10:00", "2020-06-12"),
        ("Feb 30, 2020", None),
        ("2 hours ago", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_example_story_reads_with_dates() -> None:
    result = read_articles([EXAMPLE])
    assert result.failures == ()
    assert len(result.articles) == 7
    dates = {Path(a.location).name: a.published for a in result.articles}
    assert dates["01_meridian_press.txt"] == "2025-10-14"
    assert dates["02_harbour_courier.txt"] == "2025-10-15"
    assert dates["04_northern_ledger.txt"] == "2025-10-16"
    assert dates["07_tidewater_business.txt"] is None


def test_seed_publication_dates(seeds: Path) -> None:
    result = read_articles([str(seeds)])
    dates = {Path(a.location).name[:3]: a.published for a in result.articles}
    assert dates["000"] == "2020-06-11"
    assert dates["001"] == "2020-06-12"
    assert dates["003"] == "2020-06-12"


def test_bad_inputs_are_reported_one_line_each(tmp_path: Path) -> None:
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    result = read_articles(
        [
            BAD / "empty.txt",
            BAD / "binary.txt",
            BAD / "no_article.html",
            tmp_path / "missing.txt",
            empty_dir,
        ]
    )
    reasons = {Path(f.location).name: f.reason for f in result.failures}
    assert reasons == {
        "empty.txt": "empty file",
        "binary.txt": "binary file, not text",
        "no_article.html": "no article text found in HTML page",
        "missing.txt": "no such file or directory",
        "nothing": "directory has no files",
    }
    assert all("\n" not in f.reason for f in result.failures)
    assert result.articles == ()


def test_legacy_and_bom_encodings_are_decoded() -> None:
    result = read_articles([BAD / "legacy_cp1252.txt", BAD / "bom.txt"])
    assert result.failures == ()
    assert len(result.articles) == 2
    legacy = next(a for a in result.articles if a.location.endswith("legacy_cp1252.txt"))
    assert "\ufffd" not in legacy.text and "“" in legacy.text
    assert result.warnings == (f"{BAD / 'legacy_cp1252.txt'}: not UTF-8; decoded as cp1252",)
    bom = next(a for a in result.articles if a.location.endswith("bom.txt"))
    assert not bom.text.startswith("\ufeff")


def test_stdin_dash() -> None:
    stream = io.BytesIO(b"Ferry halted\n\nThe ferry stopped running on Friday after a storm.")
    result = read_articles(["-"], stdin=stream)
    assert [a.title for a in result.articles] == ["Ferry halted"]
    assert result.articles[0].location == "<stdin>"


def test_jsonl_reports_true_line_numbers() -> None:
    lines = [
        json.dumps(
            {"text": "A quake shook the valley.", "title": "Quake", "published": "2021-05-02"}
        ).encode(),
        b"{broken",
        b"",
        b"[1, 2]",
        json.dumps({"title": "no text"}).encode(),
        json.dumps({"text": "Rain fell across the plain."}).encode(),
    ]
    items = list(iter_jsonl(lines, location="dump.jsonl"))
    failures = [(i.location, i.reason) for i in items if not hasattr(i, "text")]
    assert failures == [
        ("dump.jsonl:2", "invalid JSON (Expecting property name enclosed in double quotes)"),
        ("dump.jsonl:4", "expected a JSON object per line"),
        (
            "dump.jsonl:5",
            "no article text (accepted keys: text, maintext, raw_text, body, content, articleBody)",
        ),
    ]
    articles = [i for i in items if hasattr(i, "text")]
    assert [a.published for a in articles] == ["2021-05-02", None]


def test_html_page_extracts_article_and_metadata() -> None:
    body = " ".join(
        f"Sentence number {i} tells the story of the harbour in detail." for i in range(12)
    )
    page = (
        "<html><head><title>Harbour news</title><meta name='author' content='Ann Vik'>"
        "<meta property='article:published_time' content='2024-04-02'></head><body>"
        "<nav><a href='/'>Home</a><a href='/x'>Sport</a></nav>"
        f"<article><h1>Harbour reopens</h1><p>{body}</p><p>{body}</p></article>"
        "<footer>Copyright 2024</footer></body></html>"
    ).encode()
    items = list(read_stream(io.BytesIO(page), name="page.html", location="page.html"))
    assert len(items) == 1
    article = items[0]
    assert "Sentence number 3 tells the story" in article.text  # type: ignore[union-attr]
    assert "Sport" not in article.text  # type: ignore[union-attr]
    assert article.published == "2024-04-02"  # type: ignore[union-attr]


def test_non_latin_text() -> None:
    a = parse_text(
        "Пожар в порту\n\nВ порту Велморы вспыхнул пожар. Пострадавших нет.", location="ru.txt"
    )
    assert a.title == "Пожар в порту"
    assert a.text == "В порту Велморы вспыхнул пожар. Пострадавших нет."


def test_detect_format_sniffs_content() -> None:
    assert detect_format("x", b"<!DOCTYPE html><html>") == "html"
    assert detect_format("x", b'{"text": "a"}') == "jsonl"
    assert detect_format("x.warc.gz", b"") == "warc"
    assert detect_format("notes", b"Plain words") == "text"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_text_reader_never_crashes(data: bytes) -> None:
    items = list(read_stream(io.BytesIO(data), name="x.txt", location="x.txt"))
    assert len(items) == 1


# --- Hard-wrapped text ----------------------------------------------------------------------

WIRE = FIXTURES / "wire"


def test_unwrap_joins_sentences_and_keeps_header_list_and_boilerplate_lines() -> None:
    from newsdesk.articles import clean

    [article] = read_articles([WIRE / "harbour-strike.txt"]).articles
    cleaned = clean(article)
    assert (cleaned.title, cleaned.author, cleaned.dateline) == (
        "Dock workers walk out at Velmora harbour",
        "Ines Tarrow",
        "VELMORA",
    )
    assert cleaned.removed == ("READ MORE: Velmora grain prices climb",)
    assert cleaned.text.split("\n\n") == [
        "Dock workers at the port of Velmora walked off the job on Tuesday, halting the "
        "loading of grain ships for the first time in eleven years, union officials said. "
        "``We have waited long enough for a fair contract,'' said union leader Pavel Orsk, "
        "who spoke to reporters at the harbour gate.",
        "The port authority said talks would resume on Oct. 9. It listed three demands the "
        "union had made:",
        "- a six percent pay rise",
        "- shorter night shifts",
        "- new cranes on pier four",
        "The strike is expected to cost the regional economy about 2 million euros a day, "
        "according to the chamber of commerce.",
    ]


def test_unwrap_leaves_unwrapped_text_and_headline_lists_alone() -> None:
    from newsdesk.readers.wrapping import is_hard_wrapped, unwrap

    one_per_line = "The bridge shut on Monday.\nTraffic moved to the ferry.\nIt reopens in May."
    assert unwrap(one_per_line) == one_per_line
    long_lines = ("A sentence that runs on and on past any wrapping width. " * 4 + "\n") * 3
    assert not is_hard_wrapped(long_lines)
    wrapped = (
        "Engineers opened the gates of the Tarn dam on Sunday after a week of\n"
        "rain raised the reservoir to its highest level since records began in\n"
        "the town, officials said.\n\n"
        "More Stories From Around The Region\n"
        "Council Approves New Tram Line For Eastport\n"
        "Local Team Wins Regional Rowing Final Again\n"
    )
    assert unwrap(wrapped).split("\n\n") == [
        "Engineers opened the gates of the Tarn dam on Sunday after a week of rain raised the "
        "reservoir to its highest level since records began in the town, officials said.",
        "More Stories From Around The Region",
        "Council Approves New Tram Line For Eastport",
        "Local Team Wins Regional Rowing Final Again",
    ]


def test_unwrap_in_jsonl_text_fields() -> None:
    record = {
        "title": "Dam opens",
        "text": "Engineers opened the gates of the Tarn dam on Sunday after a week of\n"
        "rain raised the reservoir to its highest level since records began in\n"
        "the town, officials said.",
    }
    [article] = list(iter_jsonl([json.dumps(record).encode()], location="d.jsonl"))
    assert not isinstance(article, ReadFailure)
    assert article.text == (
        "Engineers opened the gates of the Tarn dam on Sunday after a week of rain raised the "
        "reservoir to its highest level since records began in the town, officials said."
    )


def test_article_opening_with_update_stamps_on_one_line_is_kept() -> None:
    from newsdesk.articles import clean

    body = "A Spiro man was found guilty of two counts of murder on Thursday evening. " * 40
    raw = "Posted September 26, 2013 - 3: 47pm Updated September 27, 2013 - 6: 56am " + body
    article = clean(parse_text(raw, location="x.txt"))
    assert article.published == "2013-09-26"
    assert article.text == body.strip()
    assert article.removed == (
        "Posted September 26, 2013 - 3: 47pm Updated September 27, 2013 - 6: 56am",
    )
    # The same line reaching cleaning from another reader keeps its article too.
    other = clean(make_article(raw, location="y"))
    assert (other.text, other.removed) == (body.strip(), article.removed)


# --- Other tools' records, clean metadata ---------------------------------------------------


def test_news_please_trafilatura_and_html_records_read_as_they_are() -> None:
    from newsdesk.articles import clean

    result = read_articles([FIXTURES / "records" / "tools.jsonl"])
    got = [
        (a.title, a.outlet, a.author, a.published, a.dateline, a.url, a.text, a.removed)
        for a in map(clean, result.articles)
    ]
    assert got == [
        (
            "Dock workers walk out at Velmora harbour",
            "Velmora Ledger",
            "Tom Krisher",
            "2024-05-02",
            "VELMORA",
            "https://www.velmoraledger.com/news/strike",
            "Dock workers at the port of Velmora walked off the job on Thursday, halting grain "
            "shipments, union officials said.\n\nThe port authority said talks would resume "
            "next week.",
            (),
        ),
        (
            "Grain ships wait off Velmora",
            "Harbour Times",
            "Ines Tarrow",
            "2024-05-03",
            None,
            "https://harbourtimes.example/2024/05/03/grain-ships",
            "Twelve grain ships waited off Velmora on Friday as the dock strike entered its "
            "second day.\n\nThe harbour master said the queue would grow.",
            ("Grain ships wait off Velmora",),
        ),
        (
            "Velmora strike ends",
            "example.org",
            None,
            "2024-05-06",
            "WASHINGTON",
            "https://example.org/velmora-ends",
            "The Velmora dock strike ended on Monday after five days, the union said.\n\n"
            "Ships began loading at dawn.",
            (),
        ),
    ]
    assert [(f.location, f.reason) for f in result.failures] == [
        (
            str(FIXTURES / "records" / "tools.jsonl") + ":4",
            "no article text (accepted keys: text, maintext, raw_text, body, content, articleBody)",
        )
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-06-12T23:30:00+02:00", "2020-06-12"),
        ("2020-06-12 10:00:00", "2020-06-12"),
        (1591920000, "2020-06-12"),
        ("1591920000", "2020-06-12"),
        (1591920000.5, "2020-06-12"),
        (10**30, None),
        (-5, None),
        (True, None),
    ],
)
def test_jsonl_dates(value: object, expected: str | None) -> None:
    line = json.dumps({"text": "Rain fell on the plain.", "date": value}).encode()
    [article] = list(iter_jsonl([line], location="d.jsonl"))
    assert not isinstance(article, ReadFailure)
    assert article.published == expected


@pytest.mark.parametrize(
    ("paragraph", "dateline", "rest"),
    [
        ("WASHINGTON -- The Senate voted.", "WASHINGTON", "The Senate voted."),
        ("CARACAS, July 25 -- Voters queued.", "CARACAS", "Voters queued."),
        ("VELMORA — Dock workers struck.", "VELMORA", "Dock workers struck."),
        ("WASHINGTON _ NASA and Russia agreed.", "WASHINGTON", "NASA and Russia agreed."),
        ("US troops will stay. NATO said so.", None, "US troops will stay. NATO said so."),
    ],
)
def test_datelines_leave_the_body_whatever_the_reader(
    paragraph: str, dateline: str | None, rest: str
) -> None:
    from newsdesk.articles import clean

    article = clean(make_article(f"{paragraph}\n\nMore followed.", location="x"))
    assert (article.dateline, article.text) == (dateline, f"{rest}\n\nMore followed.")


def test_titles_outlets_authors_and_wire_lines_are_cleaned() -> None:
    from newsdesk.articles import clean

    article = clean(
        make_article(
            "Dock workers walk out\n\nVELMORA — Dock workers walked out on Tuesday.\n\n"
            "NYT-SF-STRIKE-NYT\n\nFor use by clients of The New York Times News Service\n\n"
            "Contact: jane@example.com",
            location="x",
            title="Dock workers walk out - Velmora Ledger",
            outlet="https://www.velmoraledger.com/",
            author="Tom Krisher; Ap Auto Writer",
            url="https://velmoraledger.com/a",
        )
    )
    assert (article.title, article.outlet, article.author, article.dateline, article.text) == (
        "Dock workers walk out",
        "Velmora Ledger",
        "Tom Krisher",
        "VELMORA",
        "Dock workers walked out on Tuesday.",
    )
    assert article.removed == (
        "NYT-SF-STRIKE-NYT",
        "For use by clients of The New York Times News Service",
        "Contact: jane@example.com",
        "Dock workers walk out",
    )
    # A dash inside a title is not a site name unless it names the outlet.
    kept = clean(make_article("Rain.", location="y", title="Storm hits coast - live"))
    assert kept.title == "Storm hits coast - live"


def test_paragraph_per_line_text_with_short_lines_between_is_not_unwrapped() -> None:
    from newsdesk.readers.wrapping import is_hard_wrapped

    text = (
        "Council backs tram extension\n"
        "Sunday, 9 November 2025\n\n"
        + "The council voted late on Friday to extend the tram line to the hospital, ending "
        "two years of argument over the route and the cost.\n\n"
        "A tram waits at the terminus.\n"
        "Photograph: Mika Lorne/Calder Times\n\n"
        "Trending now\n"
        "Celebrity Chef Opens Restaurant On A Moving Train\n"
        "These Wireless Earbuds Are Half Price Today Only\n"
    )
    assert not is_hard_wrapped(text)
    assert parse_text(text, location="x").text.endswith(
        "Trending now\nCelebrity Chef Opens Restaurant On A Moving Train\n"
        "These Wireless Earbuds Are Half Price Today Only"
    )


def test_short_wrapped_wire_item_is_not_taken_for_a_title() -> None:
    raw = (
        "The radical group on Monday denounced the President Of The Republic \n"
        "over his upcoming visit to the Gaza Strip but carefully avoided \n"
        "making any threats against him."
    )
    article = parse_text(raw, location="x")
    assert (article.title, article.text) == (None, " ".join(raw.split()))


def test_wire_copy_loses_its_pickup_marker_and_character_references() -> None:
    from newsdesk.articles import clean

    raw = (
        "Dock workers at the port of Velmora walked off the job on Tuesday, \n"
        "halting the loading of Tarrow &AMP; Sons' grain ships for the first \n"
        "time in eleven years, union officials said. ``We have waited long \n"
        "enough,'' said union leader Pavel Orsk. The strike, 3rd graf pvs"
    )
    article = clean(parse_text(raw, location="x"))
    assert article.text == (
        "Dock workers at the port of Velmora walked off the job on Tuesday, halting the "
        "loading of Tarrow & Sons' grain ships for the first time in eleven years, union "
        "officials said. ``We have waited long enough,'' said union leader Pavel Orsk."
    )
    assert article.removed == ("The strike, 3rd graf pvs",)
    # Only references: prose that mentions "R&D;" or "&copy" stays as written.
    kept = parse_text("The R&D; budget &copy grew to &#8364;4 million.", location="y")
    assert kept.text == "The R&D; budget &copy grew to €4 million."
    # A marker alone is not taken for one: nothing precedes it.
    alone = clean(parse_text("Mitch _ once, 2nd graf pvs", location="z"))
    assert alone.text == "Mitch _ once, 2nd graf pvs"
