"""Which policy's ``bias:`` thresholds `rasa-ethics bias` reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rasa_ethics.cli.bias import policy_file

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    """A copy of the example bot's config.yml, its policies beside it as in the repository."""
    (tmp_path / "bot").mkdir()
    shutil.copy(REPO / "example_bot" / "config.yml", tmp_path / "bot" / "config.yml")
    return tmp_path / "bot"


def test_the_policy_config_yml_names(bot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the bot folder, as `rasa`: the EthicsPolicy entry's policy file."""
    monkeypatch.delenv("RASA_ETHICS_POLICY", raising=False)
    assert policy_file(None, bot) == bot / "../policies/northwind.yml"


def test_the_option_and_the_variable_come_first(
    bot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASA_ETHICS_POLICY", raising=False)
    assert policy_file(tmp_path / "mine.yml", bot) == tmp_path / "mine.yml"
    monkeypatch.setenv("RASA_ETHICS_POLICY", str(tmp_path / "env.yml"))
    assert policy_file(None, bot) is None  # the loader reads the variable itself


def test_without_a_plugin_entry_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASA_ETHICS_POLICY", raising=False)
    (tmp_path / "config.yml").write_text("pipeline:\n  - name: WhitespaceTokenizer\n")
    assert policy_file(None, tmp_path) is None
    assert policy_file(None, tmp_path / "no-such-bot") is None
