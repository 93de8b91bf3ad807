"""A bot whose tracker store fails to import does not serve: rasa-ethics stops it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.harness import make_workspace, served_bot

pytestmark = pytest.mark.slow


class TestFailClosed:
    def test_store_that_fails_to_import_stops_the_server(
        self, trained_example_bot: Path, tmp_path: Path
    ) -> None:
        """Rasa would fall back to an in-memory store; the agent channel notices and stops it."""
        space = make_workspace(tmp_path, None, tracker_store="rasa_ethics.NoSuchTrackerStore")
        with served_bot(trained_example_bot, space, wait=False) as bot:
            try:
                bot.process.wait(timeout=600)
            except subprocess.TimeoutExpired:
                pytest.fail(f"the server kept running on an in-memory store:\n{bot.log_text()}")
        assert "not rasa_ethics.RedactingTrackerStore" in bot.log_text()
