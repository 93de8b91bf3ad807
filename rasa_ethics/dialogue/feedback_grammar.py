"""The grammar of feedback on the bot's last answer (see :mod:`rasa_ethics.dialogue.feedback`).

It reads each clause of the message (cut at punctuation) and finds one of three kinds:

* ``correctness``: "that's wrong", "incorrect", "you got it wrong", "that makes no sense";
* ``helpfulness``: "that didn't help", "this is useless", "you're no help";
* ``relevance``: "not what I asked", "you didn't answer my question", "that's off topic".

What it says must be about the answer, not about a product or another thing: the subject is the
answer itself ("that", "this", "it", "your answer", "the bot", "you", or nothing: "wrong answer"),
and an adjective that qualifies a noun ("that's the wrong size", "wrong item delivered") is no
feedback.  "The app didn't help me log in" has another subject and is no feedback either.
Typos of the verdict words are fixed first (one slip, two in long words).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

from rasa_ethics.dialogue.lexicon import words
from rasa_ethics.dialogue.matcher import normalise
from rasa_ethics.dialogue.tokens import near

__all__ = ["CORRECTNESS", "HELPFULNESS", "RELEVANCE", "feedback"]

CORRECTNESS, HELPFULNESS, RELEVANCE = "correctness", "helpfulness", "relevance"

_CLAUSES = re.compile(r"[.?!;,:()]+")
_EXPANSIONS = {
    "thats": "that is", "its": "it is", "thiss": "this is", "youre": "you are", "ur": "your",
    "u": "you", "r": "are", "youve": "you have", "didnt": "did not", "didint": "did not",
    "dident": "did not", "doesnt": "does not", "dosent": "does not", "dosnt": "does not",
    "dont": "do not", "isnt": "is not", "wasnt": "was not", "arent": "are not",
    "werent": "were not", "wont": "will not", "cant": "can not", "cannot": "can not",
    "hasnt": "has not", "havent": "have not", "aint": "is not", "nt": "not",
}  # fmt: skip
# Fixed when typed with one slip (two for long words): dropped, doubled or swapped letters.
_VOCABULARY = words(
    "wrong incorrect correct useless unhelpful helpful help irrelevant relevant answer answered "
    "answering question asked asking meant wanted pointless accurate inaccurate misunderstood "
    "understand nothing nonsense untrue useful helping sense"
)
_FILLERS = words(
    "no nope nah hmm hm um uh erm er well but sorry ok okay so honestly actually thanks yeah "
    "yes oh ah ugh hey mate and again still just sadly unfortunately seriously bot really look"
)
_LEAD_PHRASES = (("thank", "you"), ("i", "think"), ("i", "feel", "like"), ("im", "afraid"))
_CONJUNCTIONS = words("and but so because cause as since")
_ADVERBS = words(
    "totally completely just really so very absolutely still even quite simply clearly plain "
    "obviously entirely all wholly utterly literally actually honestly being kinda kind of "
    "pretty exactly"
)
_TAIL = words(
    "at all bot chatbot mate again though tho sorry lol really either there here then too dude "
    "man honestly whatsoever me to for i think buddy pal sadly unfortunately im afraid just "
    "thanks actually please you know still ever obviously seriously completely whatsoever "
    "anyway one bit"
)
_ANSWER_NOUNS = words(
    "answer answers reply replies response responses info information suggestion suggestions "
    "advice explanation link links result results solution solutions"
)
# The bot's advice only when it is said to be the bot's: "your steps", not "the instructions".
_ADVICE_NOUNS = words("steps instructions tips")
_BOT_NOUNS = words("bot chatbot robot ai")
_DETERMINERS = words("that this the your these those ur")
_DEMONSTRATIVES = words("that this these those")
_COPULA = words("is was are were seems seem sounds sound looks look be")
_AUXILIARIES = words("did does do will would has have is was are were can could")
_BAD = {
    **dict.fromkeys(words("wrong incorrect untrue false inaccurate mistaken"), CORRECTNESS),
    **dict.fromkeys(words("nonsense rubbish garbage"), CORRECTNESS),
    **dict.fromkeys(words("useless unhelpful pointless worthless"), HELPFULNESS),
    **dict.fromkeys(words("irrelevant unrelated"), RELEVANCE),
}
_GOOD = {
    **dict.fromkeys(words("right correct true accurate"), CORRECTNESS),
    **dict.fromkeys(words("helpful useful helping"), HELPFULNESS),
    **dict.fromkeys(words("relevant related answering"), RELEVANCE),
}
_NO_NOUNS = words("help use good")  # "no help", "of no use", "no good"
_ASKED = words("asked meant wanted said need needed asking typed wrote mean want looking")
_DID_NOT = {"help": HELPFULNESS, "solve": HELPFULNESS, "fix": HELPFULNESS, "answer": RELEVANCE}
_YOU_DID_NOT = {
    **_DID_NOT,
    **dict.fromkeys(words("understand get listen read"), RELEVANCE),
}
_YOU_ARE = {
    **_BAD,
    **dict.fromkeys(words("mistaken confused"), CORRECTNESS),
}
_YOU_MISSED = words("misunderstood misunderstand misread misheard misunderstanding")


@lru_cache(maxsize=4096)
def feedback(text: str) -> Optional[str]:
    """The kind of feedback on the bot's last answer that ``text`` gives, or None."""
    if text.lstrip().startswith("/"):
        return None  # a button payload
    for clause in _CLAUSES.split(text[:500]):
        tokens = _tokens(clause)
        kind = _clause(tokens) if tokens else None
        if kind:
            return kind
    return None


