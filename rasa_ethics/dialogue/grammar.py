"""A small grammar of "let me talk to a person": what the message says, not which words it contains.

Why it exists (measured on the example bot, see ``bench/dialogue/heldout.py``): the intent
classifier gives ``ethics_human_handoff`` a confidence of 1.0 to "my estate agent needs a copy of
the receipt" or "connect the speaker to bluetooth", and "goodbye" to "operater".  Words such as
*agent*, *operator* or *speak* are in both kinds of message; what differs is the structure:

* a request verb whose object is a person: "put me through **to** someone", "**get me** a human";
* a bare call for a person: "human please", "live rep", "customer service";
* a presence question: "is anyone there?", "is there someone I can call?";
* a callback: "could somebody ring me".

A clause that asks what the bot *is* ("am I talking to a real person?") is an identity question:
it gets the truthful bot-challenge answer, and its words never count towards a handoff.

Typos are tolerated for the long words of the lexicons (one edit, two for words of 8+ letters) and
for the verbs of "talk to" when "to"/"with" follows ("tlk to human").
"""

from __future__ import annotations

import re
from enum import IntEnum
from functools import lru_cache
from typing import FrozenSet, List, Sequence, Tuple

from rasa_ethics.dialogue.matcher import normalise

__all__ = ["Strength", "clauses", "complaint_cue", "is_identity_question", "request_strength"]


class Strength(IntEnum):
    """How clearly a clause asks for a person."""

    NONE = 0
    MENTION = 1  # names a person-role (enough only when the intent classifier agrees)
    REQUEST = 2  # asks for one (enough on its own)


HUMANS: FrozenSet[str] = frozenset(
    "human humans person persons people agent agents operator operators representative "
    "representatives rep reps someone somebody anyone anybody staff advisor adviser advisors "
    "colleague colleagues manager supervisor employee team customer_service customer_support "
    "customer_care live_chat live_support support_team helpdesk member_of_staff".split()
)
REQUEST_VERBS = frozenset(
    "talk speak chat connect transfer put reach contact escalate hand pass route forward switch "
    "word want need get give gimme prefer".split()
)
CALL_VERBS = frozenset("call ring phone callback".split())
# Words that may stand between a request verb and its person ("put me through to a real one").
FILLERS = frozenset(
    "to with me us through over on a an the some any your our one of real actual actually live "
    "human proper another in charge member members please just now right here back".split()
)
# Words a bare call for a person may contain besides the person ("no bot. human now please").
BARE = frozenset(
    "please pls plz now asap thanks thx thank you help support needed required urgently right "
    "away immediately lol ok okay no not stop bot robot machine just enough a an the real actual "
    "live proper i want need escalate".split()
)
RELATIVE = frozenset("i we can could to who that actually really just".split())
THIRD_PARTY = frozenset(
    "my your his her their its our the this that these those which whose many few other".split()
)
# Nouns a role word can qualify without meaning a person ("human rights", "agent code").
NOT_PEOPLE = frozenset(
    "resources resource rights error errors nature race code codes number numbers id fee fees "
    "commission license licence manual mode sized size".split()
)
IDENTITY_NOUNS = frozenset(
    "bot bots robot ai human humans person machine computer program chatbot automated automatic "
    "automation real alive virtual gpt chatgpt algorithm script artificial".split()
)
IDENTITY_OPENERS = frozenset("am are is r u ur you youre who what was were".split())
INTERJECTIONS = frozenset(
    "wait so ok okay honestly hey hi hello um tell me be honest seriously".split()
)
HANDOVER_VERBS = frozenset("transfer connect escalate".split())  # "transfer me", "escalate this"
NEGATIONS = frozenset("dont not no stop enough".split())
BOT_NOUNS = frozenset("bot bots robot chatbot machine ai automated".split())
COMPLAINT_CUES = frozenset(
    "complain complaint complaints complaining complained dissatisfied unhappy unacceptable "
    "appalling disappointed disappointing disgraceful outrageous ombudsman".split()
)
_MULTIWORD = {
    ("customer", "service"): "customer_service",
    ("customer", "services"): "customer_service",
    ("customer", "support"): "customer_support",
    ("customer", "care"): "customer_care",
    ("live", "chat"): "live_chat",
    ("live", "support"): "live_support",
    ("support", "team"): "support_team",
    ("help", "desk"): "helpdesk",
    ("member", "of", "staff"): "member_of_staff",
}
# Words of 5+ letters only: short ones have too many real neighbours (stuff/staff, call/all).
_FUZZY_TARGETS = frozenset(
    "human humans person people agent operator representative someone somebody anyone anybody "
    "customer service services supervisor connect transfer escalate complaint complain real "
    "please".split()
)
_TO_VERBS = ("talk", "speak", "chat")
_NOT_TO_VERBS = frozenset("walk take tell back task that what hat".split())
_SPLIT = re.compile(r"[.?!;,:]+|\bbut\b", re.IGNORECASE)
_COMPOUND = re.compile(r"\b\w+(?:-\w+)+\b")  # "person-to-person", "human-sized": not a person


Clause = Tuple[str, Tuple[str, ...]]


def clauses(text: str) -> List[Clause]:
    """The message cut at punctuation: each clause normalised, and as canonical tokens."""
    found = []
    for part in _SPLIT.split(text):
        normalised = normalise(part)
        if normalised:
            joined = normalise(_COMPOUND.sub(lambda m: m.group(0).replace("-", ""), part))
            found.append((normalised, _canonical(joined)))
    return found


