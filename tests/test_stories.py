"""Tests for incremental story clustering (real MiniLM embeddings)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.articles import make_article
from newsdesk.models import Article
from newsdesk.nlp import Models
from newsdesk.stories import (
    ArticleFeatures,
    StoryOptions,
    StoryProfile,
    article_terms,
    cluster_articles,
    day_number,
    featurize,
    story_id_for,
)

# Fictional reports: two earthquakes (different countries, same week), a ferry accident,
# and a look-alike earthquake in the first country five weeks later.
TEXTS = {
    "quake-a1": (
        "2022-03-07",
        "A magnitude 6.4 earthquake struck near the town of Korvath in "
        "northern Eldoria on Monday, killing at least 12 people, Eldorian officials said. "
        "President Mira Task visited Korvath hospital.",
    ),
    "quake-a2": (
        "2022-03-08",
        "The death toll from Monday's earthquake in Korvath, Eldoria, rose "
        "to 19. Eldorian rescuers searched collapsed buildings as President Mira Task "
        "promised aid.",
    ),
    "quake-a3": (
        "2022-03-08",
        "Aftershocks rattled Korvath a day after the deadly Eldoria quake; "
        "Eldorian officials said 19 people died and 40 were injured.",
    ),
    "quake-b1": (
        "2022-03-09",
        "A 6.1-magnitude earthquake hit the coastal city of Sabrinth in "
        "southern Norvania on Wednesday, killing four people, the Norvanian emergency "
        "agency said. Prime Minister Olaf Brenn called a crisis meeting.",
    ),
    "quake-b2": (
        "2022-03-10",
        "Norvania counted its losses after Wednesday's earthquake in "
        "Sabrinth, where four died. Prime Minister Olaf Brenn toured the damage.",
    ),
    "ferry-1": (
        "2022-03-08",
        "A ferry carrying 120 passengers capsized off the port of Valmora, "
        "and the coast guard rescued 80 people, Valmora harbour authorities said.",
    ),
    "ferry-2": (
        "2022-03-09",
        "Divers searched for 40 missing passengers after the Valmora ferry "
        "capsized; the Valmora harbour master blamed heavy seas.",
    ),
    "quake-a-later": (
        "2022-04-14",
        "A magnitude 5.9 earthquake struck near Korvath in northern "
        "Eldoria on Thursday, Eldorian officials said; President Mira Task visited.",
    ),
}


def _articles() -> list[Article]:
    return [
        make_article(text, location=key, url=f"https://news.test/{key}", published=day)
        for key, (day, text) in TEXTS.items()
    ]


@pytest.fixture(scope="module")
def models() -> Models:
    return Models()


@pytest.fixture(scope="module")
def features(models: Models) -> dict[str, ArticleFeatures]:
    articles = _articles()
    terms = {a.id: article_terms(a) for a in articles}
    df: Counter[str] = Counter()
    for counts in terms.values():
        df.update(counts.keys())
    feats = featurize(articles, models.embedder, term_counts=terms, df=df, n_docs=len(articles))
    return {a.location: f for a, f in zip(articles, feats, strict=True)}


def _groups(
    result_assignments: dict[str, str], feats: dict[str, ArticleFeatures]
) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for key, f in feats.items():
        if f.article_id in result_assignments:
            by_story.setdefault(result_assignments[f.article_id], set()).add(key)
    return {frozenset(v) for v in by_story.values()}


def test_events_are_separated_by_place_and_time(features: dict[str, ArticleFeatures]) -> None:
    result = cluster_articles(list(features.values()), [])
    assert _groups(dict(result.assignments), features) == {
        frozenset({"quake-a1", "quake-a2", "quake-a3"}),
        frozenset({"quake-b1", "quake-b2"}),
        frozenset({"ferry-1", "ferry-2"}),
        frozenset({"quake-a-later"}),
    }
    # A story is named after its earliest article.
    assert result.assignments[features["quake-a1"].article_id] == story_id_for(
        features["quake-a1"].article_id
    )
    assert sorted(result.new_stories) == sorted(set(result.assignments.values()))


def test_incremental_batches_keep_story_ids(features: dict[str, ArticleFeatures]) -> None:
    first = cluster_articles([features["quake-a1"], features["ferry-1"]], [])
    profiles = [StoryProfile.from_bytes(p.to_bytes()) for p in first.profiles.values()]
    second = cluster_articles(
        [features["quake-a2"], features["ferry-2"], features["quake-b1"]], profiles
    )
    a_story = first.assignments[features["quake-a1"].article_id]
    assert second.assignments[features["quake-a2"].article_id] == a_story
    assert (
        second.assignments[features["ferry-2"].article_id]
        == first.assignments[features["ferry-1"].article_id]
    )
    assert second.assignments[features["quake-b1"].article_id] not in first.assignments.values()
    assert second.profiles[a_story].n == 2
    assert second.profiles[a_story].first_day == day_number("2022-03-07")


def test_empty_single_and_non_latin(models: Models) -> None:
    assert cluster_articles([], []).assignments == {}
    text = "В городе Корват на севере Эльдории произошло землетрясение магнитудой 6,4."
    article = make_article(text, location="ru", published="2022-03-07")
    terms = {article.id: article_terms(article)}
    feats = featurize([article], models.embedder, term_counts=terms, df={}, n_docs=1)
    assert "e:корват" in feats[0].terms
    result = cluster_articles(feats, [])
    assert result.assignments == {article.id: story_id_for(article.id)}


def test_day_number_and_terms() -> None:
    assert day_number("2020-06-11") == day_number("2020-06") + 10  # type: ignore[operator]
    assert day_number("2020") == day_number("2020-01-01")
    assert day_number(None) is None and day_number("June") is None
    terms = article_terms(make_article("The minister met Lindsay Lohan in Paris.", location="x"))
    assert {"e:lindsay", "e:lohan", "e:paris", "w:minister"} <= set(terms)
    assert "e:the" not in terms


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        StoryOptions(threshold=1.5)
    with pytest.raises(ValueError):
        StoryOptions(full_weight_days=20, max_gap_days=10)


def test_profile_round_trip() -> None:
    p = StoryProfile("st-x", 2, 5, 9, np.arange(4, dtype=np.float32), {"e:x": 0.5})
    q = StoryProfile.from_bytes(p.to_bytes())
    assert (q.id, q.n, q.first_day, q.last_day, dict(q.term_sums)) == (
        "st-x",
        2,
        5,
        9,
        {"e:x": 0.5},
    )
    assert np.array_equal(q.embedding_sum, p.embedding_sum)


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_clustering_is_independent_of_input_order(
    features: dict[str, ArticleFeatures], rnd: random.Random
) -> None:
    items = list(features.values())
    expected = cluster_articles(items, []).assignments
    rnd.shuffle(items)
    assert cluster_articles(items, []).assignments == expected
