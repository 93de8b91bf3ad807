"""The request register: references, legal deadlines, states, overdue requests."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from rasa_ethics.rights.register import RequestRegister, deadline


def at(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()


def day_of(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).date().isoformat()


@pytest.fixture
def register() -> RequestRegister:
    return RequestRegister(sa.create_engine("sqlite://"))


class TestDeadline:
    @pytest.mark.parametrize(
        "received, jurisdiction, due",
        [
            ("2026-03-10", "gdpr", "2026-04-10"),  # one month: the same day next month
            ("2026-01-31", "gdpr", "2026-02-28"),  # ... or that month's last day
            ("2024-01-30", "gdpr", "2024-02-29"),  # a leap year
            ("2026-12-15", "gdpr", "2027-01-15"),  # across the year
            ("2026-03-10", "ccpa", "2026-04-24"),  # 45 days
            ("2026-12-20", "ccpa", "2027-02-03"),
        ],
    )
    def test_table(self, received: str, jurisdiction: str, due: str) -> None:
        """GDPR gives one calendar month, CCPA 45 days."""
        assert day_of(deadline(at(received), jurisdiction)) == due

    def test_unknown_jurisdiction(self) -> None:
        """Anything else is refused."""
        with pytest.raises(ValueError, match="gdpr"):
            deadline(0.0, "hipaa")


class TestRegister:
    def test_a_filed_request_has_a_reference_and_a_deadline(
        self, register: RequestRegister
    ) -> None:
        """Filing stores the receipt time, the deadline of the jurisdiction, state open."""
        row = register.file("export", "c1", "pseudo", "ccpa", "chat", received_at=at("2026-03-10"))
        assert row["reference"].startswith("PR-") and len(row["reference"]) == 12
        stored = register.get(row["reference"].lower())
        assert stored is not None and stored["state"] == "open"
        assert day_of(stored["deadline_at"]) == "2026-04-24"

    def test_references_are_unique(self, register: RequestRegister) -> None:
        """Two hundred requests, two hundred references."""
        refs = {
            register.file("erase", f"c{i}", "p", "gdpr", "chat")["reference"] for i in range(200)
        }
        assert len(refs) == 200

    def test_overdue_lists_open_requests_past_their_deadline(
        self, register: RequestRegister
    ) -> None:
        """Late and open: listed; late but done, or not late yet: not listed."""
        late = register.file("erase", "c1", "p", "gdpr", "chat", received_at=at("2026-01-01"))
        done = register.file("export", "c2", "p", "gdpr", "chat", received_at=at("2026-01-01"))
        fresh = register.file("opt_out", "c3", "p", "gdpr", "chat", received_at=at("2026-03-01"))
        assert register.close(done["reference"], "sam")
        overdue = register.list(overdue=True, now=at("2026-03-05"))
        assert [r["reference"] for r in overdue] == [late["reference"]]
        everything = [r["reference"] for r in register.list()]
        assert everything == [late["reference"], done["reference"], fresh["reference"]]

    def test_a_request_closes_once(self, register: RequestRegister) -> None:
        """Closing records who acted; a second close is refused."""
        row = register.file("erase", "c1", "p", "gdpr", "chat")
        assert register.close(row["reference"], "sam")
        assert not register.close(row["reference"], "kim")
        assert register.get(row["reference"])["acted_by"] == "sam"  # type: ignore[index]

    def test_unknown_kind(self, register: RequestRegister) -> None:
        """Only erase, export and opt_out exist."""
        with pytest.raises(ValueError, match="opt_out"):
            register.file("delete_order", "c1", "p", "gdpr", "chat")
