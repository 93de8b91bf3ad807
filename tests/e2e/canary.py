"""Canary conversations: one known value of each PII type planted in a served bot's files' way.

The conversations plant the values, complete the order form (whose custom action needs the real
e-mail address) and ask for a human (so the handoff table gets a transcript).  Once the server
has stopped, ``tests/e2e/test_pii_canary.py`` searches every file the run wrote for each value.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

from tests.harness import REPO, BotClient

__all__ = ["CANARIES", "LOGGING_YML", "CanaryRun", "converse", "forms"]

#: The plugin's logging configuration (``rasa run --logging-config-file``).
LOGGING_YML = REPO / "rasa_ethics" / "resources" / "logging.yml"
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
        """Every file of the run."""
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def forms(value: str) -> Dict[str, bytes]:
    """The byte forms a value can take in a file."""
    return {
        "raw": value.encode(),
        "json": json.dumps(value)[1:-1].encode(),
        "url": urllib.parse.quote(value, safe="").encode(),
        "url+": urllib.parse.quote_plus(value, safe="").encode(),
    }


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
