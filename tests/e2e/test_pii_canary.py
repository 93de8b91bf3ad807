"""Canary test: personal data planted in conversations with the served example bot never lands.

One `rasa run` of the trained example bot (module scope) with the full rasa-ethics set-up: the
PIIDetector in its pipeline, RedactingTrackerStore on SQLite, the audit broker around Rasa's SQL
event broker, EthicsNLG, the action server, `--debug --log-file` and the plugin's
`--logging-config-file`.  The conversations plant one known value of each PII type, complete the
order form (whose custom action needs the real e-mail address) and ask for a human (so the
handoff table gets a transcript).  Once the server has stopped, every file the run wrote is
searched byte-wise for each value, as is, JSON-escaped and URL-encoded.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml

from rasa_ethics.vault import is_token
from tests.e2e.ethics_bot import API_TOKEN, BotClient
from tests.servers import REPO, action_server, serve_bot

pytestmark = pytest.mark.slow

LOGGING_YML = REPO / "rasa_ethics" / "resources" / "logging.yml"
POLICY_REF = "../policies/northwind.yml"
EMAIL = "jane.doe@example.com"  # owns order NW-100234 in the example bot's order system

# PII type -> (what the customer writes, the value that must never be found)
CANARIES: Dict[str, "tuple[str, str]"] = {
    "email": (f"it's {EMAIL}", EMAIL),
    "phone": ("my phone number is +44 20 7946 0958", "7946 0958"),
    "credit_card": ("my card is 4111 1111 1111 1111", "4111 1111 1111 1111"),
    "iban": ("refund to GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32"),
    "us_ssn": ("my SSN is 078-05-1123", "078-05-1123"),
    "uk_nino": ("my NI number is AB 12 34 56 C", "AB 12 34 56 C"),
    "ip_address": ("my IP address is 192.168.10.7", "192.168.10.7"),
    "date_of_birth": ("I was born 12/03/1990", "12/03/1990"),
    "passport": ("my passport number is C12345678", "C12345678"),
    "drivers_license": ("driving licence MORGA753116SM9IJ", "MORGA753116SM9IJ"),
    "address": ("I live at 42 Baker Street, London NW1 6XE", "42 Baker Street, London NW1 6XE"),
    "person": ("my name is Maria Lopez", "Maria Lopez"),
}


@dataclass
class CanaryRun:
    """What the served bot said, and where its files are."""

    root: Path
    form_sender: str
    replies: Dict[str, List[str]] = field(default_factory=dict)
    tracker: Dict[str, Any] = field(default_factory=dict)

    def files(self) -> List[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def forms(value: str) -> Dict[str, bytes]:
    """The byte forms a value can take in a file."""
    return {
        "raw": value.encode(),
        "json": json.dumps(value)[1:-1].encode(),
        "url": urllib.parse.quote(value, safe="").encode(),
        "url+": urllib.parse.quote_plus(value, safe="").encode(),
    }


def write_workspace(root: Path, action_url: str) -> Path:
    """The server's folder: endpoints and credentials written for this test only."""
    bot = root / "bot"
    bot.mkdir(parents=True)
    shutil.copytree(REPO / "policies", root / "policies")
    endpoints = {
        "action_endpoint": {"url": action_url},
        "nlg": {"type": "rasa_ethics.EthicsNLG", "policy": POLICY_REF},
        "tracker_store": {
            "type": "rasa_ethics.RedactingTrackerStore",
            "policy": POLICY_REF,
            "inner": {"type": "sql", "dialect": "sqlite", "db": str(bot / "rasa.db")},
        },
        "event_broker": {
            "type": "rasa_ethics.AuditEventBroker",
            "policy": POLICY_REF,
            "path": str(root / "audit" / "audit.jsonl"),
            "inner": {"type": "sql", "dialect": "sqlite", "db": str(root / "events.db")},
        },
    }
    (bot / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    (bot / "credentials.yml").write_text("rest:\n", encoding="utf-8")
    return bot


def converse(client: BotClient, run: CanaryRun) -> None:
    """Plant every canary; complete the order form; ask for a human."""
    form = run.form_sender
    steps = [
        (form, "hi"),
        (form, "where is my order?"),
        (form, f"{CANARIES['email'][0]} and my mobile is +44 20 7946 0958"),
        (form, "NW-100234"),
    ]
    other = f"canary-{uuid.uuid4().hex[:8]}"
    steps += [(other, text) for kind, (text, _) in CANARIES.items() if kind != "email"]
    steps += [(other, f"I want to talk to a human, {CANARIES['person'][0]}")]
    for sender, text in steps:
        run.replies[text] = client.say(sender, text)
    run.tracker = client.tracker(form)


@pytest.fixture(scope="module")
def canary(
    trained_example_bot: Path, example_bot_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CanaryRun]:
    """One served bot for the whole module; the files are searched after it stopped."""
    root = tmp_path_factory.mktemp("canary")
    run = CanaryRun(root, form_sender=f"form-{uuid.uuid4().hex[:8]}")
    (root / "actions").mkdir()
    with action_server(example_bot_dir, root / "actions") as action_url:
        bot = write_workspace(root, action_url)
        args = ["--debug", "--log-file", str(root / "rasa-debug.log")]
        args += ["--logging-config-file", str(LOGGING_YML)]
        env = {"RASA_ETHICS_AUDIT_KEY": "canary-audit-key"}
        with serve_bot(
            trained_example_bot,
            bot,
            bot / "endpoints.yml",
            bot / "credentials.yml",
            auth_token=API_TOKEN,
            extra_args=args,
            env=env,
        ) as url:
            converse(BotClient(url), run)
    yield run


class TestTheBotStillWorks:
    def test_form_completes_with_the_real_email(self, canary: CanaryRun) -> None:
        """The custom action got the real address: the order's owner check passed."""
        reply = " ".join(canary.replies["NW-100234"])
        assert "Order NW-100234 (Alpine Rain Shell, size M), status: out for delivery" in reply

    def test_the_stored_slot_is_a_token(self, canary: CanaryRun) -> None:
        """What Rasa's API returns from the store is the vault token, not the address."""
        assert is_token(canary.tracker["slots"]["email"])

    def test_bot_output_is_redacted(self, canary: CanaryRun) -> None:
        """The action's SMS notice names the real number; the customer sees a placeholder."""
        reply = " ".join(canary.replies["NW-100234"])
        assert "<PHONE>" in reply and "7946" not in reply


class TestNothingLands:
    def test_files_were_written(self, canary: CanaryRun) -> None:
        """The places the search covers exist and are not empty (else it proves nothing)."""
        names = {p.name for p in canary.files()}
        assert {"rasa.db", "events.db", "audit.jsonl", "rasa-debug.log"} <= names
        debug = (canary.root / "rasa-debug.log").read_text(encoding="utf-8", errors="replace")
        assert '"parse_data_text": "my SSN is <US_SSN>"' in debug  # Rasa logs what NLU parsed
        stored = (canary.root / "bot" / "rasa.db").read_bytes()
        assert b"my card is *******************" in stored  # northwind: credit_card is masked
        with sqlite3.connect(canary.root / "bot" / "rasa.db") as db:
            [transcript] = db.execute("select transcript from rasa_ethics_handoffs").fetchone()
            assert "<PERSON>" in transcript  # the handoff table got the redacted transcript
            assert db.execute("select count(*) from rasa_ethics_vault").fetchone()[0] >= 1
        trail = (canary.root / "audit" / "audit.jsonl").read_text(encoding="utf-8")
        assert '"pii":{"us_ssn":1}' in trail  # the audit counted the detector's span types

    @pytest.mark.parametrize("kind", sorted(CANARIES))
    def test_value_is_nowhere(self, canary: CanaryRun, kind: str) -> None:
        """No file of the run holds the value, raw, JSON-escaped or URL-encoded."""
        found = []
        for path in canary.files():
            data = path.read_bytes()
            found += [
                f"{path.relative_to(canary.root)} ({name})"
                for name, form in forms(CANARIES[kind][1]).items()
                if form in data
            ]
        assert not found, f"{kind} found in: {', '.join(found)}"
