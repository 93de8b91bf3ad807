"""Status questions: "What is the status of my request HR-7K3M-9QXA?", "any news on PR-...?".

A status question names a reference (:data:`rasa_ethics.handoff.reference.REFERENCE_PATTERN`,
as customers type it) and asks how it is going: a status or progress word ("status", "update",
"any news", "where is", "still waiting", "been resolved"), or nothing much besides the reference
("HR-7K3M-9QXA?").  EthicsPolicy answers it with ``utter_ethics_request_status``; EthicsNLG words
the answer from the handoff queue or the privacy register (:mod:`rasa_ethics.nlg.status`).  A
message that names a reference for something else ("cancel HR-7K3M-9QXA") is left to the bot.
"""

from __future__ import annotations

from typing import Optional

from rasa_ethics.dialogue.lexicon import words
from rasa_ethics.dialogue.matcher import normalise
from rasa_ethics.handoff.reference import REFERENCE_PATTERN, find_references

__all__ = ["EVIDENCE", "status_question", "status_reference"]

EVIDENCE = "grammar:status_question"
_STATUS_WORDS = words(
    "status progress progressing update updates updated news happening happened eta where when "
    "still yet check checking track tracking heard answered resolved solved sorted processed "
    "handled looked waiting wait state stage open closed done finished completed pending "
    "followup chase chasing reply replied response responded outcome long"
)
_STATUS_PHRASES = ("follow up", "how is", "hows", "how are", "what about", "any word")
_FEW_WORDS = 4  # "my reference is HR-7K3M-9QXA", "ref HR-7K3M-9QXA?": asking after it
_OTHER_ACTS = words("cancel delete withdraw close change amend erase remove")


def status_reference(text: str) -> Optional[str]:
    """The reference a status question asks about, normalised ("HR-7K3M-9QXA"), or None."""
    if not text or text.lstrip().startswith("/") or len(text) > 500:
        return None
    found = find_references(text)
    if not found:
        return None
    rest = normalise(REFERENCE_PATTERN.sub(" ", text))
    tokens = rest.split()
    if set(tokens) & _OTHER_ACTS:
        return None  # a reference named for another request than "how is it going"
    padded = f" {rest} "
    asks = bool(set(tokens) & _STATUS_WORDS) or any(f" {p} " in padded for p in _STATUS_PHRASES)
    if asks or len(tokens) <= _FEW_WORDS:
        return found[0]
    return None


def status_question(text: str) -> Optional[str]:
    """The evidence of a status question in ``text`` (never the reference itself), or None."""
    return EVIDENCE if status_reference(text) else None
