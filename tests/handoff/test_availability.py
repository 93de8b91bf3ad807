"""Agent availability from the policy's opening hours."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from rasa_ethics.handoff.availability import is_available
from rasa_ethics.policy.schema import AvailabilityConfig

WEEKDAYS = {"mon": "09:00-17:00", "tue": "09:00-17:00", "fri": "22:00-06:00"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


class TestIsAvailable:
    @pytest.mark.parametrize(
        ("when", "expected"),
        [
            ("2026-11-23 09:00", True),  # Monday, opening minute
            ("2026-11-23 16:59", True),
            ("2026-11-23 17:00", False),  # closing minute is closed
            ("2026-11-25 12:00", False),  # Wednesday: not listed, closed
            ("2026-11-27 23:30", True),  # Friday night span ...
            ("2026-11-28 05:59", True),  # ... runs into Saturday morning
            ("2026-11-28 06:00", False),
        ],
    )
    def test_opening_hours(self, when: str, expected: bool) -> None:
        """Spans are [start, end); an end before the start runs past midnight."""
        config = AvailabilityConfig(timezone="UTC", hours=WEEKDAYS)
        assert is_available(config, at(when)) is expected

    def test_time_zone(self) -> None:
        """Hours are read in the policy's time zone."""
        config = AvailabilityConfig(timezone="America/New_York", hours={"mon": "09:00-17:00"})
        assert is_available(config, at("2026-11-23 15:00"))  # 10:00 in New York
        assert not is_available(config, at("2026-11-23 13:00"))  # 08:00 in New York

    def test_always_open_without_hours(self) -> None:
        """No hours: always open."""
        assert is_available(AvailabilityConfig(), at("2026-11-25 03:00"))

    def test_agents_offline(self) -> None:
        """agents_online: false closes everything."""
        assert not is_available(AvailabilityConfig(agents_online=False), at("2026-11-23 10:00"))

    def test_unknown_time_zone(self) -> None:
        """A wrong zone name is an error that names the key."""
        config = AvailabilityConfig(timezone="Mars/Olympus", hours={"mon": "09:00-17:00"})
        with pytest.raises(ValueError, match="handoff.availability.timezone"):
            is_available(config, at("2026-11-23 10:00"))


class TestPresence:
    @pytest.mark.parametrize(
        ("when", "online", "expected"),
        [
            ("2026-11-23 10:00", None, True),  # no accounts: the hours decide
            ("2026-11-23 10:00", True, True),
            ("2026-11-23 10:00", False, False),  # open, but nobody signed in and online
            ("2026-11-25 10:00", True, False),  # someone online does not open a closed day
        ],
    )
    def test_online(self, when: str, online: object, expected: bool) -> None:
        """False from presence closes; None leaves the policy alone; True opens nothing."""
        config = AvailabilityConfig(timezone="UTC", hours=WEEKDAYS)
        assert is_available(config, at(when), online=online) is expected
