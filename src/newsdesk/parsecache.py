"""The spaCy pipeline behind one cache: a text is parsed once, whichever stage asks for it.

Sentences, quotes, facts and conflicts parse overlapping texts (a one-sentence paragraph is
all of them), the last two with NER off. Parses are kept by text (least recently used out)
and handed out as copies, so a stage that annotates its doc (the clause lemmatizer) changes
nobody else's. The two settings serve each other exactly: a parse without NER is a full
parse with its entities unset ("missing", as if NER never ran), and a full parse is a parse
without NER followed by the NER component, which runs on its own token vectors (it does not
listen to the shared ``tok2vec``). A long-running process (``serve``, ``watch``) re-briefing
a story parses only its new reports.
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
        self._docs: OrderedDict[tuple[str, bool], Any] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)

    def __call__(self, text: str, *, disable: Iterable[str] = ()) -> Any:
        return next(self.pipe([text], disable=disable))

    def pipe(
        self,
        texts: Iterable[str],
        *,
        disable: Iterable[str] = (),
        batch_size: int = 64,
        **other: Any,
    ) -> Iterator[Any]:
        off = frozenset(disable) & frozenset(self._nlp.pipe_names)
        if other or not off <= {"ner"}:  # settings the cache does not know: parse as asked
            yield from self._nlp.pipe(texts, disable=list(off), batch_size=batch_size, **other)
            return
        with_ner = "ner" not in off
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) == self.chunk:
                yield from self._parse(batch, with_ner, batch_size)
                batch = []
        if batch:
            yield from self._parse(batch, with_ner, batch_size)

    def _parse(self, texts: list[str], with_ner: bool, batch_size: int) -> list[Any]:
        with self._lock:
            docs = self._docs
            missing = [
                t for t in dict.fromkeys(texts) if (t, True) not in docs and (t, False) not in docs
            ]
            off = [] if with_ner else ["ner"]
            parsed = dict(
                zip(
                    missing,
                    self._nlp.pipe(missing, disable=off, batch_size=batch_size),
                    strict=True,
                )
            )
            out = [self._get(text, with_ner, parsed) for text in texts]
            for text, doc in parsed.items():
                docs[(text, with_ner)] = doc
            while len(docs) > self.size:
                docs.popitem(last=False)
            return out

    def _get(self, text: str, with_ner: bool, parsed: dict[str, Any]) -> Any:
        doc = parsed.get(text)
        if doc is None:
            doc = self._docs.get((text, with_ner))
        if doc is not None:
            self._docs.pop((text, with_ner), None)
            if text not in parsed:
                self._docs[(text, with_ner)] = doc
            return doc.copy()
        other = self._docs[(text, not with_ner)].copy()
        if with_ner:
            other = self._nlp.get_pipe("ner")(other)
        else:
            other.set_ents([], default="missing")
        self._docs[(text, with_ner)] = other
        return other.copy()
