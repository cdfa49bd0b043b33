"""The spaCy pipeline behind one cache: a text is parsed once, whichever stage asks for it.

Sentences, quotes, facts and conflicts parse overlapping texts (a one-sentence paragraph is
all of them), the last two with NER off. Parses are kept by text and tokens (``analyze``
hands over Docs it tokenized and cut itself), least recently used out, and handed out as
copies, so a stage that annotates its doc (the clause lemmatizer) changes nobody else's.
The two settings serve each other exactly: a parse without NER is a full parse with its
entities unset ("missing", as if NER never ran), and a full parse is a parse without NER
followed by the NER component, which runs on its own token vectors (it does not listen to
the shared ``tok2vec``). A long-running process (``serve``, ``watch``) re-briefing a story
parses only its new reports.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any


class CachedPipeline:
    """``nlp.pipe`` and ``nlp(text)`` through a cache of parses; everything else is ``nlp``'s."""

    #: Parses kept (a news sentence's parse is a few KB; a paragraph's some tens).
    size = 2_048
    #: Texts parsed per spaCy call (bounds the docs held at once for a long stream).
    chunk = 256

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self._docs: OrderedDict[tuple[_Key, bool], Any] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)

    def __call__(self, text: str | Any, *, disable: Iterable[str] = ()) -> Any:
        return next(self.pipe([text], disable=disable))

    def pipe(
        self,
        texts: Iterable[str | Any],
        *,
        disable: Iterable[str] = (),
        batch_size: int = 64,
        **other: Any,
    ) -> Iterator[Any]:
        """Parses of ``texts`` (strings, or Docs fresh from ``make_doc``), in order."""
        off = frozenset(disable) & frozenset(self._nlp.pipe_names)
        if other or not off <= {"ner"}:  # settings the cache does not know: parse as asked
            yield from self._nlp.pipe(texts, disable=list(off), batch_size=batch_size, **other)
            return
        with_ner = "ner" not in off
        batch: list[str | Any] = []
        for text in texts:
            batch.append(text)
            if len(batch) == self.chunk:
                yield from self._parse(batch, with_ner, batch_size)
                batch = []
        if batch:
            yield from self._parse(batch, with_ner, batch_size)

    def _parse(self, inputs: list[str | Any], with_ner: bool, batch_size: int) -> list[Any]:
        off = [] if with_ner else ["ner"]
        made = [self._nlp.make_doc(x) if isinstance(x, str) else x for x in inputs]
        if any(_annotated(doc) for doc in made):  # a caller's own annotations: not ours to share
            return list(self._nlp.pipe(made, disable=off, batch_size=batch_size))
        keys = [_key(doc) for doc in made]
        with self._lock:
            docs = self._docs
            missing: dict[_Key, Any] = {}
            for key, doc in zip(keys, made, strict=True):
                if (key, True) not in docs and (key, False) not in docs:
                    missing.setdefault(key, doc)
            parsed = dict(
                zip(
                    missing,
                    self._nlp.pipe(list(missing.values()), disable=off, batch_size=batch_size),
                    strict=True,
                )
            )
            out = [self._get(key, with_ner, parsed) for key in keys]
            for key, doc in parsed.items():
                docs[(key, with_ner)] = doc
            while len(docs) > self.size:
                docs.popitem(last=False)
            return out

    def _get(self, key: _Key, with_ner: bool, parsed: dict[_Key, Any]) -> Any:
        doc = parsed.get(key)
        if doc is None:
            doc = self._docs.pop((key, with_ner), None)
            if doc is not None:
                self._docs[(key, with_ner)] = doc  # most recently used
        if doc is not None:
            return doc.copy()
        other = self._docs[(key, not with_ner)].copy()
        if with_ner:
            other = self._nlp.get_pipe("ner")(other)
        else:
            other.set_ents([], default="missing")
        self._docs[(key, with_ner)] = other
        return other.copy()


#: A text and where its tokens start and end: two Docs with equal keys parse alike.
_Key = tuple[str, tuple[tuple[int, int], ...]]


def _key(doc: Any) -> _Key:
    return doc.text, tuple((token.idx, len(token)) for token in doc)


def _annotated(doc: Any) -> bool:
    return bool(doc.user_data) or any(
        doc.has_annotation(attr) for attr in ("TAG", "POS", "DEP", "SENT_START", "ENT_IOB")
    )
