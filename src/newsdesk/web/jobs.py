"""The server's heavy work (ingest, briefs, sentence splits) on one worker, with deadlines.

Requests never run the models themselves: they hand a job to ``Jobs`` and wait for it off
the event loop, so ``/api/health`` and cached pages answer while a costly article is
analysed. There is one worker thread (the 2-core machines this serves on gain nothing from
more, and it keeps the pipelines' thread-safety out of the question), a bounded queue
(``JobsBusy`` past it: the request gets 429), and a deadline per job counted from when it
starts: the job sees the models through a view that checks the clock before every model
call (each is bounded: the tokenizer cuts texts at 20,000 tokens) and at each
``Models.checkpoint`` (ingest's batches, which call no model), and a job past its
deadline stops there with ``JobTimeout``. Its store writes are transactions, so a stopped
ingest leaves the store as a kill would: whole batches or nothing.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, cast

from ..errors import NewsdeskError
from ..nlp import Models

__all__ = ["JOB_DEADLINE", "MAX_WAITING", "Jobs", "JobTimeout", "JobsBusy"]

#: Seconds a job may run. The costliest single input we know (a 200,000-emoji article, at
#: the API's character cap) briefs in ~14 s on the 2-core machine; twice that is generous.
JOB_DEADLINE = 30.0
#: Jobs waiting for the worker beyond the running one; more get 429 at once.
MAX_WAITING = 32


class JobTimeout(NewsdeskError):
    """A job ran past its deadline and was stopped."""


class JobsBusy(NewsdeskError):
    """The queue of jobs is full."""


class _Clock:
    """A job's deadline; ``check`` raises once it has passed or the worker is stopping."""

    def __init__(self, what: str, seconds: float, stopping: threading.Event) -> None:
        self.what = what
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.stopping = stopping

    def check(self) -> None:
        if self.stopping.is_set():
            raise JobTimeout(f"{self.what}: stopped, the server is shutting down")
        if time.monotonic() > self.ends:
            raise JobTimeout(
                f"{self.what} took longer than {self.seconds:g} s and was cancelled "
                "(split a very long article into smaller ones)"
            )


class _Checked:
    """A model (spaCy pipeline, embedder) whose every call checks the job's clock first;
    ``pipe`` checks it before each document. Attributes pass through."""

    def __init__(self, target: Any, clock: _Clock) -> None:
        self._target = target
        self._clock = clock

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._clock.check()
        return self._target(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name.startswith("_") or not (inspect.ismethod(value) or inspect.isbuiltin(value)):
            return value  # data and sub-objects (the tokenizer, the vocabulary) as they are
        if name == "pipe":
            return self._pipe
        clock = self._clock

        def checked(*args: Any, **kwargs: Any) -> Any:
            clock.check()
            return value(*args, **kwargs)

        return checked

    def _pipe(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self._clock.check()
        for doc in self._target.pipe(*args, **kwargs):
            yield doc
            self._clock.check()


class _DeadlineModels:
    """``Models`` as a job sees them: the same loaded parts, each call on the job's clock."""

    def __init__(self, models: Models, clock: _Clock) -> None:
        self._models = models
        self._clock = clock

    def _loaded(self, name: str) -> Any:
        # Loading a model on first use (seconds, once per server) is not charged to the job.
        started = time.monotonic()
        part = getattr(self._models, name)
        self._clock.ends += time.monotonic() - started
        return _Checked(part, self._clock)

    @property
    def nlp(self) -> Any:
        return self._loaded("nlp")

    @property
    def embedder(self) -> Any:
        return self._loaded("embedder")

    @property
    def story_embedder(self) -> Any:
        return self._loaded("story_embedder")

    def checkpoint(self) -> None:
        self._clock.check()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._models, name)


class Jobs:
    """One worker thread for heavy jobs, a bounded queue, a deadline per job.

    Example:
        >>> jobs = Jobs(Models(embedder_name="hashing"), deadline=5.0)
        >>> jobs.submit("two", lambda models: 1 + 1).result()
        2
        >>> jobs.shutdown()
    """

    def __init__(
        self, models: Models, *, deadline: float = JOB_DEADLINE, max_waiting: int = MAX_WAITING
    ) -> None:
        if deadline <= 0 or max_waiting < 0:
            raise ValueError("deadline must be > 0 and max_waiting >= 0")
        self.models = models
        self.deadline = deadline
        self.max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-job")
        self._lock = threading.Lock()
        self._keyed: dict[str, Future[Any]] = {}
        self._queued = 0  # submitted and not yet finished (the running one included)
        self._stopping = threading.Event()

    def submit(
        self, what: str, job: Callable[[Models], Any], *, key: str | None = None
    ) -> Future[Any]:
        """Queue ``job`` (called with the models on its clock); return its future.

        Args:
            what: what the job does, for the timeout message ("the brief of st-1").
            job: the work; it gets the models through the deadline view.
            key: jobs with the same key share one run (twenty readers of a story being
                rebuilt start one build); None runs every job.

        Raises:
            JobsBusy: ``max_waiting`` jobs are already waiting.
        """
        with self._lock:
            if key is not None and key in self._keyed:
                return self._keyed[key]
            if self._queued > self.max_waiting:
                n = self._queued
                raise JobsBusy(
                    f"the server is busy ({n} job{'' if n == 1 else 's'} queued); retry shortly"
                )
            self._queued += 1
            future = self._pool.submit(self._run, what, job)
            if key is not None:
                self._keyed[key] = future
        future.add_done_callback(lambda f: self._done(key, f))
        return future

    def running(self, key: str) -> bool:
        """Return True while a job for ``key`` is queued or running."""
        with self._lock:
            return key in self._keyed

    def _run(self, what: str, job: Callable[[Models], Any]) -> Any:
        clock = _Clock(what, self.deadline, self._stopping)
        clock.check()
        return job(cast(Models, _DeadlineModels(self.models, clock)))

    def _done(self, key: str | None, future: Future[Any]) -> None:
        with self._lock:
            self._queued -= 1
            if key is not None and self._keyed.get(key) is future:
                del self._keyed[key]

    def shutdown(self) -> None:
        """Stop: queued jobs are cancelled and the running one stops at its next model call."""
        self._stopping.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
