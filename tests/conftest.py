"""Shared fixtures: the example bot trained once per test session, and real Rasa servers.

Slow tests use a real trained model, real SQLite stores and real `rasa run` / `rasa run actions`
processes on free loopback ports.  Set RASA_ETHICS_TEST_MODEL to a model archive to skip training.
"""

from __future__ import annotations

import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.servers import REPO, train_if_changed  # noqa: E402

EXAMPLE_BOT = REPO / "example_bot"


@pytest.fixture(scope="session")
def example_bot_dir() -> Path:
    """The example bot's folder."""
    return EXAMPLE_BOT


@pytest.fixture(scope="session")
def trained_example_bot() -> Path:
    """A model of example_bot/, trained at most once per session (and only if it changed)."""
    override = os.environ.get("RASA_ETHICS_TEST_MODEL")
    if override:
        return Path(override)
    return train_if_changed(EXAMPLE_BOT)
