"""Summaries: text rules, citations on the seeds and the example story, selection, budget."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest

from _paths import EXAMPLE, SEEDS
from newsdesk.articles import clean
from newsdesk.citations import Citer, Words, numbers_of, statement
from newsdesk.cli.brief import dedupe
from newsdesk.eligibility import in_language, strip_dateline
from newsdesk.models import Article, ArticleAnalysis, Sentence, SummarySentence
from newsdesk.nlp import Matrix, Models
from newsdesk.readers import read_articles
from newsdesk.sentences import analyze
from newsdesk.summaries import (
    SummaryOptions,
    _drop_weekdays,
    _solve_program,
    _weight_of,
    count_words,
    drop_asides,
    standalone,
    summarize,
    trim_attribution,
)

ALL_SEEDS = {"000", "001", "002", "003", "004"}

# --- text rules (no models) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks failed, Ann Lee said.", True),
        ("He said the talks failed.", False),
        ("It said talks would resume in May.", False),
        ("The statement added that both sides would meet again.", False),
        ("Talks will resume, the joint statement added.", False),
        ("The two countries will also discuss the status of remaining forces.", False),
        ("Aurel Menning, director-general of the directorate, rejected that account.", False),
        ("But the bridge had been inspected in 2023.", False),
        ('"The United States reiterated that it does not seek permanent bases."', False),
        ("“The bearings on that pier were on our list.”", False),
        ("“We will find out why,” Varkonen said at the scene.", True),
        ('"We will find out why," he said.', False),
        ("The US will “discuss the status of remaining forces, the statement added.", False),
        ("Once more US troops withdraw, Washington’s next step will be “to discuss it.”", True),
        ("Will the bridge reopen this year?", False),
        ("released by the State Department in Washington. .", False),
        ("", False),
        # Speakerless whole-sentence quotes in every quote style.
        ("``Nobody expected the water to rise this fast, but it did.''", False),
        ("'Nobody expected the water to rise this fast, but it did.'", False),
        ("‘Nobody expected the water to rise this fast, but it did.’", False),
        ("«Nobody expected the water to rise this fast, but it did.»", False),
        ("``Nobody expected the water to rise this fast,'' Mayor Ann Lee said.", True),
        ("``Nobody expected the water to rise this fast,'' he said.", False),
        # A plural that points back; a connective that answers an earlier sentence.
        ("The harbour master of Velmora blamed the storm for those delays.", False),
        ("The harbour master said these days the quay closes at dusk.", True),
        ("The council fined those responsible for the collapse of the bridge.", True),
        ("Indeed, the council had known about the cracks for a year.", False),
        # A quantifier standing for what an earlier sentence named.
        ("All complained about severe food and fuel shortages in their country.", False),
        ("Both were freed on bail after the hearing in Velmora on Monday.", False),
        ("All 14 passengers of the ferry were rescued by the coast guard.", True),
        ("Some 300 workers left the harbour after the strike vote on Monday.", True),
        # A speaker named only by a surname was introduced earlier in the article.
        ("``Nobody expected the water to rise this fast,'' Tarrow said.", False),
        ("“Nobody expected the water to rise this fast,” said Tarrow.", False),
        ("``Nobody expected the water to rise,'' said Tarrow, the harbour master.", True),
        # Interviewers' questions, however they are quoted or labelled.
        ("Why did the council wait so long before it closed the bridge?''", False),
        ("``Why did the council wait so long?'' a reporter asked the mayor.", False),
        ("Q: Did the council know about the cracks before the collapse?", False),
        ("LEE: The council knew about the cracks in the bridge last year.", False),
        # An attribution whose quote stayed behind; a named speaker with a claim stays.
        ("Ann Lee of Velmora, one of the council's two engineers, said.", False),
        ("Council engineer Ann Lee of the Velmora works department said Tuesday.", False),
        ("The council closed the bridge in May, Ann Lee of Velmora said.", True),
        # Cut at an abbreviation.
        ("The inquiry will be led by a panel of three chaired by Sen.", False),
        ("Guards at the border crossing checked the ID.", True),
        # Newsletter and wire boilerplate.
        ("Follow the Velmora Gazette opinion section on Facebook and Twitter (@VGopinion).", False),
        ("Sign up for our morning briefing newsletter to get the news in your inbox.", False),
        ("Read the full report at www.velmora.example/bridge before the hearing.", False),
        ("Ann Lee in Velmora and Tom Berg in Arlen contributed reporting.", False),
        ("The Velmora Gazette publishes a newsletter for harbour workers.", False),
    ],
)
def test_standalone(text: str, expected: bool) -> None:
    assert standalone(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "WASHINGTON -- The Senate voted 52-48 to end the debate.",
            "The Senate voted 52-48 to end the debate.",
        ),
        ("CARACAS, July 25 -- Voting was delayed again.", "Voting was delayed again."),
        ("PHNOM PENH, Cambodia (AP) _ Both parties agreed.", "Both parties agreed."),
        ("Velmora (Gazette) — ``It fell,'' she said.", "``It fell,'' she said."),
        ("NATO forces - most of them American - left the base.", None),
        ("The U.S.-led talks -- the first in years -- failed.", None),
        ("VELMORA --", None),
        # Inline subheads of wire copy that lost its line breaks; one word in capitals stays.
        (
            "HARBOUR WORKS RESUME The crews went back to the quay.",
            "The crews went back to the quay.",
        ),
        ("A.N.C. CAMPS The commission heard the guards.", "The commission heard the guards."),
        ("NATO Secretary-General Ann Lee warned the council.", None),
        ("UN FAO Officials visited Velmora.", None),
        ("HARBOUR Repairs The crews went back to the quay.", "The crews went back to the quay."),
        ("NASA Administrator Ann Lee visited Velmora.", None),
    ],
)
def test_wire_datelines_never_open_a_sentence(text: str, expected: str | None) -> None:
    assert strip_dateline(text) == (text if expected is None else expected)


def test_sentences_in_another_language_are_not_the_summary_language() -> None:
    assert not in_language("Der Bürgermeister sagte, die Brücke bleibe bis Mai gesperrt.", "en")
    assert not in_language("El alcalde dijo que el puente seguirá cerrado hasta mayo.", "en")
    assert in_language("El alcalde dijo que el puente seguirá cerrado hasta mayo.", "es")
    # Names do not make a sentence foreign; no language known: anything goes.
    assert in_language("Hun Sen and Prince Norodom Ranariddh met in Phnom Penh.", "en")
    assert in_language("Der Bürgermeister sagte, die Brücke bleibe gesperrt.", None)


def test_trim_attribution_drops_only_referentless_attribution() -> None:
    assert trim_attribution("Talks will resume in May, it said.") == "Talks will resume in May."
    assert (
        trim_attribution("Advisers were discussed, the joint statement added.")
        == "Advisers were discussed."
    )
    # A named speaker stays; so does the attribution of a quotation.
    named = "Talks will resume in May, the State Department said."
    assert trim_attribution(named) == named
    quoted = '"Talks will resume," it said.'
    assert trim_attribution(quoted) == quoted


def test_weekdays_go_unless_they_carry_the_claim() -> None:
    assert (
        _drop_weekdays("Officials said on Thursday it would end.") == "Officials said it would end."
    )
    assert _drop_weekdays("On Wednesday, the PM spoke.") == "The PM spoke."
    assert _drop_weekdays("He said Tuesday that talks, on Monday morning, failed.") == (
        "He said that talks failed."
    )
    # The comma that closes an appositive stays when the weekday after it goes.
    assert _drop_weekdays("The union, led by its chairwoman, Tuesday called a strike.") == (
        "The union, led by its chairwoman, called a strike."
    )
    for kept in (
        "Free ferries run from Thursday.",
        "A second ferry will sail by Friday.",
        "This Thursday’s announcement is the result of talks.",
        "Tuesday's collapse cut the road.",
        "The vote, held Monday, passed.",
        "As of Monday, the flood had closed 14 roads.",
    ):
        assert _drop_weekdays(kept) == kept


def test_count_words_counts_each_cjk_character() -> None:
    assert count_words("Two dead in Velmora.") == 4
    assert count_words("大桥 倒塌") == 4
    assert count_words("Мост обрушился в Вельморе.") == 4
    assert count_words("") == 0


def test_numbers_are_claims_but_the_two_countries_is_not() -> None:
    assert numbers_of("killing two people and injuring 14") == {"2", "14"}
    assert numbers_of("The two countries said 5,000 troops remain.") == {"5000"}
    assert numbers_of("Two people died and 17 were injured.") == {"2", "17"}


def test_statement_splits_claims_and_drops_attribution() -> None:
    said = statement(
        "The U.S. reiterated that it does not seek a permanent military presence in Iraq and "
        "the Iraqi government said it is committed to protecting military personnel.",
        Words(),
    )
    assert len(said.claims) == 2
    attributed = statement("Two people died and 17 were injured, the health service said.", Words())
    # Words as written: the seed-derived synonym table (died -> kill) is gone (issue 16).
    assert [sorted(c.words) for c in attributed.claims] == [["17", "died", "injur", "peopl", "two"]]
    assert attributed.claims[0].numbers == {"2", "17"}


# --- inputs built from literals ------------------------------------------------------------


def _story(
    texts: list[list[str]], vectors: list[list[list[float]]]
) -> tuple[list[ArticleAnalysis], list[Matrix]]:
    analyses, embeddings = [], []
    for a, (sentences, rows) in enumerate(zip(texts, vectors, strict=True)):
        article = Article(id=f"a{a}", location=f"a{a}.txt", text=" ".join(sentences))
        records = tuple(
            Sentence(article_id=article.id, index=i, paragraph=0, text=t, start=0, end=len(t))
            for i, t in enumerate(sentences)
        )
        analyses.append(ArticleAnalysis(article=article, sentences=records))
        matrix = np.asarray(rows, dtype=np.float32)
        embeddings.append(matrix / np.linalg.norm(matrix, axis=1, keepdims=True))
    return analyses, embeddings


def test_empty_input_and_articles_without_sentences() -> None:
    assert summarize([], []) == ()
    analyses, _ = _story([["x"]], [[[1.0, 0.0]]])
    empty = [dataclasses.replace(analyses[0], sentences=())]
    assert summarize(empty, [np.zeros((0, 2), dtype=np.float32)]) == ()


def test_misuse_fails_with_a_clear_message() -> None:
    analyses, embeddings = _story([["One two three four five six seven eight."]], [[[1.0, 0.0]]])
    with pytest.raises(ValueError, match="at least 1 word"):
        summarize(analyses, embeddings, options=SummaryOptions(words=0))
    with pytest.raises(ValueError, match="one row per sentence"):
        summarize(analyses, [np.zeros((2, 2), dtype=np.float32)])


def test_single_article_cites_only_itself_and_keeps_the_budget() -> None:
    sentences = [
        "The harbour bridge in Velmora collapsed into the water on Tuesday morning.",
        "Two people were killed and fourteen others were injured in the collapse.",
        "He said the bridge had been inspected.",
        "The transport minister promised an independent inquiry into the failure of the span.",
    ]
    analyses, embeddings = _story([sentences], [[[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]]])
    summary = summarize(analyses, embeddings, options=SummaryOptions(words=25, min_words=8))
    assert summary and all(s.article_ids == ("a0",) for s in summary)
    assert sum(count_words(s.text) for s in summary) <= 25
    assert all(not s.text.startswith("He said") for s in summary)
    # The weekday goes, and the reading order follows the article.
    assert [s.text for s in summary] == [
        "The harbour bridge in Velmora collapsed into the water.",
        "Two people were killed and fourteen others were injured in the collapse.",
    ]


def test_overflow_is_only_for_rouge() -> None:
    sentences = [
        "The harbour bridge in Velmora collapsed into the water during the morning rush.",
        "Two people were killed and fourteen others were injured in the collapse of the span.",
    ]
    analyses, embeddings = _story([sentences], [[[1, 0], [0, 1]]])
    strict = summarize(analyses, embeddings, options=SummaryOptions(words=20))
    loose = summarize(analyses, embeddings, options=SummaryOptions(words=20, overflow=True))
    assert sum(count_words(s.text) for s in strict) <= 20
    assert sum(count_words(s.text) for s in loose) > 20


# --- the real thing: seeds and example story -----------------------------------------------


Story = tuple[list[ArticleAnalysis], list[Matrix], dict[str, str], dict[str, str]]


def _load(path: Path, models: Models) -> Story:
    articles = [clean(a) for a in read_articles([str(path)]).articles]
    articles = sorted((a for a in articles if a.text.strip()), key=lambda a: a.location)
    analyses = analyze(articles, models.nlp)
    texts = [s.text for a in analyses for s in a.sentences]
    matrix = models.embedder.embed(texts)
    embeddings, row = [], 0
    for analysis in analyses:
        embeddings.append(matrix[row : row + len(analysis.sentences)])
        row += len(analysis.sentences)
    names = {a.id: Path(a.location).name[: 2 if path == EXAMPLE else 3] for a in articles}
    return analyses, embeddings, dedupe(articles), names


@pytest.fixture(scope="module")
def seed_story(models: Models) -> Story:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return _load(SEEDS, models)


@pytest.fixture(scope="module")
def example_story(models: Models) -> Story:
    return _load(EXAMPLE, models)


def _cite(story: Story, prefix: str) -> set[str]:
    """Who reports the sentence starting with ``prefix`` (as printed in a summary)."""
    analyses, embeddings, _, names = story
    matrix = np.vstack(embeddings)
    texts = [s.text for a in analyses for s in a.sentences]
    owners = [i for i, a in enumerate(analyses) for _ in a.sentences]
    citer = Citer(texts, owners, matrix)
    row = next(i for i, t in enumerate(texts) if t.startswith(prefix))
    text = _drop_weekdays(trim_attribution(texts[row]))
    found = citer.sources(statement(text, citer.words), matrix @ matrix[row], owners[row])
    return {names[analyses[a].article.id] for a in found}


_MISSED = pytest.mark.xfail(
    strict=True,
    reason="the evidence engine (precision first: thresholds chosen on ECB+ train) misses "
    "sources that report this short sentence inside longer ones: the figures agree (14 and "
    "17 are more than a dozen) but its cosine with them (0.36-0.49) is under same_claim 0.5; "
    "issue 16",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        # The lead fact, reported by all five.
        (
            "The United States will continue reducing its military",
            ALL_SEEDS,
        ),
        # 004 never mentions discussing the remaining forces.
        # 001: "continue reducing forces" for "troops withdraw" (similar words).
        ("Once more US troops withdraw", {"000", "001", "002", "003"}),
        ("Washington will discuss with the Iraqi government", {"000", "001", "002", "003"}),
        # No permanent bases: all five; Iraq protects the coalition: all but 004.
        # "The U.S." names "the United States" (an acronym of its capitalised run).
        ("“The United States reiterated that it does not seek", ALL_SEEDS),
        # 000: "is committed to protecting military personnel" for "renewed its commitment
        # to protect … troops" (similar words).
        ("The Iraqi government renewed its commitment", {"000", "001", "002", "003"}),
        # Two claims in one sentence; 004 reports only the first. The second claim is not
        # negated: the first clause's "does not" is not its polarity.
        ("The U.S. reiterated that it does not seek", {"000", "001", "002", "003"}),
        ("The United States also discussed providing economic advisors", {"001", "003"}),
        # 5,000 and 2,500: nobody else states both numbers.
        ("The United States has had around 5,000 troops", {"002"}),
    ],
)
def test_seed_citations(seed_story: Story, prefix: str, expected: set[str]) -> None:
    assert _cite(seed_story, prefix) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        # 14 injured: 01 and its syndicated copy 06; not 02/05 (17) nor 07 ("more than a dozen").
        ("A 60-metre section of the Korvane Harbour Bridge", {"01", "06"}),
        # 02 says "killed" (the other words carry it) and its tail's "without a road link"
        # does not negate its main clause.
        ("Two people died and 17 were injured", {"02", "05"}),
        # Two dead and "more than a dozen" injured: what 14 and 17 both say, so every
        # report of the toll reports it.
        pytest.param(
            "The collapse killed two people and injured more than a dozen",
            {"01", "02", "03", "04", "05", "06", "07"},
            marks=_MISSED,
        ),
        ("Divers reached the fallen section", {"04"}),
        # Same minister, same promise; 04 and 07 name him but report other things.
        ("Transport Minister Ilyas Varkonen, who flew in", {"01", "02", "03", "06"}),
        ("Port Ashby residents said they reported grinding", {"01", "05", "06"}),
        ("The National Roads Directorate closed one lane on September 3", {"01", "06"}),
        ("Harbour Master Lena Ostrová said the search had been made harder", {"05"}),
        ("The port handled 11.4 million tonnes", {"07"}),
    ],
)
def test_example_citations(example_story: Story, prefix: str, expected: set[str]) -> None:
    assert _cite(example_story, prefix) == expected


def _summary(story: Story, **changes: object) -> tuple[SummarySentence, ...]:
    analyses, embeddings, dupes, _ = story
    options = dataclasses.replace(SummaryOptions(), **changes)  # type: ignore[arg-type]
    return summarize(analyses, embeddings, options=options, duplicate_of=dupes)


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="the summary under the DUC-chosen knobs now keeps the commitment to protect the "
    "coalition, but says the reduction of forces twice ('will continue reducing' and "
    "'reiterated its commitment to reduce'): summary redundancy, issue 14",
)
def test_seed_summary_is_what_an_editor_wants(seed_story: Story) -> None:
    names = seed_story[3]
    summary = _summary(seed_story)
    assert sum(count_words(s.text) for s in summary) <= 120
    cited = [{names[i] for i in s.article_ids} for s in summary]
    texts = [s.text for s in summary]
    assert texts[0].startswith("The United States will continue reducing its military presence")
    assert cited[0] == ALL_SEEDS
    joined = " ".join(texts)
    assert "permanent bases" in joined and "protect" in joined
    # Said once: one sentence on reducing forces, one on permanent presence.
    assert sum("reduc" in t for t in texts) == 1
    assert sum("permanent" in t for t in texts) == 1
    assert all(standalone(t) for t in texts)
    assert all(c for c in cited)


@pytest.mark.slow
def test_example_summary_keeps_the_conflicting_figures_apart(example_story: Story) -> None:
    names = example_story[3]
    summary = _summary(example_story)
    assert sum(count_words(s.text) for s in summary) <= 120
    for sentence in summary:
        cited = {names[i] for i in sentence.article_ids}
        if "14" in numbers_of(sentence.text):
            assert not cited & {"02", "05"}
        if "17" in numbers_of(sentence.text):
            assert not cited & {"01", "03", "04", "06"}
    lead = summary[0]
    assert "injuring 14" in lead.text
    assert {names[i] for i in lead.article_ids} == {"01", "06"}
    # "The collapse killed two people and injured more than a dozen" repeats the lead.
    assert not any("more than a dozen" in s.text for s in summary)
    assert not any("that account" in s.text for s in summary)


@pytest.mark.slow
@pytest.mark.parametrize("words", [10, 30, 60, 120, 200])
def test_budget_is_a_promise(example_story: Story, words: int) -> None:
    summary = _summary(example_story, words=words)
    assert sum(count_words(s.text) for s in summary) <= words
    assert summary or words < 12


@pytest.mark.slow
def test_non_latin_story(models: Models) -> None:
    texts = [
        [
            "Мост в порту Вельморы обрушился во вторник утром, погибли два человека.",
            "Министр транспорта пообещал провести независимое расследование причин обрушения.",
        ],
        [
            "Во вторник утром в Вельморе обрушилась часть моста, два человека погибли.",
            "Паромы будут ходить каждые пятнадцать минут до восстановления движения.",
        ],
        ["韦尔莫拉港口大桥周二早上倒塌，造成两人死亡，十四人受伤，部长承诺进行独立调查。"],
    ]
    analyses, _ = _story(texts, [[[1.0]] * len(t) for t in texts])
    embeddings = [models.embedder.embed([s.text for s in a.sentences]) for a in analyses]
    summary = summarize(analyses, embeddings, options=SummaryOptions(words=40, min_words=5))
    assert summary
    assert sum(count_words(s.text) for s in summary) <= 40
    assert all(s.article_ids for s in summary)
    ids = {a.article.id for a in analyses}
    assert all(set(s.article_ids) <= ids for s in summary)


@pytest.mark.slow
def test_twenty_articles_of_mixed_events_give_a_cited_summary_within_budget(
    example_story: Story, seed_story: Story
) -> None:
    # Its speed is measured by benchmarks/brief_latency.py (timed asserts flake under load).
    analyses, embeddings = list(example_story[0]), list(example_story[1])
    for copy in range(2):  # 7 + 7 + 5 + ... reports of similar events: 19 articles
        for analysis in example_story[0]:
            article = dataclasses.replace(analysis.article, id=f"{analysis.article.id}-{copy}")
            sentences = tuple(
                dataclasses.replace(s, article_id=article.id) for s in analysis.sentences
            )
            analyses.append(ArticleAnalysis(article=article, sentences=sentences))
        embeddings += list(example_story[1])
    analyses += seed_story[0][:5]
    embeddings += seed_story[1][:5]
    summary = summarize(analyses, embeddings)
    assert summary and all(s.article_ids for s in summary)
    assert sum(count_words(s.text) for s in summary) <= SummaryOptions().words
    assert summarize(analyses, embeddings) == summary


def test_short_asides_and_fragments() -> None:
    assert drop_asides("Winds reached 180 mph (290 kph) on Monday.") == (
        "Winds reached 180 mph on Monday."
    )
    long_aside = "The party (which was founded in 1921 by a group of exiles in Paris) won."
    assert drop_asides(long_aside) == long_aside
    assert not standalone("the attacks on soldiers in Somalia in 1993.")


def test_selection_keeps_the_budget_and_cuts_last() -> None:
    texts = [
        [
            "The harbour bridge in Velmora collapsed into the water during the morning rush.",
            "Two people were killed and fourteen others were injured in the collapse of the span.",
            "The transport minister promised an independent inquiry into the bridge collapse.",
        ],
        [
            "The harbour bridge in Velmora collapsed during the morning rush, killing two people.",
            "The transport minister promised an independent inquiry into the bridge collapse.",
        ],
    ]
    vectors = [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0.2, 0], [0, 0.1, 1]]]
    analyses, embeddings = _story(texts, vectors)
    strict = summarize(analyses, embeddings, options=SummaryOptions(words=30))
    assert strict and sum(count_words(s.text) for s in strict) <= 30
    assert all(s.article_ids for s in strict)
    loose = summarize(analyses, embeddings, options=SummaryOptions(words=20, overflow=True))
    total = sum(count_words(s.text) for s in loose)
    # Whatever runs past the budget is printed last, where a 20-word cut falls.
    assert total - count_words(loose[-1].text) <= 20


# Three reports of one event. The first opens with background; the other two open with the
# rate cut, which the first also reports. The rate cut is the lead most independent sources
# report, so it opens the summary (without the rule, the summary reads in source order and
# opens with the background); no second wording of the cut joins it.
_LEAD_TEXTS = [
    [
        "Analysts in Norland expected the central bank to cut rates again before the winter, "
        "after inflation fell for a sixth month.",
        "The central bank of Norland cut its main interest rate to three percent.",
    ],
    [
        "The central bank of Norland cut its main interest rate to three percent in March.",
        "Mortgage lenders in Norland said they would pass the cut on to borrowers within weeks.",
        "Analysts in Norland expected the central bank to cut rates again before the winter.",
    ],
    [
        "Norland's central bank lowered its main interest rate to three percent this week.",
        "Mortgage lenders in Norland said they would pass the cut on to borrowers soon.",
        "Analysts in Norland expected the central bank to cut rates again before the winter.",
    ],
]
_LEAD_VECTORS = [
    [[0, 0, 1, 0.2], [1, 0, 0, 0]],
    [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]],
    [[0.9, 0, 0, 0.436], [0, 1, 0, 0.1], [0, 0, 1, 0]],
]


def test_summary_opens_with_the_lead_most_sources_report() -> None:
    analyses, embeddings = _story(_LEAD_TEXTS, _LEAD_VECTORS)
    options = SummaryOptions(words=60, min_words=5)
    summary = summarize(analyses, embeddings, options=options)
    assert summary[0].text == _LEAD_TEXTS[1][0]
    assert summary[0].article_ids == ("a0", "a1", "a2")
    # Said once: no other sentence about the rate cut itself.
    assert sum("main interest rate" in s.text for s in summary) == 1
    plain = summarize(analyses, embeddings, options=dataclasses.replace(options, lead_first=False))
    assert plain[0].text == _LEAD_TEXTS[0][0]


def test_paraphrase_penalty_keeps_two_wordings_of_one_claim_apart() -> None:
    texts = [
        ["Floodwater cut the old rail line between Arlen and Dorsey on Sunday morning."],
        ["The highway linking Arlen to Dorsey was shut by flooding over the weekend."],
        ["Schools in Arlen will stay closed until the water recedes, the council said."],
    ]
    # The two route sentences are near in meaning (cosine 0.8) but share no bigram, and their
    # words are far enough apart that the evidence engine (which now takes "closed"/"shut"
    # and "road"/"highway" for one claim) does not keep them apart itself.
    vectors = [[[1.0, 0.0, 0.0]], [[0.8, 0.6, 0.0]], [[0.0, 0.0, 1.0]]]
    analyses, embeddings = _story(texts, vectors)
    base = SummaryOptions(words=40, min_words=5, min_df=1, lead_first=False, support=0.0)
    both = summarize(analyses, embeddings, options=base)
    assert len(both) == 3  # concepts alone cannot see the paraphrase
    apart = summarize(
        analyses, embeddings, options=dataclasses.replace(base, novelty=1.0, novelty_from=0.5)
    )
    assert [s.text for s in apart].count(texts[0][0]) + [s.text for s in apart].count(
        texts[1][0]
    ) == 1
    assert texts[2][0] in [s.text for s in apart]


def test_solver_finds_the_optimum_and_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    from scipy.sparse import csc_matrix

    # Maximise x0 + 2 x1 + 3 x2 with x0 + x1 + x2 <= 2 and x0 forced in: x0 and x2.
    matrix = csc_matrix(np.ones((1, 3)))
    x = _solve_program(
        np.array([-1.0, -2.0, -3.0]),
        matrix,
        np.array([-np.inf]),
        np.array([2.0]),
        np.array([1.0, 0.0, 0.0]),
        3,
    )
    assert x is not None and [round(v) for v in x] == [1, 0, 1]
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_concept_weights_sum_the_same_in_any_order() -> None:
    # Sets iterate in another order in every process; a plain float sum of these weights
    # depends on the order (1e16 + 1 - 1e16 is 0 or 1), the summary's must not.
    weights = {("a", "b"): 1e16, ("c", "d"): 1.0, ("e", "f"): -1e16, ("g", "h"): 3.0}
    orders = itertools.permutations(weights)
    assert {_weight_of(weights, order) for order in orders} == {4.0}


def _long_story(articles: int, per_article: int) -> tuple[list[ArticleAnalysis], list[Matrix]]:
    """A long story of our own writing: sentences of 12 to 26 words, random embeddings."""
    rng = np.random.default_rng(7)
    places = ["Velmora", "Arlen", "Dorsey", "Port Ashby", "Korvane", "Istrelia"]
    things = ["ferries", "lorries", "cranes", "divers", "engineers", "barges", "pumps"]
    texts, vectors = [], []
    for a in range(articles):
        sentences = []
        for i in range(per_article):
            extra = " ".join(
                things[(a + i + k) % len(things)] for k in range(int(rng.integers(0, 15)))
            )
            sentences.append(
                f"Crews from {places[(a + i) % len(places)]} moved {10 + 3 * i + a} "
                f"{things[(a * i) % len(things)]} across the bay {extra} before the night shift."
            )
        texts.append(sentences)
        vectors.append(rng.normal(size=(per_article, 16)).tolist())
    return _story(texts, vectors)


def test_a_long_story_uses_the_budget() -> None:
    analyses, embeddings = _long_story(8, 14)
    used = {}
    for pool in (80, 10):  # a small pool: the summary is topped up past it
        for words in (100, 250, 500):
            options = SummaryOptions(words=words, pool=pool)
            summary = summarize(analyses, embeddings, options=options)
            used[pool, words] = sum(count_words(s.text) for s in summary)
    assert used == {
        (80, 100): 100,
        (80, 250): 247,
        (80, 500): 500,
        (10, 100): 95,
        (10, 250): 250,
        (10, 500): 496,
    }


# One report: a short lead, one dense 53-word sentence, two plain ones of 45 and 40 words.
# The densest choice (lead + the dense one) leaves 34 of 100 words unused; the floor
# (``fill``) takes the lead and the two plain ones instead: 98 words.
_RESCUERS = [
    "divers",
    "engineers",
    "cranes",
    "barges",
    "pumps",
    "ferries",
    "lorries",
    "tugs",
    "pilots",
    "surveyors",
    "welders",
    "riggers",
    "medics",
    "firefighters",
    "volunteers",
    "inspectors",
    "mayors",
    "councillors",
    "ministers",
    "drivers",
    "cyclists",
    "walkers",
    "fishermen",
    "traders",
]
_KNAPSACK = [
    "The harbour bridge in Velmora collapsed into the bay during the morning rush.",
    "Rescue teams sent " + " and ".join(_RESCUERS) + " to the bridge.",
    "Crews from Arlen " + " ".join(["worked on the east span"] * 8) + " until dawn.",
    "Boats from Dorsey " + " ".join(["searched the cold grey water"] * 7) + " until noon.",
]


def test_the_budget_is_used_when_the_eligible_sentences_allow_it() -> None:
    assert [count_words(t) for t in _KNAPSACK] == [13, 53, 45, 40]
    rng = np.random.default_rng(3)
    analyses, embeddings = _story([_KNAPSACK], [rng.normal(size=(4, 8)).tolist()])
    full = summarize(analyses, embeddings, options=SummaryOptions(words=100))
    assert [s.text for s in full] == [_KNAPSACK[0], _KNAPSACK[2], _KNAPSACK[3]]
    unfilled = summarize(analyses, embeddings, options=SummaryOptions(words=100, fill=0.0))
    assert [s.text for s in unfilled] == _KNAPSACK[:2]


def test_ldc_quotes_are_quotation_marks_for_citations() -> None:
    ldc = "``The port will reopen in May and ferries will run again,'' the minister said."
    curly = "“The port will reopen in May and ferries will run again,” the minister said."
    words = Words()
    assert statement(ldc, words) == statement(curly, words)
    assert trim_attribution("``Talks will resume in May,'' it said.") == (
        "``Talks will resume in May,'' it said."
    )
