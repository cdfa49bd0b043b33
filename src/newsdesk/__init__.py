"""newsdesk: turn many news reports into one trustworthy, sourced brief."""

from __future__ import annotations

from .errors import InputError, NewsdeskError
from .models import Article, Brief

__all__ = [
    "Article",
    "Brief",
    "InputError",
    "NewsdeskError",
]

__version__ = "0.1.0"
