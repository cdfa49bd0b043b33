from __future__ import annotations

import math

import pytest

from newsdesk.models import Quantity
from newsdesk.nlp import Models
from newsdesk.quantities import compatible, extract_quantities, interval, parse_number, unit_class


@pytest.fixture(scope="module")
def nlp():
    return Models().nlp


def extract(nlp, text):
    with nlp.select_pipes(disable=["ner"]):
        doc = nlp(text)
    return [
        (i.quantity.text, i.quantity.value, i.quantity.unit, i.quantity.qualifier, i.owner, i.place)
        for i in extract_quantities(doc, article_id="a", sentence=0)
    ]


def q(value, qualifier="exact"):
    return Quantity("a", 0, str(value), float(value), "troop", "", qualifier)


def test_parse_number():
    assert parse_number("5,000") == 5000
    assert parse_number("2.5 million") == 2_500_000
    assert parse_number("a dozen") == 12
    assert parse_number("three") == 3
    assert parse_number("several") is None
    assert parse_number("") is None


def test_interval_reads_figures_at_two_significant_digits():
    assert interval(5000, "exact", "5,000") == (4950, 5050)
    assert interval(5000, "about", "5,000") == (4500, 5500)  # approximate: 10% at most
    assert interval(40, "about", "40") == (36, 44)
    assert interval(5200, "about", "5,200") == (5150, 5250)
    assert interval(5213, "exact", "5,213") == (5213, 5213)
    low, high = interval(5000, "more_than", "5,000")
    assert low > 5000 and high == math.inf
    assert interval(5000, "nearly", "5,000") == (4500, 5000)


def test_compatibility_rule():
    assert compatible(
        q(5000, "about"), q(5200, "about"), "5,000", "5,200"
    )  # around 5,000 vs roughly 5,200: approximations
    assert not compatible(q(5000), q(5200, "about"), "5,000", "5,200")
    assert compatible(q(40, "about"), q(42), "40", "42")
    assert not compatible(q(5000), q(5200), "5,000", "5,200")
    assert compatible(
        q(5000, "more_than"), q(5200, "about"), "5,000", "5,200"
    )  # more than 5,000: both sides
    assert compatible(q(5000, "more_than"), q(5000, "about"), "5,000", "5,000")
    assert not compatible(q(5000, "more_than"), q(4000), "5,000", "4,000")
    assert compatible(q(5000), q(5030), "5,000", "5,030")
    assert compatible(
        q(2500, "additional"), q(7500), "2,500", "7,500"
    )  # an increment is never compared
    assert not compatible(q(14), q(17), "14", "17")
    assert compatible(q(12, "more_than"), q(17), "12", "17")


def test_unit_classes():
    assert unit_class("soldier") == unit_class("troop") == unit_class("military") == "troop"
    assert unit_class("base") == "base"


def test_extract_owner_place_and_hedges(nlp):
    assert extract(nlp, "More than 5,000 Velmoran troops have been deployed in Istrelia.") == [
        ("More than 5,000", 5000.0, "troop", "more_than", "Velmoran", "Istrelia")
    ]
    assert extract(
        nlp,
        "Istrelia has had around 3,000 troops stationed in the country, and its allies another 1,500.",
    ) == [
        ("around 3,000", 3000.0, "troop", "about", "Istrelia", "the country"),
        ("another 1,500", 1500.0, "troop", "additional", "its allies", "the country"),
    ]


def test_extract_ellipsis_of_which(nlp):
    got = extract(
        nlp, "The alliance had 7,500 military deployed in Korvana, of which 5,000 were Velmorans."
    )
    assert [(t, u, o) for t, _, u, _, o, _ in got] == [
        ("7,500", "military", "The alliance"),
        ("5,000", "military", "Velmorans"),
    ]


def test_extract_event_counts(nlp):
    got = extract(nlp, "The collapse killed two people and injured more than a dozen.")
    assert [(t, u, qual) for t, _, u, qual, _, _ in got] == [
        ("two", "killed", "exact"),
        ("more than a dozen", "injured", "more_than"),
    ]
    got = extract(nlp, "Two people died and 17 were injured, the health service said.")
    assert [(t, u) for t, _, u, _, _, _ in got] == [("Two", "killed"), ("17", "injured")]


def test_extract_skips_years_dates_and_text_without_figures(nlp):
    assert extract(nlp, "The bridge opened in 1974 and was strengthened in 1998.") == []
    assert extract(nlp, "No figures were given.") == []
    with nlp.select_pipes(disable=["ner"]):
        doc = nlp("On 14 October, 40 cars were stranded.")
    infos = extract_quantities(doc, article_id="a", sentence=0, skip=[(3, 13)])
    assert [(i.quantity.text, i.quantity.unit) for i in infos] == [("40", "car")]
