"""Date resolution by tense and precision, on sentences we wrote, with the real spaCy parser."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.conflicts.clauses import ClauseParser
from newsdesk.dates import find_dates, resolve_date
from newsdesk.timelines import DatedSentence, build_timeline


@pytest.fixture(scope="module")
def parse(models):
    return ClauseParser(models.nlp).doc


def found(parse, text, published):
    return [
        (m.text, m.date, m.role)
        for m in find_dates(text, article_id="a", sentence=0, published=published, parse=parse)
    ]


def dates(parse, text, published):
    return [(text, date) for text, date, _ in found(parse, text, published)]


# Thursday 2025-10-16 unless said otherwise.
@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # The speech verb's tense decides, not the "will" inside the quotation marks.
        (
            "“If a document exists, the panel will read it,” the minister said on Wednesday.",
            "2025-10-16",
            [("on Wednesday", "2025-10-15")],
        ),
        (
            "'The panel will read it,' the minister said on Wednesday.",
            "2025-10-16",
            [("on Wednesday", "2025-10-15")],
        ),
        # Future: the next occurrence.
        (
            "The inquiry will hold its first hearing on 3 November.",
            "2025-10-20",
            [("3 November", "2025-11-03")],
        ),
        ("The panel will report on 15 January.", "2025-10-20", [("15 January", "2026-01-15")]),
        (
            "The minister will visit the site on Friday.",
            "2025-10-16",
            [("on Friday", "2025-10-17")],
        ),
        ("The new terminal will open in February.", "2025-03-10", [("in February", "2026-02")]),
        # A schedule in the present tense looks forward too.
        ("The contracts expire in September.", "2025-03-10", [("in September", "2025-09")]),
        ("The contracts expire Sept. 14.", "2025-03-10", [("Sept. 14", "2025-09-14")]),
        # Past: the latest one on or before the article's date.
        ("The minister visited the site on Friday.", "2025-10-16", [("on Friday", "2025-10-10")]),
        ("The lane closed in November.", "2025-10-16", [("in November", "2024-11")]),
        ("Talks were held on Thursday.", "2025-10-16", [("on Thursday", "2025-10-16")]),
        # Relative words.
        ("Prices will rise next year.", "2025-10-16", [("next year", "2026")]),
        ("Residents complained last month.", "2025-10-16", [("last month", "2025-09")]),
        ("The vote took place earlier this year.", "2025-10-16", [("this year", "2025")]),
        ("Divers went in yesterday.", "2025-10-16", [("yesterday", "2025-10-15")]),
        ("The first ferry sails tomorrow.", "2025-10-16", [("tomorrow", "2025-10-17")]),
        (
            "The inquiry will report by the middle of January.",
            "2025-10-16",
            [("of January", "2026-01")],
        ),
        # Holidays: the fixed day, in the year the tense picks.
        (
            "The boy was rescued on Thanksgiving Day.",
            "2000-01-06",
            [("Thanksgiving Day", "1999-11-25")],
        ),
        ("The shops will close on Christmas Day.", "2025-10-16", [("Christmas Day", "2025-12-25")]),
        # Never more precise than the text.
        ("It opened in 1974.", "2025-10-16", [("in 1974", "1974")]),
        ("The bridge opened on 2 May 1974.", "2025-10-16", [("2 May 1974", "1974-05-02")]),
        ("Work stopped in March 2024.", "2025-10-16", [("March 2024", "2024-03")]),
        # No date: an indefinite weekday, a verb "may", non-Latin text, nothing.
        ("She sold a tenth of a normal Wednesday.", "2025-10-16", []),
        ("Officials may meet again.", "2025-10-16", []),
        ("Мост рухнул во вторник.", "2025-10-16", []),
        ("", "2025-10-16", []),
    ],
)
def test_dates_follow_the_tense_of_their_clause(parse, text, published, expected):
    assert dates(parse, text, published) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The closure could last well into next year.",
            [("next year", "2026", "prediction")],
        ),
        (
            "Traffic is expected to return to normal in December.",
            [("in December", "2025-12", "prediction")],
        ),
        (
            "If talks fail, the strike will start on Monday.",
            [("on Monday", "2025-10-20", "conditional")],
        ),
        (
            "Unemployment stood at 7.5%, according to the latest official data from February.",
            [("from February", "2025-02", "background")],
        ),
        (
            "The port handled 11.4 million tonnes of cargo in 2024, according to the port.",
            [("in 2024", "2024", "background")],
        ),
        # An event reported by the police is still an event.
        (
            "Two people died on Tuesday, according to the police.",
            [("on Tuesday", "2025-10-14", "event")],
        ),
        ("The span collapsed on Tuesday.", [("on Tuesday", "2025-10-14", "event")]),
        (
            "The minister said on Wednesday that the panel would report by the end of January.",
            [("on Wednesday", "2025-10-15", "speech"), ("of January", "2026-01", "event")],
        ),
        (
            "The United States said on Thursday it would reduce troops in Iraq.",
            [("on Thursday", "2025-10-16", "speech")],
        ),
    ],
)
def test_predictions_conditionals_and_background_are_not_events(parse, text, expected):
    assert found(parse, text, "2025-10-16") == expected


def test_resolve_date_takes_a_given_expression_in_its_sentence(parse):
    sentence = "Saddam said he would begin withdrawing troops on Friday."
    start = sentence.index("Friday")
    got = resolve_date(sentence, start, start + 6, published="1990-08-15", doc=parse(sentence))
    assert (got.date, got.tense, got.role) == ("1990-08-17", "future", "event")
    # A weekday names the year of a date written without one.
    sentence = "The paper said in an editorial on Saturday, April 25: the court erred."
    start = sentence.index("Saturday")
    got = resolve_date(sentence, start, start + 18, published="1998-04-24", doc=parse(sentence))
    assert got.date == "1998-04-25"
    # Relative years of company reports.
    sentence = "Profit fell in the latest fiscal year from a year earlier."
    doc = parse(sentence)
    assert resolve_date(sentence, 15, 37, published="1989-10-26", doc=doc).date == "1988"
    assert resolve_date(sentence, 43, 57, published="1989-10-26", doc=doc).date == "1988"
    # Not a calendar date this resolver handles: a duration, a quarter.
    sentence = "Sales rose 5% in the third quarter over three months."
    assert resolve_date(sentence, 17, 34, published="1998-04-24", doc=parse(sentence)) is None


@pytest.mark.parametrize(
    ("sentence", "expression", "published", "expected"),
    [
        # Schedules look forward whatever the tense: "set for", "has scheduled", a planned thing.
        ("The talks dominate a summit set for Geneva in April.", "April", "2025-03-12", "2025-04"),
        (
            "The mayor has scheduled a news conference Thursday.",
            "Thursday",
            "2025-10-15",
            "2025-10-16",
        ),
        (
            "Farmers planned a large march in the capital on Saturday.",
            "Saturday",
            "2025-10-16",
            "2025-10-18",
        ),
        # An active past "planned to" dates the planning.
        (
            "On Monday, the council planned to pay the first claims.",
            "Monday",
            "2025-10-16",
            "2025-10-13",
        ),
        # A passive or progressive present takes its tense from the auxiliary, not the
        # participle: a schedule, ahead.
        (
            "The appeal is heard in June at the district court.",
            "June",
            "2025-03-12",
            "2025-06",
        ),
        (
            "The appeal was heard in June at the district court.",
            "June",
            "2025-03-12",
            "2024-06",
        ),
        # A postponement's new date lies ahead of its past verb.
        (
            "The court postponed until Tuesday morning any ruling on the permit.",
            "Tuesday morning",
            "2025-10-16",
            "2025-10-21",
        ),
        # Words the resolver sets aside or reads whole.
        (
            "The plant will be closed over the next year or so.",
            "the next year or so",
            "2025-10-16",
            "2026",
        ),
        ("Rules should be in place by year's end.", "year's end", "2025-10-16", "2025"),
        ("The deal should close by year-end.", "year-end", "2025-10-16", "2025"),
        (
            "January nineteen ninety-seven.",
            "January nineteen ninety-seven",
            "1998-02-27",
            "1997-01",
        ),
        # "last" + the month just past names last year's (the recent one is "last month");
        # an older month is the latest one.
        ("The strike began last February.", "last February", "2025-03-12", "2024-02"),
        ("The strike began last December.", "last December", "2025-03-12", "2024-12"),
        ("The strike began last April.", "last April", "2025-10-16", "2025-04"),
        # "this past" / "this coming" read as "past" / "coming".
        ("Prices fell this past February.", "this past February", "2025-03-12", "2025-02"),
        ("Prices will fall this coming April.", "this coming April", "2025-03-12", "2025-04"),
        ("The fair opens this coming Sunday.", "this coming Sunday", "2025-10-16", "2025-10-19"),
        # A day without its year a few days off the article's date stays in its year.
        (
            "The board has set Nov. 10 as the deadline for offers.",
            "Nov. 10",
            "2025-11-02",
            "2025-11-10",
        ),
        ("Officials met Dec. 22 to sign it.", "Dec. 22", "2025-12-20", "2025-12-22"),
        ("Officials met Dec. 28 to sign it.", "Dec. 28", "2025-12-10", "2024-12-28"),
    ],
)
def test_schedules_postponements_and_spelled_years(
    parse, sentence, expression, published, expected
):
    start = sentence.index(expression)
    end = start + len(expression)
    got = resolve_date(sentence, start, end, published=published, doc=parse(sentence))
    assert got is not None and got.date == expected


def test_year_only_sources_are_not_credited_with_the_day(parse):
    texts = {
        "s1": "The bridge opened in 1974.",
        "s2": "The bridge first opened to traffic on 2 May 1974.",
        "s3": "Built in 1974, the bridge was the longest in the region.",
    }
    items = [
        DatedSentence(mention, text, np.array([1.0, 0.0], dtype=np.float32))
        for article, text in texts.items()
        for mention in find_dates(
            text, article_id=article, sentence=0, published="2025-10-16", parse=parse
        )
    ]
    (entry,) = build_timeline(items)
    assert (entry.date, entry.text, entry.article_ids, entry.also_ids) == (
        "1974-05-02",
        "The bridge first opened to traffic on 2 May 1974.",
        ("s2",),
        ("s1", "s3"),
    )


def test_a_prediction_makes_no_timeline_entry(parse):
    text = "The closure could last well into next year."
    items = [
        DatedSentence(m, text, np.array([1.0], dtype=np.float32))
        for m in find_dates(text, article_id="a", sentence=0, published="2025-10-16", parse=parse)
    ]
    assert len(items) == 1
    assert build_timeline(items) == ()
