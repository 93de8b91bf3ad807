"""Normalise text before matching, keeping a map back to the original offsets.

Customers (and people dodging filters) write personal data in many shapes.  Matching runs on a
normalised copy of the text:

- NFKC per character: full-width ``４１１１`` and ``ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`` become ASCII;
- zero-width characters, soft hyphens, bidi controls (``U+202E``) and other control characters
  (NUL, BEL, ...) are removed, Unicode dashes become ``-``;
- Cyrillic and Greek look-alikes inside a word that also holds Latin letters or digits become
  Latin (``jаne`` with a Cyrillic ``а``); words written wholly in those scripts stay as they are;
- obfuscated e-mail addresses (``john at example dot com``, ``john[at]example[dot]com``) become
  real addresses, and spaces inside one (``mry.jnes@wid get .com``) are dropped;
- typos inside an e-mail address (``jane@@example.com``, ``jane@example,com``) and one written a
  character at a time (``j a n e @ e x a m p l e . c o m``) are mended;
- ``l``, ``I``, ``o`` and ``O`` typed for digits inside a run of at least six digits, or a
  dotted quad of four (``192.168.0.l``), read as ``1`` and ``0``;
- a run of spaces and dashes between two digits becomes one space, or one ``-`` if it holds a
  dash (``4111  1111`` reads ``4111 1111``, ``078 - 05 -- 1123`` reads ``078-05-1123``), so
  recognizers only need ``[ -]?`` between digit groups.

Each pass records its edits in an :class:`OffsetMap`; spans found in the normalised text are mapped
back outward, so a span always covers every original character that produced it.  Every pass is a
single linear regex scan.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Normalized", "OffsetMap", "apply_edits", "normalize"]

Edit = tuple[int, int, str]  # original start, original end, replacement

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Zero-width and bidi controls, and C0/C1 controls other than tab and line breaks: they never
# belong inside a value, and "jane\u202e@example.com" must still read as an address.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
    + "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]))
)
# Characters other than printable ASCII, tab and line breaks: the only ones _characters looks at.
_SPECIAL = re.compile(r"[^\t\n\r\x20-\x7e]")
# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common subset).
_HOMOGLYPHS = dict(
    zip(
        "\u0430\u0435\u043e\u0440\u0441\u0445\u0443\u0456\u0458\u0455\u04bb\u0410\u0412"
        "\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0406\u03bf\u03b1\u03bd"
        "\u03c1\u039f\u0391\u0392\u0395\u0397\u0399\u039a\u039c\u039d\u03a1\u03a4\u03a7"
        "\u0396",
        "aeopcxyijshABEKMHOPCTXIoavpOABEHIKMNPTXZ",
        strict=True,
    )
)
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9@]")
_WORD_AROUND = 32  # how far a look-alike's word is searched for Latin letters
_DIGIT_GAP = re.compile(r"(?<=\d)[ \t-]{1,7}(?=\d)")
_AT = r"(?:\s{0,3}[\[({<]\s{0,2}at\s{0,2}[\])}>]\s{0,3}|\s{1,3}at\s{1,3})"
_DOT_WORD = r"(?:\s{0,3}[\[({<]\s{0,2}dot\s{0,2}[\])}>]\s{0,3}|\s{1,3}dot\s{1,3})"
_DOT = rf"(?:{_DOT_WORD}|\.)"
_LABEL = r"[a-z0-9][a-z0-9-]{0,62}"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.@])(?P<local>[a-z0-9][a-z0-9._%+-]{{0,63}}(?:{_DOT_WORD}[a-z0-9][a-z0-9._%+-]{{0,63}}){{0,2}})"
    rf"{_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL}){{0,3}}){_DOT}(?P<tld>[a-z]{{2,24}})\b",
    re.IGNORECASE,
)
# "[at]" is unambiguous; a plain " at " also needs a spelled-out dot, so "look at example.com"
# stays as it is.
_BRACKETED_AT = re.compile(r"[\[({<]\s{0,2}at\s{0,2}[\])}>]", re.IGNORECASE)
_SPELLED_DOT = re.compile(_DOT_WORD, re.IGNORECASE)
_DOT_SPLIT = re.compile(_DOT, re.IGNORECASE)
# An address with spaces inside ("mry.jnes@wid get .com", "jo @ mail.org"): it must end in a
# common top-level domain, and at most four gaps are joined.
_TLDS = (
    "com|net|org|info|biz|edu|gov|io|co|me|app|dev|ai|eu|uk|de|fr|it|es|nl|pl|hu|cz|sk|se|dk|no|"
    "fi|pt|br|mx|ar|ie|nz|au|ca|us|in|ru|ch|at|be|gr|ro|tr|jp|online|shop|email|mail"
)
_GAP = r"[ \t]{0,2}"
_SPACED_EMAIL = re.compile(
    rf"(?<![\w.@])[a-z0-9][a-z0-9._%+-]{{0,63}}{_GAP}@{_GAP}[a-z0-9-]{{1,63}}"
    rf"(?:(?:{_GAP}\.{_GAP}|[ ])[a-z0-9-]{{1,63}}){{0,4}}?{_GAP}\.{_GAP}(?:{_TLDS})(?![\w-])",
    re.IGNORECASE,
)
_BLANKS = re.compile(r"[ \t]+")
# Typos inside an address: "jane@@example.com", "jane.doe@gmial,com" (a comma for the last dot).
_DOUBLE_AT = re.compile(r"(?<=[a-z0-9._%+-])@{2,3}(?=[a-z0-9])", re.IGNORECASE)
_COMMA_TLD = re.compile(rf"(?<=[a-z0-9])@[a-z0-9-]{{1,63}}(,)(?:{_TLDS})(?![\w-])", re.IGNORECASE)
# One character at a time: "j a n e @ e x a m p l e . c o m".
_LETTER_SPACED_EMAIL = re.compile(
    r"(?<![\w.@])(?:[a-z0-9._%+-][ ]){2,64}@(?:[ ][a-z0-9-]|[ ]\.){3,128}(?![\w-])",
    re.IGNORECASE,
)
_SPACED_TLD = re.compile(rf"\.[ ]?(?:{'|'.join('[ ]?'.join(t) for t in _TLDS.split('|'))})$")
# Letters typed for digits inside a run of digits and dots ("192.168.0.l", "4111 1l11"):
# l and I read 1, o and O read 0, when the run holds at least six real digits (four in a
# dotted quad).
_DIGIT_RUN = re.compile(r"(?<![\w.])[0-9lIoO](?:[0-9lIoO. -]{4,40}[0-9lIoO])(?![\w])")
_DIGIT_LETTERS = str.maketrans("lIoO", "1100")


class OffsetMap:
    """Maps offsets in a rewritten text back to the text it was rewritten from."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self._new_starts: list[int] = []
        self._rows: list[tuple[int, int, int]] = []  # new end, old start, old end
        shift = 0
        for old_start, old_end, replacement in edits:
            new_start = old_start + shift
            self._new_starts.append(new_start)
            self._rows.append((new_start + len(replacement), old_start, old_end))
            shift += len(replacement) - (old_end - old_start)

    def start(self, pos: int) -> int:
        """Original offset of the character at ``pos`` (inside an edit: the edit's start)."""
        i = bisect_right(self._new_starts, pos) - 1
        if i < 0:
            return pos
        new_end, old_start, old_end = self._rows[i]
        return old_start if pos < new_end else old_end + pos - new_end

    def end(self, pos: int) -> int:
        """Original end offset for an exclusive end ``pos`` (inside an edit: the edit's end)."""
        if pos <= 0:
            return pos
        i = bisect_right(self._new_starts, pos - 1) - 1
        if i < 0:
            return pos
        new_end, _old_start, old_end = self._rows[i]
        return old_end if pos - 1 < new_end else old_end + pos - new_end


