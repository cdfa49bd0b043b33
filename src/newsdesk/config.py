"""Effective options: defaults in code < a TOML file < environment variables < CLI flags.

This module is imported by ``newsdesk --help`` and must stay light (standard library only):
it also holds the names the CLI offers as choices (embedders, output formats) so that the
parser can be built without loading numpy, the models or the renderers. Tests check that the
names match the registries they stand for (``nlp.EMBEDDERS``, ``renderers.FORMATS``).

A TOML file sets any of the fields of ``Options`` at the top level::

    words = 150
    embedder = "minilm"
    db = "~/news.db"

Environment variables: ``NEWSDESK_WORDS``, ``NEWSDESK_EMBEDDER``, ``NEWSDESK_DB``;
``NEWSDESK_CONFIG`` names the TOML file when ``--config`` does not.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["EMBEDDER_NAMES", "FORMAT_NAMES", "MIN_POLL_INTERVAL", "Options", "load_options"]

#: Names of ``nlp.EMBEDDERS``.
EMBEDDER_NAMES = ("hashing", "minilm", "minilm-torch")
#: Names of ``renderers.FORMATS``.
FORMAT_NAMES = ("html", "json", "markdown")
#: No feed is polled more often than this many seconds (``watch``).
MIN_POLL_INTERVAL = 60.0


@dataclass(frozen=True)
class Options:
    """What the pipeline (``newsdesk.brief``) and the commands that store take from config.

    Attributes:
        words: the summary's word budget (at least 10).
        embedder: the sentence embedder, one of ``EMBEDDER_NAMES``.
        db: the store's path; None for the default (``store.default_db_path``).
    """

    words: int = 120
    embedder: str = "minilm"
    db: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.words, int) or isinstance(self.words, bool) or self.words < 10:
            raise ConfigError(f"words must be a whole number of at least 10, not {self.words!r}")
        if self.embedder not in EMBEDDER_NAMES:
            raise ConfigError(
                f"unknown embedder {self.embedder!r}; choose one of {', '.join(EMBEDDER_NAMES)}"
            )
        if self.db is not None and not isinstance(self.db, str):
            raise ConfigError(f"db must be a path, not {self.db!r}")

    def to_toml(self) -> str:
        """The options as a TOML file that ``load_options`` reads back."""
        lines = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None:
                lines.append(f"# {f.name} = (default)")
            elif isinstance(value, str):
                escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{f.name} = "{escaped}"')
            else:
                lines.append(f"{f.name} = {value}")
        return "\n".join(lines) + "\n"


_ENV = {"words": "NEWSDESK_WORDS", "embedder": "NEWSDESK_EMBEDDER", "db": "NEWSDESK_DB"}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file ({exc})") from None
    known = {f.name for f in dataclasses.fields(Options)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown option {unknown[0]!r}; known: {', '.join(sorted(known))}"
        )
    return data


def load_options(
    config: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    **flags: Any,
) -> Options:
    """Return the effective options: defaults < TOML < environment < flags.

    Args:
        config: a TOML file (else ``$NEWSDESK_CONFIG``, else none).
        environ: the environment (default ``os.environ``).
        flags: values given on the command line; None means "not given".

    Raises:
        ConfigError: an unreadable file, an unknown key or a bad value.

    Example:
        >>> load_options(environ={"NEWSDESK_WORDS": "150"}, words=None).words
        150
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config or env.get("NEWSDESK_CONFIG")
    if path:
        values.update(_read_toml(Path(path).expanduser()))
    for name, variable in _ENV.items():
        if env.get(variable):
            text = env[variable]
            if name == "words":
                try:
                    values[name] = int(text)
                except ValueError:
                    raise ConfigError(f"{variable} must be a whole number, not {text!r}") from None
            else:
                values[name] = text
    values.update({k: v for k, v in flags.items() if v is not None})
    return Options(**values)
