from __future__ import annotations

import pytest

from _stories import article, embed_all
from newsdesk.conflicts.clauses import clash, clauses, may_clash, opposition, residual_overlap
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


# --- Aligned clauses: polarity scoped to one predicate of the parse -----------------------


def parse_clauses(models, text: str):
    nlp = models.nlp
    (doc,) = nlp.pipe([text], disable=["ner"])
    return clauses(nlp.get_pipe("lemmatizer")(doc))


def clause_cue(models, a: str, b: str) -> str | None:
    found = clash(parse_clauses(models, a), parse_clauses(models, b))
    return None if found is None else found[0]


def test_clauses_read_verb_participants_and_scoped_polarity(models):
    (said, seek) = parse_clauses(
        models, "Velmora said it does not seek permanent bases in Korvana."
    )
    assert (said.verb, said.negated) == ("say", False)
    # The pronoun of a reported clause is its speaker; the negation is the clause's own.
    assert (seek.verb, seek.negated, seek.agent, seek.speaker) == (
        "seek",
        True,
        frozenset({"velmora"}),
        frozenset({"velmora"}),
    )
    (approved,) = parse_clauses(models, "The harbour levy was not approved by the council.")
    # Passive: the "by" phrase is the agent, the subject the patient.
    assert approved.agent == frozenset({"council"})
    assert "levy" in approved.patient and approved.negated
    (stepped,) = parse_clauses(models, "Mr. Orlan Vesk stepped down as chairman in March.")
    assert stepped.verb == "step down" and stepped.agent == frozenset({"orlan", "vesk"})
    assert parse_clauses(models, "") == ()


