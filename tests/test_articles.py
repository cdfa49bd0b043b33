from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _paths import EXAMPLE, FIXTURES
from newsdesk.articles import article_id, canonical_url, clean, make_article
from newsdesk.readers import read_articles

EXPECTED = FIXTURES / "boilerplate" / "EXPECTED.md"


def _expected() -> list[tuple[str, list[str], list[str]]]:
    """Parse EXPECTED.md: per fixture file, the lines to remove and the sentences to keep."""
    out = []
    for section in re.split(r"^## ", EXPECTED.read_text(encoding="utf-8"), flags=re.M)[1:]:
        name = section.split()[0]
        remove_part, keep_part = section.split("Keep:")
        remove = re.findall(r"^- `(.*)`", remove_part.split("Remove:")[1], re.M)
        keep = re.findall(r"^- `(.*)`", keep_part, re.M)
        out.append((name, remove, keep))
    return out


@pytest.mark.parametrize(("name", "remove", "keep"), _expected(), ids=lambda x: str(x)[:20])
def test_cleaning_generalises_to_unseen_boilerplate(
    name: str, remove: list[str], keep: list[str]
) -> None:
    article = clean(read_articles([FIXTURES / "boilerplate" / name]).articles[0])
    body_lines = {line.strip() for line in article.text.split("\n")}
    assert [line for line in remove if line in body_lines] == []
    assert [sentence for sentence in keep if sentence not in article.text] == []
    assert set(remove) <= set(article.removed) | {article.title or ""}


def test_example_boilerplate_removed_and_recorded() -> None:
    articles = {Path(a.location).name: clean(a) for a in read_articles([EXAMPLE]).articles}
    courier = articles["02_harbour_courier.txt"]
    assert (
        "Read more: A timeline of repairs on the harbour bridge since it opened" in courier.removed
    )
    # The pull quote repeats a body quotation: gone, while the quotation itself stays.
    assert (
        "“I am not going to prejudge the engineers, but I am not going to let anyone hide behind them either.”"
        in courier.removed
    )
    assert '"I am not going to prejudge the engineers' in courier.text
    today = articles["03_istrelia_today.txt"]
    assert not any("Kitchen Gadget" in line for line in today.text.split("\n"))
    assert len([r for r in today.removed if r.endswith(" -")]) == 9


def test_seed_boilerplate_never_in_body(seeds: Path) -> None:
    for article in read_articles([seeds]).articles:
        text = clean(article).text
        for marker in (
            "ALSO READ",
            "READ MORE",
            "Related Posts",
            "With Reuters inputs",
            "Kelly Clarkson",
            "VIA AP",
        ):
            assert marker not in text, (article.location, marker)


def test_clean_keeps_ordinary_news_lines() -> None:
    text = (
        "More than 300 people attended the vote.\n\n"
        "Watch crews worked through the night.\n\n"
        "Photos taken by residents showed the flooded square.\n\n"
        "The mayor said: we will rebuild."
    )
    cleaned = clean(make_article(text, location="x"))
    assert cleaned.text == text
    assert cleaned.removed == ()


def test_clean_empty_and_non_latin() -> None:
    assert clean(make_article("", location="x")).text == ""
    text = "東京で地震があった。\n\n被害は報告されていない。"
    assert clean(make_article(text, location="x")).text == text


def test_article_id_is_stable_and_url_aware() -> None:
    a = article_id("Rain fell.\n\nWind rose.")
    assert a == article_id("  Rain fell.\n\nWind   rose. ")
    assert a != article_id("Rain fell.", "https://example.org/a")
    assert article_id("x", "https://Example.org/a/?utm_source=t#top") == article_id(
        "x", "https://example.org/a"
    )


def test_canonical_url_refuses_non_http() -> None:
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("file:///etc/passwd") is None
    assert (
        canonical_url("https://example.org:443/a/?b=1&utm_medium=x") == "https://example.org/a?b=1"
    )


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=800))
def test_clean_is_idempotent(text: str) -> None:
    once = clean(make_article(text, location="x"))
    twice = clean(once)
    assert twice.text == once.text
