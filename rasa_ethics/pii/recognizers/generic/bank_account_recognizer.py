"""Bank account and routing numbers, identified by the phrase before them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from stdnum.us import rtn

from rasa_ethics.pii.cue_values import cue_regex, cue_values
from rasa_ethics.pii.recognizer import NerEntity, Recognizer
from rasa_ethics.pii.spans import Span

_DIGIT = re.compile(r"\d")

__all__ = ["BankAccountRecognizer"]


class BankAccountRecognizer(Recognizer):
    """``bank account 07731190342``, ``routing 026009593``, ``sort code 12-34-56``.

    IBANs have their own recognizer (a checksum needs no cue); national account numbers, ABA
    routing numbers (checked with ``stdnum.us.rtn`` for the reason only: a mistyped one still
    counts), sort codes and BSBs need the cue phrase.
    """

    ENTITY = "bank_account"
    CUES: ClassVar[tuple[str, ...]] = (
        "bank account", "account number", "account no", "account #", "acct", "acc no", "a/c",
        "checking account", "savings account", "checking", "savings", "sort code", "bsb",
        "routing", "routing number", "aba", "rtn", "transit number", "ifsc", "kontonummer",
        "konto", "rekeningnummer", "rekening", "numer konta", "bban", "clabe", "bank details",
        "número de cuenta", "numero de cuenta", "conto", "compte", "numéro de compte",
        "bankszámla", "account to", "wire to", "deposit to",
    )
    SCORE: ClassVar[float] = 0.8
    MIN_DIGITS: ClassVar[int] = 6

    def __init__(self) -> None:
        self._cues = cue_regex(self.CUES)

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """The value after each cue phrase."""
        if _DIGIT.search(text) is None:  # every value holds digits: skip the cue scan
            return []
        spans = []
        for start, end, cue in cue_values(text, self._cues, self.MIN_DIGITS, max_digits=22):
            reason = f"value after '{cue}'"
            if rtn.is_valid(text[start:end]):
                reason += "; valid ABA routing number"
            spans.append(Span(start, end, self.ENTITY, self.SCORE, self.name, reason))
        return spans
