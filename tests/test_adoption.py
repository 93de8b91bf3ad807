"""`rasa-ethics init` switches the plugin on, keeps comments, and is idempotent."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import rasa.cli
from ruamel.yaml import YAML

from rasa_ethics.adoption import STARTER_POLICY, AdoptionError, adopt

REPO = Path(__file__).resolve().parents[1]
RASA_INIT_PROJECT = Path(rasa.cli.__file__).parent / "initial_project"
CLI = REPO / ".venv" / "bin" / "rasa-ethics"


def snapshot(folder: Path) -> dict:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    folder = tmp_path / "bot"
    shutil.copytree(RASA_INIT_PROJECT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


class TestAdopt:
    def test_first_run_reports_changes(self, bot: Path) -> None:
        """The first run copies a starter policy and adds the importer, saying so."""
        changes = [str(change) for change in adopt(bot)]
        assert any(STARTER_POLICY in change for change in changes)
        assert any("rasa_ethics.EthicsImporter" in change for change in changes)
        config = YAML().load((bot / "config.yml").read_text())
        names = [item["name"] for item in config["importers"]]
        assert names[:2] == ["RasaFileImporter", "rasa_ethics.EthicsImporter"]

    def test_second_run_changes_nothing(self, bot: Path) -> None:
        """A second run reports nothing and leaves every file byte-identical."""
        adopt(bot)
        before = snapshot(bot)
        assert adopt(bot) == []
        assert snapshot(bot) == before

    def test_comments_survive(self, bot: Path) -> None:
        """The host's comments in config.yml are kept."""
        adopt(bot)
        text = (bot / "config.yml").read_text()
        assert "# The assistant project unique identifier" in text
        assert "# https://rasa.com/docs/rasa/core/policies/" in text

    def test_existing_policy_is_referenced_not_copied(self, bot: Path) -> None:
        """--policy points at the designers' file instead of copying a starter one."""
        shutil.copyfile(REPO / "policies" / "default.yml", bot / "mine.yml")
        adopt(bot, policy="mine.yml")
        assert not (bot / STARTER_POLICY).exists()
        assert "policy: mine.yml" in (bot / "config.yml").read_text()

    def test_not_a_rasa_project(self, tmp_path: Path) -> None:
        """A folder without config.yml and domain.yml gets a clear error."""
        with pytest.raises(AdoptionError, match="not a Rasa project"):
            adopt(tmp_path)

    def test_missing_policy_file(self, bot: Path) -> None:
        """--policy naming a missing file is an error, and nothing is changed."""
        before = snapshot(bot)
        with pytest.raises(AdoptionError, match="not found"):
            adopt(bot, policy="missing.yml")
        assert snapshot(bot) == before


class TestInitCommand:
    def test_cli_is_idempotent(self, bot: Path) -> None:
        """`rasa-ethics init` twice: the second run prints that nothing changed."""
        first = subprocess.run([CLI, "init", str(bot)], capture_output=True, text=True)
        assert first.returncode == 0 and "changed config.yml" in first.stdout
        before = snapshot(bot)
        second = subprocess.run([CLI, "init", str(bot)], capture_output=True, text=True)
        assert second.returncode == 0 and "nothing changed" in second.stdout
        assert snapshot(bot) == before

    def test_cli_error_without_traceback(self, tmp_path: Path) -> None:
        """On a folder that is not a Rasa project the CLI exits 1 with one clear line."""
        result = subprocess.run([CLI, "init", str(tmp_path)], capture_output=True, text=True)
        assert result.returncode == 1
        assert "not a Rasa project" in result.stderr and "Traceback" not in result.stderr

    def test_example_bot_is_what_init_produces(self, tmp_path: Path) -> None:
        """Running init on example_bot changes nothing: its set-up is init's own."""
        copy = tmp_path / "example_bot"
        shutil.copytree(
            REPO / "example_bot",
            copy,
            ignore=shutil.ignore_patterns("models", "results", "*.db", "audit"),
        )
        (tmp_path / "policies").mkdir()
        for name in ("default.yml", "northwind.yml"):
            shutil.copyfile(REPO / "policies" / name, tmp_path / "policies" / name)
        before = snapshot(copy)
        assert adopt(copy, policy="../policies/northwind.yml") == []
        assert snapshot(copy) == before


def load_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text()) or {}


class TestEndpointsAndCredentials:
    def test_default_store_is_sqlite_inside_the_wrapper(self, bot: Path) -> None:
        """A bot without a tracker store gets the redacting wrapper around SQLite rasa.db."""
        adopt(bot)
        store = load_yaml(bot / "endpoints.yml")["tracker_store"]
        assert store["type"] == "rasa_ethics.RedactingTrackerStore"
        assert store["inner"] == {"type": "sql", "dialect": "sqlite", "db": "rasa.db"}

    def test_own_store_is_kept_as_inner(self, bot: Path) -> None:
        """The bot's own tracker store moves under `inner:`, unchanged."""
        endpoints = bot / "endpoints.yml"
        own = "tracker_store:\n  type: redis\n  url: localhost\n  db: 3\n"
        endpoints.write_text("# my endpoints\n" + own)
        adopt(bot)
        store = load_yaml(endpoints)["tracker_store"]
        assert store["inner"] == {"type": "redis", "url": "localhost", "db": 3}
        assert endpoints.read_text().startswith("# my endpoints\n")

    def test_own_nlg_server_is_left_alone(self, bot: Path) -> None:
        """A callback NLG of another type is not replaced."""
        endpoints = bot / "endpoints.yml"
        endpoints.write_text("nlg:\n  url: http://localhost:6000/nlg\n")
        adopt(bot)
        assert load_yaml(endpoints)["nlg"] == {"url": "http://localhost:6000/nlg"}

    def test_comment_only_endpoints_and_credentials(self, bot: Path) -> None:
        """Files holding only comments get the sections added, and their comments kept."""
        (bot / "endpoints.yml").write_text("# nothing configured yet\n")
        (bot / "credentials.yml").write_text("# channels\n")
        adopt(bot)
        assert "# nothing configured yet" in (bot / "endpoints.yml").read_text()
        credentials = load_yaml(bot / "credentials.yml")
        assert credentials["rasa_ethics.AgentChannel"] == {"token_env": "RASA_ETHICS_AGENT_TOKEN"}
        before = snapshot(bot)
        assert adopt(bot) == []
        assert snapshot(bot) == before

    def test_config_gains_detector_first_and_policy(self, bot: Path) -> None:
        """The PII detector goes first in the pipeline and EthicsPolicy joins the policies."""
        adopt(bot)
        config = load_yaml(bot / "config.yml")
        assert config["pipeline"][0]["name"] == "rasa_ethics.PIIDetector"
        assert "rasa_ethics.EthicsPolicy" in [p["name"] for p in config["policies"]]
