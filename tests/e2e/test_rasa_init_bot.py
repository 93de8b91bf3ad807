"""The project `rasa init` creates, with `rasa-ethics init` run on it, trains."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import RASA, trained_model
from tests.harness.projects import checked, rasa_init_bot

pytestmark = pytest.mark.slow


class TestRasaInitBot:
    def test_init_then_train(self, tmp_path: Path) -> None:
        """On the project `rasa init` creates, `rasa-ethics init` then `rasa train` succeeds.

        The harness trains it once per content (a failure shows Rasa's output); the training
        phase of `make test` has usually done so already.
        """
        recipe = rasa_init_bot(tmp_path / "rasa-init")
        assert (recipe.bot / "ethics_policy.yml").is_file()
        model = trained_model(recipe)
        assert model.stat().st_size > 100_000

    def test_it_passes_its_own_stories(self, tmp_path: Path) -> None:
        """`rasa test core --stories tests` on the adopted starter bot: no story fails."""
        recipe = rasa_init_bot(tmp_path / "rasa-init")
        model = trained_model(recipe)
        command = [RASA, "test", "core", "--model", str(model), "--stories", "tests", "--no-plot"]
        checked(command + ["--out", "results", "--fail-on-prediction-errors"], recipe.bot)
        failed = (recipe.bot / "results" / "failed_test_stories.yml").read_text(encoding="utf-8")
        assert "None of the test stories failed" in failed, failed
