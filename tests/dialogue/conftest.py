"""Fixtures for the dialogue unit tests (no trained model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from rasa_ethics.dialogue.detectors import Detectors
from rasa_ethics.policy import LoadedPolicy, load_policy
from tests.dialogue.builders import DOMAIN_YAML

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> Domain:
    """A small domain with a form, a from_text slot and the ethics responses."""
    return Domain.from_yaml(DOMAIN_YAML)


@pytest.fixture(scope="session")
def policy() -> LoadedPolicy:
    """The example bot's policy (northwind extends default)."""
    return load_policy(REPO / "policies" / "northwind.yml")


@pytest.fixture(scope="session")
def detectors(policy: LoadedPolicy) -> Detectors:
    """Compiled detectors of the northwind policy."""
    return Detectors.for_policy(policy)
