"""Scores that decide: quantized before they are compared, so every machine decides alike.

Sentence vectors come out of ONNX Runtime and BLAS, whose last bits depend on the CPU (SIMD
width, summation order, libm). A rank, a cut-off or a tie decided on raw floats therefore
differs between machines: the example's golden brief once swapped two facts on a new CPU.
Every cosine that decides something goes through ``cosines``/``cosine`` (products in float64,
rounded to ``COSINE_DECIMALS``), every other score that is compared or fed to the summary's
integer program through ``quantize``; ties left by rounding break on stable keys (row
numbers, ids, text) at the call site.

Four decimals for cosines: machine noise is ~1e-7, so a cosine lands in another bucket with a
probability of about 1e-3 and only matters when that bucket is a threshold or a tie; no
threshold in the project is finer than 0.01.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["COSINE_DECIMALS", "SCORE_DECIMALS", "cosine", "cosines", "quantize"]

COSINE_DECIMALS = 4
SCORE_DECIMALS = 6

Floats = npt.NDArray[np.float64]


def cosines(left: npt.ArrayLike, right: npt.ArrayLike) -> Floats:
    """Return the rounded dot products of ``left``'s rows with ``right``'s rows (or vector).

    Args:
        left: a matrix of L2-normalised row vectors, or one vector.
        right: a matrix (the result is ``len(left) x len(right)``) or one vector.

    Example:
        >>> cosines(np.eye(2, dtype=np.float32), np.array([0.6, 0.8])).tolist()
        [0.6, 0.8]
    """
    a = np.asarray(left, dtype=np.float64)
    b = np.asarray(right, dtype=np.float64)
    product = a @ (b.T if b.ndim == 2 else b)
    out: Floats = np.round(product, COSINE_DECIMALS)
    return out


def cosine(left: npt.ArrayLike, right: npt.ArrayLike) -> float:
    """Return the rounded cosine of two L2-normalised vectors."""
    return float(cosines(left, right))


def quantize(value: float, decimals: int = SCORE_DECIMALS) -> float:
    """Round a score before it is compared (``round(x, 6)``; -0.0 becomes 0.0)."""
    return round(value, decimals) + 0.0
