from __future__ import annotations

import pytest

from _stories import article, embed_all
from newsdesk.contradictions import opposition, residual_overlap
from newsdesk.facts import cross_check
from newsdesk.nlp import Models
from newsdesk.sentences import analyze


@pytest.fixture(scope="module")
def models():
    return Models()


def conflicts(models, a: str, b: str):
    arts = [article("a", a, "2031-03-07"), article("b", b, "2031-03-07")]
    analyses = analyze(arts, models.nlp)
    return cross_check(analyses, embed_all(analyses, models), models).conflicts


def test_opposition_cues():
    assert opposition("The court convicted Arlen Voss.", "The court acquitted Arlen Voss.") == (
        "antonym:guilty/innocent"
    )
    assert (
        opposition("The pact is binding.", "The pact is non-binding.")
        == "antonym:binding/non-binding"
    )
    assert opposition("The port will reopen.", "The port will not reopen.") == "negation"
    # Negating the other end restates the claim.
    assert opposition("The mayor confirmed the plan.", "The mayor did not deny the plan.") is None
    # Both ends in one sentence: no cue.
    assert opposition("He denied it and then confirmed it.", "He confirmed it.") is None
    assert opposition("Velmora will reduce troops.", "Velmora will reduce its troops.") is None
    assert opposition("", "") is None
    assert opposition("港口将重新开放。", "港口将关闭。") is None


def test_residual_overlap_sets_the_opposing_words_aside():
    assert (
        residual_overlap(
            "The council approved the harbour levy.", "The council rejected the harbour levy."
        )
        == 1.0
    )
    assert residual_overlap("", "") == 0.0


def test_antonym_statement_conflict(models):
    (conflict,) = conflicts(
        models,
        "The Korvana city council approved the new harbour levy on Tuesday.",
        "The Korvana city council rejected the new harbour levy on Tuesday.",
    )
    assert conflict.kind == "statement"
    assert [(s.value, s.article_ids) for s in conflict.sides] == [
        ("approved", ("a",)),
        ("rejected", ("b",)),
    ]


def test_binding_against_non_binding(models):
    (conflict,) = conflicts(
        models,
        "The Velmoran parliament passed a binding resolution on the troop withdrawal.",
        "The Velmoran parliament passed a non-binding resolution on the troop withdrawal.",
    )
    assert sorted(s.value for s in conflict.sides) == ["binding", "non-binding"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Paraphrase, no opposition.
        (
            "The Korvana city council approved the new harbour levy on Tuesday.",
            "On Tuesday the new harbour levy was passed by the Korvana city council.",
        ),
        # Different subjects: each approved or rejected its own thing.
        (
            "The Korvana city council approved the new harbour levy on Tuesday.",
            "The Velmora city council rejected a new airport levy on Tuesday.",
        ),
        # A hedge is not a contradiction.
        (
            "More than 300 dockworkers joined the strike on Monday.",
            "Exactly 320 dockworkers joined the strike on Monday.",
        ),
        # Negated opposite end restates the claim.
        (
            "The ministry confirmed that the ferry route will close in May.",
            "The ministry did not deny that the ferry route will close in May.",
        ),
    ],
)
def test_traps_make_no_conflict(models, a, b):
    assert conflicts(models, a, b) == ()
