from __future__ import annotations

import numpy as np
import pytest

from newsdesk.models import DateMention
from newsdesk.timelines import (
    DatedSentence,
    TimelineOptions,
    build_timeline,
    dates_agree,
    find_dates,
)


def dates(text, published="2025-10-16", story=None):
    return [
        (d.text, d.date)
        for d in find_dates(text, article_id="a", sentence=0, published=published, story_date=story)
    ]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("The bridge opened on 2 May 1974.", "2025-10-16", [("2 May 1974", "1974-05-02")]),
        ("Talks began June 11, 2020, in Velmora.", None, [("June 11, 2020", "2020-06-11")]),
        ("The vote on Jan 5 was close.", "2020-06-12", [("Jan 5", "2020-01-05")]),
        ("The lane closed in September.", "2025-10-16", [("in September", "2025-09")]),
        (
            "The lane closed in November.",
            "2025-10-16",
            [("in November", "2024-11")],
        ),  # latest past one
        ("Work stopped in March 2024.", None, [("March 2024", "2024-03")]),
        ("It opened in 1974.", None, [("in 1974", "1974")]),
        ("It was voted earlier this year.", "2025-10-16", [("this year", "2025")]),
        ("Noises began last month.", "2025-10-16", [("last month", "2025-09")]),
        # "from" alone points either way: the nearer reading of the month wins.
        ("The latest data from February show 7,500.", "2020-06-12", [("from February", "2020-02")]),
        ("Ferries will run from November.", "2025-10-16", [("from November", "2025-11")]),
        ("The work stopped last year.", "2025-10-16", [("last year", "2024")]),
        # Thursday 16 October: "on Tuesday" is the 14th; "on Thursday" is the same day.
        ("The span fell on Tuesday.", "2025-10-16", [("on Tuesday", "2025-10-14")]),
        ("Talks were held on Thursday.", "2025-10-16", [("on Thursday", "2025-10-16")]),
        ("Ferries run from Thursday.", "2025-10-15", [("Thursday", "2025-10-16")]),
        ("A second ship comes by Friday.", "2025-10-15", [("Friday", "2025-10-17")]),
        ("It will report by the end of January.", "2025-10-15", [("of January", "2026-01")]),
        ("Divers went in yesterday.", "2025-10-16", [("yesterday", "2025-10-15")]),
    ],
)
def test_find_dates_resolves_at_the_precision_the_text_supports(text, published, expected):
    assert dates(text, published) == expected


def test_traps_name_no_date():
    assert dates("The parliament vote took place days after the strike.") == []
    assert dates("Forces will leave in the coming months.") == []
    assert dates("Officials may meet again.") == []  # "may" is a verb
    assert dates("Crews march on.") == []
    assert (
        dates("The 17-span bridge carries 38,000 cars until 2025 ends.") == []
    )  # "until" year skipped


def test_relative_dates_without_any_reference_are_dropped():
    assert dates("The span fell on Tuesday in March.", published=None) == []
    assert dates("It opened in 1974.", published=None) == [("in 1974", "1974")]


def test_undated_article_borrows_only_a_year_from_the_story():
    found = find_dates(
        "He took office in May and spoke on Thursday.",
        article_id="x",
        sentence=0,
        published=None,
        story_date="2020-06-12",
    )
    assert [(d.text, d.date, d.borrowed) for d in found] == [
        ("in May", "2020-05", False),
        ("on Thursday", "2020-06-11", True),
    ]


def test_non_latin_text_has_no_dates_but_does_not_fail():
    assert dates("Мост рухнул во вторник.") == []


def test_dates_agree():
    assert dates_agree("2020-01", "2020-01-05")
    assert dates_agree("2020", "2020-01-05")
    assert not dates_agree("2020-01-05", "2020-01-07")


def vec(*values):
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def item(article, date, text, vector, borrowed=False, sentence=0, role="event"):
    return DatedSentence(
        DateMention(article, sentence, "x", date, borrowed, role=role), text, vector
    )


