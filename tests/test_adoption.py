"""`rasa-ethics init` switches the plugin on in the host's own style, and is idempotent."""

from __future__ import annotations

import hashlib
import os
import pty
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest
import rasa.cli
import rasa.cli.scaffold
from ruamel.yaml import YAML

from rasa_ethics.adoption import STARTER_POLICY, AdoptionError, KeptFlow, Reuse, adopt, survey
from rasa_ethics.adoption.yaml_edit import detect_indent
from rasa_ethics.logging import CONFIG_FILE
from rasa_ethics.policy import load_policy

REPO = Path(__file__).resolve().parents[1]
RASA_INIT_PROJECT = Path(rasa.cli.__file__).parent / "initial_project"
SUPPORT_BOT = REPO / "tests" / "bots" / "support_bot"
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
        (tmp_path / "data").mkdir()  # training data without a domain: still not a Rasa project
        (tmp_path / "data" / "nlu.yml").write_text("version: '3.1'\nnlu: []\n")
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


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def committed(folder: Path) -> Path:
    """``folder`` as a git repository with everything committed."""
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "the host bot")
    return folder


def removed_lines(folder: Path, *paths: str) -> List[str]:
    """The lines `git diff` shows as removed from tracked files (or from ``paths``)."""
    diff = git(folder, "diff", "--unified=0", "--", *paths)
    lines = diff.splitlines()
    return [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]


@pytest.fixture
def support_bot(tmp_path: Path) -> Path:
    """A copy of tests/bots/support_bot (lists at column 0, its own bot-challenge and handoff)."""
    folder = tmp_path / "support_bot"
    shutil.copytree(SUPPORT_BOT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


class TestHostStyle:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("pipeline:\n- name: A\n- name: B\n  epochs: 3\n", (2, 0)),
            ("pipeline:\n  - name: A\n    epochs: 3\n", (2, 2)),
            ("policies:\n# a comment first\n- name: A\n", (2, 0)),
            ("tracker_store:\n    type: sql\n    db: x\n", (4, 2)),
            ("a:\n    b:\n    - x\n    - y\n", (4, 0)),
            ("# comments only\n", (2, 2)),
            ("key: |\n  - not a list\n", (2, 2)),
        ],
    )
    def test_detect_indent(self, text: str, expected: tuple) -> None:
        """Mapping indent and dash offset are read from the file; Rasa's style by default."""
        assert detect_indent(text) == expected

    def test_lists_at_column_0_keep_their_place(self, support_bot: Path) -> None:
        """On a bot whose lists start at column 0, `git diff` after init only adds lines."""
        committed(support_bot)
        assert adopt(support_bot)
        assert removed_lines(support_bot) == []
        config = (support_bot / "config.yml").read_text()
        assert "pipeline:\n- name: rasa_ethics.PIIDetector\n  policy: ethics_policy.yml\n" in config
        assert "  entity_recognition: false   # account numbers come from the regex" in config

    def test_rasa_init_bot_only_loses_the_auto_config_comments(self, tmp_path: Path) -> None:
        """On the `rasa init` bot, init only removes Rasa's "No configuration ..." comments.

        Those comments say the pipeline is left to auto-config; init writes it out instead.
        """
        bot = tmp_path / "bot"
        rasa.cli.scaffold.create_initial_project(str(bot))  # what `rasa init --no-prompt` copies
        committed(bot)
        assert adopt(bot)
        removed = removed_lines(bot)
        assert removed and all(line.startswith(("# #", "#   ")) for line in removed), removed
        assert removed_lines(bot, "endpoints.yml", "credentials.yml") == []
        assert git(bot, "diff", "--stat", "--", "endpoints.yml", "credentials.yml")

    def test_policy_edits_keep_the_policy_style(self, support_bot: Path) -> None:
        """Reuse edits in the copied policy only add or change the lines they are about."""
        adopt(support_bot)
        committed(support_bot)
        found = survey(support_bot)
        adopt(support_bot, reuse=found.proposals, kept=found.kept_flows(found.proposals))
        assert removed_lines(support_bot) == [
            "  bot_challenge_intents: [ethics_bot_challenge]",
            "  intents: [ethics_human_handoff]",
        ]


