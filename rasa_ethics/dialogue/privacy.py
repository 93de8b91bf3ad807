"""Customers' own privacy requests in the chat: "delete my data", "what do you keep about me?".

What the message says decides, as in :mod:`rasa_ethics.dialogue.grammar`, not the intent alone:

* an **erasure** request is a verb of erasing ("delete", "erase", "wipe", "forget", "get rid
  of", their typos and forms) with the customer's data as its object ("my data", "my details",
  "this chat", "everything you have on me", "forget **me**"), or a named right ("right to be
  forgotten", "right to erasure");
* a **notice** request asks what is kept or how it is used: a verb of keeping or using ("keep",
  "store", "save", "use", "share", "see"), of looking after ("handle", "protect", "pass on",
  "how safe"), of holding with "my" or "about me" ("what have you got about me"), or of reading
  with a reader ("who reads this chat"), with the customer's data or "about me"; or the words
  "privacy policy" / "privacy notice" / "data policy";
* an **export** request asks for a copy of the customer's data: "copy", "export", "download"
  or "send me" with the customer's data ("send me a copy of my data", "export my data",
  "email me everything you have on me"), or a named request ("subject access request");
* an **opt-out** asks that this conversation no longer be stored, or the customer's data no
  longer be used: a negated verb of keeping ("don't store", "do not save", "I don't want ...
  recorded") or "stop" with one ("stop using", "stop storing"), with the customer's data or this
  chat as its object ("this conversation", "my data", "what I say", "this"), or a named right
  ("opt out", "withdraw my consent", "I object to the processing", "off the record");
* a message about the shop's records (orders, the basket, the account, a saved card, the
  mailing list) is never a request about the chat's data: "delete my order", "cancel my
  account", "remove the item from my basket", "I want to remove my account and all my data" are
  the host bot's, which knows how to close accounts.  The erasure itself only ever follows a
  "yes" to its question, so a request the grammar mistakes costs a question, never data;
* a negated verb ("don't delete my data") asks for nothing.

The classifier's ``ethics_privacy_*`` intent counts only together with the verb of its kind (an
erasure intent with "delete", a notice intent with "keep" or "use", an opt-out intent with a
negated or stopped verb of keeping), never alone.

Where the grammar finds nothing in a clause, a small trained classifier shipped in the package
(:mod:`rasa_ethics.dialogue.privacy_model`) may name the kind ("how private is this chat", "who
else gets my information"), within the same guards: never about the shop's records, only where
the clause names the customer's data, this chat, what they said or "about me", an erasure or
export never when negated, and an opt-out (which acts at once) only with a word that refuses
("don't", "stop", "rather", "withdraw").  Its evidence is ``model:<kind>``.

The grammar lives in :mod:`rasa_ethics.dialogue.privacy_grammar` (erasure, export, what they
share) and :mod:`rasa_ethics.dialogue.privacy_keeping` (notice, opt-out).
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Tuple

from rasa_ethics.dialogue import privacy_grammar as grammar
from rasa_ethics.dialogue import privacy_keeping as keeping
from rasa_ethics.dialogue import privacy_model
from rasa_ethics.dialogue.privacy_grammar import BUSINESS, ERASE, EXPORT, NOTICE, OPT_OUT, TYPOS

__all__ = ["ERASE", "EXPORT", "NOTICE", "OPT_OUT", "asks_who_reads", "clauses", "privacy_request"]

#: The model's least probability for its label to count (see :func:`_by_model`).  Chosen with
#: the regularisation by leaving each tuning set out in turn (the model alone, C=10, within
#: its guards): at 0.5 it found 185 of 252 requests (0.6: 175) and fired on 4 of 231 ordinary
#: messages, two of them about the shop's records, which the grammar's guard keeps out.
MODEL_THRESHOLD = 0.5
_NEGATIONS = frozenset("dont not never no didnt wont wouldnt".split())
#: Words that refuse, one of which the model's opt-out needs: "I'd rather you didn't".
_REFUSALS = _NEGATIONS | frozenset(
    "stop quit cease opt withdraw object consent prefer rather without refuse anymore "
    "longer".split()
)
_SPLIT = re.compile(r"[.!?;]+")
_WORD = re.compile(r"[a-z0-9]+")
_PARTS = re.compile(r",|\b(?:but|also|btw|anyway|however)\b")


def privacy_request(text: str, intent: Optional[str] = None) -> Optional[Tuple[str, str]]:
    """(kind, evidence) of a privacy request in ``text``, or None.

    ``intent`` is the classifier's confident intent; the evidence never contains user text.
    """
    found: List[Tuple[str, str]] = []
    for clause in _free_of_business(text):
        kind = (
            grammar.erase(clause, intent)
            or grammar.export(clause, intent)
            or keeping.opt_out(clause, intent)
            or keeping.notice(clause, intent)
            or _by_model(clause)
        )
        if kind is not None:
            found.append(kind)
    erase = [f for f in found if f[0] == ERASE]
    return (erase or found)[0] if found else None


def asks_who_reads(text: str) -> bool:
    """``text`` asks whether people read or review the customer's chats ("are these chats
    reviewed by real people?"): a notice, which the handoff and bot-challenge grammars must not
    take for a request for a person or a question about the bot."""
    return any(keeping.reads_chats(clause) for clause in _free_of_business(text))


def clauses(text: str) -> List[Tuple[str, ...]]:
    """The sentences of ``text`` as tuples of lower-case words, apostrophes dropped, typos fixed."""
    return [_words(part) for part in _SPLIT.split(_plain(text)) if _words(part)]


def _free_of_business(text: str) -> Iterator[Tuple[str, ...]]:
    """The sentences that say nothing of the shop's records; of one that does, its parts
    (between commas, "but", "also") that do not and name the customer's data: "I ordered boots
    last week, but what do you keep about me?".  "I want to remove my account and all my data"
    stays whole: the host's."""
    for sentence in _SPLIT.split(_plain(text)):
        words = _words(sentence)
        if not BUSINESS.intersection(words):
            if words:
                yield words
            continue
        parts = [_words(part) for part in _PARTS.split(sentence)]
        if len(parts) > 1:  # a part must name the data: "too many emails, how do I opt out"
            yield from (p for p in parts if not BUSINESS.intersection(p) and _names_the_chat(p))


