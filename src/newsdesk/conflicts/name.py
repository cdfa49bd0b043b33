"""Name conflicts: sources naming different people or bodies for the same role or act."""

from __future__ import annotations

from ..models import Conflict
from .base import StoryView

__all__ = ["NameConflicts"]


class NameConflicts:
    """Different names given for one role or act (not built yet: finds none)."""

    kind = "name"

    def find(self, view: StoryView) -> list[Conflict]:
        return []
