"""Tests for story clustering (real MiniLM embeddings): separation, and order independence."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from _stories import EXAMPLE, SEEDS
from newsdesk.articles import make_article
from newsdesk.cli import main
from newsdesk.ingest import IngestOptions, ingest
from newsdesk.models import Article
from newsdesk.nlp import Models
from newsdesk.readers import read_articles
from newsdesk.store import Store
from newsdesk.stories import (
    ArticleFeatures,
    StoryOptions,
    _average_linkage,
    article_terms,
    cluster,
    components,
    day_number,
    explain,
    featurize,
    links,
    similarity,
    story_id_for,
    term_weights,
)
from newsdesk.web import create_app

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
    feats = featurize(articles, models.story_embedder)
    return {a.location: f for a, f in zip(articles, feats, strict=True)}


def _named(groups: list[tuple[str, ...]], feats: dict[str, ArticleFeatures]) -> set[frozenset[str]]:
    name = {f.article_id: key for key, f in feats.items()}
    return {frozenset(name[i] for i in g) for g in groups}


def test_events_are_separated_by_place_and_time(features: dict[str, ArticleFeatures]) -> None:
    groups = cluster(list(features.values()))
    assert _named(groups, features) == {
        frozenset({"quake-a1", "quake-a2", "quake-a3"}),
        frozenset({"quake-b1", "quake-b2"}),
        frozenset({"ferry-1", "ferry-2"}),
        frozenset({"quake-a-later"}),
    }
    # Each group lists its earliest article first (the story is named after it).
    first = {g[0] for g in groups}
    assert features["quake-a1"].article_id in first and features["quake-b1"].article_id in first


def test_similarity_is_damped_by_time(features: dict[str, ArticleFeatures]) -> None:
    a1, a2, later = features["quake-a1"], features["quake-a2"], features["quake-a-later"]
    sim = similarity([a1], [a2, later])
    assert sim[0, 0] >= StoryOptions().threshold
    assert sim[0, 1] == 0.0  # 38 days apart: beyond max_gap_days
    undated = ArticleFeatures(later.article_id, None, None, later.embedding, later.terms)
    assert similarity([a1], [undated])[0, 0] > 0.0  # undated: time says nothing


def test_links_and_components(features: dict[str, ArticleFeatures]) -> None:
    a1, a2, a3 = features["quake-a1"], features["quake-a2"], features["quake-a3"]
    ferry = features["ferry-1"]
    pairs = links([a2], [a1, a3, ferry])
    assert {b for _, b in pairs} == {a1.article_id, a3.article_id}
    label = components(["x", "y", "z", "w"], [("y", "z"), ("z", "x")])
    assert label == {"x": "x", "y": "x", "z": "x", "w": "w"}


def test_features_round_trip_exactly(features: dict[str, ArticleFeatures]) -> None:
    f = features["quake-a1"]
    g = ArticleFeatures.from_bytes(f.article_id, f.published, f.to_bytes())
    assert (g.article_id, g.published, g.day) == (f.article_id, f.published, f.day)
    assert np.array_equal(g.embedding, f.embedding)
    assert dict(g.terms) == dict(f.terms)  # weights are float16-rounded on both sides


def test_term_weights_depend_on_the_article_alone() -> None:
    text = "Kadhimi met the president in Baghdad. Kadhimi spoke."
    terms = article_terms(make_article(text, location="x"))
    weights = term_weights(terms)
    # A rare name outweighs a common one; each namespace is unit length.
    assert weights["e:kadhimi"] > weights["e:baghdad"]
    names = [v for k, v in weights.items() if k.startswith("e:")]
    assert abs(sum(v * v for v in names) - 1.0) < 1e-2
    assert term_weights(terms, max_terms=1).keys() == {"e:kadhimi", "w:kadhimi"}


def test_empty_single_and_non_latin(models: Models) -> None:
    assert cluster([]) == []
    text = "В городе Корват на севере Эльдории произошло землетрясение магнитудой 6,4."
    article = make_article(text, location="ru", published="2022-03-07", language="ru")
    feats = featurize([article], models.story_embedder)
    assert "e:корват" in feats[0].terms
    assert cluster(feats) == [(article.id,)]
    assert story_id_for(article.id).startswith("st-")


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
    with pytest.raises(ValueError):
        StoryOptions(year_mismatch_penalty=1.5)


# Look-alike events: one boxer's title defences in two years share every name but the year.
BOUTS = {
    "bout-2008": "Boxer Ivo Marrak of Eldoria defended his title in Korvath, stopping Tal Brenn "
    "in the sixth round of their 2008 rematch.",
    "bout-2008b": "Ivo Marrak kept his Eldorian title in Korvath with a sixth-round stoppage of "
    "Tal Brenn, as in 2008 and 1999.",
    "bout-2013": "Boxer Ivo Marrak of Eldoria defended his title in Korvath, stopping Tal Brenn "
    "in the sixth round of their 2013 rematch.",
    "bout-undated": "Boxer Ivo Marrak of Eldoria defended his title in Korvath, stopping Tal "
    "Brenn in the sixth round of their rematch, 2,013 fans watching.",
}


def test_reports_that_write_different_years_are_told_apart(models: Models) -> None:
    articles = [make_article(text, location=key) for key, text in BOUTS.items()]
    feats = dict(zip(BOUTS, featurize(articles, models.story_embedder), strict=True))
    assert {k for k in feats["bout-2008b"].terms if k.startswith("y:")} == {"y:1999", "y:2008"}
    assert not any(k.startswith("y:") for k in feats["bout-undated"].terms)  # 2,013 is a count
    no_penalty = StoryOptions(year_mismatch_penalty=0.0)
    first = [feats["bout-2008"]]
    others = [feats[k] for k in ("bout-2008b", "bout-2013", "bout-undated")]
    plain = similarity(first, others, no_penalty)[0]
    damped = similarity(first, others)[0]
    # A year in common, or one report without years: no penalty; years all different: x0.6.
    assert damped[0] == plain[0] and damped[2] == plain[2]
    assert damped[1] == pytest.approx(plain[1] * 0.6, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_clustering_is_independent_of_input_order(
    features: dict[str, ArticleFeatures], rnd: random.Random
) -> None:
    items = list(features.values())
    expected = cluster(items)
    rnd.shuffle(items)
    assert cluster(items) == expected


def test_explain_names_shared_names_numbers_dates_and_span() -> None:
    articles = [
        make_article(TEXTS[key][1], location=key, published=TEXTS[key][0])
        for key in ("quake-a1", "quake-a2", "quake-a3")
    ]
    assert explain(articles) == (
        "3 of 3 reports name Eldoria, Eldorian and Korvath; 2 of 3 give 19; "
        "published 2022-03-07 to 2022-03-08 (2 days)."
    )
    assert explain(articles[:1]) == "One report, published 2022-03-07."
    undated = [make_article("It rained on the town.", location=k) for k in ("x", "y")]
    assert explain(undated) == "2 reports close in wording; undated."


@pytest.mark.parametrize(("batch_size", "max_component"), [(256, 3000), (3, 3000), (2, 2)])
def test_every_stored_article_is_in_exactly_one_story(
    models: Models, batch_size: int, max_component: int
) -> None:
    paths = [str(EXAMPLE)] + ([str(SEEDS)] if SEEDS.is_dir() else [])
    stream = list(read_articles(paths).articles) + _articles()
    random.Random(batch_size).shuffle(stream)
    options = IngestOptions(batch_size=batch_size, max_component=max_component)
    with Store() as store:
        report = ingest(store, stream, models, options=options)
        members = [a.id for s in store.stories(limit=10_000) for a in store.story_articles(s.id)]
        assert store.count_articles() == len({a.id for a in stream})
        assert sorted(members) == sorted({a.id for a in stream})  # each id once
        assert {r.story_id for r in report.results} == {s.id for s in store.stories(limit=10_000)}


def test_stories_json_and_the_story_brief_say_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "news.db")
    assert main(["ingest", str(EXAMPLE), "--db", db]) == 0
    capsys.readouterr()
    assert main(["stories", "--json", "--db", db]) == 0
    [story] = json.loads(capsys.readouterr().out)
    why = (
        "7 of 7 reports name Korvane, Varkonen and Velmora; 4 of 7 give 17; 3 of 7 give 38,000 "
        "and 60; 2 of 7 mention September 22 and September 3; published 2025-10-14 to "
        "2025-10-16 (3 days)."
    )
    assert story["why"] == why
    out = tmp_path / "story.md"
    assert main(["brief", "--story", story["id"], "--db", db, "-o", str(out)]) == 0
    assert f"\nWhy together: {why}\n" in out.read_text(encoding="utf-8")
    html = tmp_path / "story.html"
    assert (
        main(["brief", "--story", story["id"], "--db", db, "--format", "html", "-o", str(html)])
        == 0
    )
    assert f'<p class="why">Why together: {why}</p>' in html.read_text(encoding="utf-8")
    with Store(Path(db)) as store, TestClient(create_app(store, Models())) as client:
        page = client.get(f"/stories/{story['id']}").text
    assert f'<p class="why">Why together: {why}</p>' in page


def _scipy_clusters(features: list[ArticleFeatures], options: StoryOptions) -> set[tuple[str, ...]]:
    """The reference: scipy's average linkage over all the articles at once, cut at the
    threshold (no components, no shortcut)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    items = sorted(features, key=lambda f: f.article_id)
    if len(items) == 1:
        return {(items[0].article_id,)}
    sim = similarity(items, items, options)
    dist = np.clip(1.0 - (sim + sim.T) / 2.0, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    flat = fcluster(tree, 1.0 - options.threshold, criterion="distance").tolist()
    return {
        tuple(sorted(f.article_id for f, label in zip(items, flat, strict=True) if label == part))
        for part in set(flat)
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sets(st.sampled_from("abcdef"), max_size=3)),
        min_size=1,
        max_size=12,
    ),
    st.integers(0, 2**16),
)
def test_clusters_are_scipys_average_linkage(specs: list[tuple[int, set[str]]], seed: int) -> None:
    # Articles near one of four directions, with a few shared names: some components are
    # one story whole (every pair within the cut, no scipy call), others need the linkage.
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, 8))
    features = []
    for n, (centre, names) in enumerate(specs):
        vector = centres[centre] + 0.6 * rng.normal(size=8)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        terms = {f"e:{name}": 1.0 / math.sqrt(len(names)) for name in sorted(names)}
        features.append(ArticleFeatures(f"a{n:02d}", "2025-03-01", 20148, vector, terms))
    # The vectors scored beside the names; no bridging (plain average linkage).
    options = StoryOptions(embedding_weight=0.3, entity_weight=0.7, bridge_share=0.0)
    got = {tuple(sorted(g)) for g in cluster(features, options)}
    assert got == _scipy_clusters(features, options)


