"""What the bot just asked for, read from the conversation: the type its answer is expected to be.

A Rasa plugin knows what Presidio cannot: the bot's previous question and the slot its form is
filling.  After "What's the name on the account?" the reply "hannah kowalczyk" is a name; after
"What's your delivery address?" the reply is an address.  :func:`expected_type` turns that
context (``{"requested_slot": ..., "bot_question": ...}``, either may be missing) into the PII type
that :meth:`~rasa_ethics.pii.engine.PIIEngine.analyze` takes as ``expected_type``.

The slot name wins over the question: it was chosen by the bot's designer for that one value.
Within each, more specific words are tried first ("e-mail address" is an e-mail, not an address;
"IP address" an IP address).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["expected_type"]

# (PII type, words that ask for it), most specific first.
_ASKS: tuple[tuple[str, str], ...] = (
    ("email", r"e-?mail|mail[ _]?address"),
    ("ip_address", r"ip[ _]?(?:address)?(?![a-z])"),
    ("iban", r"iban"),
    ("credit_card", r"card(?:[ _]?(?:number|no|details))?(?![a-z])|credit|debit"),
    ("phone", r"phone|mobile|cell|telephone|contact[ _]?number|number to call|tel(?![a-z])"),
    ("drivers_license", r"driv\w*[ _']*licen[cs]e|(?:dl|licen[cs]e)[ _]?(?:number|no)"),
    ("passport", r"passport"),
    ("national_id", r"national[ _]?id|id[ _]?number|ssn|social security|tax[ _]?id|pesel|nino"),
    ("bank_account", r"(?:bank[ _]?)?account[ _]?(?:number|no)|routing|sort[ _]?code"),
    ("address", r"address|street|where (?:do|should) we (?:deliver|ship|send)|postcode|zip"),
    ("person", r"name|who (?:is|should|will)|(?:account|card)[ _]?holder|beneficiary|recipient"),
)
# "the name of the product" asks for no person.
_NOT_A_PERSON = re.compile(
    r"(?i)name of (?:the |your |this |that )?(?:product|item|company|business|shop|store|pet|"
    r"file|app|device|plan|street|town|city|village|bank|school|hotel|restaurant|course|event)"
    r"|(?:user|file|product|company|business|domain|host|pet|street|bank|brand)[ _-]?name"
)
_COMPILED = tuple((entity, re.compile(rf"(?i)(?<![a-z]){words}")) for entity, words in _ASKS)


def expected_type(context: Mapping[str, object] | None) -> str | None:
    """The PII type the next message is expected to hold, or None when nothing says so."""
    if not context:
        return None
    for key in ("requested_slot", "bot_question"):
        value = context.get(key)
        if isinstance(value, str) and value.strip():
            found = _from_words(value.replace("_", " "))
            if found is not None:
                return found
    return None


def _from_words(text: str) -> str | None:
    for entity, pattern in _COMPILED:
        if pattern.search(text):
            if entity == "person" and _NOT_A_PERSON.search(text):
                continue
            return entity
    return None
