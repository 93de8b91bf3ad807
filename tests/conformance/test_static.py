"""`rasa-ethics check` without a server: each promise the bot's files break is named."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List

import pytest
import rasa.cli.scaffold
import yaml

from rasa_ethics.adoption import adopt, survey
from rasa_ethics.cli import main
from rasa_ethics.conformance import FAIL, PASS, WARN, Result, format_junit, static_checks

REPO = Path(__file__).resolve().parents[2]


def by_check(results: List[Result]) -> Dict[str, Result]:
    return {r.check: r for r in results}


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example bot beside a copy of the bundled policies (its config names
    ../policies/northwind.yml)."""
    ignore = shutil.ignore_patterns("models", "__pycache__", "*.db", "audit")
    shutil.copytree(REPO / "example_bot", tmp_path / "bot", ignore=ignore)
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    return tmp_path / "bot"


@pytest.fixture(scope="module")
def example_results() -> List[Result]:
    return static_checks(REPO / "example_bot")[0]


class TestExampleBot:
    def test_nothing_fails(self, example_results: List[Result]) -> None:
        """The example bot passes every static check (warnings are single-replica risks)."""
        failures = [r for r in example_results if r.status == FAIL]
        assert failures == []
        assert {r.check for r in example_results if r.status == WARN} <= {
            "endpoints.lock_store",
            "replicas.keys_and_stores",
            "policy.retention",
        }

    def test_every_result_names_an_obligation(self, example_results: List[Result]) -> None:
        """Each result cites at least one of the obligations the issue lists."""
        assert all(r.obligations for r in example_results)
        cited = {o for r in example_results for o in r.obligations}
        assert {"EU AI Act Art. 50", "California SB 1001", "GDPR Art. 5", "GDPR Art. 22"} <= cited
        assert {"GDPR Art. 17", "GDPR Art. 21"} <= cited

    def test_several_replicas_fail_on_in_memory_locks(self) -> None:
        """With --replicas 2 the in-memory lock store and SQLite are failures, not warnings."""
        results = by_check(static_checks(REPO / "example_bot", replicas=2)[0])
        assert results["endpoints.lock_store"].status == FAIL
        assert results["replicas.keys_and_stores"].status == FAIL


class TestSilentFallbacks:
    def test_misspelled_store_class(self, example: Path) -> None:
        """A tracker store type that does not import: Rasa would only warn and keep it in memory."""

        def misspell(data: dict) -> None:
            data["tracker_store"]["type"] = "rasa_ethics.RedactingTrackerStor"

        edit_yaml(example / "endpoints.yml", misspell)
        result = by_check(static_checks(example)[0])["endpoints.tracker_store"]
        assert result.status == FAIL
        assert "rasa_ethics.RedactingTrackerStor" in result.message
        assert "InMemoryTrackerStore" in result.message
        assert "Did you mean 'rasa_ethics.RedactingTrackerStore'" in result.hint

    def test_missing_importer(self, example: Path) -> None:
        """Without EthicsImporter the model has no ethics intents: named as the cause."""
        edit_yaml(example / "config.yml", lambda d: d["importers"].pop())
        result = by_check(static_checks(example)[0])["config.importers"]
        assert result.status == FAIL and "EthicsImporter is missing" in result.message

    def test_misspelled_importer(self, example: Path) -> None:
        """An importer that does not import: Rasa logs "not found" and trains without it."""
        edit_yaml(
            example / "config.yml",
            lambda d: d["importers"][1].update(name="rasa_ethics.EthicsImport"),
        )
        result = by_check(static_checks(example)[0])["config.importers"]
        assert result.status == FAIL and "'rasa_ethics.EthicsImport'" in result.message
        assert "Did you mean 'rasa_ethics.EthicsImporter'" in result.hint

    def test_misspelled_broker(self, example: Path) -> None:
        """An event broker that does not import: Rasa uses none, so no audit trail."""
        edit_yaml(
            example / "endpoints.yml",
            lambda d: d["event_broker"].update(type="rasa_ethics.AuditBroker"),
        )
        result = by_check(static_checks(example)[0])["endpoints.event_broker"]
        assert result.status == FAIL and "Not using any event broker" in result.message

    def test_pii_detector_not_first(self, example: Path) -> None:
        """A component before PIIDetector sees raw personal data first."""
        edit_yaml(example / "config.yml", lambda d: d["pipeline"].insert(0, d["pipeline"].pop(1)))
        result = by_check(static_checks(example)[0])["config.pipeline"]
        assert result.status == FAIL and "not first" in result.message


