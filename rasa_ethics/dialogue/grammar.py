"""A small grammar of "let me talk to a person": what the message says, not which words it contains.

Why it exists (measured on the example bot, see ``tests/e2e/test_heldout.py``): the intent
classifier gives ``ethics_human_handoff`` a confidence of 1.0 to "my estate agent needs a copy of
the receipt" or "connect the speaker to bluetooth", and "goodbye" to "operater".  Words such as
*agent*, *operator* or *speak* are in both kinds of message; what differs is the structure:

* a request verb whose object is a person: "put me through **to** someone", "**get me** a human",
  "speak with **Maria Lopez** from billing", "connect me to **the store manager**";
* a bare call for a person: "human please", "live rep", "customer service";
* a presence question: "is anyone there?", "do you have real agents?", "are there people working
  there?";
* a person who is asked to act: "could somebody ring me", "can an assistant help me".

A clause that asks what the bot *is* ("am I talking to a real person?") is an identity question:
it gets the truthful bot-challenge answer, and its words never count towards a handoff.

The words are read as canonical tokens (:mod:`rasa_ethics.dialogue.tokens`: typos, inflections,
words run together, names, assistants); the word lists are in :mod:`rasa_ethics.dialogue.lexicon`.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import FrozenSet, List, Optional, Sequence

from rasa_ethics.dialogue import lexicon as lx
from rasa_ethics.dialogue.tokens import Clause, clauses

__all__ = [
    "Clause",
    "Strength",
    "clauses",
    "complaint_cue",
    "is_identity_form",
    "is_identity_question",
    "request_strength",
]


class Strength(IntEnum):
    """How clearly a clause asks for a person."""

    NONE = 0
    HINT = (
        1  # a contact verb, nobody named ("how do I get in touch"): worth asking, with the intent
    )
    MAYBE_BOT = 2  # asks for an assistant who may be the bot ("talk to the assistant"): ask
    MENTION = 3  # names a person-role (enough only when the intent classifier agrees)
    REQUEST = 4  # asks for one (enough on its own)


PERSON, MAYBE = "person", "maybe_bot"
# Verbs a person is asked to do: "could somebody ring me", "can a human take over".
_ACTS = lx.REQUEST_VERBS | lx.CALL_VERBS | lx.words("help take handle deal sort assist join")
# May stand between a person and what they are asked to do ("someone from the returns team").
_BETWEEN = lx.RELATIVE | lx.words("from your our the in at of on")
_CUSTOMER_SIDE = lx.words("my his her their its whose")  # "my agent will pick it up"
_HANDOVER_OBJECTS = lx.words("this it")  # "escalate this to a person"
_NOT_MODIFIERS = lx.THIRD_PARTY | lx.words("about for me you i we it and or so if when")
_HUMANISH = lx.words("human humans person persons people")  # also asked about the bot itself
_DETERMINERS = lx.words("a an any some real actual live")
_HINTS = lx.CONTACT_VERBS | lx.words("escalate")
_TO_NAME = lx.words("to with through me")  # "speak with Maria", "put me through to Priya"
# What may follow a contact verb for it to hint at a person: "how do I get in touch", "can I
# call you", "I need to speak to" (not "connect the speaker", "talk about my order").
_HINT_OBJECTS = lx.words("you u us to with in touch by phone please now someone")
_COPULAS = lx.words("am are is r was were")
# What a question about the conversation is about: "are *you*", "is *this*", "is *there* a human".
_REFERENTS = lx.words("you u ur youre yourself this it i that there a an these yall")
_NOT_ABOUT_US = lx.words("for about from")
_YOU_ARE = {("are", "you"), ("r", "u"), ("are", "u"), ("r", "you"), ("you", "are"), ("u", "are")}
_YOU_ARE |= {("u", "a"), ("you", "a")}  # "u a bot"
_DETERMINED = lx.words("the a an my your this that")  # "the phone": a noun, not "phone me"


def is_identity_question(clause: Sequence[str]) -> bool:
    """A question about what the bot is: "are you a bot", "is this a real person", "u human?".

    The question must be about the conversation ("are *you*", "is *this*", "am *I* talking to"):
    "are they from real customers" or "is the AI camera compatible" are not.
    """
    words = _without_interjections(clause)
    if _either_or(words):
        return True  # "robot or human", "a person or a computer"
    if len(words) < 2 or words[0] not in lx.IDENTITY_OPENERS:
        return False
    if words[0] in _COPULAS and words[1] not in _REFERENTS:
        return False
    asks_who = words[:2] == ["am", "i"] and len(words) > 2 and words[2] in lx.TO_VERBS
    if not asks_who and (_requests(words) or _presence(words)):
        return False  # "are you able to connect me to a person": a request
    for word in words[1:]:
        if word in lx.IDENTITY_NOUNS:
            return True
        if word in _NOT_ABOUT_US:
            return False  # "is this suitable for a person with a nut allergy"
    return False


def is_identity_form(clause: Sequence[str]) -> bool:
    """ "are you a ...", "r u a ...", "ur a ...": the shape of a bot challenge, any noun.

    Enough only when the intent classifier agrees ("are you a humen"); "are you open on
    Sunday" is not of this shape.
    """
    words = _without_interjections(clause)
    for i in range(len(words) - 1):
        pair = (words[i], words[i + 1])
        if pair in _YOU_ARE or (words[i] in ("youre", "ur") and i == 0):
            rest = words[i + 2 :] if pair in _YOU_ARE else words[i + 1 :]
            return bool(rest) and (rest[0] in ("a", "an", "some") or rest[0] in lx.IDENTITY_NOUNS)
    return False


def _without_interjections(clause: Sequence[str]) -> List[str]:
    words = list(clause)
    while words and words[0] in lx.INTERJECTIONS:
        words.pop(0)
    return words


def _either_or(words: List[str]) -> bool:
    """ "bot or human", "a person or a computer" anywhere in the clause."""
    for i, word in enumerate(words):
        if word != "or" or i == 0:
            continue
        after = [w for w in words[i + 1 : i + 3] if w not in ("a", "an", "the")]
        if words[i - 1] in lx.IDENTITY_NOUNS and after and after[0] in lx.IDENTITY_NOUNS:
            return True
    return False


def request_strength(clause: Sequence[str]) -> Strength:
    """How clearly one clause asks for a person (identity questions excluded by the caller)."""
    words = list(clause)
    if _requests(words) or _bare(words) or _presence(words) or _staff_question(words):
        return Strength.REQUEST
    if _requests(words, wanted=MAYBE):
        return Strength.MAYBE_BOT
    for i, word in enumerate(words):
        if word in lx.HUMANS and not _third_party(words, i) and not _modifier(words, i):
            return Strength.MENTION
        if word == "escalate":
            return Strength.MENTION
    if any(w in lx.NEGATIONS for w in words) and any(w in lx.BOT_NOUNS for w in words):
        return Strength.MENTION  # "I don't want to talk to a bot"
    if any(_hint(words, i) for i in range(len(words))):
        return Strength.HINT
    return Strength.NONE


def complaint_cue(clause: Sequence[str]) -> bool:
    """The clause says "complain" (or a close variant): required for a complaint handoff."""
    return any(word in lx.COMPLAINT_CUES for word in clause)


def _requests(words: List[str], wanted: str = PERSON) -> bool:
    """A request verb with a person as its object, a person asked to act, or a callback."""
    for i, word in enumerate(words):
        if word in lx.REQUEST_VERBS | lx.CONTACT_VERBS:
            if _object(words, i) == wanted:
                return True
        if wanted == PERSON and word in lx.HUMANS and _asked_to_act(words, i):
            return True
        if word == "callback" and any(w in lx.HUMANS for w in words):
            return True
    return False


def _object(words: List[str], verb: int) -> Optional[str]:
    """``PERSON``/``MAYBE`` if a person follows the verb within a few fillers and modifiers.

    Up to two modifiers may stand right before the person ("to the store manager", "to a
    product expert"); a name counts after a contact verb and a preposition only ("speak with
    Maria", not "speak Spanish" or "get to Leeds").
    """
    contact = words[verb] in lx.CONTACT_VERBS
    skip = lx.FILLERS | (_HANDOVER_OBJECTS if words[verb] in lx.HANDOVER_VERBS else frozenset())
    j = verb + 1
    while j < min(verb + 8, len(words)):
        named_ok = contact and any(w in _TO_NAME for w in words[verb + 1 : j])
        found = _person_at(words, j, named_ok)
        if found:
            return found
        if words[j] in skip:
            j += 1
            continue
        ahead = [k for k in (j + 1, j + 2) if k < len(words) and _person_at(words, k, named_ok)]
        between_ok = all(w not in _NOT_MODIFIERS for w in words[j : ahead[0]]) if ahead else False
        return _person_at(words, ahead[0], named_ok) if between_ok else None
    return None


def _person_at(words: Sequence[str], j: int, named_ok: bool) -> Optional[str]:
    word = words[j]
    if word == lx.MAYBE_BOT:
        return MAYBE
    if word == lx.NAMED:
        return PERSON if named_ok else None
    modifier = word == "human" and j + 1 < len(words) and words[j + 1] in lx.HUMANS
    if word in lx.HUMANS and not modifier and not _else(words, j):
        return PERSON
    return None


def _asked_to_act(words: List[str], i: int) -> bool:
    """ "could somebody ring me", "someone from the returns team contact me"."""
    if _else(words, i) or any(w in _CUSTOMER_SIDE for w in words[max(0, i - 2) : i]):
        return False
    for j in range(i + 1, min(i + 7, len(words))):
        word = words[j]
        if word in _ACTS and words[j - 1] not in _DETERMINED:
            return True
        modifier = j + 1 < len(words) and words[j + 1] in lx.HUMANS
        if word not in _BETWEEN and word not in lx.HUMANS and not modifier:
            return False
    return False


def _hint(words: List[str], i: int) -> bool:
    """A contact verb with no object, or only "you": "how can I get in touch", "call me"."""
    if words[i] not in _HINTS:
        return False
    rest = words[i + 1 : i + 4]
    return all(w in _HINT_OBJECTS or w == "me" for w in rest)


def _bare(words: List[str]) -> bool:
    """Only a call for a person: "human please", "live rep", "no bot. person", "transfer me"."""
    rest = set(words[1:])
    if words and words[0] in lx.HANDOVER_VERBS and rest <= lx.words("me this please now"):
        return True
    people = [w for w in words if w in lx.HUMANS or w == "escalate"]
    allowed = lx.BARE | lx.words("one")
    return bool(people) and all(w in lx.HUMANS or w in allowed for w in words)


def _presence(words: List[str]) -> bool:
    """ "is anyone there", "are any of your assistants free", "is there a live person available".

    For *human*/*person*/*people* the bare question is usually about the bot's identity, so it
    needs more after it: a request ("a real person I can talk to") or a word about work or
    availability ("real people working there").
    """
    if len(words) < 2 or words[0] not in ("is", "are"):
        return False
    rest = words[2:] if words[1] == "there" else words[1:]
    while rest and (rest[0] in _DETERMINERS or _modifier_of_person(rest)):
        rest = rest[1:]
    if len(rest) > 2 and rest[0] == "of" and rest[1] in ("your", "the", "our"):
        rest = rest[2:]
    if not rest or rest[0] not in lx.HUMANS or _else(rest, 0):
        return False
    if rest[0] in _HUMANISH:
        return _requests(rest) or any(w in lx.STAFF_WORDS or w in _HINTS for w in rest[1:])
    return True


def _modifier_of_person(words: Sequence[str]) -> bool:
    """ "human operators": *human* qualifies a role word, the question is about the role."""
    return len(words) > 1 and words[0] == "human" and words[1] in lx.HUMANS - _HUMANISH


def _staff_question(words: List[str]) -> bool:
    """ "do you have real agents", "do you employ humans", "does anyone actually work there"."""
    text = " ".join(words)
    asks_company = re.match(r"(do|have) (you|u|ya)( guys)? (have|employ|got)\b", text)
    if not asks_company and words[0] not in ("do", "does"):
        return False
    for i, word in enumerate(words[1:], start=1):
        if (
            word in lx.HUMANS
            and not _modifier(words, i)
            and not _third_party(words, i, strict=True)
        ):
            after = words[i + 1 :]
            return bool(asks_company) or any(w in lx.STAFF_WORDS for w in after)
    return False


def _modifier(words: Sequence[str], i: int) -> bool:
    """ "human resources", "operator error": the role word qualifies a thing, not a person."""
    return i + 1 < len(words) and words[i + 1] in lx.NOT_PEOPLE


def _else(words: Sequence[str], i: int) -> bool:
    return i + 1 < len(words) and words[i + 1] == "else"


def _third_party(words: Sequence[str], i: int, strict: bool = False) -> bool:
    """ "my estate agent", "the tour operator", "how many people": someone else's person."""
    others: FrozenSet[str] = _CUSTOMER_SIDE if strict else lx.THIRD_PARTY
    return any(w in others for w in words[max(0, i - 2) : i]) or _else(words, i)