class TestHostTestStories:
    """`init --reuse` without kept flows: the host's test stories expect the plugin's answers."""

    def test_only_the_stale_steps_change(self, support_bot: Path) -> None:
        """The two stories of the reused intents get the plugin's actions, each line marked."""
        adopt(support_bot)
        committed(support_bot)
        found = survey(support_bot)
        changes = adopt(support_bot, reuse=found.proposals)
        assert [str(c) for c in changes if c.file == "tests/test_stories.yml"] == [
            "tests/test_stories.yml: test story 'the customer asks whether it is a bot' expects "
            "utter_ethics_bot_challenge now (was utter_iamabot)",
            "tests/test_stories.yml: test story 'the customer asks for a person' expects "
            "utter_ethics_handoff now (was utter_transfer, action_transfer_to_agent)",
        ]
        assert removed_lines(support_bot, "tests") == [
            "  - action: utter_iamabot",
            "  - action: utter_transfer",
            "  - action: action_transfer_to_agent",
        ]
        diff = git(support_bot, "diff", "--unified=0", "--", "tests")
        added = [line[1:] for line in diff.splitlines() if line[:1] == "+" and line[1:2] != "+"]
        assert added == [
            "  - action: utter_ethics_bot_challenge  # rasa-ethics: was utter_iamabot",
            "  - action: utter_ethics_handoff  # rasa-ethics: was utter_transfer, "
            "action_transfer_to_agent",
        ]
        assert adopt(support_bot, reuse=found.proposals) == []  # a second run changes nothing

    def test_kept_flows_leave_them_alone(self, support_bot: Path) -> None:
        """With the host's flows kept, its test stories already expect what the bot says."""
        found = survey(support_bot)
        adopt(support_bot, reuse=found.proposals, kept=found.kept_flows(found.proposals))
        stories = (support_bot / "tests" / "test_stories.yml").read_text(encoding="utf-8")
        assert stories == (SUPPORT_BOT / "tests" / "test_stories.yml").read_text(encoding="utf-8")

    def test_opening_hours_leave_the_handoff_story_alone(self, support_bot: Path) -> None:
        """With opening hours the handoff answer depends on the time: that story is not edited."""
        adopt(support_bot)
        policy = support_bot / STARTER_POLICY
        text = policy.read_text(encoding="utf-8").replace(
            "    hours: {}", "    hours:\n      mon: \"09:00-17:00\""
        )
        policy.write_text(text, encoding="utf-8")
        found = survey(support_bot)
        changes = adopt(support_bot, reuse=found.proposals)
        edited = [c.what for c in changes if c.file == "tests/test_stories.yml"]
        assert len(edited) == 1 and "utter_ethics_bot_challenge" in edited[0]


