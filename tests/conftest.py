"""Shared fixtures: the example bot, trained once per content (see tests/harness/training.py).

Slow tests use a real trained model, real SQLite stores and real `rasa run` / `rasa run actions`
processes on free loopback ports.  Set RASA_ETHICS_TEST_MODEL to a model archive to use it instead.
"""

from __future__ import annotations

import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.harness import EXAMPLE_BOT, RECIPES, trained_model  # noqa: E402


@pytest.fixture(scope="session")
def example_bot_dir() -> Path:
    """The example bot's folder."""
    return EXAMPLE_BOT


@pytest.fixture(scope="session")
def trained_example_bot() -> Path:
    """A model of example_bot/ with the plugin, trained at most once per content."""
    override = os.environ.get("RASA_ETHICS_TEST_MODEL")
    return Path(override) if override else trained_model(RECIPES["example"])