@dataclass(frozen=True)
class Normalized:
    """A normalised text and the maps that lead back to the original."""

    original: str
    text: str
    maps: tuple[OffsetMap, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` range of :attr:`text` to the original text."""
        for offset_map in reversed(self.maps):
            start, end = offset_map.start(start), offset_map.end(end)
        return start, end


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching (see the module docstring)."""
    maps: list[OffsetMap] = []
    current = text
    passes = (_characters, _emails, _email_typos, _spaced_emails, _digit_letters, _digit_gaps)
    for rewrite in passes:
        edits = rewrite(current)
        if edits:
            current = apply_edits(current, edits)
            maps.append(OffsetMap(edits))
    return Normalized(original=text, text=current, maps=tuple(maps))


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with each ``(start, end, replacement)`` edit applied (edits sorted, disjoint)."""
    parts: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _characters(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for match in _SPECIAL.finditer(text):
        char = match.group()
        new = _HOMOGLYPHS[char] if char in _HOMOGLYPHS and _mixed(text, match.start()) else None
        new = _char(char) if new is None else new
        if new != char:
            edits.append((match.start(), match.end(), new))
    return edits


def _mixed(text: str, pos: int) -> bool:
    """True when the word around ``pos`` also holds a Latin letter, a digit or an '@'."""
    start, end = max(0, pos - _WORD_AROUND), min(len(text), pos + _WORD_AROUND)
    left = text.rfind(" ", start, pos) + 1 or start
    right = text.find(" ", pos, end)
    return _LATIN_OR_DIGIT.search(text, left, end if right < 0 else right) is not None


def _char(char: str) -> str:
    if char in _INVISIBLE:
        return ""
    if char in _DASHES:
        return "-"
    if char.isdecimal():  # Arabic-Indic, Devanagari, ... digits: NFKC keeps them
        return str(unicodedata.decimal(char))
    return unicodedata.normalize("NFKC", char)


def _emails(text: str) -> list[Edit]:
    if "at" not in text.lower():
        return []
    edits: list[Edit] = []
    for match in _OBFUSCATED_EMAIL.finditer(text):
        value = match.group()
        if not (_BRACKETED_AT.search(value) or _SPELLED_DOT.search(value)):
            continue
        local = ".".join(_SPELLED_DOT.split(match.group("local")))
        domain = ".".join(_DOT_SPLIT.split(match.group("domain")))
        edits.append((match.start(), match.end(), f"{local}@{domain}.{match.group('tld')}"))
    return edits


def _spaced_emails(text: str) -> list[Edit]:
    if "@" not in text:
        return []
    edits: list[Edit] = []
    for match in _SPACED_EMAIL.finditer(text):
        edits += [(m.start(), m.end(), "") for m in _BLANKS.finditer(text, *match.span())]
    return edits


def _email_typos(text: str) -> list[Edit]:
    if "@" not in text:
        return []
    edits: list[Edit] = [(m.start(), m.end(), "@") for m in _DOUBLE_AT.finditer(text)]
    edits += [(m.start(1), m.end(1), ".") for m in _COMMA_TLD.finditer(text)]
    for match in _LETTER_SPACED_EMAIL.finditer(text):
        if _SPACED_TLD.search(match.group()):
            edits += [(m.start(), m.end(), "") for m in _BLANKS.finditer(text, *match.span())]
    disjoint: list[Edit] = []
    for edit in sorted(edits):
        if not disjoint or edit[0] >= disjoint[-1][1]:
            disjoint.append(edit)
    return disjoint


def _digit_letters(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for match in _DIGIT_RUN.finditer(text):
        value = match.group()
        letters = sum(c in "lIoO" for c in value)
        digits = sum(c.isdigit() for c in value)
        quad = value.count(".") == 3 and all(1 <= len(g) <= 3 for g in value.split("."))
        if letters and letters <= 2 and (digits >= 6 or quad and digits >= 4):
            # A letter opening a group stays: an Italian IBAN's "IT89 I423 ..." is no typo.
            edits += [
                (match.start() + i, match.start() + i + 1, c.translate(_DIGIT_LETTERS))
                for i, c in enumerate(value)
                if c in "lIoO" and i > 0 and value[i - 1] != " "
            ]
    return edits


def _digit_gaps(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for match in _DIGIT_GAP.finditer(text):
        gap = match.group()
        canonical = "-" if "-" in gap else " "
        if gap != canonical:
            edits.append((match.start(), match.end(), canonical))
    return edits
