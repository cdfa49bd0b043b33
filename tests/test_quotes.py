from __future__ import annotations

from _stories import hand_analysis
from newsdesk.entities import resolve_entities
from newsdesk.models import Quote
from newsdesk.quotes import UNNAMED, UNNAMED_PLURAL, find_quotes, merge_quotes

PEOPLE = [
    ("Ilyas Varkonen", "PERSON"),
    ("Varkonen", "PERSON"),
    ("Lena Ostrova", "PERSON"),
    ("Port Authority", "ORG"),
]


def quotes_of(sentences, names=PEOPLE, article_id="a"):
    analysis = hand_analysis(article_id, sentences, names)
    return [
        (q.kind, q.speaker, q.text) for q in find_quotes(analysis, resolve_entities([analysis]))
    ]


def test_attribution_after_before_and_by_partial_name():
    got = quotes_of(
        [
            "Transport minister Ilyas Varkonen visited the site.",
            "“We will find out why this bridge failed,” Varkonen said at the scene.",
            "“Every vessel must hold position until the channel is clear,” said Lena Ostrova.",
            "The Port Authority said: “Shipping will resume with escorts on Wednesday.”",
        ]
    )
    assert got == [
        ("direct", "Ilyas Varkonen", "We will find out why this bridge failed"),
        ("direct", "Lena Ostrova", "Every vessel must hold position until the channel is clear"),
        ("direct", "Port Authority", "Shipping will resume with escorts on Wednesday"),
    ]


def test_pronoun_unnamed_and_document_speakers():
    got = quotes_of(
        [
            "Lena Ostrova spoke to reporters at the quay.",
            "“The pilots are guiding every ship through the channel,” she said.",
            "“The bearings on that pier were on our list for years,” one of the engineers said.",
            "“There was a lack of confidence in the old board,” one of the officials said.",
            "“The two sides agreed to meet again next month,” a joint statement said.",
        ]
    )
    assert got == [
        ("direct", "Lena Ostrova", "The pilots are guiding every ship through the channel"),
        ("direct", "an unnamed engineer", "The bearings on that pier were on our list for years"),
        ("direct", UNNAMED, "There was a lack of confidence in the old board"),
        ("direct", "joint statement", "The two sides agreed to meet again next month"),
    ]


def test_scare_quotes_and_unattributed_quotes_are_not_quotes():
    assert quotes_of(["Ferries will run in the “coming weeks” at least."]) == []
    assert (
        quotes_of(["Its slogan, “build it once, build it right for good”, is painted on the pier."])
        == []
    )


def test_continuation_quote_takes_the_previous_speaker():
    got = quotes_of(
        [
            "“We are checking every bearing on the eastern approach,” Varkonen said.",
            "“Nobody will hide behind the engineers in this inquiry.”",
        ],
        names=[("Varkonen", "PERSON")],
    )
    assert [s for _, s, _ in got] == ["Varkonen", "Varkonen"]


def test_reported_statements_need_a_named_or_unnamed_speaker():
    got = quotes_of(
        [
            "Ilyas Varkonen said that the inquiry would report by January.",
            "Two officials said the minister had been invited to the capital.",
            "Residents said they had heard loud cracking sounds for weeks.",
        ]
    )
    assert got == [
        ("reported", "Ilyas Varkonen", "the inquiry would report by January"),
        ("reported", UNNAMED_PLURAL, "the minister had been invited to the capital"),
    ]


def test_merge_quotes_across_outlets_prefers_named_speaker():
    merged = merge_quotes(
        [
            Quote(
                "joint statement",
                "The two countries recognised the progress made this year",
                ("b",),
            ),
            Quote(
                "Port Authority",
                "The two countries recognized the progress made this year.",
                ("a",),
            ),
            Quote(None, "A different sentence entirely, said by someone", ("c",)),
            Quote("X", "the inquiry would report by January", ("c",), kind="reported"),
        ]
    )
    assert [(q.speaker, q.article_ids, q.kind) for q in merged] == [
        ("Port Authority", ("a", "b"), "direct"),
        (None, ("c",), "direct"),
        ("X", ("c",), "reported"),
    ]
    assert merge_quotes([]) == ()


def test_non_latin_quotes():
    got = quotes_of(
        ["«Мост будет восстановлен в течение года полностью», сказал Петров."],
        names=[("Петров", "PERSON")],
    )
    assert got == []  # guillemets with a Russian verb: not recognised, and no crash
