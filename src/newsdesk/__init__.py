"""newsdesk: turn many news reports into one trustworthy, sourced brief.

>>> import newsdesk
>>> brief = newsdesk.brief(["examples/harbour-bridge"])  # doctest: +SKIP
"""

from __future__ import annotations

from .config import Options, load_options
from .errors import InputError, NewsdeskError
from .models import Article, Brief
from .pipeline import brief, briefs_all, dedupe

__all__ = [
    "Article",
    "Brief",
    "InputError",
    "NewsdeskError",
    "Options",
    "brief",
    "briefs_all",
    "dedupe",
    "load_options",
]

__version__ = "0.1.0"
