"""Export: the stored, redacted conversation and the names of its vault fields, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasa_ethics.rights import RightsError
from rasa_ethics.rights.export import export
from rasa_ethics.rights.locate import locate
from tests.rights.bot import sqlite_rows


class TestExport:
    def test_the_stored_events_of_this_conversation_only(self, filled: Path) -> None:
        """Exactly ana's stored events, in order; ana2 (same prefix and e-mail) is not in it."""
        document = export(locate(Path("endpoints.yml")), "ana", "sam")
        stored = sqlite_rows(
            filled / "rasa.db", "SELECT data FROM events WHERE sender_id = 'ana' ORDER BY id"
        )
        assert document["events"] == [json.loads(data) for (data,) in stored]
        assert document["conversation_id"] == "ana"
        assert [h["reason"] for h in document["handoffs"]] == ["customer_request"]

    def test_vault_field_names_never_values(self, filled: Path) -> None:
        """The e-mail slot's name is listed; no e-mail address is anywhere in the export."""
        document = export(locate(Path("endpoints.yml")), "ana", "sam")
        assert document["vault_fields"] == ["email"]
        text = json.dumps(document)
        assert "ana@example.com" not in text and "ben@example.org" not in text
        assert "vault:" in text  # the slot is stored as its token

    def test_it_is_registered_and_audited(self, filled: Path) -> None:
        """A done export request by sam, and an export record with counts in the privacy trail."""
        stores = locate(Path("endpoints.yml"))
        document = export(stores, "ben", "sam")
        row = stores.register.get(document["reference"])
        assert row is not None and (row["kind"], row["state"]) == ("export", "done")
        assert row["conversation_id"] == "ben"  # kept: only erasure forgets it
        trail = (filled / "audit" / "privacy.jsonl").read_text()
        [record] = [json.loads(line) for line in trail.splitlines() if '"type":"export"' in line]
        assert record["events"] == len(document["events"]) and record["vault_fields"] == 1

    @pytest.mark.parametrize("conversation", ["nobody", "%", "an_", "ana' OR '1'='1"])
    def test_nothing_stored_is_an_error_and_files_nothing(
        self, filled: Path, conversation: str
    ) -> None:
        """Unknown ids (patterns and quotes included) match nothing; no request is filed."""
        stores = locate(Path("endpoints.yml"))
        with pytest.raises(RightsError, match="nothing is stored"):
            export(stores, conversation, "sam")
        assert stores.register.list() == []
