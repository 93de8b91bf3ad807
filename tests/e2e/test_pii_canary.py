"""Canary test: personal data planted in conversations with the served example bot never lands.

The session's ``watched_bot`` (tests/e2e/conftest.py) runs with the full rasa-ethics set-up: the
PIIDetector in its pipeline, RedactingTrackerStore on SQLite, the audit broker around Rasa's SQL
event broker, EthicsNLG, the action server, `--debug --log-file` and the plugin's
`--logging-config-file`.  The canary conversations (tests/e2e/canary.py) plant one known value of
each PII type, complete the order form (whose custom action needs the real e-mail address) and
ask for a human (so the handoff table gets a transcript).  Once the server has stopped, every
file the run wrote is searched byte-wise for each value, as is, JSON-escaped and URL-encoded.
"""

from __future__ import annotations

import sqlite3

import pytest

from rasa_ethics.vault import is_token
from tests.e2e.canary import CANARIES, CanaryRun, forms

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def canary(watched_bot) -> CanaryRun:
    """What the watched bot said, and the files it left."""
    return watched_bot.canary


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
