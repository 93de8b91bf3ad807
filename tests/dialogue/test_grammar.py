"""The grammar of requests for a person and of identity questions."""

from __future__ import annotations

import pytest

from rasa_ethics.dialogue import grammar
from rasa_ethics.dialogue.grammar import Strength


def strength(text: str) -> Strength:
    parts = [t for _, t in grammar.clauses(text) if not grammar.is_identity_question(t)]
    return max((grammar.request_strength(t) for t in parts), default=Strength.NONE)


class TestRequestStrength:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # a request verb with a person as its object
            ("could you put me through to someone from support", Strength.REQUEST),
            ("get me a real person", Strength.REQUEST),
            ("I need to talk to a live agent", Strength.REQUEST),
            ("can I have a word with a supervisor", Strength.REQUEST),
            # typos of the lexicon words
            ("tlk to human", Strength.REQUEST),
            ("conect me to sombody", Strength.REQUEST),
            ("representive please", Strength.REQUEST),
            # a bare call, a presence question, a callback
            ("HUMAN AGENT NOW", Strength.REQUEST),
            ("no bot. person.", Strength.REQUEST),
            ("transfer me", Strength.REQUEST),
            ("is anyone there?", Strength.REQUEST),
            ("is there someone I can call", Strength.REQUEST),
            ("could somebody from your team ring me", Strength.REQUEST),
            # the same words in other roles
            ("my estate agent needs a copy of the receipt", Strength.NONE),
            ("the tour operator cancelled my trip", Strength.NONE),
            ("connect the speaker to bluetooth", Strength.NONE),
            ("can I speak Spanish?", Strength.NONE),
            ("I want to talk about my order", Strength.NONE),
            ("can someone else collect my parcel", Strength.NONE),
            ("the person-to-person payment failed", Strength.NONE),
            ("aren't you clever", Strength.NONE),  # "arent" is no typo of "agent"
            # a role word qualifying a thing is no person
            ("operator error on my side", Strength.NONE),
            ("who handles human rights complaints in your supply chain", Strength.NONE),
            ("where do I enter the agent code", Strength.NONE),
            # a person mentioned: enough only with the classifier's agreement
            ("I don't want to talk to a bot", Strength.MENTION),
            # an assistant who is a person, the bot, or either
            ("I'd like to chat with one of your assistants", Strength.REQUEST),
            ("can I speak to a support assistant", Strength.REQUEST),
            ("connect me with an asistant", Strength.REQUEST),
            ("can I talk to the assistant", Strength.MAYBE_BOT),
            ("the shop assistant gave me the wrong size", Strength.NONE),
            ("my virtual assistant ordered it by accident", Strength.NONE),
            # typos and words run together
            ("put me tosomeone please", Strength.REQUEST),
            ("I need an asssistant", Strength.REQUEST),
            ("let me speakto someone", Strength.REQUEST),
            ("get me ahuman", Strength.REQUEST),
            ("talk to a persom", Strength.REQUEST),  # a neighbouring key
            ("into the box please", Strength.NONE),  # a real word is never split
            # a named person or a role
            ("can I speak with Maria Lopez from billing?", Strength.REQUEST),
            ("I'd like to talk to your CEO", Strength.REQUEST),
            ("put me through to Mr. Patel", Strength.REQUEST),
            ("connect me with the delivery team", Strength.REQUEST),
            ("can I get the bill from Mr. Brown", Strength.NONE),
            ("I need to get to Leeds by Friday", Strength.NONE),
            # "help me talking with", profanity between verb and person
            ("help me talking with somebody", Strength.REQUEST),
            ("I need help chatting with a fucking agent", Strength.REQUEST),
            ("help me track my order", Strength.NONE),
            # whether people work there
            ("do you have any real people", Strength.REQUEST),
            ("is there any human agent available?", Strength.REQUEST),
            ("do real people work there", Strength.REQUEST),
            ("are there human operators", Strength.REQUEST),
            ("do you have staff discounts", Strength.NONE),
            ("how many people work at the warehouse", Strength.NONE),
            # requests about other people
            ("my husband wants to change the delivery address", Strength.NONE),
            ("I spoke to someone yesterday about my refund", Strength.MENTION),
            # a contact verb with nobody named: a hint, worth a question with the classifier
            ("how can I get in touch", Strength.HINT),
            ("can I call you", Strength.HINT),
        ],
    )
    def test_table(self, text: str, expected: Strength) -> None:
        """What the clause says decides, not which words it contains."""
        assert strength(text) == expected


class TestIdentityQuestion:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("am I talking to a real person?", True),
            ("are you a bot", True),
            ("u human?", True),
            ("wait am i talking to a program", True),
            ("robot or human?", True),
            ("is this a bot or a real person?", True),
            ("is there a real person I can talk to?", False),  # a request, not a question
            ("are there real people working there", False),  # about the company's people
            ("is there a human on the other end?", True),
            ("where is my order", False),
            ("are you open on sunday", False),
        ],
    )
    def test_table(self, text: str, expected: bool) -> None:
        """Questions about what the bot is are identity questions."""
        parts = grammar.clauses(text)
        assert any(grammar.is_identity_question(t) for _, t in parts) is expected

    def test_identity_words_never_count_for_a_handoff(self) -> None:
        """ "Am I talking to a real person?" asks what the bot is; it is not a handoff request."""
        assert strength("am I talking to a real person?") == Strength.NONE

    def test_a_request_after_the_question_still_counts(self) -> None:
        """ "Are you a bot? Get me a human" asks for a person in its second clause."""
        assert strength("are you a bot? get me a human") == Strength.REQUEST


class TestComplaintCue:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [("I want to make a complant", True), ("apply a discount code", False)],
    )
    def test_table(self, text: str, expected: bool) -> None:
        """A complaint needs the word (or a typo of it)."""
        assert any(grammar.complaint_cue(t) for _, t in grammar.clauses(text)) is expected