def _tokens(clause: str) -> List[str]:
    expanded = " ".join(_EXPANSIONS.get(w, w) for w in normalise(clause).split())
    return [_fix(w) for w in expanded.split()]


@lru_cache(maxsize=8192)
def _fix(word: str) -> str:
    if len(word) < 4 or word in _VOCABULARY:
        return word
    limit = 2 if len(word) >= 8 else 1
    for target in _VOCABULARY:
        if word[0] == target[0] and near(word, target, limit, substitutions=len(target) >= 7):
            return target
    return word


def _clause(tokens: Sequence[str]) -> Optional[str]:
    rest = _strip_fillers(tokens)
    kind = _bare(rest)
    if kind:
        return kind
    starts = [0] + [i + 1 for i, w in enumerate(rest) if w in _CONJUNCTIONS]
    for start in starts:
        kind = _with_subject(rest[start:])
        if kind:
            return kind
    return None


def _strip_fillers(tokens: Sequence[str]) -> Tuple[str, ...]:
    rest = tuple(tokens)
    while rest:
        lead = next((p for p in _LEAD_PHRASES if rest[: len(p)] == p), None)
        if lead:
            rest = rest[len(lead) :]
        elif rest[0] in _FILLERS:
            rest = rest[1:]
        else:
            break
    return rest


def _skip(tokens: Sequence[str], skipped: frozenset) -> Tuple[str, ...]:
    rest = tuple(tokens)
    while rest and rest[0] in skipped:
        rest = rest[1:]
    return rest


def _only_tail(tokens: Sequence[str]) -> bool:
    return all(w in _TAIL or w in _ANSWER_NOUNS or w in _BOT_NOUNS for w in tokens)


def _bare(tokens: Sequence[str]) -> Optional[str]:
    """A message that is only the verdict: "wrong answer", "not helpful at all", "didn't help"."""
    rest = _skip(tokens, _ADVERBS)
    if rest[:1] in (("did",), ("does",)):
        rest = rest[1:]
    kind = _predicate(rest, demonstrative=True)
    return kind if kind and _tail_after(rest) else None


def _tail_after(tokens: Sequence[str]) -> bool:
    """The bare verdict is followed by nothing but tail words (after its own words)."""
    for length in range(1, min(len(tokens), 5) + 1):
        if _predicate(tokens[:length], demonstrative=True) and _only_tail(tokens[length:]):
            return True
    return bool(tokens) and _relevance_clause(tokens) is not None


def _with_subject(tokens: Sequence[str]) -> Optional[str]:
    """ "That's wrong", "your answer didn't help", "the bot got it wrong", "you misunderstood"."""
    length, who = _subject(tokens)
    if not length:
        return None
    rest = _skip(tokens[length:], _ADVERBS)
    if who == "you":
        return _you(rest)
    if rest and rest[0] in _COPULA:
        return _adjectival(_skip(rest[1:], _ADVERBS))
    return _predicate(rest, demonstrative=who == "that")


def _subject(tokens: Sequence[str]) -> Tuple[int, str]:
    """How many words the subject takes, and whether it is the answer ("that") or "you"."""
    if not tokens:
        return 0, ""
    first = tokens[0]
    second = tokens[1] if len(tokens) > 1 else ""
    if first == "you":
        return 1, "you"
    if first == "what" and second == "you":  # "what you said is wrong"
        return 3, "that"
    if first in _DETERMINERS and (second in _ANSWER_NOUNS or second in _BOT_NOUNS):
        return 2, "that"
    if first in _DETERMINERS - {"the"} and second in _ADVICE_NOUNS:
        return 2, "that"
    if first in _DEMONSTRATIVES:
        return 1, "that"
    if first == "it":
        return 1, "it"
    return 0, ""