@pytest.mark.parametrize(
    ("a", "b", "cue"),
    [
        # An implicit negator: "refused to extend" denies "extended".
        (
            "The Korvana ministry refused to extend the night curfew in the capital.",
            "The Korvana ministry extended the night curfew in the capital.",
            "negation",
        ),
        # "no" on the object negates the predicate.
        (
            "Velmora seeks no permanent military bases in Korvana.",
            "Velmora is seeking permanent military bases in Korvana.",
            "negation",
        ),
        # Passive against active: same agent, same patient.
        (
            "The new harbour levy was not approved by the Korvana city council.",
            "The Korvana city council approved the new harbour levy.",
            "negation",
        ),
        # A copula negated on its complement.
        (
            "The ceasefire agreement signed in Ardent is not binding.",
            "The ceasefire agreement signed in Ardent is binding.",
            "negation",
        ),
        # A denied complement against its assertion.
        (
            "The ministry denied that the ferry route to Ostra will close in May.",
            "The ferry route to Ostra will close in May, the ministry said.",
            "negation",
        ),
        # A pronoun under "denied" is its subject: the denier.
        (
            "Ostra denied it is sheltering the rebel commanders.",
            "Ostra is sheltering the rebel commanders.",
            "negation",
        ),
        # Denying the plain object denies the qualified one.
        (
            "Harbour master Lena Ostrova has no debts with the port authority.",
            "Harbour master Lena Ostrova has serious debts with the port authority.",
            "negation",
        ),
        # Opposing verbs of one relation on the same participants.
        (
            "The Korvana city council rejected the new harbour levy.",
            "The new harbour levy was approved by the Korvana city council.",
            "antonym:reject/accept",
        ),
    ],
)
def test_clause_rules_find_the_clash(models, a, b, cue):
    assert clause_cue(models, a, b) == cue
    assert clause_cue(models, b, a) == cue
    # Every pair here scores above ``same_clause``: the brief shows the conflict.
    assert [c.kind for c in conflicts(models, a, b)] == ["statement"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # The negation sits on another clause (a relative clause about the mayor).
        (
            "The mayor, who did not attend the vote, said the northern port will reopen to cargo ships on Monday.",
            "The mayor said the northern port will reopen to cargo ships on Monday.",
        ),
        # Silence about a claim is not its denial.
        (
            "Harbour officials did not say when the northern port will reopen to cargo ships.",
            "Harbour officials said the northern port will reopen to cargo ships.",
        ),
        # Two different speakers: two claims, each reported faithfully.
        (
            "The Korvana navy said the strait will reopen to tankers on Monday.",
            "The Velmora navy said the strait will not reopen to tankers on Monday.",
        ),
        # Different years: different acts.
        (
            "The city council did not approve the harbour levy in 2030.",
            "The city council approved the harbour levy in 2031.",
        ),
        # Past against future: a change, not a contradiction.
        (
            "The northern port reopened to cargo ships on Monday.",
            "The northern port will not reopen to cargo ships.",
        ),
        # A condition, a time bound and a modal assert nothing plain.
        (
            "If the talks fail, the northern port will not reopen to cargo ships.",
            "The northern port will reopen to cargo ships.",
        ),
        (
            "The northern port will not reopen to cargo ships until May.",
            "The northern port will reopen to cargo ships.",
        ),
        (
            "The northern port may not reopen to cargo ships on Monday.",
            "The northern port will reopen to cargo ships on Monday.",
        ),
        # Swapped roles.
        (
            "Velmoran jets attacked Korvana border posts on Sunday.",
            "Korvana border posts did not attack Velmoran jets on Sunday.",
        ),
        # Different objects of one verb.
        (
            "The Korvana city council approved the new harbour levy.",
            "The Korvana city council did not approve the new airport levy.",
        ),
        # A contrast between two bodies: "unlike in ..." / "while ...".
        (
            "Unlike in the upper chamber, the governor of Ostra does not hold a veto in the assembly.",
            "While the upper chamber gave the governor of Ostra a veto in the first reading, "
            "there is no veto in the assembly.",
        ),
        # The denier is not the one accused.
        (
            "Ostra denied it is sheltering the rebel commanders.",
            "The Velmora government is sheltering the rebel commanders.",
        ),
        # An unresolved pronoun aligns with nothing.
        (
            "It is not sheltering the rebel commanders.",
            "The Velmora government is sheltering the rebel commanders.",
        ),
        # What an allegation says is not what the outlet says.
        (
            "Talks aim to ease tension over allegations that Velmora is sheltering the rebel "
            "commanders.",
            "Velmora is not sheltering the rebel commanders.",
        ),
        # What someone hopes is not asserted.
        (
            "Union leaders hope the council will not approve the harbour levy.",
            "The council will approve the harbour levy.",
        ),
        # An object on one side only: two senses of the verb.
        ("The council did not meet on Friday.", "The council met the harbour traders on Friday."),
        # Restrictive quantifiers: both say the same thing.
        (
            "Prime Minister Dovan will govern only with the centre-left bloc.",
            "Prime Minister Dovan will not govern with any bloc other than the centre-left.",
        ),
        # A prepositional phrase is part of the name: two navies.
        ("The navy of Korvana did not close the strait.", "The navy of Velmora closed the strait."),
        # Denying a qualified object leaves the plain one open.
        (
            "Harbour master Lena Ostrova has no serious debts with the port authority.",
            "Harbour master Lena Ostrova has debts with the port authority.",
        ),
        # "did not deny" is no denial.
        (
            "The ministry did not deny that the ferry route to Ostra will close in May.",
            "The ferry route to Ostra will close in May.",
        ),
    ],
)
def test_clause_traps_make_no_clash(models, a, b):
    assert clause_cue(models, a, b) is None
    assert clause_cue(models, b, a) is None
    assert conflicts(models, a, b) == ()


def test_may_clash_skips_only_pairs_no_parse_could_oppose():
    assert may_clash("The port will not reopen.", "The port will reopen.")
    assert may_clash("The council refused to extend it.", "The council extended it.")
    assert may_clash("The council approved the levy.", "The council rejected the levy.")
    # Equal cues and no opposing words: restatements, not parsed.
    assert not may_clash("Velmora does not seek bases.", "Velmora said it does not seek bases.")
    assert not may_clash("The port will reopen.", "The port reopens on Monday.")
    assert not may_clash("", "")


def test_clause_clash_is_a_statement_conflict_below_the_sentence_gate(models):
    # Cosine 0.71: below ``same_statement`` (0.8), above ``same_clause``.
    (conflict,) = conflicts(
        models,
        "Velmora seeks no permanent military bases in Korvana.",
        "Velmora is seeking permanent military bases in Korvana.",
    )
    assert conflict.kind == "statement"
    # The subject is a short noun phrase; the sides answer it.
    assert conflict.subject == "Velmora seeking permanent military bases in Korvana"
    assert [(s.value, s.article_ids) for s in conflict.sides] == [
        ("yes", ("b",)),
        ("no", ("a",)),
    ]


def test_date_conflict_needs_the_same_event_predicate(models):
    # Same person, same day-precision dates, cosine 0.89, but two events.
    assert (
        conflicts(
            models,
            "Harbour master Lena Ostrova was appointed on March 3, 2031 by the city council.",
            "Harbour master Lena Ostrova was sworn in on March 5, 2031 by the city council.",
        )
        == ()
    )
    (conflict,) = conflicts(
        models,
        "Harbour master Lena Ostrova was appointed on March 3, 2031 by the city council.",
        "The city council appointed harbour master Lena Ostrova on March 5, 2031.",
    )
    assert conflict.kind == "date"


