"""The in-chat privacy requests: the grammar (tuning tables), the turn plans, the NLG's erasure.

These tables are TUNING data: the held-out set is tests/data/privacy_heldout.yml (measured on
the served bot by tests/e2e/test_privacy_chat.py), and none of its phrasings belong here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue.detectors import Detectors
from rasa_ethics.dialogue.privacy import ERASE, EXPORT, NOTICE, privacy_request
from rasa_ethics.dialogue.steps import next_step
from rasa_ethics.dialogue.turn import ERASE as ERASE_PLAN
from rasa_ethics.dialogue.turn import ERASE_ASK, ERASE_DECLINED, analyse_turn
from rasa_ethics.dialogue.turn import NOTICE as NOTICE_PLAN
from rasa_ethics.nlg import EthicsNLG
from rasa_ethics.nlg.rights import install_chat_rights
from rasa_ethics.policy import load_policy
from rasa_ethics.stores.tracker_store import erased_in_chat
from tests.dialogue.builders import DOMAIN_YAML, session, user
from tests.nlg.nlg_testlib import northwind_nlg

REPO = Path(__file__).resolve().parents[2]
NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")
CHAT = NORTHWIND.privacy.chat
PRIVACY_RESPONSES = "".join(f"  {name}: [{{text: '{name}'}}]\n" for name in c.PRIVACY_RESPONSES)
DOMAIN = Domain.from_yaml(DOMAIN_YAML + PRIVACY_RESPONSES)
OLD_DOMAIN = Domain.from_yaml(DOMAIN_YAML)  # a model trained before issue 12


class TestGrammar:
    @pytest.mark.parametrize(
        "text",
        [
            "delete my data",
            "forget me",
            "erase everything you have on me",
            "I want my personal information erased",
            "delte my data",
            "get rid of everything you stored about me",
            "right to be forgotten",
            "dont keep my data, delete it",
        ],
    )
    def test_erasure(self, text: str) -> None:
        assert privacy_request(text) is not None and privacy_request(text)[0] == ERASE

    @pytest.mark.parametrize(
        "text",
        [
            "what do you keep about me?",
            "how is my data used?",
            "privacy policy",
            "who sees my chat",
        ],
    )
    def test_notice(self, text: str) -> None:
        assert privacy_request(text) is not None and privacy_request(text)[0] == NOTICE

    @pytest.mark.parametrize(
        "text",
        [
            "delete my order",
            "cancel my account",
            "remove the item from my basket",
            "I want to remove my account and all my data",
            "remove me from your system",
            "don't delete my data",
            "i need to remove an item from my order",
            "how do I delete my saved card",
            "hello",
            "forget about it",
        ],
    )
    def test_not_a_request_about_the_chat(self, text: str) -> None:
        assert privacy_request(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "send me a copy of my data",
            "export my data",
            "data access request",
            "can you send me my data",
            "sned me a copy of my data",
        ],
    )
    def test_export(self, text: str) -> None:
        assert privacy_request(text) is not None and privacy_request(text)[0] == EXPORT

    @pytest.mark.parametrize(
        "text", ["I need a copy of my invoice", "can you email me the receipt", "send it to me"]
    )
    def test_not_an_export(self, text: str) -> None:
        assert privacy_request(text) is None

    def test_the_intent_needs_the_verb(self) -> None:
        """The classifier's intent alone is no evidence."""
        assert privacy_request("hello there", c.PRIVACY_ERASE_INTENT) is None
        assert privacy_request("can you delete it", c.PRIVACY_ERASE_INTENT) == (
            ERASE,
            f"intent:{c.PRIVACY_ERASE_INTENT}",
        )


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("c", session(*events), DOMAIN.slots)


def plan_kind(t: DialogueStateTracker, domain: Domain = DOMAIN) -> Optional[str]:
    plan = analyse_turn(t, Detectors.for_policy(NORTHWIND), domain.action_names_or_texts)
    return plan.kind if plan else None


def asked() -> List:
    return [
        user("delete my data"),
        ActionExecuted(c.RESPONSE_ERASE_CONFIRM),
        BotUttered(CHAT.erase_confirm_text, metadata={c.META_PRIVACY: {"stage": "asked"}}),
        ActionExecuted("action_listen"),
    ]