@lru_cache(maxsize=4096)
def _canonical(normalised: str) -> Tuple[str, ...]:
    """Tokens with typos of the lexicon words fixed and multi-word roles joined."""
    words = normalised.split()
    fixed = [_fix(w) for w in words]
    for i, word in enumerate(fixed[:-1]):
        if fixed[i + 1] in ("to", "with") and word not in REQUEST_VERBS | _NOT_TO_VERBS:
            fixed[i] = next((v for v in _TO_VERBS if _near(word, v, 1)), word)
    return _merge(fixed)


def _merge(words: Sequence[str]) -> Tuple[str, ...]:
    out: List[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2):
            key = tuple(words[i : i + size])
            if key in _MULTIWORD:
                out.append(_MULTIWORD[key])
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=16384)
def _fix(word: str) -> str:
    if len(word) < 5 or word in _FUZZY_TARGETS:
        return word
    limit = 2 if len(word) >= 8 else 1
    for target in _FUZZY_TARGETS:
        if word[0] != target[0] or abs(len(word) - len(target)) > limit:
            continue
        # In short words a substituted letter often makes another real word ("arent" is not
        # "agent"): there only dropped, doubled or swapped letters count as typos.
        if _near(word, target, limit, substitutions=len(target) >= 7):
            return target
    return word


def _near(a: str, b: str, limit: int, substitutions: bool = True) -> bool:
    """Optimal-string-alignment distance of ``a`` and ``b`` is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    replace = 1 if substitutions else limit + 1
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else replace
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def is_identity_question(clause: Sequence[str]) -> bool:
    """A question about what the bot is: "are you a bot", "is this a real person", "u human?"."""
    words = list(clause)
    while words and words[0] in INTERJECTIONS:
        words.pop(0)
    if len(words) >= 3 and words[1] == "or" and {words[0], words[2]} <= IDENTITY_NOUNS:
        return True  # "robot or human"
    if len(words) >= 4 and words[1] == "or" and {words[0], words[3]} <= IDENTITY_NOUNS:
        return True  # "bot or a human"
    if not words or words[0] not in IDENTITY_OPENERS:
        return False
    return any(w in IDENTITY_NOUNS for w in words[1:]) and not _requests(words)


def request_strength(clause: Sequence[str]) -> Strength:
    """How clearly one clause asks for a person (identity questions excluded by the caller)."""
    words = list(clause)
    if _requests(words) or _bare(words) or _presence(words):
        return Strength.REQUEST
    for i, word in enumerate(words):
        if word in HUMANS and not _third_party(words, i) and not _modifier(words, i):
            return Strength.MENTION
        if word == "escalate":
            return Strength.MENTION
    if any(w in NEGATIONS for w in words) and any(w in BOT_NOUNS for w in words):
        return Strength.MENTION  # "I don't want to talk to a bot"
    return Strength.NONE


def complaint_cue(clause: Sequence[str]) -> bool:
    """The clause says "complain" (or a close variant): required for a complaint handoff."""
    return any(word in COMPLAINT_CUES for word in clause)


def _requests(words: List[str]) -> bool:
    """A request verb with a person as its object, a person who can be talked to, or a callback."""
    for i, word in enumerate(words):
        if word in REQUEST_VERBS and _person_follows(words, i + 1, FILLERS):
            return True
        if word in HUMANS and not _else(words, i):
            rest = words[i + 1 : i + 6]
            for next_word in rest:
                if next_word in REQUEST_VERBS or next_word in CALL_VERBS or next_word == "help":
                    return True
                if next_word not in RELATIVE and next_word not in ("from", "your", "our", "team"):
                    break
        if word == "callback" and any(w in HUMANS for w in words):
            return True
    return False


def _person_follows(words: List[str], start: int, skip: FrozenSet[str]) -> bool:
    """A person within a few filler words: "to a real person", "me through to someone"."""
    for j in range(start, min(start + 7, len(words))):
        word = words[j]
        modifier = word == "human" and j + 1 < len(words) and words[j + 1] in HUMANS
        if word in HUMANS and not modifier:
            return not _else(words, j)
        if word not in skip:
            return False
    return False


def _bare(words: List[str]) -> bool:
    """Only a call for a person: "human please", "live rep", "no bot. person", "transfer me"."""
    if words and words[0] in HANDOVER_VERBS and set(words[1:]) <= {"me", "this", "please", "now"}:
        return True
    people = [w for w in words if w in HUMANS or w == "escalate"]
    return bool(people) and all(w in HUMANS or w in BARE for w in words)


def _presence(words: List[str]) -> bool:
    """ "is anyone there", "is there someone I can call", "are any agents available".

    For *human*/*person* the bare question is usually about the bot's identity, so it needs a
    request after it: "is there a real person I can talk to".
    """
    if len(words) < 2 or words[0] not in ("is", "are"):
        return False
    rest = words[2:] if words[1] == "there" else words[1:]
    while rest and rest[0] in ("a", "an", "any", "some", "real", "actual", "live"):
        rest = rest[1:]
    if not rest or rest[0] not in HUMANS or _else(rest, 0):
        return False
    if rest[0] in ("human", "humans", "person", "persons", "people"):
        return _requests(rest)
    return True


def _modifier(words: Sequence[str], i: int) -> bool:
    """ "human resources", "operator error": the role word qualifies a thing, not a person."""
    return i + 1 < len(words) and words[i + 1] in NOT_PEOPLE


def _else(words: Sequence[str], i: int) -> bool:
    return i + 1 < len(words) and words[i + 1] == "else"


def _third_party(words: Sequence[str], i: int) -> bool:
    """ "my estate agent", "the tour operator", "how many people": someone else's person."""
    return any(w in THIRD_PARTY for w in words[max(0, i - 2) : i]) or _else(words, i)