def _with_names(article_id: str, names: str) -> ArticleFeatures:
    keys = names.split()
    terms = {f"e:{k}": 1.0 / math.sqrt(len(keys)) for k in keys}
    return ArticleFeatures(article_id, "2025-03-01", 20148, np.zeros(0, np.float32), terms)


def test_stories_that_later_reports_bridge_are_one_story() -> None:
    # Two pairs of reports, each pair tight; across them 2 of the 4 pairs share two names
    # (0.41, linked), so half the cross pairs are linked but the mean stays under the cut.
    features = [
        _with_names("a1", "aa bb cc dd"),
        _with_names("a2", "aa bb cc dd"),
        _with_names("b1", "ee ff gg hh"),
        _with_names("b2", "ee ff gg hh aa bb"),
    ]
    options = StoryOptions(
        threshold=0.4, embedding_weight=0.0, entity_weight=1.0, word_weight=0.0, rare_name_bonus=0
    )
    assert similarity(features[:2], features[2:], options).tolist() == [[0, 0.408248]] * 2
    plain = replace(options, bridge_share=0.0)
    assert cluster(features, plain) == [("a1", "a2"), ("b1", "b2")]
    assert cluster(features, options) == [("a1", "a2", "b1", "b2")]
    assert cluster(features, replace(options, bridge_share=0.75)) == [("a1", "a2"), ("b1", "b2")]
    assert cluster(features, replace(options, bridge_min_size=3)) == [("a1", "a2"), ("b1", "b2")]


def test_average_linkage_partitions_as_scipy_does_on_tied_distances() -> None:
    from scipy.cluster.hierarchy import fcluster, linkage

    def parts(labels: list[int]) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for position, label in enumerate(labels):
            found.setdefault(int(label), []).append(position)
        return list(found.values())

    rnd = random.Random(7)
    for case in range(600):
        n = rnd.randint(2, 12)
        levels = [0.0, 0.1, 0.25, 0.3, 0.5, 1.0] if case % 2 else [0.333333, 0.333334, 0.5]
        condensed = np.array([rnd.choice(levels) for _ in range(n * (n - 1) // 2)])
        cut = rnd.choice([0.25, 0.3, 0.333333, 0.45])
        ours = parts(_average_linkage(condensed, n, cut))
        theirs = fcluster(linkage(condensed, method="average"), t=cut, criterion="distance")
        assert ours == parts(theirs.tolist()), (condensed.tolist(), cut)
    # Three reports: a-b close, c far from both: a-b one story, c alone.
    assert parts(_average_linkage(np.array([0.1, 0.9, 0.8]), 3, 0.5)) == [[0, 1], [2]]
