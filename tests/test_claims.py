from __future__ import annotations

from _stories import hand_analysis
from newsdesk.claims import build_claims, content_words, is_negated
from newsdesk.entities import resolve_entities
from newsdesk.models import DateMention, Quantity


def test_negation_cues():
    assert is_negated("The ministry does not seek permanent bases.")
    assert is_negated("It won’t reopen.")
    assert is_negated("Neither side nor the mayor commented.")
    assert not is_negated("The ministry seeks permanent bases.")
    assert not is_negated("Nothing-burger aside, the note was clear.")


def test_content_words_ignore_stop_words_and_negation():
    assert content_words("The ministry does not seek bases") == frozenset(
        {"ministry", "seek", "bases"}
    )
    assert content_words("") == frozenset()
    assert content_words("Мост не рухнул") == frozenset({"мост", "не", "рухнул"})


def test_build_claims_carries_typed_values_and_canonical_names():
    a = hand_analysis(
        "a",
        ["Mila Varga said 14 people were injured on Tuesday.", "Varga did not name the driver."],
        [("Mila Varga", "PERSON"), ("Varga", "PERSON")],
    )
    index = resolve_entities([a])
    quantity = Quantity("a", 0, "14", 14.0, "injured", "people injured")
    date = DateMention("a", 0, "on Tuesday", "2025-10-14")
    first, second = build_claims(a, index, {0: [quantity]}, {0: [date]})
    assert first.quantities == (quantity,) and first.dates == (date,)
    assert first.entities == ("Mila Varga",) and not first.negated
    assert second.entities == ("Mila Varga",) and second.negated
    assert build_claims(hand_analysis("e", [], []), index, {}, {}) == []
