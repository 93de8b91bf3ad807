"""The training cache's key: what changes a model changes the key, nothing else does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.harness.processes import EXAMPLE_BOT, REPO
from tests.harness.training import RECIPES, Recipe, training_key


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    """A copy of the example bot with its policies beside it, as in the repository."""
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    folder = tmp_path / "example_bot"
    shutil.copytree(EXAMPLE_BOT, folder, ignore=shutil.ignore_patterns("models", "*.db"))
    return folder


def edit_policy(bot: Path, section: str, values: dict) -> None:
    path = bot.parent / "policies" / "northwind.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[section] = {**(data.get(section) or {}), **values}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


class TestTrainingKey:
    def test_same_content_same_key_wherever_it_lies(self, bot: Path) -> None:
        """A copy of the bot elsewhere has the key of the original."""
        assert training_key(Recipe("copy", bot=bot)) == training_key(RECIPES["example"])

    def test_variants_differ(self) -> None:
        """Leaving config entries out is another model."""
        keys = {training_key(recipe) for recipe in RECIPES.values()}
        assert len(keys) == len(RECIPES)

    def test_training_data_counts(self, bot: Path) -> None:
        """One more NLU example is another model."""
        before = training_key(Recipe("copy", bot=bot))
        nlu = bot / "data" / "nlu.yml"
        nlu.write_text(
            nlu.read_text(encoding="utf-8").replace("- hello\n", "- hello\n    - hiya\n", 1)
        )
        assert training_key(Recipe("copy", bot=bot)) != before

    def test_what_the_importer_adds_counts(self, bot: Path) -> None:
        """A response text the importer puts into the domain is another model."""
        before = training_key(Recipe("copy", bot=bot))
        edit_policy(bot, "handoff", {"text": "A person will be with you shortly."})
        assert training_key(Recipe("copy", bot=bot)) != before

    def test_runtime_settings_do_not(self, bot: Path) -> None:
        """The audit and availability settings are read at run time: the same model."""
        before = training_key(Recipe("copy", bot=bot))
        edit_policy(bot, "audit", {"fsync": "never"})
        edit_policy(bot, "handoff", {"availability": {"agents_online": False}})
        assert training_key(Recipe("copy", bot=bot)) == before
