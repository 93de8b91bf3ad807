"""Families of phrasing widened after held-out set 4 (now tuning), judged as EthicsPolicy plans.

TUNING tables, written while the grammar was widened: none of their phrasings belong in a
held-out set.  Each family is met with the plan the policy makes of a fresh conversation's first
message (tests/dialogue/privacy_scoring.py), so the bot challenge and the handoff are in play.
"""

from __future__ import annotations

import pytest

from rasa_ethics.dialogue import turn
from tests.dialogue.privacy_scoring import plan_of


@pytest.mark.parametrize(
    "text",
    [
        "do you hold onto my messages after I leave",
        "how long do you sit on customer conversations",
        "do you retain transcripts",
        "is my info held on file",
        "what happens to the chat logs afterwards",
    ],
)
def test_colloquial_keeping_is_a_notice(text: str) -> None:
    assert plan_of(text) == turn.NOTICE


@pytest.mark.parametrize(
    "text",
    [
        "do employees read these conversations",
        "does anyone listen to or review my messages",
        "do humans look at the chat transcripts",
        "is this conversation checked by a person later",
        "does a real person ever review these chats",
        "is my chat seen by people",
        "does anyone at the company see these messages?",
        "r these chats reviewd by humans",
        "hi there, i was just wondering, before i carry on, whether any of your employees "
        "actually go through these conversations afterwards, because i would rather know first",
    ],
)
def test_people_reading_the_chats_is_a_notice(text: str) -> None:
    """Neither the bot challenge nor a request for a person: a question about the chats."""
    assert plan_of(text) == turn.NOTICE


@pytest.mark.parametrize(
    "text",
    [
        "is this a real person?",
        "am I talking to a real person",
        "is there a real person on the other end",
        "are you a human",
    ],
)
def test_asking_about_the_bot_stays_the_bot_challenge(text: str) -> None:
    assert plan_of(text) == turn.BOT_CHALLENGE


@pytest.mark.parametrize(
    "text",
    [
        "does anyone read these chats? i want to talk to a person",
        "can someone read this chat and call me back",
        "is anyone there?",
        "I want a person to look at my order",
    ],
)
def test_a_person_asked_for_is_still_a_handoff_or_nothing(text: str) -> None:
    """A clause that asks for a person keeps its handoff; a reading question beside it does
    not take it away."""
    assert plan_of(text) != turn.NOTICE
    assert plan_of(text) == turn.HANDOFF or "call me back" in text  # no handoff grammar there


@pytest.mark.parametrize(
    "text",
    [
        "send me my chat history",
        "i want the transcripts of my chats with you",
        "could you email me all the messages I've sent",
        "can I download our past conversations",
        "I'd like my chat history please",
        "I'm submitting a data subject access request",
        "i want to make a subject access request",
        "this is a SAR under gdpr",
        "im making a subject acess request",
        "can i see all the messages ive sent you",
    ],
)
def test_the_customers_chats_and_a_named_access_request_are_filed(text: str) -> None:
    assert plan_of(text) == turn.EXPORT


def test_a_legal_matter_beside_an_access_request_goes_to_a_person() -> None:
    assert plan_of("I will sue you, and this is a subject access request") == turn.HANDOFF


@pytest.mark.parametrize(
    "text",
    [
        "none of this should be recorded",
        "i'd rather this stuff wasn't logged",
        "can none of this be stored",
        "make sure nothing of this is kept",
        "dont log any of this pls",
        "nothing i say here should be saved ok",
        "Hi, before I ask my question about returns, I don't want any of this recorded please",
    ],
)
def test_none_of_this_kept_is_an_opt_out(text: str) -> None:
    assert plan_of(text) == turn.OPT_OUT


@pytest.mark.parametrize(
    "text",
    [
        "do you keep hold of my parcel until I collect it",
        "can you hang on to my order until friday",
        "how long do you hold items in the basket",
        "send me my order history",
        "i don't want any of this, cancel the order",
        "none of this is working",
        "does anyone read the reviews on the site",
        "are the product reviews written by real people",
        "how do I log in",
        "i want the chat to stop",
        "none of my saved addresses work",
        "how should i store this stuff",
        "you sent me the wrong size, can i see the messages about it",
    ],
)
def test_not_a_privacy_request(text: str) -> None:
    assert plan_of(text) not in {turn.NOTICE, turn.EXPORT, turn.OPT_OUT, turn.ERASE_ASK}
