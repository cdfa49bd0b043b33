"""The same brief on every machine: sentence vectors that differ in their last bits (another
CPU, another BLAS) must not change a rank, a cut-off or a tie anywhere in the brief."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from _paths import EXAMPLE, GOLDEN
from newsdesk.cli.brief import brief_from_paths
from newsdesk.nlp import Embedder, Models
from newsdesk.renderers import render_json, render_markdown
from newsdesk.scores import cosine, cosines, quantize

pytestmark = pytest.mark.slow

NOISE = 1e-6


class NoisyEmbedder:
    """The real embedder plus seeded noise of at most ±1e-6 on every component.

    The noise is drawn from a generator seeded by the text, as another machine's vectors are
    a fixed function of the text: the same sentence in two reports gets the same vector.
    """

    def __init__(self, inner: Embedder, seed: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.seed = seed

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        vectors = np.asarray(self.inner.embed(texts), dtype=np.float64)
        for row, text in enumerate(texts):
            digest = hashlib.blake2b(f"{self.seed}:{text}".encode(), digest_size=8).digest()
            rng = np.random.default_rng(int.from_bytes(digest, "little"))
            vectors[row] += rng.uniform(-NOISE, NOISE, size=vectors.shape[1])
        out: npt.NDArray[np.float32] = vectors.astype(np.float32)
        return out


def _noisy(models: Models, seed: int) -> Models:
    noisy = Models()
    noisy._nlp = models.nlp
    noisy._embedder = NoisyEmbedder(models.embedder, seed)
    return noisy


def _briefs(paths: list[str], models: Models) -> tuple[str, str]:
    brief = brief_from_paths(paths, models)
    assert brief is not None
    return render_markdown(brief), render_json(brief)


@pytest.fixture(scope="module")
def example_briefs(models: Models) -> tuple[str, str]:
    return _briefs([str(EXAMPLE)], models)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_example_brief_is_byte_identical_under_embedding_noise(
    models: Models, seed: int, example_briefs: tuple[str, str]
) -> None:
    # The golden test (test_briefs.py) pins the noise-free brief byte for byte.
    assert _briefs([str(EXAMPLE)], _noisy(models, seed)) == example_briefs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_seed_brief_is_byte_identical_under_embedding_noise(
    seeds: Path, models: Models, seed: int
) -> None:
    assert _briefs([str(seeds)], _noisy(models, seed)) == _briefs([str(seeds)], models)


def test_seed_brief_golden(
    seeds: Path, models: Models, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seeds' brief, pinned by digest (the seeds' text stays out of the repository).

    Briefed from the seeds' parent folder, so the sources' locations read ``seeds/…`` on any
    machine wherever the shared data is mounted.
    """
    monkeypatch.chdir(seeds.parent)
    markdown, json = _briefs([seeds.name], models)
    digest = "\n".join(
        f"{name} {hashlib.sha256(text.encode()).hexdigest()}"
        for name, text in (("md", markdown), ("json", json))
    )
    golden = GOLDEN / "seeds.sha256"
    if update_golden:
        golden.write_text(digest + "\n", encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == digest + "\n"


def test_scores_are_quantized() -> None:
    a = np.array([[0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    assert cosines(a, a).tolist() == [[1.0, 0.6], [0.6, 1.0]]
    assert cosine(a[0], a[1] + 1e-7) == 0.6
    assert quantize(0.1 + 0.2) == 0.3
    assert str(quantize(-1e-9)) == "0.0"