def _names_the_chat(part: Tuple[str, ...]) -> bool:
    """The customer's data, or this chat as "any of this" / "this stuff"."""
    pairs = set(zip(part, part[1:], strict=False))
    return grammar.about_my_data(part) or bool(pairs & {("of", "this"), ("this", "stuff")})


def _plain(text: str) -> str:
    return text.casefold().replace("\u2019", "'").replace("'", "")


def _words(part: str) -> Tuple[str, ...]:
    return tuple(TYPOS.get(w, w) for w in _WORD.findall(part))


def _by_model(clause: Tuple[str, ...]) -> Optional[Tuple[str, str]]:
    """The model's label of a clause the grammar found nothing in, within the guards."""
    label, probability = privacy_model.classify(clause)
    if label == privacy_model.NONE or probability < MODEL_THRESHOLD:
        return None
    if not (grammar.about_my_data(clause) and grammar.owned(clause)):
        return None  # "remove me from your system", "what info do you have on the new phone"
    # a leading "no" answers, it refuses nothing: "no, keep my data"
    refused = _REFUSALS.intersection(clause[1:] if clause[0] in ("no", "nope") else clause)
    if label == OPT_OUT and not refused:
        return None  # an opt-out acts at once: only with a word that refuses
    if label in (ERASE, EXPORT) and _NEGATIONS.intersection(clause):
        return None  # "don't delete my data", "I don't need a copy" ask for nothing
    return label, f"model:{label}"
