"""Phone numbers, parsed by ``phonenumbers`` with the policy's regions.

A cheap regex finds phone-shaped candidates first; only those go through
``phonenumbers.PhoneNumberMatcher``, which is far slower than a regex on long texts.  A number that
is valid for one of the regions (or international, with ``+``/``00``) scores high; one that is only
*possible* (right length, unknown area code: typos, fictional 555 numbers) still counts when it is
written like a phone number or has context, because a privacy filter must prefer recall.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from rasa_ethics.pii.recognizer import (
    SCORE_THRESHOLD,
    NerEntity,
    Pattern,
    PatternRecognizer,
    context_regex,
)
from rasa_ethics.pii.spans import Span

__all__ = ["PhoneRecognizer"]

_SHAPES_NOT_PHONES = (
    re.compile(r"\d{3}([ -])\d{2}\1\d{4}"),  # US SSN
    re.compile(r"\d{1,4}([-/. ])\d{1,2}\1\d{1,4}"),  # dates
    re.compile(r"(?:\d{1,3}\.){3}\d{1,3}"),  # IPv4
)
_DIGIT = re.compile(r"\d")
_GROUPS = re.compile(r"\d+")
_EXTENSION = re.compile(r"(?:x|ext|#).*$", re.IGNORECASE)
# Inside a candidate, "(area code)" or "+digit" may start a second number: "2024 (202) 555-0143".
_MAY_HOLD_TWO = re.compile(r".(?:\(\d{2,5}\)|\+\d)")
_MAX_CUTS = 6
_TRUNCATED = re.compile(r"[ .-]?\d")


def _parse(value: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None


def _next_number(match: re.Match[str]) -> int:
    """Where a second number may start inside a candidate that held none."""
    boundary = _MAY_HOLD_TWO.search(match.group())
    return match.start() + boundary.end() - 1 if boundary else match.end()


def _worth_parsing(candidate: str) -> bool:
    """7+ digits in at most 8 groups (or one digit at a time); not an SSN, date or IPv4 shape."""
    groups = _GROUPS.findall(_EXTENSION.sub("", candidate))
    if sum(len(g) for g in groups) < 7:
        return False
    if len(groups) > 8 and any(len(g) > 1 for g in groups):
        return False
    return not _not_a_phone(candidate)


def _not_a_phone(value: str) -> bool:
    bare = value.strip("()")
    return any(shape.fullmatch(bare) for shape in _SHAPES_NOT_PHONES)


# Never a phone number, even in phone context: an SSN, a date with "/" or ".", an IPv4 address.
_NOT_PHONE_IN_CONTEXT = re.compile(
    r"^\d{3}-\d{2}-\d{4}$|^\d{1,4}([/.])\d{1,2}\1\d{2,4}$|^(?:\d{1,3}\.){3}\d{1,3}$"
)
# Written like a phone number: +/00/( prefix, three or more digit groups, or an extension.
_GROUPED = re.compile(r"^(?:\+|00|\()|\d[-. )]{1,3}\d{1,5}[-. ]\d|\d\s?(?:x|ext|#)", re.IGNORECASE)


class PhoneRecognizer(PatternRecognizer):
    """Phone numbers of the policy's ``phone_regions``, plus any international ``+`` number."""

    ENTITY = "phone"
    PRECHECK = r"\d"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "phone",
            r"(?<![\w+-])(?:\(?\+|\b00)?\(?\d[\d(). -]{5,22}\d"
            r"(?:[ ]{0,2}(?:x|ext\.?|extension|#)[ ]{0,2}\d{1,6})?(?!\w)",
            0.0,
        ),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "phone", "call", "mobile", "cell", "tel", "telephone", "landline", "reach me", "text me",
        "text", "message me", "contact me", "pick up", "picks up", "answer", "answers",
        "whatsapp", "sms", "ring", "number is", "my number", "contact number", "callback",
        "new number", "phone number", "mobile number", "cell number", "picking up", "ph", "mob",
        "reach", "dial", "viber", "signal", "telefon", "telefoon", "teléfono", "téléphone",
        "telefono", "móvil", "portable", "handy", "numer", "tlf",
    )
    # Words that make a bare number an identifier of something else ("order 2025550143").
    NOT_PHONE_CONTEXT: ClassVar[tuple[str, ...]] = (
        "order", "invoice", "ticket", "tracking", "reference", "ref", "confirmation", "booking",
        "id", "sku", "item", "case", "account", "customer", "member", "serial", "passport",
        "license", "licence", "ssn", "social security", "national insurance", "nino", "iban",
    )
    VALID_SCORE: ClassVar[float] = 0.8
    SHAPED_SCORE: ClassVar[float] = 0.6
    BARE_VALID_SCORE: ClassVar[float] = 0.45
    POSSIBLE_SCORE: ClassVar[float] = 0.3
    CONTEXT_SCORE: ClassVar[float] = 0.65
    NOT_PHONE_PENALTY: ClassVar[float] = 0.4
    # phonenumbers costs 0.1 to 6 ms a candidate (digit groups that run on are the slowest).  A
    # text with more candidates than this budget (junk built to be slow) gets the rest judged by
    # shape alone, which over-redacts: fail safe.  The cap keeps a 1 MB text at about a second.
    CHECKS_MIN: ClassVar[int] = 16
    CHARS_PER_CHECK: ClassVar[int] = 64
    CHECKS_MAX: ClassVar[int] = 256

    def __init__(self, regions: Sequence[str] = ("US", "GB")) -> None:
        super().__init__()
        self.regions = tuple(r.upper() for r in regions) or ("US",)
        self._not_phone = context_regex(self.NOT_PHONE_CONTEXT)

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """Candidates from the regex, confirmed by ``phonenumbers``."""
        if not self.may_match(text):
            return []
        spans: list[Span] = []
        budget = min(self.CHECKS_MAX, self.CHECKS_MIN + len(text) // self.CHARS_PER_CHECK)
        for _pattern, regex in self._patterns:
            pos = 0
            while (match := regex.search(text, pos)) is not None:
                budget -= 1
                if budget >= 0:
                    confirmed = self._confirm(text, match.start(), match.end())
                else:
                    confirmed = self._unchecked(text, match.start(), match.end())
                spans.extend(confirmed)
                # A candidate can hold two numbers ("(202) 555-0143 (202) 555-0199") and end in
                # the middle of the second: rescan from the end of the last confirmed number.
                good = [s.end for s in confirmed if s.score >= SCORE_THRESHOLD]
                last = max(good, default=_next_number(match))
                pos = last if match.start() < last < match.end() else match.end()
        return spans

    def _unchecked(self, text: str, start: int, end: int) -> list[Span]:
        candidate = text[start:end]
        digits = len(_DIGIT.findall(_EXTENSION.sub("", candidate)))
        if not 7 <= digits <= 15 or not _GROUPED.search(candidate):
            return []
        reason = "phone-shaped; not checked (too many candidates in this text)"
        return [Span(start, end, self.ENTITY, self.SHAPED_SCORE, self.name, reason)]

    def _confirm(self, text: str, start: int, end: int) -> list[Span]:
        spans = self._parsed(text, start, end)
        if any(s.score >= SCORE_THRESHOLD for s in spans):
            # In phone context the whole candidate goes too: "(351) 919217160" parses as
            # 919217160 alone, which would leave the country code behind.
            whole = self._in_context(text, start, end)
            longest = max(s.end - s.start for s in spans)
            return spans + [w for w in whole if w.end - w.start > longest]
        return self._in_context(text, start, end) or spans

    def _in_context(self, text: str, start: int, end: int) -> list[Span]:
        """A national number of any country, in phone context ("phone: 624 18 903").

        ``phonenumbers`` only knows the policy's regions; next to a word such as "phone" or
        "call me", 7 to 15 digits in at most five groups are a phone number wherever it is from.
        """
        candidate = text[start:end].rstrip(".")
        groups = _GROUPS.findall(_EXTENSION.sub("", candidate))
        digits = sum(len(g) for g in groups)
        if not 7 <= digits <= 15 or len(groups) > 5 or _NOT_PHONE_IN_CONTEXT.search(candidate):
            return []
        word = self.context_word(text, start, end)
        if word is None:
            return []
        reason = f"phone-shaped in phone context '{word}' (any country's format)"
        end = start + len(candidate)
        return [Span(start, end, self.ENTITY, self.CONTEXT_SCORE, self.name, reason)]

    def _parsed(self, text: str, start: int, end: int) -> list[Span]:
        found: dict[tuple[int, int], Span] = {}
        candidate = text[start:end]
        if not _worth_parsing(candidate):
            return []
        # An international number reads the same under every region's rules.
        regions = self.regions[:1] if candidate.startswith("+") else self.regions
        for region in regions:
            for m in PhoneNumberMatcher(candidate, region, leniency=Leniency.POSSIBLE):
                span = self._score(text, start + m.start, start + m.end, m.number, region)
                key = (span.start, span.end) if span else (0, 0)
                if span and (key not in found or found[key].score < span.score):
                    found[key] = span
        if _TRUNCATED.match(text, end):  # the length bound cut the candidate: its tail is partial
            found = {key: span for key, span in found.items() if span.end < end}
        spans = list(found.values())
        if any(s.score >= SCORE_THRESHOLD for s in spans):
            return spans
        return self._leading_number(text, start, candidate, regions) or spans

    def _leading_number(
        self, text: str, start: int, candidate: str, regions: Sequence[str]
    ) -> list[Span]:
        """The longest prefix, cut at a separator, that is a possible number.

        Normalising digit gaps joins a number to the digits that follow it ("+44 20 7946 0958
        4111 ..."), which the matcher then rejects as a whole.
        """
        cuts = [i for i, char in enumerate(candidate) if char in "-. )"][-_MAX_CUTS:]
        for cut in reversed(cuts):
            prefix = candidate[:cut].rstrip("-. (")
            if len(_DIGIT.findall(prefix)) < 7:
                return []
            for region in regions:
                number = _parse(prefix, region)
                if number is not None and phonenumbers.is_possible_number(number):
                    span = self._score(text, start, start + len(prefix), number, region)
                    return [span] if span else []
        return []

    def _score(
        self, text: str, start: int, end: int, number: phonenumbers.PhoneNumber, region: str
    ) -> Span | None:
        raw = text[start:end]
        if _not_a_phone(raw):
            return None
        score, reason = self._base_score(raw, number, region)
        word = self.context_word(text, start, end)
        if word is not None:
            score = min(1.0, score + self.CONTEXT_BOOST)
            reason += f"; context '{word}'"
        elif not _GROUPED.search(raw) and self._near_not_phone(text, start):
            score -= self.NOT_PHONE_PENALTY
            reason += "; preceded by a non-phone identifier word"
        return Span(start, end, self.ENTITY, score, self.name, reason)

    def _near_not_phone(self, text: str, start: int) -> bool:
        if self._not_phone is None:
            return False
        return self._not_phone.search(text, max(0, start - 24), start) is not None

    def _base_score(
        self, raw: str, number: phonenumbers.PhoneNumber, region: str
    ) -> tuple[float, str]:
        rules = "international" if raw.startswith(("+", "00")) else f"{region} rules"
        if phonenumbers.is_valid_number(number):
            if not raw.isdigit():
                return self.VALID_SCORE, f"valid number ({rules})"
            return self.BARE_VALID_SCORE, f"valid number without separators ({rules})"
        if _GROUPED.search(raw) and len(phonenumbers.national_significant_number(number)) >= 9:
            return self.SHAPED_SCORE, f"phone-shaped possible number ({rules})"
        return self.POSSIBLE_SCORE, f"possible number ({rules})"