class TestReuse:
    def test_host_intents_are_found(self, support_bot: Path) -> None:
        """The host's bot-challenge and handoff intents are proposed, each with its evidence."""
        found = survey(support_bot)
        assert [(r.intent, r.concern, r.matched, r.total) for r in found.proposals] == [
            ("check_human", "bot_challenge", 10, 10),
            ("human_handoff", "handoff", 8, 8),
        ]
        assert found.proposals[0].why == "check_human: 10/10 examples read as a bot challenge"

    @pytest.mark.parametrize(
        ("examples", "concern"),
        [
            (["I want to make a complaint", "I'd like to complain", "a complaint"], "complaint"),
            (["get me a human", "agent please", "can I speak to someone"], "handoff"),
            (["my estate agent needs a copy", "connect the speaker to bluetooth", "hi"], None),
            (["are you a bot", "is this a real person", "hello", "thanks", "bye"], None),
        ],
    )
    def test_mostly_means(self, support_bot: Path, examples: List[str], concern) -> None:
        """An intent is proposed only when most of its examples read as one concern."""
        nlu = support_bot / "data" / "nlu.yml"
        lines = "".join(f"    - {e}\n" for e in examples)
        nlu.write_text(nlu.read_text() + f"\n- intent: probe\n  examples: |\n{lines}")
        found = {r.intent: r.concern for r in survey(support_bot).proposals}
        assert found.get("probe") == concern

    def test_consequences_name_rules_and_tests(self, support_bot: Path) -> None:
        """Reusing an intent with its own rule says which rule and which test story change."""
        found = survey(support_bot)
        handoff = found.proposals[1]
        replace = found.consequences(handoff, keep=False)
        assert "rule 'hand over to a person' (data/rules.yml)" in replace[0]
        assert "stops answering it: EthicsPolicy says utter_ethics_handoff" in replace[0]
        assert "test story 'the customer asks for a person'" in replace[1]
        assert found.consequences(handoff, keep=True) == [
            "your rule 'hand over to a person' (data/rules.yml) keeps answering, from any state, "
            "then the bot pauses, queues and audits"
        ]

    def test_reuse_is_written_once(self, support_bot: Path) -> None:
        """The reuse lands in the copied policy, which stays valid; a second run changes nothing."""
        adopt(support_bot)
        (support_bot / STARTER_POLICY).chmod(0o644)
        found = survey(support_bot)
        changes = [str(c) for c in adopt(support_bot, reuse=found.proposals)]
        assert (support_bot / STARTER_POLICY).stat().st_mode & 0o777 == 0o644
        assert [c for c in changes if c.startswith(STARTER_POLICY)] == [
            "ethics_policy.yml: reused check_human (disclosure.bot_challenge_intents)",
            "ethics_policy.yml: reused human_handoff (handoff.intents)",
        ]  # and the test stories of both (TestHostTestStories)
        policy = load_policy(support_bot / STARTER_POLICY)
        assert policy.disclosure.bot_challenge_intents == ["check_human"]
        assert policy.handoff.intents == ["human_handoff"]
        assert policy.handoff.host_flow == "replace"
        again = survey(support_bot)
        assert again.proposals == [] and [r.intent for r in again.listed] == [
            "check_human",
            "human_handoff",
        ]
        before = snapshot(support_bot)
        assert adopt(support_bot, reuse=again.proposals) == []
        assert snapshot(support_bot) == before

    def test_kept_flows_are_written(self, support_bot: Path) -> None:
        """--keep-host-flows copies the host's rules into the policy."""
        found = survey(support_bot)
        kept = found.kept_flows(found.proposals)
        assert kept == [
            KeptFlow("handoff", ("utter_transfer", "action_transfer_to_agent")),
            KeptFlow("bot_challenge", ("utter_iamabot",)),
        ]
        adopt(support_bot, reuse=found.proposals, kept=kept)
        policy = load_policy(support_bot / STARTER_POLICY)
        assert policy.handoff.host_flow == "keep"
        assert policy.handoff.host_flow_actions == ["utter_transfer", "action_transfer_to_agent"]
        assert policy.disclosure.bot_challenge_host_response == "keep"
        before = snapshot(support_bot)
        assert adopt(support_bot, reuse=found.proposals, kept=kept) == []
        assert snapshot(support_bot) == before

    def test_invalid_result_writes_nothing(self, support_bot: Path) -> None:
        """A reuse that would make the policy invalid is refused, and the policy is unchanged."""
        adopt(support_bot)
        policy = support_bot / STARTER_POLICY
        policy.write_text(policy.read_text().replace("[ethics_human_handoff]", "[check_human]"))
        before = policy.read_bytes()
        clash = Reuse("check_human", "bot_challenge", 10, 10)
        with pytest.raises(AdoptionError, match="both a handoff and a bot-challenge intent"):
            adopt(support_bot, reuse=[clash])
        assert policy.read_bytes() == before
        assert not [p for p in support_bot.glob("tmp*.yml")]


class TestGitignore:
    def test_plugin_files_are_ignored_once(self, bot: Path) -> None:
        """The vault key, the audit trail and rasa.db are added once, after the host's lines."""
        (bot / ".gitignore").write_text("models/\naudit/\n")
        adopt(bot)
        text = (bot / ".gitignore").read_text()
        assert text == (
            "models/\naudit/\n\n"
            "# rasa-ethics: keys, the audit trail and conversation data stay out of git\n"
            "*.vault-key\nrasa.db\n"
        )
        adopt(bot)
        assert (bot / ".gitignore").read_text() == text

    def test_separate_handoff_database(self, bot: Path) -> None:
        """A SQLite handoff database of its own is ignored too; the host's own store is not."""
        (bot / "endpoints.yml").write_text("tracker_store:\n  type: sql\n  db: mine.db\n")
        shutil.copyfile(REPO / "policies" / "default.yml", bot / "p.yml")
        (bot / "p.yml").write_text(
            (bot / "p.yml").read_text().replace("  store_url:\n", "  store_url: sqlite:///q.db\n")
        )
        adopt(bot, policy="p.yml")
        lines = (bot / ".gitignore").read_text().splitlines()
        assert lines[1:] == ["*.vault-key", "audit/", "q.db"]

    def test_signing_key_file_in_the_bot(self, bot: Path) -> None:
        """An audit signing key kept in the bot folder is ignored, with its public half."""
        (bot / "p.yml").write_text("audit:\n  signing_key_file: keys/audit.pem\n")
        adopt(bot, policy="p.yml")
        lines = (bot / ".gitignore").read_text().splitlines()
        assert lines[1:] == [
            "*.vault-key",
            "audit/",
            "keys/audit.pem",
            "keys/audit.pem.pub",
            "rasa.db",
        ]


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, **kwargs)


