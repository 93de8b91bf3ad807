"""Dates of birth: a real calendar date with birth context nearby.

Dates alone are everywhere in customer service (orders, deliveries), so a date only counts as a
date of birth next to a word such as "born", "DOB" or "birthday".
"""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["DateOfBirthRecognizer"]

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_GAP = r"[ ,/-]{1,3}"
_NUMBER = re.compile(r"\d+")
_SEP = r"(?P<sep>[/. -])"
_START = r"(?<![\w/.-])"
_D = r"\d{1,2}"
_END = r"(?![\w/-]|\.\d)"


class DateOfBirthRecognizer(PatternRecognizer):
    """Numeric (``12/03/1990``, ``1990-03-12``) and written (``12 March 1990``) dates."""

    ENTITY = "date_of_birth"
    PRECHECK = r"\d"
    CONTEXT_REQUIRED = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("numeric_dmy", rf"{_START}{_D}{_SEP}{_D}(?P=sep)\d{{2}}(?:\d{{2}})?{_END}", 0.2),
        Pattern("numeric_ymd", rf"{_START}(?:19|20)\d{{2}}{_SEP}{_D}(?P=sep){_D}{_END}", 0.2),
        Pattern("day_month_year", rf"(?<!\w){_DAY}(?: of)?[ -]{{1,2}}{_MONTH}{_GAP}{_YEAR}\b", 0.3),
        Pattern("month_day_year", rf"(?<!\w){_MONTH}[ -]{{1,2}}{_DAY}{_GAP}{_YEAR}\b", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "born", "dob", "d.o.b", "d.o.b.", "date of birth", "birth date", "birthdate", "birthday",
        "bday", "b-day", "birth",
    )
    CONTEXT_BOOST = 0.5

    def validate_result(self, value: str) -> bool | None:
        """Reject impossible dates (month 13, 31 February) and birth years in the future."""
        parsed = _parse(value.lower())
        if parsed is None or not date(1900, 1, 1) <= parsed <= date.today():
            return False
        return None


def _parse(value: str) -> date | None:
    numbers = [int(n) for n in _NUMBER.findall(value)]
    month = next((i + 1 for i, m in enumerate(_MONTHS) if m[:3] in value), None)
    if month is not None and len(numbers) == 2:
        day, year = numbers
        return _date(year, month, day)
    if len(numbers) != 3:
        return None
    a, b, c = numbers
    if a > 31:  # year first
        return _date(a, b, c)
    year = c + (1900 if 30 <= c < 100 else 2000 if c < 30 else 0)
    return _date(year, b, a) or _date(year, a, b)  # day/month, else US month/day


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