def test_statement_and_date_subjects_are_short_noun_phrases(models):
    (conflict,) = conflicts(
        models,
        "The Korvana city council approved the new harbour levy on Tuesday.",
        "The Korvana city council rejected the new harbour levy on Tuesday.",
    )
    assert conflict.subject == "Korvana city council on new harbour levy"
    (conflict,) = conflicts(
        models,
        "Harbour master Lena Ostrova was appointed on March 3, 2031 by the city council.",
        "The city council appointed harbour master Lena Ostrova on March 5, 2031.",
    )
    assert conflict.subject == "city council appointing Harbour master Lena Ostrova"


def story(models, reports):
    """Cross-check literal reports: id -> (publication date, text)."""
    arts = [article(i, text, published) for i, (published, text) in reports.items()]
    analyses = analyze(arts, models.nlp)
    return cross_check(analyses, embed_all(analyses, models), models).conflicts


def sides(conflict):
    return [(s.value, s.article_ids) for s in conflict.sides]


def test_number_conflict_needs_one_subject_at_one_time(models):
    same = {
        "a": ("2031-03-07", "Velmora has 3,000 troops stationed in Korvana, officials said."),
        "b": ("2031-03-08", "Velmora has 3,600 troops stationed in Korvana, the ministry said."),
    }
    (conflict,) = story(models, same)
    assert (conflict.kind, conflict.subject) == ("number", "Velmora troops in Korvana")
    assert sides(conflict) == [("3,000", ("a",)), ("3,600", ("b",))]


@pytest.mark.parametrize(
    "reports",
    [
        # Different times: a February figure against a June report is a change.
        {
            "a": ("2031-06-20", "Velmora had 3,000 troops in Korvana in February, officials said."),
            "b": (
                "2031-06-21",
                "Velmora has 3,600 troops stationed in Korvana, the ministry said.",
            ),
        },
        # Different subjects: Velmora's troops and Istrelia's troops.
        {
            "a": ("2031-03-07", "Velmora has 3,000 troops stationed in Korvana, officials said."),
            "b": ("2031-03-07", "Istrelia has 3,600 troops stationed in Korvana, officials said."),
        },
        # Different places.
        {
            "a": ("2031-03-07", "Velmora has 3,000 troops stationed in Korvana, officials said."),
            "b": ("2031-03-07", "Velmora has 3,600 troops stationed in Ostria, officials said."),
        },
        # Approximations a reader takes for one figure.
        {
            "a": ("2031-03-07", "Around 40 vehicles were on the Korvane bridge when it fell."),
            "b": ("2031-03-07", "Some 42 vehicles were on the Korvane bridge when it fell."),
        },
        # A part against the whole.
        {
            "a": ("2031-03-07", "All 69 sailors of the Velmoran submarine died in the fire."),
            "b": ("2031-03-07", "Forty-two of the 69 sailors of the Velmoran submarine died."),
        },
        # A bound against a point: both hold.
        {
            "a": ("2031-03-07", "More than 3,000 Velmoran troops are stationed in Korvana."),
            "b": ("2031-03-07", "Velmora has 3,600 troops stationed in Korvana, officials said."),
        },
        # A figure dated by a relative clause is not of that date: one time, same figure.
        {
            "a": (
                "2031-03-07",
                "The alliance, which was founded in 2024, has 3,000 troops in Korvana.",
            ),
            "b": ("2031-03-07", "The alliance has 3,000 troops stationed in Korvana."),
        },
    ],
)
def test_number_traps_make_no_conflict(models, reports):
    assert [c for c in story(models, reports) if c.kind == "number"] == []


def test_a_figure_of_another_time_is_shown_as_a_change(models):
    reports = {
        "a": ("2031-06-20", "Velmora had 3,000 troops in Korvana in February, officials said."),
        "b": ("2031-06-21", "Velmora has 3,600 troops stationed in Korvana, the ministry said."),
    }
    (change,) = story(models, reports)
    assert (change.kind, change.subject) == ("change", "Velmora troops in Korvana")
    assert sides(change) == [("3,000 (2031-02)", ("a",)), ("3,600 (2031-06-21)", ("b",))]


