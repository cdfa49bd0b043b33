"""How common a word is in English: wordfreq's Zipf frequency, without wordfreq's import.

``entities`` (is a one-word name among the commonest English words?) and ``stories`` (how
rare is a shared word or name?) ask wordfreq's ``zipf_frequency`` for thousands of plain
words per brief. Importing wordfreq (its tokenizer: regex, langcodes, ftfy, ~0.19 s CPU)
and building its English dictionary in a Python loop (~0.16 s) were ~8% of a cold brief.
A plain lower-case word (``[a-z]+``, or Latin-1 letters) is its own single token in
wordfreq's English tokenizer, so its Zipf frequency is the centibel bucket of its
wordlist entry, converted by the same float expressions wordfreq uses: ``zipf`` reads
wordfreq's own data file for those words and hands every other word (digits, apostrophes,
other scripts, other languages) to wordfreq itself. ``tests/test_frequencies.py`` checks
the two agree on every entry of the English wordlist.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["zipf"]

# A token wordfreq's English tokenizer keeps whole: lower-case Latin-1 letters (without ß,
# which case-folds to "ss", and ÷), joined by single apostrophes or dots; a final dot is
# dropped ("u.s." is "u.s"). Hyphens separate tokens. A token that starts with one or two
# letters and an apostrophe may be split there (French elision: "l'homme"): those go to
# wordfreq.
_LETTERS = r"[a-z\u00e0-\u00f6\u00f8-\u00ff]+"
_TOKEN = rf"{_LETTERS}(?:['\u2019.]{_LETTERS})*\.?"
_WORD = re.compile(rf"{_TOKEN}(?:-{_TOKEN})*")
_ELISION = re.compile(r"\w\w?['\u2019]")


@lru_cache(maxsize=1)
def _english() -> tuple[dict[str, int], tuple[float, ...]]:
    """wordfreq's large English wordlist: word -> bucket, and each bucket's frequency."""
    import msgpack  # type: ignore[import-untyped]

    # Found without importing wordfreq (``importlib.resources.files`` would import it).
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed: pip install wordfreq")
    folder = Path(next(iter(spec.submodule_search_locations)))
    data = (folder / "data" / "large_en.msgpack.gz").read_bytes()
    pack = msgpack.unpackb(gzip.decompress(data), raw=False)
    header, buckets = pack[0], pack[1:]
    if header != {"format": "cB", "version": 1}:
        raise ValueError(f"unexpected wordfreq wordlist header {header!r}")
    index: dict[str, int] = {}
    for i, bucket in enumerate(buckets):  # a word listed twice keeps its last bucket, as in
        index.update(dict.fromkeys(bucket, i))  # wordfreq's get_frequency_dict
    return index, tuple(10 ** (-i / 100) for i in range(len(buckets)))  # cB_to_freq


def _combined(freqs: list[float]) -> float:
    """``zipf_frequency`` of a word whose tokens have these frequencies: wordfreq's arithmetic."""
    one_over_result = 0.0
    for freq in freqs:
        one_over_result += 1.0 / freq
    unrounded = max(1.0 / one_over_result, _MINIMUM)
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    return _zipf_of(round(unrounded, leading_zeroes + 3))


def _zipf_of(freq: float) -> float:
    return round(math.log(freq, 10) + 9, 2)  # freq_to_zipf, rounded as zipf_frequency does


_MINIMUM = 10**0.0 / 1e9  # zipf_to_freq(0.0): zipf_frequency's default minimum


def zipf(word: str, language: str = "en") -> float:
    """Return wordfreq's ``zipf_frequency(word, language)``.

    Raises:
        LookupError: wordfreq has no wordlist for ``language``.

    Example:
        >>> zipf("the"), zipf("bridge"), zipf("zzzqqq")
        (7.73, 4.77, 0.0)
    """
    if language == "en" and _WORD.fullmatch(word):
        tokens = [t.removesuffix(".") for t in word.replace("\u2019", "'").split("-")]
        if not any(_ELISION.match(token) for token in tokens):
            index, freqs = _english()
            buckets = [index.get(token) for token in tokens]
            if None in buckets:  # any token unknown: the minimum
                return _zipf_of(_MINIMUM)
            return _combined([freqs[b] for b in buckets if b is not None])
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, language))
