"""Words that are the bot's own and never a customer's personal data.

Two kinds, both learnt once per domain and policy version, never configured by hand:

* **domain names**: the intents, entities, slots, forms, actions and responses of the bot's
  domain, and Rasa's default actions.  Rasa's debug log is full of them ("previous action name:
  amount-of-money" read as an introduction), and a form's ``requested_slot`` holds one;
* **the bot's brand**: what the engine finds in the texts the designers wrote (the policy's
  texts, the domain's responses): "Northwind" in "Hi! I'm Northwind's AI assistant", the
  shop's own phone number.  A value the designers wrote is not a customer's.  The policy's
  ``pii.allow_list`` still adds more.

:data:`OWN_NAMES` is process-wide: the tracker store learns the domain when Rasa hands it over,
the NLU component and the NLG learn the policy's texts.  Spans whose whole value is an own name
are dropped (:meth:`OwnNames.keep`) before anything is stored or remembered for the log filter,
and the log filter sets own names aside before its patterns run (:meth:`OwnNames.pattern`).
Nothing here is per conversation, so several Rasa replicas each learn the same.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Iterable, List, Optional, Sequence

from rasa.shared.core.constants import DEFAULT_ACTION_NAMES

from rasa_ethics.pii import Span
from rasa_ethics.pii.runtime import engine_for
from rasa_ethics.policy.texts import response_texts

__all__ = ["OWN_NAMES", "OwnNames", "domain_names"]

_IDENTIFIER = re.compile(r"[\w-]{2,}")
# Set aside in log lines only when they cannot be a plain word: shielding "name" or "email"
# would hide the cue in "my name is ..." from the log filter's patterns.
_COMPOUND = re.compile(r".*(?:[_\-\d]|[a-z][A-Z]).*")
_POSSESSIVE = re.compile(r"(?:'s|’s|')$")
_SPACES = re.compile(r"\s+")


def _canonical(value: str) -> str:
    """The form own names are compared in: trimmed, one space, case-folded, no possessive."""
    return _POSSESSIVE.sub("", _SPACES.sub(" ", value.strip()).casefold())


def domain_names(domain: Any) -> List[str]:
    """The names a Rasa domain defines (and Rasa's default actions)."""
    names: List[str] = list(DEFAULT_ACTION_NAMES)
    for attribute in ("intents", "entities", "form_names", "user_actions"):
        names.extend(str(n) for n in getattr(domain, attribute, None) or ())
    names.extend(getattr(slot, "name", "") for slot in getattr(domain, "slots", None) or ())
    names.extend(str(n) for n in getattr(domain, "responses", None) or {})
    return [n for n in names if _IDENTIFIER.fullmatch(n)]


class OwnNames:
    """The bot's own words (domain names, brand): never redacted (thread-safe)."""

    def __init__(self) -> None:
        """Nothing known yet."""
        self._names: set[str] = set()  # domain names, exact
        self._brand: set[str] = set()  # canonical forms of values in the designers' texts
        self._pattern: Optional[re.Pattern[str]] = None
        self._lock = threading.Lock()

    def learn_domain(self, domain: Any, policy: Any = None) -> None:
        """Learn a domain's names, and (with ``policy``) the values in its responses' texts."""
        names = set(domain_names(domain))
        with self._lock:
            fresh = names - self._names
            self._names |= fresh
            if fresh:
                self._pattern = None
        if policy is not None:
            self.learn_texts(policy, _response_strings(getattr(domain, "responses", None)))

    def learn_texts(self, policy: Any, texts: Iterable[str] = ()) -> None:
        """Learn the values the engine finds in the policy's texts and in ``texts``."""
        written = [*response_texts(policy).values(), *texts]
        if not policy.pii.enabled or not written:
            return
        engine = engine_for(policy)
        found = {
            _canonical(text[s.start : s.end])
            for text, spans in zip(written, engine.analyze_many(written), strict=True)
            for s in spans
        }
        with self._lock:
            fresh = found - self._brand - {""}
            self._brand |= fresh
            if fresh:
                self._pattern = None

    def is_own(self, value: str) -> bool:
        """True when ``value`` is one of the bot's own names."""
        return value.strip() in self._names or _canonical(value) in self._brand

    def keep(self, text: str, spans: Sequence[Span]) -> List[Span]:
        """``spans`` without those whose value is one of the bot's own names."""
        if not (self._names or self._brand):
            return list(spans)
        return [s for s in spans if not self.is_own(text[s.start : s.end])]

    def pattern(self) -> Optional[re.Pattern[str]]:
        """A regex of the own names as whole words, or None.

        Brand names match in any case; domain names exactly, and only compound ones
        (``cc_payment_form``, ``amount-of-money``), not plain words like ``name``.
        """
        with self._lock:
            if self._pattern is None and (self._names or self._brand):
                compound = {n for n in self._names if _COMPOUND.fullmatch(n)}
                self._pattern = _compile(compound, self._brand)
            return self._pattern

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._names.clear()
            self._brand.clear()
            self._pattern = None


def _compile(names: Iterable[str], brand: Iterable[str]) -> re.Pattern[str]:
    def alternatives(values: Iterable[str]) -> str:
        return "|".join(map(re.escape, sorted(values, key=len, reverse=True)))

    parts = ["(?!)"]  # matches nothing: the pattern of a domain of plain words only
    if names:
        parts.append(rf"(?<![\w-])(?:{alternatives(names)})(?![\w-])")
    if brand:
        spaced = {b.replace(" ", "\x00") for b in brand}
        flexible = alternatives(spaced).replace("\x00", r"\s+")
        parts.append(rf"(?i:(?<!\w)(?:{flexible})(?:'s|’s)?(?!\w))")
    return re.compile("|".join(parts))


def _response_strings(responses: Any) -> List[str]:
    """The texts of a domain's response variations (text and button titles)."""
    texts: List[str] = []
    for variations in (responses or {}).values():
        for variation in variations or ():
            if isinstance(variation, dict):
                texts.extend(v for k, v in variation.items() if k == "text" and isinstance(v, str))
                texts.extend(
                    b["title"]
                    for b in variation.get("buttons") or ()
                    if isinstance(b, dict) and isinstance(b.get("title"), str)
                )
    return texts


#: The own names this process has learnt (see the module docstring).
OWN_NAMES = OwnNames()