class TestTurn:
    def test_request_asks_first(self) -> None:
        t = tracker(user("delete my data"))
        assert plan_kind(t) == ERASE_ASK
        step = next_step(analyse_turn(t, Detectors.for_policy(NORTHWIND)), t, "x")
        assert step is not None and step.options == (c.RESPONSE_ERASE_CONFIRM,)

    def test_yes_erases_no_keeps(self) -> None:
        assert plan_kind(tracker(*asked(), user(CHAT.erase_yes_button))) == ERASE_PLAN
        assert plan_kind(tracker(*asked(), user("yes please"))) == ERASE_PLAN
        assert plan_kind(tracker(*asked(), user(CHAT.erase_no_button))) == ERASE_DECLINED
        assert plan_kind(tracker(*asked(), user("where is my parcel"))) is None

    def test_yes_without_the_question_is_nothing(self) -> None:
        assert plan_kind(tracker(user("yes"))) is None

    def test_notice(self) -> None:
        assert plan_kind(tracker(user("what do you keep about me?"))) == NOTICE_PLAN

    def test_old_model_without_the_responses_abstains(self) -> None:
        assert plan_kind(tracker(user("delete my data")), OLD_DOMAIN) is None


class _Rights:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.erased: List[str] = []

    def request_export_in_chat(self, conversation_id: str) -> str:
        if self.fail:
            raise RuntimeError("the register is down")
        return "PR-EXPO-RT00"

    def erase_in_chat(self, conversation_id: str) -> str:
        if self.fail:
            raise RuntimeError("the privacy trail is held")
        self.erased.append(conversation_id)
        return "PR-ABCD-EFGH"


@pytest.fixture
def nlg() -> EthicsNLG:
    return northwind_nlg(DOMAIN)


def generate(nlg: EthicsNLG, name: str, t: DialogueStateTracker) -> dict:
    return asyncio.run(nlg.generate(name, t, "rest"))


class TestNLGErasure:
    def test_erases_then_says_so(self, nlg: EthicsNLG) -> None:
        rights = _Rights()
        install_chat_rights(rights)
        message = generate(nlg, c.RESPONSE_ERASED, tracker(*asked(), user("yes")))
        assert rights.erased == ["c"]
        assert message["text"] == CHAT.erased_text.replace("{reference}", "PR-ABCD-EFGH")
        assert message[c.META_ERASED] == {"reference": "PR-ABCD-EFGH"}

    def test_failure_is_said(self, nlg: EthicsNLG) -> None:
        rights = _Rights(fail=True)
        install_chat_rights(rights)
        message = generate(nlg, c.RESPONSE_ERASED, tracker(*asked(), user("yes")))
        assert message["text"] == CHAT.erase_failed_text and c.META_ERASED not in message

    def test_undecided_erasure_asks_and_erases_nothing(self, nlg: EthicsNLG) -> None:
        """A story or /execute naming the erased response never erases: the question comes."""
        rights = _Rights()
        install_chat_rights(rights)
        said = [user("hello"), ActionExecuted("utter_greet"), BotUttered("Hello!"), user("ok")]
        message = generate(nlg, c.RESPONSE_ERASED, tracker(*said))
        assert rights.erased == [] and message["text"] == CHAT.erase_confirm_text
        assert message["buttons"][0]["title"] == CHAT.erase_yes_button


class TestNLGExport:
    def test_files_then_says_so(self, nlg: EthicsNLG) -> None:
        rights = _Rights()  # installed as a weak reference: kept alive here
        install_chat_rights(rights)
        t = tracker(user("send me a copy of my data"))
        message = generate(nlg, c.RESPONSE_EXPORT_FILED, t)
        assert message["text"] == CHAT.export_text.replace("{reference}", "PR-EXPO-RT00")

    def test_failure_is_said(self, nlg: EthicsNLG) -> None:
        rights = _Rights(fail=True)
        install_chat_rights(rights)
        t = tracker(user("send me a copy of my data"))
        assert generate(nlg, c.RESPONSE_EXPORT_FILED, t)["text"] == CHAT.export_failed_text

    def test_undecided_files_nothing(self, nlg: EthicsNLG) -> None:
        rights = _Rights(fail=True)  # would raise if it were asked
        install_chat_rights(rights)
        said = [user("hello"), ActionExecuted("utter_greet"), BotUttered("Hello!"), user("ok")]
        message = generate(nlg, c.RESPONSE_EXPORT_FILED, tracker(*said))
        assert message["text"] not in (CHAT.export_failed_text, CHAT.export_text)


class TestStoreSkipsErasedSessions:
    def test_marker(self) -> None:
        done = BotUttered("done", metadata={c.META_ERASED: {"reference": "PR-ABCD-EFGH"}})
        assert erased_in_chat(tracker(*asked(), user("yes"), done))
        assert not erased_in_chat(tracker(*asked()))