def _adjectival(rest: Sequence[str]) -> Optional[str]:
    """After "is": "wrong", "not right", "no help", "the wrong answer", "off topic"."""
    if rest[:1] == ("the",) and len(rest) > 2 and rest[1] in _BAD:
        return _BAD[rest[1]] if rest[2] in _ANSWER_NOUNS else None
    if rest[:1] == ("not",):
        after = _skip(rest[1:], _ADVERBS)
        if after[:1] == ("it",) and _only_tail(after[1:]):
            return CORRECTNESS  # "that's not it"
        if after[:1] in (("the",), ("an",), ("a",)) and len(after) > 1:
            if after[1] in _ANSWER_NOUNS:
                return RELEVANCE  # "that's not an answer to my question"
            if after[1] in _GOOD and len(after) > 2 and after[2] in _ANSWER_NOUNS:
                return _GOOD[after[1]]  # "not the right answer"
    return _predicate(rest, demonstrative=True)


def _predicate(rest: Sequence[str], demonstrative: bool) -> Optional[str]:
    """The verdict itself, from its first word on."""
    if not rest:
        return None
    first = rest[0]
    if first in _BAD:
        return _BAD[first] if _not_attributive(rest[1:]) else None
    if first in ("no", "of") and (set(rest[1:3]) & _NO_NOUNS):
        return HELPFULNESS if "sense" not in rest[:3] else CORRECTNESS
    if rest[:2] in (("off", "topic"), ("beside", "the")):
        return RELEVANCE
    if rest[:2] == ("makes", "no") or rest[:2] == ("make", "no"):
        return CORRECTNESS if rest[2:3] == ("sense",) else None
    if rest[:3] in (("has", "nothing", "to"), ("have", "nothing", "to")) or rest[:2] == (
        "nothing",
        "to",
    ):
        return RELEVANCE
    if rest[:1] in (("did",), ("does",), ("do",), ("will",), ("has",)) and rest[1:2] == ("not",):
        return _negated_verb(_skip(rest[2:], _ADVERBS), demonstrative)
    if first == "not":
        return _not(_skip(rest[1:], _ADVERBS))
    if rest[:3] in (("got", "it", "wrong"), ("got", "that", "wrong")):
        return CORRECTNESS
    return None


def _not_attributive(after: Sequence[str]) -> bool:
    """ "wrong" as the verdict ("wrong, I never...", "wrong answer"), not "wrong size"."""
    if not after:
        return True
    return (
        after[0] in _TAIL
        or after[0] in _ANSWER_NOUNS
        or after[0] in _BOT_NOUNS
        or (after[0] in words("i my you because since and about to"))
    )


def _negated_verb(rest: Sequence[str], demonstrative: bool) -> Optional[str]:
    if not rest:
        return None
    if rest[0] in _DID_NOT:
        return _DID_NOT[rest[0]]
    if rest[:2] == ("make", "sense"):
        return CORRECTNESS
    if rest[0] == "work" and demonstrative and _only_tail(rest[1:]):
        return HELPFULNESS  # "that didn't work"; "it didn't work" may be the product
    return None


def _not(rest: Sequence[str]) -> Optional[str]:
    """After "not": "helpful", "right", "what I asked", "my question", "an answer"."""
    if not rest:
        return None
    if rest[0] in _GOOD:
        return _GOOD[rest[0]] if _not_attributive(rest[1:]) else None
    return _relevance_clause(rest)


def _relevance_clause(rest: Sequence[str]) -> Optional[str]:
    """ "what I asked (for)", "my question", "the question", "what I was asking"."""
    if rest[:1] == ("not",):
        rest = rest[1:]
    if rest[:2] == ("what", "i"):
        verb = _skip(rest[2:], words("was am had have really actually"))
        return RELEVANCE if verb[:1] and verb[0] in _ASKED else None
    if rest[:2] in (("my", "question"), ("the", "question")) and _only_tail(rest[2:]):
        return RELEVANCE
    return None


def _you(rest: Sequence[str]) -> Optional[str]:
    """After "you": "are wrong", "misunderstood", "didn't answer", "got it wrong", "are no help"."""
    if not rest:
        return None
    if rest[0] in _YOU_MISSED:
        return RELEVANCE
    if rest[0] in ("are", "were"):
        after = _skip(rest[1:], _ADVERBS)
        if after[:1] and after[0] in _YOU_ARE:
            return _YOU_ARE[after[0]]
        if after[:1] == ("not",):
            verb = _skip(after[1:], _ADVERBS)
            found = verb[:1] and {**_GOOD, "listening": RELEVANCE}.get(verb[0])
            return found or None
        return _predicate(after, demonstrative=False)
    if rest[:1] == ("have",):
        rest = rest[1:]
    if rest[:1] == ("got",) and "wrong" in rest[1:4]:
        return CORRECTNESS
    if rest[:1] and rest[0] in _AUXILIARIES and rest[1:2] == ("not",):
        verb = _skip(rest[2:], _ADVERBS)
        return _YOU_DID_NOT.get(verb[0]) if verb else None
    return None