class TestPolicy:
    def test_disclosure_disabled(self, example: Path) -> None:
        """disclosure.enabled: false fails, citing the AI Act and SB 1001."""
        policy = example.parent / "policies" / "northwind.yml"
        policy.write_text(policy.read_text() + "\n", encoding="utf-8")
        edit_yaml(policy, lambda d: d["disclosure"].update(enabled=False))
        result = by_check(static_checks(example)[0])["policy.disclosure"]
        assert result.status == FAIL
        assert result.obligations == ["EU AI Act Art. 50", "California SB 1001"]

    def test_invalid_policy(self, example: Path) -> None:
        """A policy that does not validate is named with file:line:col."""
        policy = example.parent / "policies" / "northwind.yml"
        policy.write_text(policy.read_text() + "\nhandof:\n  enabled: true\n", encoding="utf-8")
        result = by_check(static_checks(example)[0])["policy.valid"]
        assert result.status == FAIL and "northwind.yml:" in result.hint and "handof" in result.hint

    def test_form_slot_not_vaulted(self, example: Path) -> None:
        """The form's e-mail slot, not vaulted, is stored redacted: the lookup would break."""
        policy = example.parent / "policies" / "northwind.yml"
        edit_yaml(policy, lambda d: d["pii"].update(vault_slots=["phone"]))
        result = by_check(static_checks(example)[0])["policy.vault_slots"]
        assert result.status == FAIL and "email (email)" in result.message

    def test_retention_set(self, example: Path) -> None:
        """retention_days passes when set."""
        policy = example.parent / "policies" / "northwind.yml"
        edit_yaml(policy, lambda d: d.setdefault("privacy", {}).update(retention_days=90))
        assert by_check(static_checks(example)[0])["policy.retention"].status == PASS


@pytest.fixture
def rasa_init(tmp_path: Path) -> Path:
    folder = tmp_path / "rasa-init"
    rasa.cli.scaffold.create_initial_project(str(folder))
    return folder


class TestRasaInitBot:
    def test_passes_after_init_reuse(self, rasa_init: Path) -> None:
        """`rasa init`, then `rasa-ethics init --reuse --keep-host-flows`: nothing fails."""
        found = survey(rasa_init)
        adopt(rasa_init, reuse=found.proposals, kept=found.kept_flows(found.proposals))
        results = static_checks(rasa_init)[0]
        assert [r for r in results if r.status == FAIL] == []

    def test_unlisted_bot_challenge_intent(self, rasa_init: Path) -> None:
        """A plain init leaves the starter bot's bot_challenge unlisted: named, with the fix."""
        adopt(rasa_init)
        result = by_check(static_checks(rasa_init)[0])["policy.host_intents.bot_challenge"]
        assert result.status == FAIL and "bot_challenge:" in result.message
        assert "--reuse" in result.hint


class TestOutput:
    def test_junit_parses(self, example: Path, tmp_path: Path) -> None:
        """JUnit XML parses; a failure is a <failure> with its obligation as a property."""
        edit_yaml(example / "config.yml", lambda d: d["importers"].pop())
        out = tmp_path / "check.xml"
        code = main(["check", str(example), "--format", "junit", "--output", str(out)])
        assert code == 1
        root = ET.parse(out).getroot()
        suite = root.find("testsuite")
        assert suite is not None and suite.get("failures") == "1"
        failure = root.find(".//testcase[@name='config.importers']/failure")
        assert failure is not None and "EthicsImporter" in failure.get("message", "")
        props = root.findall(".//testcase[@name='config.importers']/properties/property")
        assert "EU AI Act Art. 50" in {p.get("value") for p in props}

    def test_json_and_exit_code(self, capsys: pytest.CaptureFixture) -> None:
        """The example bot exits 0; --strict makes its warnings fail."""
        assert main(["check", str(REPO / "example_bot"), "--format", "json"]) == 0
        document = json.loads(capsys.readouterr().out)
        assert document["summary"].get("fail", 0) == 0
        assert "GDPR Art. 22" in document["obligations"]
        assert main(["check", str(REPO / "example_bot"), "--strict"]) == 1

    def test_strict_junit_counts_warnings(self) -> None:
        """With strict, a warning is a <failure> too."""
        results = [
            Result("a", WARN, ["GDPR Art. 5"], "risky"),
            Result("b", PASS, ["GDPR Art. 5"], "ok"),
        ]
        loose = ET.fromstring(format_junit(results).split("?>", 1)[1])
        strict = ET.fromstring(format_junit(results, strict=True).split("?>", 1)[1])
        assert loose.find("testsuite").get("failures") == "0"
        assert strict.find("testsuite").get("failures") == "1"
