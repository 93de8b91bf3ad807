"""OwnNames: the bot's domain names and brand are never personal data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from rasa_ethics.context import OwnNames, domain_names
from rasa_ethics.pii import Span
from rasa_ethics.policy import load_policy

REPO = Path(__file__).resolve().parents[2]
POLICY = load_policy(REPO / "policies" / "northwind.yml")
EXAMPLE = Domain.from_yaml((REPO / "example_bot" / "domain.yml").read_text())
# Names of the kind RasaHQ's financial-demo uses, where "amount-of-money" read as an introduction.
FINANCIAL = Domain.from_dict(
    {
        "intents": ["pay_cc", "inform"],
        "entities": ["amount-of-money", "PERSON"],
        "slots": {"amount-of-money": {"type": "any", "mappings": [{"type": "custom"}]}},
        "forms": {"cc_payment_form": {"required_slots": ["amount-of-money"]}},
        "actions": ["action_pay_cc"],
    }
)


@pytest.fixture
def own() -> OwnNames:
    names = OwnNames()
    names.learn_domain(EXAMPLE, POLICY)
    names.learn_domain(FINANCIAL)
    return names


class TestDomainNames:
    def test_every_kind_of_name(self) -> None:
        """Intents, entities, slots, forms, actions, responses and Rasa's default actions."""
        names = set(domain_names(FINANCIAL)) | set(domain_names(EXAMPLE))
        for name in (
            "pay_cc",
            "amount-of-money",
            "cc_payment_form",
            "action_pay_cc",
            "order_status_form",
            "utter_greet",
            "action_listen",
            "requested_slot",
        ):
            assert name in names


class TestIsOwn:
    @pytest.mark.parametrize(
        ("value", "own_name"),
        [
            ("cc_payment_form", True),
            ("amount-of-money", True),
            ("Northwind", True),  # in the domain's responses and the policy's disclosure
            ("northwind", True),
            ("Northwind's", True),
            ("Klarna", True),  # a name the designers wrote into utter_payment_methods
            ("Chloe Turner", False),
            ("Amount-of-money", False),  # domain names are exact
            ("cc_payment", False),
        ],
    )
    def test_table(self, own: OwnNames, value: str, own_name: bool) -> None:
        """Domain names exactly; values in the designers' texts in any case."""
        assert own.is_own(value) is own_name

    def test_keep_drops_own_spans(self, own: OwnNames) -> None:
        """Spans whose whole value is an own name are dropped, the others stay."""
        text = "Northwind and Chloe Turner"
        spans = [Span(0, 9, "person"), Span(14, 26, "person")]
        assert own.keep(text, spans) == [spans[1]]


class TestPattern:
    def test_whole_words_only(self, own: OwnNames) -> None:
        """Own names match as whole words: a domain name inside another word does not."""
        pattern = own.pattern()
        assert pattern is not None
        line = "previous action name: amount-of-money; Northwind's; inform_me; NORTHWIND"
        assert [m.group(0) for m in pattern.finditer(line)] == [
            "amount-of-money",
            "Northwind's",
            "NORTHWIND",
        ]

    def test_plain_words_are_not_set_aside(self, own: OwnNames) -> None:
        """A slot called "email" or an intent "inform" stays visible to the log patterns."""
        pattern = own.pattern()
        assert pattern is not None and own.is_own("inform")
        assert pattern.search("my email is x, inform") is None

    def test_nothing_learnt(self) -> None:
        """No pattern before anything is learnt."""
        assert OwnNames().pattern() is None