def test_build_timeline_merges_refines_and_sorts():
    strike, vote, other = vec(1, 0, 0), vec(0, 1, 0), vec(0, 0, 1)
    items = [
        item("a", "2020-01", "A strike killed the general in January.", strike),
        item("b", "2020-01", "Parliament voted in January.", vote),
        item("c", "2020-01-05", "Parliament voted on Jan 5.", vote),
        item("d", "2020-01", "The general was killed in a strike in January.", strike),
        item("e", "2020-06-11", "Talks opened on Thursday.", other, borrowed=True),
        item("f", "2017", "Victory was declared in 2017.", other),
    ]
    timeline = build_timeline(items)
    assert [(e.date, e.text, e.article_ids, e.also_ids) for e in timeline] == [
        ("2017", "Victory was declared in 2017.", ("f",), ()),
        ("2020-01", "A strike killed the general in January.", ("a", "d"), ()),
        # "b" says only "in January": it reports the vote, not its day.
        ("2020-01-05", "Parliament voted on Jan 5.", ("c",), ("b",)),
    ]  # the borrowed Thursday alone makes no entry


def test_borrowed_mention_joins_a_dated_entry():
    talks = vec(1, 1, 0)
    items = [
        item("a", "2020-06-11", "Talks opened on Thursday.", talks),
        item("b", "2020-06-11", "Talks began Thursday.", talks, borrowed=True),
    ]
    (entry,) = build_timeline(items)
    # "b" has no date of its own: its Thursday was resolved against the story's date.
    assert (entry.article_ids, entry.also_ids) == (("a",), ("b",))


def test_different_dates_never_merge_and_options_cap_entries():
    same = vec(1, 0, 0)
    items = [item("a", "2020-01-05", "Vote.", same), item("b", "2020-01-07", "A vote.", same)]
    assert [e.date for e in build_timeline(items)] == ["2020-01-05", "2020-01-07"]
    assert len(build_timeline(items, TimelineOptions(max_entries=1))) == 1
    assert build_timeline([]) == ()


def test_only_events_make_or_join_entries():
    v = vec(1, 0, 0)
    items = [
        item("a", "2026", "The closure could last well into next year.", v, role="prediction"),
        item("b", "2020-02", "Data from February show 7,500 jobs.", v, role="background"),
        item(
            "c", "2020-06-15", "If talks fail, the strike starts on Monday.", v, role="conditional"
        ),
        item("d", "2020-06-11", "The strike began on Thursday.", v),
    ]
    assert [(e.date, e.article_ids) for e in build_timeline(items)] == [("2020-06-11", ("d",))]


def test_one_sentence_lives_under_one_date():
    v = vec(1, 0, 0)
    text = "The bridge, opened in 1974, closed on 14 October 2025."
    items = [item("a", "1974", text, v), item("a", "2025-10-14", text, v)]
    assert [(e.date, e.text) for e in build_timeline(items)] == [("2025-10-14", text)]
    # A copy of one sentence under another date (another publication date) is dropped.
    copies = [item("a", "2020-01-05", "Vote.", v), item("b", "2020-01-07", "Vote.", v)]
    assert [e.date for e in build_timeline(copies)] == ["2020-01-05"]


def test_coarse_mentions_do_not_chain_to_another_event():
    a, ab, b = vec(1, 0, 0), vec(1, 1, 0), vec(0, 1, 0)
    items = [
        item("a", "2020-01-05", "Parliament voted on Jan 5.", a),
        item("b", "2020-01", "Parliament voted in January amid the strike.", ab),
        item("c", "2020-01", "The strike spread in January.", b),
    ]
    assert [(e.date, e.article_ids, e.also_ids) for e in build_timeline(items)] == [
        ("2020-01", ("c",), ()),
        ("2020-01-05", ("a",), ("b",)),
    ]


