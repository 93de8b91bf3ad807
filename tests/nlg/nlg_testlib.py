"""EthicsNLG built as Rasa builds a custom NLG from endpoints.yml, for the tests of any package."""

from __future__ import annotations

from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.nlg import EthicsNLG
from tests.harness import REPO


def northwind_nlg(domain: Domain) -> EthicsNLG:
    """``nlg: {type: rasa_ethics.EthicsNLG, policy: policies/northwind.yml}`` with ``domain``."""
    config = EndpointConfig(
        type="rasa_ethics.EthicsNLG", policy=str(REPO / "policies" / "northwind.yml")
    )
    generator = NaturalLanguageGenerator.create(config, domain)
    assert isinstance(generator, EthicsNLG)
    return generator
