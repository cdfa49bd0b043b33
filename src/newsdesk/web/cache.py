"""Caches the web server owns: rendered story pages by story version, split articles by id.

Both live on the app (never at module level) and are bounded LRUs. A story page is keyed by
the story's version (``Store.story_version``), which changes whenever the story's members
change, so a cached page is never stale for its version; the newest page of each story is
also kept so a reader can be served it while the next version is being built.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["LRU", "RenderedStory", "SingleFlight"]

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


class SingleFlight(Generic[V]):
    """Run at most one job per key at a time on a small pool; callers of a running key share it.

    Twenty readers opening a story whose brief is being rebuilt must not start twenty builds.
    """

    def __init__(self, workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsdesk-web")
        self._running: dict[str, Future[V]] = {}
        self._lock = threading.Lock()

    def submit(self, key: str, job: Callable[[], V]) -> Future[V]:
        """Start ``job`` for ``key`` unless one is already running; return its future."""
        with self._lock:
            future = self._running.get(key)
            if future is not None:
                return future
            future = self._pool.submit(job)
            self._running[key] = future
        future.add_done_callback(lambda _f: self._forget(key, future))
        return future

    def running(self, key: str) -> bool:
        """Return True while a job for ``key`` is queued or running."""
        with self._lock:
            return key in self._running

    def _forget(self, key: str, future: Future[V]) -> None:
        with self._lock:
            if self._running.get(key) is future:
                del self._running[key]

    def shutdown(self) -> None:
        """Stop taking jobs and wait for the running ones."""
        self._pool.shutdown(wait=True, cancel_futures=True)
