"""Tests for exact and near-duplicate detection."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.articles import make_article
from newsdesk.duplicates import (
    DuplicateIndex,
    DuplicateOptions,
    content_hash,
    find_duplicates,
    group_duplicates,
    minhash,
    shingles,
    signature_bytes,
    sketch_from_bytes,
)
from newsdesk.models import Article

WIRE = (
    "Rescue teams in the fictional port of Valmora pulled 14 people from the water on Tuesday "
    "after a ferry carrying 120 passengers capsized in heavy seas near the harbour mouth, the "
    "coast guard said. Officials said the search would continue through the night and that "
    "the cause of the accident was not yet known. The ferry operator, Northline, said it was "
    "cooperating with investigators and had opened a hotline for families."
)
REWRITE = WIRE.replace("on Tuesday", "on Tuesday morning").replace("heavy seas", "rough seas")
OTHER = (
    "The city council of Arden approved a new budget on Wednesday that raises spending on "
    "schools and libraries while cutting the road maintenance programme by a fifth, after a "
    "debate that lasted more than six hours and drew hundreds of residents to the town hall."
)


def _a(text: str, loc: str, published: str | None = None) -> Article:
    return make_article(text, location=loc, url=f"https://example.test/{loc}", published=published)


def test_shingles_and_hash() -> None:
    assert shingles("a b c", 5) == {b"a b c"}
    assert shingles("", 5) == set()
    assert len(shingles("one two three four five six", 5)) == 2
    assert content_hash("Rain,  fell.") == content_hash("rain fell")
    assert content_hash("rain fell") != content_hash("rain fell today")


def test_exact_near_and_distinct() -> None:
    original = _a(WIRE, "wire", "2021-05-04")
    exact = _a(WIRE + "\n", "copy", "2021-05-04")
    near = _a(REWRITE, "rewrite", "2021-05-05")
    other = _a(OTHER, "other", "2021-05-04")
    matches = find_duplicates([near, other, exact, original], DuplicateIndex())
    verdict = {m.article_id: m for m in matches}
    assert [m.article_id for m in matches] == [near.id, other.id, exact.id, original.id]
    assert verdict[other.id].duplicate_of is None
    # Same publication date: the smaller id is the canonical copy (a stable tie-break).
    assert verdict[near.id].duplicate_of == min(original.id, exact.id)
    assert verdict[near.id].kind == "near" and 0.5 <= verdict[near.id].similarity < 1.0
    pair = {verdict[exact.id].duplicate_of, verdict[original.id].duplicate_of}
    assert None in pair  # one of the two identical texts is the canonical copy
    groups = group_duplicates(matches)
    assert len(groups) == 1 and set(groups[0].article_ids) == {original.id, exact.id, near.id}


def test_empty_and_single() -> None:
    assert find_duplicates([], DuplicateIndex()) == []
    only = _a(WIRE, "only")
    assert [m.duplicate_of for m in find_duplicates([only], DuplicateIndex())] == [None]
    assert group_duplicates([]) == []


def test_non_latin_near_copy() -> None:
    text = (
        "Спасатели в вымышленном порту Вальмора в четверг подняли из воды четырнадцать человек "
        "после того как паром со ста двадцатью пассажирами перевернулся у входа в гавань "
        "сообщила береговая охрана и добавила что поиски продолжатся ночью"
    )
    a = _a(text, "ru1")
    b = _a(text.replace("в четверг", "во вторник"), "ru2")
    assert find_duplicates([a, b], DuplicateIndex())[1].duplicate_of == a.id


def test_index_across_batches_and_storage() -> None:
    index = DuplicateIndex()
    first = _a(WIRE, "wire")
    find_duplicates([first], index)
    stored = sketch_from_bytes(signature_bytes(minhash(WIRE)))
    assert stored.jaccard(minhash(WIRE)) == 1.0
    later = find_duplicates([_a(REWRITE, "later")], index)
    assert later[0].duplicate_of == first.id
    index.remove(first.id)
    assert first.id not in index and len(index) == 1


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        DuplicateOptions(threshold=0.3, lsh_threshold=0.5)
    with pytest.raises(ValueError):
        sketch_from_bytes(b"\x00" * 8)


_paragraphs = [WIRE, REWRITE, OTHER, OTHER.replace("Wednesday", "Thursday"), WIRE[:200]]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, len(_paragraphs) - 1), min_size=1, max_size=8), st.randoms())
def test_idempotent_and_order_independent(picks: list[int], rnd: random.Random) -> None:
    articles = [_a(_paragraphs[p], f"doc{i}") for i, p in enumerate(picks)]
    index = DuplicateIndex()
    first = find_duplicates(articles, index)
    again = find_duplicates(articles, index)
    assert first == again
    shuffled = articles[:]
    rnd.shuffle(shuffled)
    other = find_duplicates(shuffled, DuplicateIndex())
    assert group_duplicates(other) == group_duplicates(first)


def test_an_exact_repeat_at_another_location_is_listed_as_its_copy() -> None:
    from newsdesk.articles import make_article
    from newsdesk.duplicates import separate_repeats

    text = "The river rose two metres overnight in the old town, officials said."
    first = make_article(text, location="wire/a.txt")
    repeat = make_article(text, location="wire/b.txt")
    other = make_article("A new bridge opened across the river on Monday.", location="c.txt")
    separated = separate_repeats([repeat, other, first, first])
    assert [a.location for a in separated] == ["c.txt", "wire/a.txt", "wire/b.txt"]
    assert separated[1].id == first.id and separated[2].id != first.id
    matches = find_duplicates(separated, DuplicateIndex())
    assert [(m.duplicate_of, m.kind) for m in matches] == [
        (None, None),
        (None, None),
        (first.id, "exact"),
    ]
