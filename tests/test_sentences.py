from __future__ import annotations

from newsdesk.articles import make_article
from newsdesk.nlp import Models
from newsdesk.sentences import MAX_SENTENCES, analyze, curly_quotes


def test_sentences_keep_offsets_paragraphs_and_whole_quotations(models: Models) -> None:
    text = (
        "Tandrell spoke first.\n\n"
        '"The money was voted in 2019. The work stopped last year," Tandrell said. '
        "Crews left the site in Velmora."
    )
    article = make_article(text, location="x.txt")
    (analysis,) = analyze([article], models.nlp)
    assert [(s.paragraph, s.text) for s in analysis.sentences] == [
        (0, "Tandrell spoke first."),
        (1, '"The money was voted in 2019. The work stopped last year," Tandrell said.'),
        (1, "Crews left the site in Velmora."),
    ]
    for s in analysis.sentences:
        assert article.text[s.start : s.end] == s.text
    assert ("Velmora", "GPE") in {(m.text, m.label) for m in analysis.mentions}


def test_empty_single_and_non_latin(models: Models) -> None:
    assert analyze([], models.nlp) == []
    (empty,) = analyze([make_article("", location="e")], models.nlp)
    assert empty.sentences == ()
    (ja,) = analyze([make_article("橋が崩落した。二人が死亡した。", location="ja")], models.nlp)
    assert "".join(s.text for s in ja.sentences) == "橋が崩落した。二人が死亡した。"


def test_sentence_count_is_bounded(models: Models) -> None:
    huge = make_article(
        "\n\n".join(f"Line {i} ends here." for i in range(MAX_SENTENCES + 50)), location="h"
    )
    (analysis,) = analyze([huge], models.nlp)
    assert len(analysis.sentences) == MAX_SENTENCES


def test_a_sentence_cut_at_an_abbreviation_is_whole_again(models: Models) -> None:
    text = (
        "Guards checked the ID. of every driver at the crossing near Velmora. "
        "The line grew to two miles."
    )
    (analysis,) = analyze([make_article(text, location="x.txt")], models.nlp)
    assert [s.text for s in analysis.sentences] == [
        "Guards checked the ID. of every driver at the crossing near Velmora.",
        "The line grew to two miles.",
    ]


def test_ldc_quotes_keep_a_quotation_whole(models: Models) -> None:
    text = "``The money was voted in 2019. The work stopped last year,'' Tandrell said."
    (analysis,) = analyze([make_article(text, location="x.txt")], models.nlp)
    assert [s.text for s in analysis.sentences] == [text]
    assert curly_quotes(text) == (
        "“The money was voted in 2019. The work stopped last year,” Tandrell said."
    )


def test_a_name_that_looks_like_a_title_ends_its_sentence(models: Models) -> None:
    # "Sen." is a title before a name; after "Hun" it ends the name (the article writes
    # "Hun Sen's" elsewhere), and the full stop ends the sentence.
    text = (
        "Talks stalled over guarantees promised by strongman Hun Sen. Sam Rainsy wrote to "
        "the king on Friday. Hun Sen's party won the July vote. The panel was led by "
        "Democratic Sen. Bob Kerrey of Nebraska."
    )
    (analysis,) = analyze([make_article(text, location="x.txt")], models.nlp)
    assert [s.text for s in analysis.sentences] == [
        "Talks stalled over guarantees promised by strongman Hun Sen.",
        "Sam Rainsy wrote to the king on Friday.",
        "Hun Sen's party won the July vote.",
        "The panel was led by Democratic Sen. Bob Kerrey of Nebraska.",
    ]
    for s in analysis.sentences:
        assert analysis.article.text[s.start : s.end] == s.text


def test_a_title_after_a_lower_case_word_keeps_its_name(models: Models) -> None:
    text = (
        "The tribunal cleared Cmndr. Zejnil Delalic of responsibility for the killings at "
        "the camp. Prosecutors said they would appeal."
    )
    (analysis,) = analyze([make_article(text, location="x.txt")], models.nlp)
    assert [s.text for s in analysis.sentences] == [
        "The tribunal cleared Cmndr. Zejnil Delalic of responsibility for the killings at "
        "the camp.",
        "Prosecutors said they would appeal.",
    ]
