"""Every test starts and ends with no queue or accounts installed (handoff/current.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from rasa_ethics.handoff import current


@pytest.fixture(autouse=True)
def no_installed_handoffs() -> Iterator[None]:
    """An account left installed would make every later handoff 'unavailable'."""
    current._current.clear()
    yield
    current._current.clear()
