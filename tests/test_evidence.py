"""One evidence engine: which sources report a claim, for the summary and the facts alike.

Fixtures are fictional stories of our own writing (Velmora, Korvana); nothing here is taken
from the seeds or the bundled example.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _stories import article, embed_all
from newsdesk import lexicon
from newsdesk.articles import clean
from newsdesk.briefs import BriefOptions, build_brief
from newsdesk.citations import acronyms_of, times_of
from newsdesk.facts import FactOptions, evidence_engine, find_facts
from newsdesk.lexicon import similar_stems
from newsdesk.models import Article, Brief
from newsdesk.nlp import Models
from newsdesk.quantities import hedged_figures
from newsdesk.sentences import analyze
from newsdesk.wordtable import word_vectors


@pytest.fixture(scope="module")
def models() -> Models:
    return Models()


def engine_for(models: Models, texts: dict[str, str]):
    arts = [article(i, text) for i, text in texts.items()]
    analyses = analyze(arts, models.nlp)
    embeddings = embed_all(analyses, models)
    return analyses, embeddings, evidence_engine(analyses, embeddings)


def cited(models: Models, claim: str, source: str) -> list[int]:
    _, _, citer = engine_for(models, {"a": claim, "b": source})
    return citer.cite(citer.texts[0], 0)


def test_a_paraphrase_is_reported(models: Models) -> None:
    assert cited(
        models,
        "About 40 lorries were on the Korvana viaduct when it gave way.",
        "Around 40 lorries were on the viaduct in Korvana when it gave way.",
    ) == [0, 1]


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        # numbers must agree
        (
            "The flood in Korvana killed 12 people and injured 30 others.",
            "The flood in Korvana killed 12 people and injured 35 others.",
        ),
        # negation must agree
        (
            "The Velmoran finance minister did not resign after the budget vote.",
            "The Velmoran finance minister resigned after the budget vote.",
        ),
        # time must agree
        (
            "Velmora opened its new northern harbour terminal in March.",
            "Velmora opened its new northern harbour terminal in September.",
        ),
        # the same person doing another thing about the same matter is not the claim
        (
            "Finance Minister Aleksi Brandt, who arrived on Monday, promised a full audit.",
            "Finance minister Brandt, who stayed in Korvana overnight, said the audit would "
            "see every ledger of the port authority.",
        ),
    ],
)
def test_numbers_negation_and_time_must_agree(models: Models, claim: str, source: str) -> None:
    assert cited(models, claim, source) == [0]


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        # A negation in the source's tail is detail, not the polarity of its main clause.
        (
            "Three people were killed and 22 injured when the Korvana ferry capsized.",
            "Three people were killed and 22 injured when the Korvana ferry capsized, "
            "leaving the island without a crossing to the mainland.",
        ),
        # A negation in another clause ("…, stressing it does not …") does not negate the
        # clause that states the claim.
        (
            "The Velmoran navy will keep patrolling the Korvana strait, the admiral said.",
            "The Velmoran navy will keep patrolling the Korvana strait, stressing it does "
            "not seek a permanent base on the island.",
        ),
    ],
)
def test_polarity_is_the_clause_that_states_the_claim(
    models: Models, claim: str, source: str
) -> None:
    assert cited(models, claim, source) == [0, 1]


def test_a_negated_clause_is_not_its_positive(models: Models) -> None:
    assert cited(
        models,
        "The Velmoran navy will not keep patrolling the Korvana strait, the admiral said.",
        "The Velmoran navy will keep patrolling the Korvana strait, stressing it does "
        "not seek a permanent base on the island.",
    ) == [0]


def test_an_acronym_names_its_long_form(models: Models) -> None:
    # "The V.N.L." names "the Velmoran National League" (initials of the capitalised run,
    # connectors left out), and the other way round.
    long = "The Velmoran National League expelled the Korvana club over unpaid wages."
    short = "The V.N.L. expelled the Korvana club over unpaid wages on Friday."
    assert cited(models, long, short) == [0, 1]
    assert cited(models, short, long) == [0, 1]
    # Another body's initials name another body.
    assert cited(models, long, "The KFL expelled the Korvana club over unpaid wages.") == [0]
    assert acronyms_of("The U.S. and the EU met at NATO headquarters.") == {"US", "EU", "NATO"}
    assert acronyms_of("BREAKING: US TROOPS LEAVE") == frozenset()  # a shouted headline


def test_hedged_figures_assert_ranges() -> None:
    found = hedged_figures(
        "More than a dozen were hurt, about 40 cars fell, dozens of people fled and nearly "
        "2.5 million watched over two days; another 300 arrived, up 10 percent."
    )
    assert [(f.low, f.high) for f in found] == [
        (12.000000001, math.inf),
        (36.0, 44.0),
        (24.0, 143.0),
        (2_250_000.0, 2_500_000.0),
    ]
    assert hedged_figures("Tens of thousands of people marched.")[0].low == 20_000.0


@pytest.mark.parametrize(
    ("claim", "source", "expected"),
    [
        # A hedged figure is true of every precise figure in its range...
        (
            "The Korvana ferry fire killed two people and injured more than a dozen.",
            "Two people were killed and 14 were injured when fire broke out on the Korvana ferry.",
            [0, 1],
        ),
        (
            "The Korvana ferry fire killed two people and injured more than a dozen.",
            "Two people were killed and 17 were injured when fire broke out on the Korvana ferry.",
            [0, 1],
        ),
        # ... and of the same hedge,
        (
            "The Korvana ferry fire killed two people and injured more than a dozen.",
            "The fire on the Korvana ferry killed two people and injured more than a dozen.",
            [0, 1],
        ),
        # but not of a figure outside it,
        (
            "The Korvana ferry fire killed two people and injured more than a dozen.",
            "Two people were killed and nine were injured when fire broke out on the Korvana "
            "ferry.",
            [0],
        ),
        # nor of a wider hedge: "more than a dozen" does not say "dozens".
        (
            "The Korvana ferry fire killed two people and injured dozens of passengers.",
            "The fire on the Korvana ferry killed two people and injured more than a dozen "
            "passengers.",
            [0],
        ),
        # A precise figure is not reported by a hedge around it.
        (
            "The Korvana ferry fire killed two people and injured 14 passengers.",
            "The fire on the Korvana ferry killed two people and injured more than a dozen "
            "passengers.",
            [0],
        ),
    ],
)
def test_a_hedged_figure_is_reported_by_the_figures_it_covers(
    models: Models, claim: str, source: str, expected: list[int]
) -> None:
    assert cited(models, claim, source) == expected


@pytest.mark.parametrize(
    ("claim", "source", "expected"),
    [
        # Words of nearly one meaning (MiniLM's static word vectors) stand for each other,
        (
            "Velmora will keep 300 soldiers on the Korvana border, the defence ministry said.",
            "The defence ministry said Velmora would keep 300 troops on the border with Korvana.",
            [0, 1],
        ),
        (
            "The Velmora council opened an inquiry into the failure of the harbour crane.",
            "The Velmora council launched an investigation into the failure of the harbour crane.",
            [0, 1],
        ),
        # but one root under opposing prefixes is the opposite claim.
        (
            "The Korvana port authority increased harbour fees for cargo ships by 8 percent.",
            "The Korvana port authority decreased harbour fees for cargo ships by 8 percent.",
            [0],
        ),
        (
            "Velmora imports most of its grain through the port of Korvana.",
            "Velmora exports most of its grain through the port of Korvana.",
            [0],
        ),
    ],
)
def test_similar_words_report_and_opposed_words_do_not(
    models: Models, claim: str, source: str, expected: list[int]
) -> None:
    assert cited(models, claim, source) == expected


def test_word_table_is_read_once_and_blocks_do_not_change_similar_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = word_vectors()
    assert word_vectors() is table  # one read per process, shared by every Citer
    vocabulary, rows, scales = table
    assert len(vocabulary) == len(scales) == 30522 and vocabulary["troops"] == 3629
    some = rows[[vocabulary["troops"], 0, vocabulary["troops"]]]  # read when first asked for
    assert some.dtype == np.int8 and some.shape == (3, 384) and (some[0] == some[2]).all()
    forms = {
        "troop": frozenset({"troops", "troop"}),
        "forc": frozenset({"forces", "force"}),
        "soldier": frozenset({"soldiers"}),
        "banana": frozenset({"banana"}),
        "zzqx": frozenset({"zzqx"}),  # no word piece: left out
    }
    expected = {
        "forc": frozenset({"troop"}),
        "soldier": frozenset({"troop"}),
        "troop": frozenset({"forc", "soldier"}),
    }
    assert similar_stems(forms, 0.3) == expected
    monkeypatch.setattr(lexicon, "_BLOCK", 2)  # the cosines a few rows at a time
    assert similar_stems(forms, 0.3) == expected
    assert similar_stems(forms, 0.35) == {
        "soldier": frozenset({"troop"}),
        "troop": frozenset({"soldier"}),
    }


def test_months_are_names_not_words() -> None:
    assert times_of("The mayor may decide in May; talks resume in Sept.") == {"may", "sep"}
    assert times_of("A March on the capital") == {"mar"}
    assert times_of("Decision day in Junction City") == frozenset()


STORY = {
    "a": "The Velmora city council approved a budget of 40 million crowns for the harbour.\n\n"
    "Mayor Ilse Brandt said the new ferry terminal would open in 2032.",
    "b": "Velmora's council passed a 40 million crown budget for the harbour.\n\n"
    "A strike by dock workers closed the northern port for two days.",
    "c": "Councillors in Velmora approved 40 million crowns for harbour works.\n\n"
    "Fishermen in Korvana protested against the new quotas.",
}


def test_paraphrases_are_one_fact_and_single_sources_are_marked(models: Models) -> None:
    arts = [article(i, text) for i, text in STORY.items()]
    analyses = analyze(arts, models.nlp)
    facts = find_facts(analyses, embed_all(analyses, models))
    budget = [f for f in facts if "40 million" in f.text]
    assert len(budget) == 1
    assert budget[0].article_ids == ("a", "b", "c") and budget[0].support == 3
    singles = {f.text: f.article_ids for f in facts if f.support == 1}
    assert singles == {
        "Mayor Ilse Brandt said the new ferry terminal would open in 2032.": ("a",),
        "A strike by dock workers closed the northern port for two days.": ("b",),
        "Fishermen in Korvana protested against the new quotas.": ("c",),
    }


def test_copies_are_cited_not_counted(models: Models) -> None:
    arts = [article(i, text) for i, text in {**STORY, "d": STORY["a"]}.items()]
    analyses = analyze(arts, models.nlp)
    facts = find_facts(analyses, embed_all(analyses, models), duplicate_of={"d": "a"})
    budget = next(f for f in facts if "40 million" in f.text)
    assert budget.article_ids == ("a", "b", "c") and budget.copy_ids == ("d",)


# --- the property: the summary and the facts agree ------------------------------------------

CLAIMS = [
    (
        "The Velmora city council approved a budget of {n} million crowns for the harbour.",
        "Velmora's council passed a {n} million crown budget for the harbour works.",
    ),
    (
        "A strike by dock workers closed the northern port of Korvana for {n} days.",
        "Dock workers in Korvana struck, shutting the northern port for {n} days.",
    ),
    (
        "Mayor Ilse Brandt said the new ferry terminal would open next spring.",
        "The new ferry terminal will open next spring, Mayor Ilse Brandt said.",
    ),
    (
        "Fishermen in Korvana protested against the new fishing quotas outside parliament.",
        "Korvana's fishermen rallied outside parliament against the new fishing quotas.",
    ),
    (
        "Heavy rain flooded {n} streets in the old town of Velmora overnight.",
        "Overnight rain left {n} streets of Velmora's old town under water.",
    ),
    (
        "The national railway company did not cancel any trains during the storm.",
        "No trains were cancelled by the national railway company during the storm.",
    ),
]

_story = st.lists(
    st.lists(
        st.tuples(st.integers(0, len(CLAIMS) - 1), st.integers(0, 1), st.sampled_from([3, 4, 40])),
        min_size=1,
        max_size=4,
        unique_by=lambda t: t[0],
    ),
    min_size=2,
    max_size=4,
)


def _article(k: int, items: list[tuple[int, int, int]]) -> Article:
    return clean(article(f"r{k}", "\n\n".join(CLAIMS[c][v].format(n=n) for c, v, n in items)))


def _brief(models: Models, story: list[list[tuple[int, int, int]]]) -> Brief:
    # A small budget: some claims go to the summary, the rest to the facts.
    arts = [_article(k, items) for k, items in enumerate(story)]
    return build_brief(arts, models, options=BriefOptions(words=30))


# A story whose brief has both a summary and facts: the property is never vacuous on it.
RICH = [
    [(0, 0, 40), (1, 0, 3), (3, 0, 3), (5, 0, 3)],
    [(0, 1, 40), (1, 1, 3), (2, 0, 3), (5, 1, 3)],
    [(0, 0, 40), (2, 1, 3), (3, 1, 3), (4, 0, 4)],
]


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=_story)
@example(story=RICH)
def test_summary_and_facts_cite_through_one_engine(
    models: Models, story: list[list[tuple[int, int, int]]]
) -> None:
    brief = _brief(models, story)
    ids = [s.article_id for s in brief.sources]
    arts = [_article(k, items) for k, items in enumerate(story)]
    analyses = analyze(sorted(arts, key=lambda a: (a.location, a.id)), models.nlp)
    citer = evidence_engine(analyses, embed_all(analyses, models))

    def row_of(text: str, among: tuple[str, ...]) -> int:
        rows = [
            r for r, t in enumerate(citer.texts) if t == text and ids[citer.article_of[r]] in among
        ]
        assert rows, text
        return rows[0]

    def sources(text: str, row: int) -> set[str]:
        return {ids[a] for a in citer.cite(text, row)}

    def printed_from(text: str, among: tuple[str, ...]) -> int:
        # The summary prints a sentence trimmed (attribution, asides): most shared words.
        want = set(citer.words.tokens(text))
        rows = [r for r in range(len(citer.texts)) if ids[citer.article_of[r]] in among]
        return max(rows, key=lambda r: (len(want & set(citer.tokens[r])), -r))

    summary_rows = []
    for sentence in brief.summary:
        row = printed_from(sentence.text, sentence.article_ids)
        summary_rows.append(row)
        # The summary cites what the engine finds for its sentence...
        assert set(sentence.article_ids) == sources(sentence.text, row)
    for fact in brief.facts:
        row = row_of(fact.text, (*fact.article_ids, *fact.copy_ids))
        # ... and so does every fact: same text, same sources.
        assert {*fact.article_ids, *fact.copy_ids} == sources(fact.text, row)
        # No fact states a summary sentence's claim (the Facts section does not repeat it).
        for srow, sentence in zip(summary_rows, brief.summary, strict=True):
            cos = float(citer.matrix[row] @ citer.matrix[srow])
            assert row != srow
            assert not citer.covers(citer.statement(fact.text), cos, srow)
            assert not citer.covers(citer.statement(sentence.text), cos, row)
    # Without the summary, a summary sentence's claim is a fact citing the same sources.
    facts = find_facts(analyses, embed_all(analyses, models), options=FactOptions(max_facts=100))
    for sentence in brief.summary:
        for fact in facts:
            if fact.text == sentence.text:
                assert {*fact.article_ids, *fact.copy_ids} == set(sentence.article_ids)


# --- the Facts section lists what the summary does not say ---------------------------------

HARBOUR = {
    "a": "The Velmora city council approved a budget of 40 million crowns for the harbour on "
    "Monday.\n\nMayor Ilse Brandt said the new ferry terminal would open in 2032.\n\n"
    "Dock workers in Korvana ended a two-day strike that had closed the northern port.",
    "b": "Velmora's council passed a 40 million crown budget for the harbour on Monday.\n\n"
    "A strike by dock workers in Korvana closed the northern port for two days before it "
    "ended.\n\nFishermen in Korvana protested against the new quotas outside parliament.",
    "c": "Councillors in Velmora approved 40 million crowns for harbour works on Monday.\n\n"
    "Mayor Ilse Brandt said the new ferry terminal would open in 2032.\n\n"
    "Fishermen in Korvana protested against the new quotas outside parliament.",
}


def _harbour(models: Models, words: int) -> Brief:
    arts = [clean(article(i, text)) for i, text in HARBOUR.items()]
    return build_brief(arts, models, options=BriefOptions(words=words))


def test_facts_hold_what_the_summary_leaves_out_with_the_same_sources(models: Models) -> None:
    short = _harbour(models, 30)
    assert [(s.text, s.article_ids) for s in short.summary] == [
        ("Councillors in Velmora approved 40 million crowns for harbour works.", ("a", "b", "c")),
        ("Mayor Ilse Brandt said the new ferry terminal would open in 2032.", ("a", "c")),
    ]
    assert [(f.text, f.article_ids) for f in short.facts] == [
        (
            "A strike by dock workers in Korvana closed the northern port for two days "
            "before it ended.",
            ("a", "b"),
        ),
        ("Fishermen in Korvana protested against the new quotas outside parliament.", ("b", "c")),
    ]
    # With room for every claim the summary says them all, citing what the facts cited,
    # and the Facts section is empty: nothing is said twice.
    full = _harbour(models, 120)
    cited = {s.text: s.article_ids for s in full.summary}
    assert all(cited[f.text] == f.article_ids for f in short.facts)
    assert full.facts == ()


def test_summary_sentences_carry_the_engines_sentence_of_each_cited_source(
    models: Models,
) -> None:
    brief = _harbour(models, 30)
    evidence = [(s.text, [(e.article_id, e.sentence) for e in s.evidence]) for s in brief.summary]
    assert evidence == [
        (
            "Councillors in Velmora approved 40 million crowns for harbour works.",
            [
                (
                    "a",
                    "The Velmora city council approved a budget of 40 million crowns for "
                    "the harbour on Monday.",
                ),
                (
                    "b",
                    "Velmora's council passed a 40 million crown budget for the harbour on Monday.",
                ),
                (
                    "c",
                    "Councillors in Velmora approved 40 million crowns for harbour works on Monday.",
                ),
            ],
        ),
        (
            "Mayor Ilse Brandt said the new ferry terminal would open in 2032.",
            [
                ("a", "Mayor Ilse Brandt said the new ferry terminal would open in 2032."),
                ("c", "Mayor Ilse Brandt said the new ferry terminal would open in 2032."),
            ],
        ),
    ]


def test_the_rich_example_has_summary_and_facts(models: Models) -> None:
    brief = _brief(models, RICH)
    assert brief.summary and brief.facts


def test_web_citations_link_to_the_engines_sentence(models: Models) -> None:
    from newsdesk.models import BriefSource, Evidence, StoryInfo, SummarySentence, TimelineEntry
    from newsdesk.web.pages import split_article, story_view

    text = (
        "The council approved the budget on Monday.\n\n"
        "Councillors in Velmora passed the harbour budget after a long debate.\n\n"
        "Ferries will keep running."
    )
    source = article("b", text)
    said = "The council approved the budget."
    # The words of the summary's text are closest to sentence 0; the engine chose 1.
    engine = (
        Evidence("b", "Councillors in Velmora passed the harbour budget after a long debate."),
    )
    brief = Brief(
        story=StoryInfo("s1", "Budget", None, None, 1),
        sources=(BriefSource(id="S1", article_id="b", location="b.txt"),),
        summary=(SummarySentence(said, ("b",), engine),),
        timeline=(TimelineEntry("2025-10-13", said, ("b",), (), engine),),
    )
    context = story_view(
        brief, {"b": split_article(source, models.nlp)}, version="v1", n_articles=1
    )
    assert [c.href for c in context["summary"][0]["cites"]] == ["/articles/b?hl=1#s-1"]
    assert [c.href for c in context["timeline"][0]["cites"]] == ["/articles/b?hl=1#s-1"]
    # A brief without evidence (cached before it) links a text no sentence contains to the
    # article, without a highlight (web links by containment since df24d0e, not fuzzily).
    old = Brief(story=brief.story, sources=brief.sources, summary=(SummarySentence(said, ("b",)),))
    context = story_view(old, {"b": split_article(source, models.nlp)}, version="v1", n_articles=1)
    assert [c.href for c in context["summary"][0]["cites"]] == ["/articles/b"]
