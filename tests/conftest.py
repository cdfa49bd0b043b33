"""Shared fixtures: the real models (loaded once per test session) and data locations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from _paths import SEEDS
from newsdesk.nlp import Models

# CI explores the same examples every run (a red CI must be reproducible); locally each run
# draws new ones, which is how the fuzz tests keep finding bugs.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output (review the diff before committing)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def models() -> Models:
    """The real packaged models: what ships is what the end-to-end tests run."""
    return Models()


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS
