"""The in-chat privacy requests: the grammar (tuning tables), the turn plans, the NLG's erasure.

These tables are TUNING data: the held-out set is tests/data/privacy_heldout_5.yml (measured on
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
from rasa_ethics.dialogue.privacy import ERASE, EXPORT, NOTICE, OPT_OUT, privacy_request
from rasa_ethics.dialogue.steps import next_step
from rasa_ethics.dialogue.turn import ERASE as ERASE_PLAN
from rasa_ethics.dialogue.turn import ERASE_ASK, ERASE_DECLINED, analyse_turn
from rasa_ethics.dialogue.turn import NOTICE as NOTICE_PLAN
from rasa_ethics.dialogue.turn import OPT_OUT as OPT_OUT_PLAN
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
            # families added with the classifier (2026-12-02, tuning probes)
            "I want to exercise my right to delete",
            "article 17 request please",
            "wipe me from your database",
            "i want my info gone",
            "get my data off your servers",
            "make sure you delete what I said",
            "please erase what you stored about me",
            "I ordered boots last week, but please delete my personal data",
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
            "what do you do with my info",
            "how do you handle my personal data",
            "do you pass my details to anyone else",
            "which of my details do you hold",
            "does a human read this chat",
            "what's your data policy",
            "r u recording this",
            "what do you know about me",
            "I'd like to know what you keep on me",
            "just curious, do you save these chats",
            "how long until my data is deleted automatically",
            "is this conversation private",
            "who is the data controller",
            "could you explain your privacy practices",
            "are you keeping a copy of this chat",
            "what becomes of my messages",  # the classifier's
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
            "can you pass this chat to a human?",
            "can I see the details of the jacket?",
            "did you read my message?",
            "is it safe to pay by card?",
            "how do you handle returns?",
            "can I get my info updated",
            "may I see the menu",
            "what rights do I have over my parcel",
            "how long until my parcel arrives",
            "I want to opt out of the loyalty scheme",
            "too many emails, how do I opt out",
            "what information do you have about the new phone",
            "share this chat with my wife",
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
            "I'd like to request my personal data",
            "may I see the data you have on me",
            "grant me access to my personal data",
            "hand over my data please",
            "can i have my data",
            "can I get my records",
            "I'd like my data in a file",
            "please provide the personal data you hold about me",
            "send me a copy of what you keep about me",
            "i need all my personal info you got sent to my email",
            "I am invoking my rights under GDPR article 15",
        ],
    )
    def test_export(self, text: str) -> None:
        assert privacy_request(text) is not None and privacy_request(text)[0] == EXPORT

    @pytest.mark.parametrize(
        "text",
        [
            "I need a copy of my invoice",
            "can you email me the receipt",
            "send it to me",
            "can you email me the details of the product",
            "send me the info about the sale",
            "do I have to give my details",
            "send my details to the courier",
        ],
    )
    def test_not_an_export(self, text: str) -> None:
        assert privacy_request(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "don't store my data",
            "please don't save this conversation",
            "stop using my personal data",
            "I want to opt out",
            "I don't want my data stored",
            "no recording of this chat please",
            "I withdraw my consent",
            "dont store anything i say",
            "do not sell or share my personal information",
            "I don't consent to you keeping my data",
            "I dont want to be tracked",
            "stop monitoring me",
            "please unsubscribe me from data collection",
            "id rather u didnt hang on to my details",
        ],
    )
    def test_opt_out(self, text: str) -> None:
        assert privacy_request(text) is not None and privacy_request(text)[0] == OPT_OUT

    @pytest.mark.parametrize(
        "text",
        [
            "do you store my data?",  # a question: the notice
            "no, keep my data",
            "I don't know why you keep asking for my email",
            "don't save my card",
            "opt out of the newsletter",
            "stop sending me marketing emails",
            "don't use my phone for deliveries",
            "stop it",
        ],
    )
    def test_not_an_opt_out(self, text: str) -> None:
        found = privacy_request(text)
        assert found is None or found[0] != OPT_OUT

    def test_erasure_wins_over_opt_out(self) -> None:
        """ "Don't keep my data, delete it": the stronger request, with its question."""
        assert privacy_request("don't keep my data, delete it")[0] == ERASE  # type: ignore[index]

    def test_the_intent_needs_the_verb(self) -> None:
        """The classifier's intent alone is no evidence."""
        assert privacy_request("hello there", c.PRIVACY_ERASE_INTENT) is None
        # served, DIET gives "remove me from your system" the erasure intent: a list, not data
        assert privacy_request("remove me from your system", c.PRIVACY_ERASE_INTENT) is None
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

    def test_opt_out(self) -> None:
        """ "Don't store this conversation": the opted-out text, then the host's turn again."""
        t = tracker(user("don't store my data"))
        assert plan_kind(t) == OPT_OUT_PLAN
        step = next_step(analyse_turn(t, Detectors.for_policy(NORTHWIND)), t, "x")
        assert step is not None
        assert step.options == (c.RESPONSE_OPTED_OUT, c.RESPONSE_OPT_OUT_FAILED)

    def test_old_model_without_the_responses_abstains(self) -> None:
        assert plan_kind(tracker(user("delete my data")), OLD_DOMAIN) is None


class _Rights:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.erased: List[str] = []
        self.opted_out: List[str] = []

    def request_export_in_chat(self, conversation_id: str) -> str:
        if self.fail:
            raise RuntimeError("the register is down")
        return "PR-EXPO-RT00"

    def opt_out_in_chat(self, conversation_id: str) -> str:
        if self.fail:
            raise RuntimeError("the privacy trail is held")
        self.opted_out.append(conversation_id)
        return "PR-0PT0-UT00"

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


class TestNLGOptOut:
    def test_opts_out_then_says_so(self, nlg: EthicsNLG) -> None:
        """The store is told first; the message carries the mark the store keeps it by."""
        rights = _Rights()
        install_chat_rights(rights)
        message = generate(nlg, c.RESPONSE_OPTED_OUT, tracker(user("don't store my data")))
        assert rights.opted_out == ["c"]
        assert message["text"] == CHAT.opted_out_text.replace("{reference}", "PR-0PT0-UT00")
        assert message[c.META_OPTED_OUT] == {"reference": "PR-0PT0-UT00"}

    def test_failure_is_said(self, nlg: EthicsNLG) -> None:
        rights = _Rights(fail=True)
        install_chat_rights(rights)
        message = generate(nlg, c.RESPONSE_OPTED_OUT, tracker(user("don't store my data")))
        assert message["text"] == CHAT.opt_out_failed_text and c.META_OPTED_OUT not in message

    def test_undecided_opts_nothing_out(self, nlg: EthicsNLG) -> None:
        """A story or /execute naming the opted-out text neither says it nor opts out."""
        rights = _Rights()
        install_chat_rights(rights)
        said = [user("hello"), ActionExecuted("utter_greet"), BotUttered("Hello!"), user("ok")]
        message = generate(nlg, c.RESPONSE_OPTED_OUT, tracker(*said))
        assert rights.opted_out == [] and c.META_OPTED_OUT not in message
        assert message["text"] not in (CHAT.opted_out_text, CHAT.opt_out_failed_text)


class TestStoreSkipsErasedSessions:
    def test_marker(self) -> None:
        done = BotUttered("done", metadata={c.META_ERASED: {"reference": "PR-ABCD-EFGH"}})
        assert erased_in_chat(tracker(*asked(), user("yes"), done))
        assert not erased_in_chat(tracker(*asked()))
