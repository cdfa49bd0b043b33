"""The web layer: ``create_app`` builds the FastAPI app that ``newsdesk serve`` runs."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
