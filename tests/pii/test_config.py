"""The ``pii:`` section of the policy schema, as the engine relies on it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rasa_ethics.pii import RECOGNIZERS
from rasa_ethics.policy.schema import PIIConfig


class TestPIIConfig:
    """Typos in PII settings are errors, not silent defaults."""

    def test_every_type_has_recognizers(self):
        """The schema's types and the engine's recognizers are the same set."""
        assert set(PIIConfig.ENTITY_TYPES) == set(RECOGNIZERS)

    def test_unknown_type(self):
        """An unknown type name is rejected with the list of valid ones."""
        with pytest.raises(ValidationError, match="unknown PII type 'emial'"):
            PIIConfig(entities={"emial": {"operator": "replace"}})

    def test_unknown_operator(self):
        """Only replace, mask, hash and drop exist."""
        with pytest.raises(ValidationError):
            PIIConfig(entities={"email": {"operator": "encrypt"}})

    def test_phone_regions(self):
        """Regions are upper-cased and must be known to phonenumbers."""
        assert PIIConfig(phone_regions=["gb", "de"]).phone_regions == ["GB", "DE"]
        with pytest.raises(ValidationError, match="unknown phone region"):
            PIIConfig(phone_regions=["XX"])
