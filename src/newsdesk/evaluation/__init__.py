"""Evaluation against public benchmarks: ROUGE on DUC 2004, HTML extraction benchmarks.

Everything here is measured in one process beside the published numbers it is compared to;
the ``newsdesk eval`` commands print the tables the README shows.
"""

from __future__ import annotations

from .rouge import RougeScorer, RougeScores, truncate_words

__all__ = ["RougeScorer", "RougeScores", "truncate_words"]