class TestInitOutput:
    def test_suggestions_then_reuse_then_nothing(self, support_bot: Path) -> None:
        """Without a terminal init only suggests; --reuse applies; a third run changes nothing."""
        first = run_cli("init", str(support_bot), stdin=subprocess.DEVNULL)
        assert first.returncode == 0, first.stderr
        assert "check_human: 10/10 examples read as a bot challenge: reuse it as" in first.stdout
        assert "human_handoff: 8/8 examples read as a request for a person" in first.stdout
        assert "run with --reuse to apply" in first.stdout
        assert load_policy(support_bot / STARTER_POLICY).handoff.intents == [
            "ethics_human_handoff"
        ]
        second = run_cli("init", str(support_bot), "--reuse", stdin=subprocess.DEVNULL)
        assert "changed ethics_policy.yml: reused human_handoff (handoff.intents)" in second.stdout
        before = snapshot(support_bot)
        third = run_cli("init", str(support_bot), "--reuse", stdin=subprocess.DEVNULL)
        assert "nothing changed" in third.stdout and "reused already" in third.stdout
        assert snapshot(support_bot) == before

    def test_output_names_what_the_server_needs(self, bot: Path) -> None:
        """The env vars and the logging config, by the installed package's path."""
        result = run_cli("init", str(bot), stdin=subprocess.DEVNULL)
        for name in ("RASA_ETHICS_AGENT_TOKEN", "RASA_ETHICS_AUDIT_KEY"):
            assert f"export {name}=" in result.stdout
        assert "rasa-ethics audit keygen" in result.stdout
        assert "export RASA_ETHICS_AUDIT_SIGNING_KEY=" in result.stdout
        assert f"--logging-config-file {CONFIG_FILE}" in result.stdout
        assert CONFIG_FILE.is_file()
        assert "RASA_ETHICS_VAULT_KEY" not in result.stdout  # SQLite keeps the key in a file

    def test_vault_key_for_other_databases(self, bot: Path) -> None:
        """With a non-SQLite store the vault key must come from the environment."""
        own = "tracker_store:\n  type: sql\n  dialect: postgresql\n  db: rasa\n"
        (bot / "endpoints.yml").write_text(own)
        result = run_cli("init", str(bot), stdin=subprocess.DEVNULL)
        assert "export RASA_ETHICS_VAULT_KEY=" in result.stdout

    def test_prompt_in_a_terminal(self, support_bot: Path) -> None:
        """In a terminal init asks: yes to the bot challenge, no to the handoff, keep flows."""
        leader, follower = pty.openpty()
        with os.fdopen(leader, "wb", buffering=0) as keyboard:
            keyboard.write(b"y\nn\ny\n")
            result = run_cli("init", str(support_bot), stdin=follower)
        os.close(follower)
        assert result.returncode == 0, result.stderr
        policy = load_policy(support_bot / STARTER_POLICY)
        assert policy.disclosure.bot_challenge_intents == ["check_human"]
        assert policy.handoff.intents == ["ethics_human_handoff"]
        assert policy.disclosure.bot_challenge_host_response == "keep"
        assert policy.handoff.host_flow == "replace"


class TestLoggingConfig:
    def test_prints_the_packaged_path(self) -> None:
        """The path exists and is the package's own file."""
        result = run_cli("logging-config")
        assert result.returncode == 0 and Path(result.stdout.strip()) == CONFIG_FILE

    def test_write_copies_once(self, tmp_path: Path) -> None:
        """--write DIR copies the file; again is a no-op; a different file is not overwritten."""
        first = run_cli("logging-config", "--write", str(tmp_path))
        copy = tmp_path / "logging.yml"
        assert Path(first.stdout.strip()) == copy.resolve()
        assert copy.read_bytes() == CONFIG_FILE.read_bytes()
        assert run_cli("logging-config", "--write", str(tmp_path)).returncode == 0
        copy.write_text("version: 1\n")
        clash = run_cli("logging-config", "--write", str(tmp_path))
        assert clash.returncode == 1 and "differs" in clash.stderr
        assert copy.read_text() == "version: 1\n"
