"""How the commands talk to a terminal: counts with the right plural, one wording for a
skipped input, one-line snippets, and Markdown rendered by rich on a TTY (left as Markdown
when piped or written to a file)."""

from __future__ import annotations

import re
import sys
from typing import TextIO

__all__ = ["one_line", "plural", "skipped", "write_markdown"]

_SPACE = re.compile(r"\s+")


def plural(n: int, word: str, many: str | None = None) -> str:
    """Return "1 source", "2 sources", "1 copy" / "3 copies" (pass ``many`` when irregular).

    Example:
        >>> plural(1, "input"), plural(2, "story", "stories")
        ('1 input', '2 stories')
    """
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def skipped(location: str, reason: str) -> str:
    """The one line every command prints for an input it could not read."""
    return f"newsdesk: skipped {location}: {reason}"


def one_line(text: str) -> str:
    """Collapse newlines and runs of spaces, so a snippet stays on one line."""
    return _SPACE.sub(" ", text).strip()


def write_markdown(text: str, stream: TextIO | None = None) -> None:
    """Write Markdown: rendered for the terminal when ``stream`` is one, else verbatim."""
    out = stream or sys.stdout
    if not out.isatty():
        out.write(text)
        out.flush()
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console(file=out, soft_wrap=False).print(Markdown(text, hyperlinks=False))
