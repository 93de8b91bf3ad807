"""Retention purge: old conversations go, the rest stays, the dry run counts what goes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.events import UserUttered

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.rights import RightsError
from rasa_ethics.rights.locate import locate
from rasa_ethics.rights.purge import plan_purge, purge
from tests.rights.bot import CUSTOMERS, DAY, conversation, fill, sqlite_rows


def senders(db: Path) -> set:
    return {s for (s,) in sqlite_rows(db, "SELECT DISTINCT sender_id FROM events")}


class TestPurge:
    def test_old_conversations_go_and_the_others_stay(self, filled: Path) -> None:
        """old1 and old2 (40 days, retention 30) go everywhere; the three customers stay."""
        stores = locate(Path("endpoints.yml"))
        plan = plan_purge(stores)
        assert plan.conversations == ["old1", "old2"]
        purge(stores, plan, "sam")
        db = filled / "rasa.db"
        assert senders(db) == set(CUSTOMERS)
        handoffs = sqlite_rows(db, "SELECT conversation_id FROM rasa_ethics_handoffs")
        subjects = sqlite_rows(db, "SELECT conversation_id FROM rasa_ethics_subjects")
        assert {c for (c,) in handoffs} == {c for (c,) in subjects} == set(CUSTOMERS)
        assert all(stores.vault().count(c) == 0 for c in ("old1", "old2"))  # type: ignore[union-attr]

    def test_the_dry_run_counts_are_what_is_deleted(self, filled: Path) -> None:
        """The plan's counts equal the deleted counts, and equal the rows that were there."""
        stores = locate(Path("endpoints.yml"))
        plan = plan_purge(stores)
        events_before = sqlite_rows(filled / "rasa.db", "SELECT count(*) FROM events")[0][0]
        result = purge(stores, plan, "sam")
        events_after = sqlite_rows(filled / "rasa.db", "SELECT count(*) FROM events")[0][0]
        assert result.deleted == plan.counts
        assert plan.counts.events == events_before - events_after > 0
        assert plan.counts.handoffs == plan.counts.subjects == plan.counts.vault == 2

    def test_a_conversation_that_came_back_is_kept(self, filled: Path) -> None:
        """A new event after the plan keeps old1 whole; the counts say what really went."""
        stores = locate(Path("endpoints.yml"))
        plan = plan_purge(stores)
        came_back = conversation("old1", "old1@old.example", time.time() - 40 * DAY)
        came_back.update(UserUttered("I'm back", timestamp=time.time()))
        fill(filled, [came_back])  # SQLTrackerStore.save appends the one event past the stored
        result = purge(stores, plan, "sam")
        assert "old1" in senders(filled / "rasa.db")
        assert result.conversations == 1 and result.deleted.events < plan.counts.events

    def test_every_purge_is_audited(self, filled: Path) -> None:
        """A purge record with the retention, the cut-off and the counts; the trail verifies."""
        stores = locate(Path("endpoints.yml"))
        result = purge(stores, plan_purge(stores), "sam")
        trail = filled / "audit" / "privacy.jsonl"
        assert verify_trail(trail_files(trail)).ok
        lines = trail.read_text().splitlines()
        [record] = [json.loads(line) for line in lines if '"type":"purge"' in line]
        assert record["retention_days"] == 30 and record["conversations"] == 2
        assert record["events"] == result.deleted.events and "old1" not in trail.read_text()

    def test_tombstones_for_every_purged_conversation(self, filled: Path) -> None:
        """The broker gets one retention tombstone per conversation purged."""
        stores = locate(Path("endpoints.yml"))
        purge(stores, plan_purge(stores), "sam")
        rows = sqlite_rows(filled / "events.db", "SELECT data FROM events")
        stones = [json.loads(d) for (d,) in rows if "rasa_ethics_erasure" in d]
        assert sorted((s["sender_id"], s["reason"]) for s in stones) == [
            ("old1", "retention"),
            ("old2", "retention"),
        ]

    def test_no_retention_period_refuses(self, filled: Path) -> None:
        """Without privacy.retention_days the purge refuses and says what to add."""
        policy = yaml.safe_load((filled / "policy.yml").read_text())
        del policy["privacy"]["retention_days"]
        (filled / "policy.yml").write_text(yaml.safe_dump(policy))
        with pytest.raises(RightsError, match="retention_days: 180"):
            plan_purge(locate(Path("endpoints.yml")))
