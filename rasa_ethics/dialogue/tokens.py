"""Canonical tokens of one clause: what the handoff grammar reads instead of the raw words.

From the normalised clause (lower case, see :func:`rasa_ethics.dialogue.matcher.normalise`):

* inflections of the contact verbs are reduced: "help me talking with" -> "talk";
* words run together are split when a part is a person or a verb: "tosomeone" -> "to someone",
  "humanagent" -> "human agent", and "toa"/"toan" -> "to a"/"to an";
* typos of the long lexicon words are fixed (one edit, two for words of 8+ letters), and of the
  "talk to" verbs when "to"/"with" follows ("tlak to someone");
* multi-word roles are joined: "customer service" -> ``customer_service``;
* an "assistant" is a person ("an assistant", "a support assistant", "your assistants"), the bot
  (``bot``: "virtual assistant"), or either (``MAYBE_BOT``: "the assistant");
* a name is ``NAMED``: a word written with a capital inside the clause that is no common word
  ("speak with Maria Lopez"), the word after a title ("mrs thompson"), or a name the PII detector
  found (the caller writes it as ``NAMEDPERSON``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import FrozenSet, List, Sequence, Tuple

from rasa_ethics.dialogue import lexicon as lx
from rasa_ethics.dialogue.matcher import normalise
from rasa_ethics.pii._lexicon import is_common

__all__ = ["NAME_PLACEHOLDER", "Clause", "canonical", "clauses", "near"]

Clause = Tuple[str, Tuple[str, ...]]  # (normalised text, canonical tokens)
_SPLIT = re.compile(r"[.?!;,:]+|\bbut\b", re.IGNORECASE)
_TITLE_DOT = re.compile(r"\b(mr|mrs|ms|dr|prof)\.", re.IGNORECASE)  # "Mr. Patel": one clause
_COMPOUND = re.compile(r"\b\w+(?:-\w+)+\b")  # "person-to-person", "human-sized": not a person
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")

NAME_PLACEHOLDER = "NAMEDPERSON"  # what the caller writes in place of a detected name
_PLACEHOLDER = NAME_PLACEHOLDER.lower()
_VOCABULARY = (
    lx.HUMANS | lx.REQUEST_VERBS | lx.CONTACT_VERBS | lx.FILLERS | lx.BARE | lx.IDENTITY_NOUNS
)
_CONTENT = lx.HUMANS | lx.REQUEST_VERBS | lx.CONTACT_VERBS
_ARTICLES = lx.words("a an the me us")
_NOT_SPLIT = lx.words("alive into onto theme upon within today tonight")
_BOT_QUALIFIERS = lx.words("virtual ai digital voice google automated chat bot smart robot")
_PERSON_QUALIFIERS = lx.words(
    "human real live actual proper support customer customer_service customer_support "
    "customer_care service services sales shop store personal care helpdesk team one a an any "
    "some another"
)


def clauses(text: str) -> List[Clause]:
    """The message cut at punctuation: each clause normalised, and as canonical tokens."""
    found = []
    for part in _SPLIT.split(_TITLE_DOT.sub(r"\1", text)):
        normalised = normalise(part)
        if normalised:
            joined = normalise(_COMPOUND.sub(lambda m: m.group(0).replace("-", ""), part))
            capitalised = frozenset(w.lower() for w in _CAPITALISED.findall(part))
            found.append((normalised, canonical(joined, capitalised)))
    return found


def canonical(normalised: str, capitalised: FrozenSet[str] = frozenset()) -> Tuple[str, ...]:
    """The canonical tokens of a normalised clause; ``capitalised``: words it had in capitals."""
    return _canonical(normalised, capitalised)


@lru_cache(maxsize=4096)
def _canonical(normalised: str, capitalised: FrozenSet[str]) -> Tuple[str, ...]:
    words: List[str] = []
    for word in normalised.split():
        words += _split(lx.INFLECTIONS.get(word, word))
    fixed = [_fix(w) for w in words]
    for i, word in enumerate(fixed[:-1]):
        if fixed[i + 1] in ("to", "with") and word not in lx.REQUEST_VERBS | lx.NOT_TO_VERBS:
            fixed[i] = next((v for v in lx.TO_VERBS if near(word, v, 1)), word)
    merged = _merge(fixed)
    return tuple(_names(_assistants(merged), capitalised))


@lru_cache(maxsize=16384)
def _split(word: str) -> Tuple[str, ...]:
    """ "tosomeone" -> ("to", "someone"); a word that is no run-together stays whole."""
    if len(word) < 3 or word in _VOCABULARY or word in _NOT_SPLIT or is_common(word):
        return (word,)
    for i in range(1, len(word)):
        left = word[:i]
        if left not in _VOCABULARY:
            continue  # checked first: fixing the right part is the expensive step
        right = _fix(word[i:])
        if right not in _VOCABULARY:
            continue
        if (left in _CONTENT and len(left) > 2) or (right in _CONTENT and len(right) > 2):
            return (left, right)
        if left in ("to", "with") and right in _ARTICLES:
            return (left, right)
    return (word,)


def _merge(words: Sequence[str]) -> List[str]:
    out: List[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2):
            key = tuple(words[i : i + size])
            if key in lx.MULTIWORD:
                out.append(lx.MULTIWORD[key])
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _assistants(words: List[str]) -> List[str]:
    """An assistant is a person, the bot, or either, by the word in front of it."""
    out = list(words)
    for i, word in enumerate(words):
        if word not in ("assistant", "assistants"):
            continue
        before = words[i - 1] if i else ""
        if before in _BOT_QUALIFIERS:
            out[i] = "bot"
        elif word == "assistant" and before not in _PERSON_QUALIFIERS:
            out[i] = lx.MAYBE_BOT
    return out


def _names(words: List[str], capitalised: FrozenSet[str]) -> List[str]:
    """Mark names as ``NAMED`` (runs of name words become one token)."""
    out: List[str] = []
    for i, word in enumerate(words):
        is_name = word == _PLACEHOLDER or (i > 0 and words[i - 1] in lx.TITLES)
        if not is_name and i > 0 and word in capitalised:
            is_name = word not in _VOCABULARY and not is_common(word) and word.isalpha()
        if is_name and out and out[-1] == lx.NAMED:
            continue
        out.append(lx.NAMED if is_name else word)
    return out


@lru_cache(maxsize=16384)
def _fix(word: str) -> str:
    if len(word) < 5 or word in lx.FUZZY_TARGETS:
        return word
    limit = 2 if len(word) >= 8 else 1
    for target in lx.FUZZY_TARGETS:
        if word[0] != target[0] or abs(len(word) - len(target)) > limit:
            continue
        # In short words a substituted letter often makes another real word ("arent" is not
        # "agent"): there only dropped, doubled or swapped letters, or a neighbouring key
        # ("persom"), count as typos.
        if near(word, target, limit, substitutions=len(target) >= 7):
            return target
    return word


def near(a: str, b: str, limit: int, substitutions: bool = True) -> bool:
    """Optimal-string-alignment distance of ``a`` and ``b`` is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else _substitution(a[i - 1], b[j - 1], substitutions)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def _substitution(typed: str, meant: str, any_letter: bool) -> int:
    if any_letter or meant in _NEIGHBOURS.get(typed, ""):
        return 1
    return 99


_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))
# Keys next to each other on a QWERTY keyboard (rows are staggered: "r" touches "f", not "g").
_NEIGHBOURS = {
    key: "".join(
        other
        for r2, (row2, shift2) in enumerate(_ROWS)
        for c2, other in enumerate(row2)
        if other != key
        and abs(r2 - r) <= 1
        and abs((c2 + shift2) - (c + shift)) <= (1.0 if r2 == r else 0.75)
    )
    for r, (row, shift) in enumerate(_ROWS)
    for c, key in enumerate(row)
}
