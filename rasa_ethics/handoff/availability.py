"""Whether a human agent can take a handoff now: the policy's ``handoff.availability``, and
presence when agents sign in to the console."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rasa_ethics.policy.schema import AvailabilityConfig

__all__ = ["is_available"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_available(
    config: AvailabilityConfig, now: Optional[datetime] = None, online: Optional[bool] = None
) -> bool:
    """True when agents are online and ``now`` falls within the opening hours.

    ``online`` is the agents' presence (:func:`rasa_ethics.handoff.current.agents_online`): False
    (nobody signed in and 'online') makes it unavailable whatever the hours say; None (no agent
    accounts, only machine clients) leaves it to the policy.  Empty ``hours`` means always open.
    A span whose end is before its start runs past midnight ("22:00-06:00" covers the night into
    the next day).  Days missing from ``hours`` are closed.
    """
    if not config.agents_online or online is False:
        return False
    if not config.hours:
        return True
    local = (now or datetime.now(timezone.utc)).astimezone(_zone(config.timezone))
    minute = local.hour * 60 + local.minute
    today = WEEKDAYS[local.weekday()]
    yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
    if today in config.hours:
        start, end = _span(config.hours[today])
        if (start <= minute < end) or (end <= start and minute >= start):
            return True
    if yesterday in config.hours:
        start, end = _span(config.hours[yesterday])
        if end <= start and minute < end:  # yesterday's overnight span reaches into today
            return True
    return False


def _span(text: str) -> Tuple[int, int]:
    start, end = (part.strip() for part in text.split("-"))
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return h1 * 60 + m1, h2 * 60 + m2


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"handoff.availability.timezone: unknown time zone {name!r} (e.g. Europe/London)"
        raise ValueError(msg) from None
