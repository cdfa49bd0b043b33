"""The web layer: ``create_app`` builds the FastAPI app that ``newsdesk serve`` runs.

``create_app`` is imported on first use, so the pure parts (``charts``, ``pages``) can be used
by the HTML-file renderer without loading FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
