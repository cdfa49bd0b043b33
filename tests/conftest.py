"""Shared fixtures: the real models (loaded once per test session) and data locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from _paths import SEEDS
from newsdesk.nlp import Models


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
