"""The console's sign-in throttle and its same-origin check."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rasa_ethics.channels.console_guard import LoginThrottle, same_origin
from rasa_ethics.channels.desk import DeskError


def test_throttle_per_agent_and_per_address() -> None:
    throttle = LoginThrottle(limit=3, window=60)
    for _ in range(3):
        throttle.check("sam", "10.0.0.1")
        throttle.failed("sam", "10.0.0.1")
    with pytest.raises(DeskError) as refused:
        throttle.check("sam", "10.0.0.2")  # the agent id is locked, from any address
    assert refused.value.status == 429
    with pytest.raises(DeskError):
        throttle.check("lee", "10.0.0.1")  # and the address, for any agent id
    throttle.check("lee", "10.0.0.3")  # others go on


def test_the_window_passes() -> None:
    throttle = LoginThrottle(limit=1, window=0.0)
    throttle.failed("sam", "10.0.0.1")
    throttle.check("sam", "10.0.0.1")  # the failure is older than the window


def test_a_success_clears_the_agent() -> None:
    throttle = LoginThrottle(limit=2, window=60)
    throttle.failed("sam", "10.0.0.1")
    throttle.succeeded("sam", "10.0.0.1")
    throttle.failed("sam", "10.0.0.2")
    throttle.check("sam", "10.0.0.3")


def request(**headers: str) -> SimpleNamespace:
    return SimpleNamespace(headers=headers)


def test_same_origin() -> None:
    assert same_origin(request(Host="bot.example.com"))  # no Origin: not a cross-site browser
    assert same_origin(request(Host="bot.example.com", Origin="https://bot.example.com"))
    assert not same_origin(request(Host="bot.example.com", Origin="https://evil.example"))
    assert not same_origin(request(Host="bot.example.com", Origin="null"))