def test_the_reported_event_dates_a_sentence_before_the_saying():
    v = vec(1, 0, 0)
    text = "The minister said on Wednesday that the panel would report by the end of January."
    items = [
        item("a", "2025-10-15", text, v, role="speech"),
        item("a", "2026-01", text, v),
    ]
    assert [(e.date, e.text) for e in build_timeline(items)] == [("2026-01", text)]
    # Alone, the saying is dated.
    assert [e.date for e in build_timeline(items[:1])] == ["2025-10-15"]


def test_same_event_default_merges_close_sentences_only():
    # Cosines 0.8 and 0.6 against the first report (0.0 between the two others): the
    # ECB+-chosen 0.65 merges the close one, keeps the other (one day, another event) apart.
    first = vec(1, 0, 0)
    close = vec(0.8, 0.6, 0)
    other = vec(0.6, -0.8, 0)
    entries = build_timeline(
        [
            item("a1", "2020-01-05", "Parliament voted on Jan 5.", first),
            item("a2", "2020-01-05", "Lawmakers voted on Jan 5.", close),
            item("a3", "2020-01-05", "A strike hit the airport on Jan 5.", other),
        ]
    )
    assert TimelineOptions().same_event == 0.65
    assert [(e.text, e.article_ids) for e in entries] == [
        ("Parliament voted on Jan 5.", ("a1", "a2")),
        ("A strike hit the airport on Jan 5.", ("a3",)),
    ]


def test_web_page_lists_sources_that_report_an_event_less_precisely():
    import re

    from newsdesk.models import Brief, BriefSource, StoryInfo, SummarySentence, TimelineEntry
    from newsdesk.renderers import render_markdown
    from newsdesk.web.app import _environment
    from newsdesk.web.pages import story_view

    brief = Brief(
        story=StoryInfo("s1", "Bridge", "2025-10-14", "2025-10-15", 2),
        sources=tuple(
            BriefSource(id=f"S{i}", article_id=a, location=f"{a}.txt")
            for i, a in enumerate("ab", start=1)
        ),
        summary=(SummarySentence("The bridge fell.", ("a",)),),
        timeline=(TimelineEntry("2025-10-14", "The span fell on 14 October.", ("a",), ("b",)),),
    )
    context = story_view(brief, {}, version="v1", n_articles=2)
    page = _environment().get_template("story_body.html").render(**context)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "The span fell on 14 October. S1 (also reported, less precisely, by S2 )" in text
    assert (
        "- **2025-10-14**: The span fell on 14 October. [S1] "
        "(also reported, less precisely, by S2)" in render_markdown(brief)
    )


def test_the_evidence_engine_decides_which_sources_an_entry_lists():
    # Three sentences merge on their vectors; the engine says b's does not report the
    # entry's sentence (another figure), so b is listed neither as a source nor as "also".
    fell = vec(1, 1, 0)
    items = [
        item("a", "2025-10-14", "The span fell on 14 October, injuring 14.", fell),
        item("b", "2025-10-14", "The span fell on 14 October, injuring 17.", fell, sentence=3),
        item("c", "2025-10", "The span fell in October, injuring 14.", fell, sentence=2),
    ]
    asked = []

    def reporters(entry):
        asked.append((entry.mention.article_id, entry.text))
        return {"a": {0}, "b": {5}, "c": {2}}  # b: another of its sentences

    timeline = build_timeline(items, reporters=reporters)
    assert asked == [("a", "The span fell on 14 October, injuring 14.")]
    assert [(e.text, e.article_ids, e.also_ids) for e in timeline] == [
        ("The span fell on 14 October, injuring 14.", ("a",), ("c",)),
    ]
    assert [(e.article_id, e.sentence) for e in timeline[0].evidence] == [
        ("a", "The span fell on 14 October, injuring 14."),
        ("c", "The span fell in October, injuring 14."),
    ]
    # Without the engine every member lists its source (merging alone).
    assert [(e.article_ids, e.also_ids) for e in build_timeline(items)] == [(("a", "b"), ("c",))]
