"""Caches the web server owns: rendered story pages by story version, split articles by id.

Both live on the app (never at module level) and are bounded LRUs. A story page is keyed by
the story's version (``Store.story_version``), which changes whenever the story's members
change, so a cached page is never stale for its version; the newest page of each story is
also kept so a reader can be served it while the next version is being built.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["LRU", "RenderedStory"]

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A thread-safe least-recently-used map holding at most ``size`` entries (0 = off)."""

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("cache size must be >= 0")
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """Return the value under ``key`` (marking it recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Store ``value`` under ``key``, evicting the least recently used beyond the size."""
        if self.size == 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


@dataclass(frozen=True)
class RenderedStory:
    """A story page rendered for one version, ready to send.

    ``fragment`` is the live-updatable body, ``page`` the whole page, and ``stale_page`` the
    whole page with a note that a newer version is being built (served meanwhile).
    """

    story_id: str
    version: str
    fragment: bytes
    page: bytes
    stale_page: bytes
    n_articles: int
