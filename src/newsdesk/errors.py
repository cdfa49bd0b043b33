"""Exceptions raised by newsdesk. All derive from one root::

    NewsdeskError
    ├── InputError            an input file, URL or record cannot be read
    ├── ConfigError           a configuration file or value is invalid
    ├── StoreError            the article store cannot be opened, migrated or written
    ├── ModelError            a packaged model cannot be loaded
    └── MissingDependency     an optional extra is not installed (says what to pip install)

Misuse of the API (wrong types, impossible options) raises ``TypeError``/``ValueError``.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "InputError",
    "MissingDependency",
    "ModelError",
    "NewsdeskError",
    "StoreError",
]


class NewsdeskError(Exception):
    """Root of every error newsdesk raises on bad data or environment."""


class InputError(NewsdeskError):
    """An input cannot be read. ``str(err)`` is one line naming the input and the problem."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class ConfigError(NewsdeskError):
    """A configuration file or value is invalid."""


class StoreError(NewsdeskError):
    """The article store cannot be opened, migrated or written."""


class ModelError(NewsdeskError):
    """A packaged model cannot be loaded."""


class MissingDependency(NewsdeskError):
    """An optional dependency is missing; the message gives the pip command that installs it."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed: run  pip install 'newsdesk[{extra}]'")
        self.package = package
        self.extra = extra