@pytest.mark.parametrize(
    ("a", "b", "subject", "names"),
    [
        (
            "Jonas Berg was appointed transport minister on Monday.",
            "Ilyas Varkonen was named transport minister on Monday.",
            "transport minister",
            [("Ilyas Varkonen", ("b",)), ("Jonas Berg", ("a",))],
        ),
        (
            "Maria Lenz won the mayoral election in Velmora.",
            "Tomas Rees won the mayoral election in Velmora.",
            "winner of mayoral election in Velmora",
            [("Maria Lenz", ("a",)), ("Tomas Rees", ("b",))],
        ),
    ],
)
def test_name_conflicts_by_role_and_by_act(models, a, b, subject, names):
    (conflict,) = conflicts(models, a, b)
    assert (conflict.kind, conflict.subject, sides(conflict)) == ("name", subject, names)


def test_name_conflict_for_one_role(models):
    reports = {
        "a": (
            "2031-03-07",
            "The Velmoran parliament appointed Ilyas Varkonen as transport minister.",
        ),
        "b": ("2031-03-07", "The Velmoran parliament appointed Jonas Berg as transport minister."),
    }
    (conflict,) = story(models, reports)
    assert (conflict.kind, conflict.subject) == ("name", "transport minister")
    assert sides(conflict) == [("Ilyas Varkonen", ("a",)), ("Jonas Berg", ("b",))]


@pytest.mark.parametrize(
    "reports",
    [
        # Both names in one report: the other side is not denied.
        {
            "a": (
                "2031-03-07",
                "The Velmoran parliament appointed Ilyas Varkonen as transport minister, "
                "not Jonas Berg.",
            ),
            "b": (
                "2031-03-07",
                "The Velmoran parliament appointed Jonas Berg as transport minister.",
            ),
        },
        # Two roles.
        {
            "a": (
                "2031-03-07",
                "The Velmoran parliament appointed Ilyas Varkonen as transport minister.",
            ),
            "b": (
                "2031-03-07",
                "The Velmoran parliament appointed Jonas Berg as finance minister.",
            ),
        },
        # Many may condemn one attack.
        {
            "a": ("2031-03-07", "Ilyas Varkonen condemned the attack on the Korvane bridge."),
            "b": ("2031-03-07", "Jonas Berg condemned the attack on the Korvane bridge."),
        },
    ],
)
def test_name_traps_make_no_conflict(models, reports):
    assert [c for c in story(models, reports) if c.kind == "name"] == []


def test_renderers_show_conflicts_and_changes_alike():
    from newsdesk.models import (
        Brief,
        BriefSource,
        Conflict,
        ConflictSide,
        Evidence,
        StoryInfo,
        SummarySentence,
    )
    from newsdesk.renderers import render_html, render_markdown

    def side(value, article_id, sentence):
        return ConflictSide(value, (article_id,), (Evidence(article_id, sentence),))

    brief = Brief(
        story=StoryInfo("s1", "Troops", "2031-02-01", "2031-06-21", 2),
        sources=(
            BriefSource("S1", "a", "a.txt", published="2031-06-20"),
            BriefSource("S2", "b", "b.txt", published="2031-06-21"),
        ),
        summary=(SummarySentence("Velmora keeps troops in Korvana.", ("a", "b")),),
        conflicts=(
            Conflict(
                "Velmora troops in Korvana",
                "change",
                (
                    side("3,000 (2031-02)", "a", "Velmora had 3,000 troops in February."),
                    side("3,600 (2031-06-21)", "b", "Velmora has 3,600 troops."),
                ),
            ),
            Conflict(
                "people injured",
                "number",
                (side("14", "a", "14 were injured."), side("17", "b", "17 were injured.")),
            ),
        ),
    )
    markdown = render_markdown(brief)
    assert (
        "- Velmora troops in Korvana (change): **3,000 (2031-02)** [S1]; **3,600 (2031-06-21)** [S2]"
        in markdown
    )
    assert "- people injured (number): **14** [S1]; **17** [S2]" in markdown
    html = render_html(brief)
    for text in (
        "Velmora troops in Korvana",
        "(change)",
        "3,000 (2031-02)",
        "people injured",
        "(number)",
    ):
        assert text in html
    from newsdesk.web.pages import story_view

    page = story_view(brief, {}, version="1", n_articles=2)
    assert [
        (c["subject"], c["kind"], [s["value"] for s in c["sides"]]) for c in page["conflicts"]
    ] == [
        ("Velmora troops in Korvana", "change", ["3,000 (2031-02)", "3,600 (2031-06-21)"]),
        ("people injured", "number", ["14", "17"]),
    ]
