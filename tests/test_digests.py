"""Digests: a page bundling unrelated stories becomes one report per item."""

from __future__ import annotations

from _paths import FIXTURES
from newsdesk.articles import clean, make_article
from newsdesk.digests import split_digest
from newsdesk.readers import read_articles

DIGESTS = FIXTURES / "digests"


def _read(name: str):  # type: ignore[no-untyped-def]
    (article,) = read_articles([str(DIGESTS / name)]).articles
    return clean(article)


def test_a_digest_is_split_into_its_items() -> None:
    page = _read("world_in_brief.txt")
    items = split_digest(page)
    assert [(i.location.rsplit("/", 1)[-1], i.title) for i in items] == [
        ("world_in_brief.txt#item-1", "Dock strike halts Saltmere port"),
        ("world_in_brief.txt#item-2", "Orchestra names new conductor"),
        ("world_in_brief.txt#item-3", "Rail fares to rise in April"),
        ("world_in_brief.txt#item-4", "Comet visible before dawn"),
    ]
    assert items[1].text.startswith("The Brenholt Philharmonic named")
    assert all(i.published == "2025-03-04" for i in items)
    assert len({i.id for i in items}) == 4 and page.id not in {i.id for i in items}


def test_one_story_with_subheads_and_plain_articles_stay_whole() -> None:
    feature = _read("feature_with_subheads.txt")
    assert split_digest(feature) == (feature,)
    empty = make_article("", location="empty.txt")
    assert split_digest(empty) == (empty,)
    single = make_article("Rain fell on the plain all day.", location="one.txt")
    assert split_digest(single) == (single,)


def test_non_latin_digest_and_feature() -> None:
    page = make_article(
        "Парламент принял закон о рыбе\n"
        "Японский парламент принял закон о рыболовстве в понедельник после долгих споров о "
        "квотах для северного флота и прибрежных городов страны.\n\n"
        "Банк Перу сохранил ставку\n"
        "Центральный банк Перу сохранил основную ставку на уровне пяти процентов в четверг, "
        "заявив, что инфляция вернулась в целевой диапазон банка.\n\n"
        "Новый терминал в Кении\n"
        "Кения открыла новый железнодорожный терминал в пятницу, чтобы возить чай и цветы с "
        "высокогорья в порт Момбаса на побережье.",
        location="digest.txt",
    )
    items = split_digest(page)
    assert [i.title for i in items] == [
        "Парламент принял закон о рыбе",
        "Банк Перу сохранил ставку",
        "Новый терминал в Кении",
    ]
    assert items[2].text.startswith("Кения открыла")
    # The same shape about one place (every item names Момбаса) is one story.
    one = make_article(
        page.text.replace("в четверг", "в Момбаса").replace("в понедельник", "в Момбаса"),
        location="f.txt",
    )
    assert split_digest(one) == (one,)


def test_the_item_on_the_story_joins_it_and_the_others_are_stories_of_their_own() -> None:
    from newsdesk.nlp import Models
    from newsdesk.pipeline import several_stories, story_inputs

    stories = story_inputs(
        [str(FIXTURES / "syndication"), str(DIGESTS / "world_in_brief.txt")], Models()
    )
    assert [len(s.articles) for s in stories] == [6, 1, 1, 1]
    assert "world_in_brief.txt#item-1" in [
        a.location.rsplit("/", 1)[-1] for a in stories[0].articles
    ]
    assert several_stories(stories) == "6 inputs form 4 stories; briefing the largest (6 reports)"


def test_wire_syndication_lines_are_boilerplate() -> None:
    page = make_article(
        "NYT-SF-HARBOUR-NYT\n\nThe harbour board voted on Monday to rebuild the old pier before "
        "the summer season, the board's chairman said.\n\nFor use by clients of the New York "
        "Times News Service.\n\nContact: Jane Roe, 212-556-1234",
        location="wire.txt",
    )
    cleaned = clean(page)
    assert cleaned.removed == (
        "NYT-SF-HARBOUR-NYT",
        "For use by clients of the New York Times News Service.",
        "Contact: Jane Roe, 212-556-1234",
    )
    assert cleaned.text.startswith("The harbour board voted")
