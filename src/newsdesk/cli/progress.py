"""Progress on stderr for long commands (ingest, watch, batch, eval): counts and a rate.

Drawn with rich only when stderr is a terminal; silent otherwise (pipes, logs, tests), so
nothing but the command's own output reaches a file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

__all__ = ["Counter", "counting"]


class Counter(Protocol):
    """What a command calls as it works: ``advance`` by done items, ``note`` the stage."""

    def advance(self, n: int = 1) -> None: ...

    def note(self, text: str) -> None: ...


class _Silent:
    def advance(self, n: int = 1) -> None:
        pass

    def note(self, text: str) -> None:
        pass


class _Rich:
    def __init__(self, progress: object, task: object) -> None:
        self._progress = progress
        self._task = task

    def advance(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)  # type: ignore[attr-defined]

    def note(self, text: str) -> None:
        self._progress.update(self._task, description=text)  # type: ignore[attr-defined]


@contextmanager
def counting(
    label: str,
    *,
    unit: str = "items",
    total: int | None = None,
    stream: TextIO | None = None,
    redirect: bool = True,
) -> Iterator[Counter]:
    """Show ``label``, items done (of ``total`` when known) and items per second on stderr.

    With ``redirect`` the command's own lines on stdout/stderr print above the bar; without,
    they go where they would have gone (``batch`` sends fd 2 to the Ray log).

    Example:
        >>> with counting("ingest", unit="articles") as progress:  # silent: not a terminal
        ...     progress.advance(3)
    """
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.1f}/s" if speed else "–/s")

    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn() if total else TextColumn(""),
        MofNCompleteColumn() if total else TextColumn("{task.completed:,.0f}"),
        TextColumn(unit),
        RateColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(
        *columns,
        console=Console(file=out),
        transient=False,
        redirect_stdout=redirect,
        redirect_stderr=redirect,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield _Rich(progress, task)
