"""Fixtures for the PII tests: one engine per session, and a hit/miss helper for recognizers."""

from __future__ import annotations

import os
from collections.abc import Callable

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import pytest  # noqa: E402

from rasa_ethics.pii import PIIEngine, Recognizer  # noqa: E402
from rasa_ethics.policy.schema import PIIConfig  # noqa: E402

Offsets = tuple[tuple[int, int], ...]


@pytest.fixture(scope="session")
def engine() -> PIIEngine:
    """The engine with the default ``pii:`` settings (all types, replace)."""
    built = PIIEngine(PIIConfig())
    built.warm_up()
    return built


@pytest.fixture(scope="session")
def detect() -> Callable[[Recognizer, str], Offsets]:
    """Offsets (into the original text) one recognizer reports, through the whole engine."""

    def run(recognizer: Recognizer, text: str) -> Offsets:
        single = PIIEngine(PIIConfig(), recognizers=[recognizer])
        return tuple((s.start, s.end) for s in single.analyze(text))

    return run

