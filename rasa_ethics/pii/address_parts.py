"""Pieces of street addresses from many countries, shared by the address recognizers.

An address recognizer finds an anchor (a street with its house number) and then calls
:func:`extend_tail`, which grows the span over what follows on the same line or the next ones:
a flat or unit ("m. 3", "int. 5", "Apt. 494", "Piso 4", "2º B"), a postcode in any of the common
national formats ("80-827", "1016 GC", "H-7242", "881 44", "5185-142", "M5V 2T6", "D02 X285"), a
city, a state or province and a country.  So nothing of the address is left behind: no lone flat
number and no lone postcode.
"""

from __future__ import annotations

import re

from rasa_ethics.pii._letters import UPPER
from rasa_ethics.pii._lexicon import is_common
from rasa_ethics.pii.names import gazetteer

__all__ = [
    "CAP_WORD",
    "HOUSE",
    "LETTER_CLASS",
    "NAME_WORD",
    "TailResult",
    "capitalised_copy",
    "extend_head",
    "extend_tail",
]

LETTER_CLASS = r"[^\W\d_]"
_L = LETTER_CLASS
#: A word of a street or place name, in any script ("Długa", "Andrássy", "Champs-Élysées").
NAME_WORD = rf"{_L}(?:{_L}|['’.]|-(?={_L})){{0,30}}"
#: The same, capitalised.
CAP_WORD = rf"[{UPPER}](?:{_L}|['’.]|-(?={_L})){{0,30}}"
#: A house number: "14", "22a", "26-83", "1/4", "867/99", "61." (Hungarian).
HOUSE = r"\d{1,5}(?:[ ]?[a-zA-Z](?![\w'’]))?(?:[/-]\d{1,5}[a-zA-Z]?)?(?:\.(?![\d\w]))?"

# Between parts of one address: a comma, a line break, a slash, or just a space.
_SEP = re.compile(
    r"(?:[ \t]*,{1,2}[ \t]*\n?[ \t]*|[ \t]*\n[ \t]*|[ \t]{1,2}/[ \t]{1,2}|[ \t]{1,2}-[ \t]{1,2}"
    r"|-(?=\d{6}(?!\d))|[ \t]{1,2})"
)
_UNIT_WORDS = (
    r"apt|apartment|appartamento|appt|app|suite|ste|unit|flat|studio|room|rm|floor|piso|"
    r"puerta|planta|escalera|local|interno|scala|lokal|mieszk|стр|stiege|stg|top|tür|bus|"
    r"bte|boîte|étage|etg|bloc|dpto|depto|dept|casa|lote|no|nr|nº|n°|h\.no|house no|building|"
    r"bldg|block|blk|tower|wing|буд|кв|корпус|корп|interior|piano|apto|sala|andar|bloco|manzana|"
    r"level|lvl|wohnung|whg|etage|stock|door|lgh|leil|lägenhet|lejlighed|huoneisto|bus"
)
# Abbreviations too short to stand alone: they count only with their dot ("m. 3", "sc. 23").
_UNIT_ABBREVIATIONS = r"m|d|д|к|k|sc|et|ap|bl|fl|lt|mz|pta|esc|int|lok|dto|edif|of"
_UNIT = re.compile(
    rf"(?i:(?:(?:{_UNIT_WORDS})\.?|(?:{_UNIT_ABBREVIATIONS})\.)[ ]{{0,2}}[:#]?[ ]{{0,2}}"
    rf"\d{{1,5}}[a-z]?(?:/\d{{1,4}})?(?![\w'’])(?:[ ]?[a-z](?![\w'’.]))?"
    rf"|s/n|(?-i:RD[ ]\d{{1,2}})(?![\w'’])"
    rf"|\d{{1,2}}[ ]?[ºª°oa](?:[ ]?(?:[a-d]|izq\w*|dch\w*|der\w*|esq\w*|dto)\b\.?)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)[ ]floor|(?:ground|first|second|third)[ ]floor"
    rf"|\d{{1,2}}-?(?:hoog|hg)(?![\w'’])|(?:huis|bis)(?![\w'’]))"
)
_POSTCODE = re.compile(
    r"(?:"
    r"\d{2}-\d{3}|\d{5}-\d{3}|\d{4}-\d{3}"  # PL, BR, PT
    r"|\d{4}[ ]?[A-Z]{2}(?![\w'’])|\d{4}[ ]?[a-z]{2}(?=[ \t]*(?:\n|,|$))"  # NL
    r"|[A-Z]{1,2}-\d{4,5}"  # H-7242, D-12345, CH-8000
    r"|\d{3}[ ]\d{2}(?![\d])"  # SE, CZ, SK, GR
    r"|(?i:[a-z]\d[a-z][ ]?\d[a-z]\d)"  # CA
    r"|(?i:[a-z]{1,2}\d[a-z\d]?[ ]?\d[a-z]{2})"  # UK
    r"|(?i:[acdefhknprtvwxy]\d{2}[ ]?[0-9acdefhknprtvwxy]{4})"  # IE Eircode
    r"|(?:ΤΚ|Τ\.Κ\.)[ ]?\d{3}[ ]?\d{2}"  # GR
    r"|\d{8}"  # BR, without its dash
    r"|\d{4,6}(?:-\d{4})?"  # DE, FR, IT, ES, HU, AT, CH, DK, NO, US, IN, RO, RU
    r")(?![\w'’-])"
)
_PARTICLE = (
    r"(?:am|an|aan|den|der|de|del|la|le|les|los|las|sur|sous|en|di|do|da|dos|das|upon|on|im|ob|"
    r"bei|nad|pod|y|el|na|pri|u)"
)
_CITY = re.compile(
    rf"{CAP_WORD}(?:(?:[ ]|-[ ]?){CAP_WORD}|(?:[ ]{_PARTICLE}){{1,2}}[ ]{CAP_WORD}){{0,3}}"
    rf"(?:[ ](?:los|las|del|de)[ ]{NAME_WORD})?(?:[ ]\([A-Z]{{2}}\))?"
)
_CITY_ANY_CASE = re.compile(rf"{NAME_WORD}(?:[ -]{NAME_WORD}){{0,2}}(?:[ ]\([a-z]{{2}}\))?")
_STATE = re.compile(r"(?:[A-Z]{2,4}|\([A-Z]{2}\))(?![\w'’])")
_MAX_UNITS = 3
# Form labels between parts ("Address line 2:", "postcode 02968", "PLZ: 80331").
_LABEL = re.compile(
    r"(?i:(?:address[ ]?line[ ]?\d|line[ ]\d|post[ ]?code|postal[ ]code|zip(?:[ ]?code)?|plz|"
    r"cap|code[ ]postal|cp|city|town|country)[ ]?[:#]?[ ]{1,2})"
)
_END = re.compile(r"[ \t]*(?:$|[\n,.;:!?)\]]|[ \t]+(?:-|–|but|and|please|pls|thanks|after|before))")


# Before a street: a flat or house number ("H.No. 507, ", "Level 1 ") or, in Russian and
# Ukrainian addresses, the locality ("г. Далматово, ", "ст. Курумкан, ").
_HEAD = re.compile(
    rf"(?:(?i:h\.?[ ]?no|house[ ]no|flat|apt|apartment|unit|suite|level|lot|shop|building|bldg)"
    rf"\.?[ ]?#?[a-z0-9/-]{{1,6}},?[ \t]{{1,2}}\n?"
    rf"|(?:(?:г|д|с|ст|пос|п|пгт|х|аул|село|м|смт|к|рп|нп|мкр)\.|клх)[ ]?{CAP_WORD}"
    rf"(?:[ -]{CAP_WORD})?,[ ])$"
)
_WORD_START = re.compile(r"(?<![\w'’])[^\W\d_]")


_HEAD_UNIT = re.compile(
    rf"(?<![\w'’])(?:{_UNIT.pattern})(?:[ \t]*,[ \t]*\n?[ \t]*|[ \t]*\n[ \t]*)$"
)


def extend_head(text: str, start: int) -> int:
    """Where an address starting at ``start`` really starts (a flat or locality before it)."""
    head = _HEAD.search(text, max(0, start - 40), start)
    start = head.start() if head else start
    unit = _HEAD_UNIT.search(text, max(0, start - 40), start)
    return unit.start() if unit else start


def capitalised_copy(text: str) -> str:
    """``text`` with the first letter of every word upper-cased, same length and offsets.

    Lets the capitalised-word patterns read an address typed all in lower case; callers keep
    only what a postcode confirms there.
    """

    def upper(match: re.Match[str]) -> str:
        char = match.group()
        return char.upper() if len(char.upper()) == 1 else char

    return _WORD_START.sub(upper, text)


class TailResult:
    """How far an address reaches, and whether a postcode or a city confirmed it."""

    __slots__ = ("end", "postcode", "city", "second_city", "parts", "unit")

    def __init__(self, end: int) -> None:
        self.end = end
        self.postcode = False
        self.city = False
        self.second_city = False
        self.parts = 0
        self.unit = False


def _sep(text: str, pos: int) -> int | None:
    match = _SEP.match(text, pos)
    return match.end() if match else None


def _is_place(text: str, start: int, end: int) -> bool:
    words = text[start:end].lower().split()
    names = gazetteer()
    return bool(words) and "p" in names.get(words[0].strip("(),"), "")


def extend_tail(text: str, end: int, any_case: bool = False, max_parts: int = 6) -> TailResult:
    """Grow an address ending at ``end`` over the unit, postcode, city, state and country after it.

    A city counts only next to a postcode or a state, or when it closes the line, so "22 Baker
    Street Please call" does not swallow the next sentence.  ``any_case`` allows a lower-case city
    next to a postcode (for messages typed in lower case).
    """
    result = TailResult(end)
    pos = end
    units = 0
    while result.parts < max_parts:
        gap = _sep(text, pos)
        if gap is None:
            break
        label = _LABEL.match(text, gap)
        gap = label.end() if label else gap
        step = _part(text, gap, result, units >= _MAX_UNITS, any_case)
        if step is None:
            break
        kind, pos = step
        units += kind == "unit"
        result.unit = result.unit or kind == "unit"
        result.end = pos
        result.parts += 1
    return result


def _part(
    text: str, pos: int, result: TailResult, unit_done: bool, any_case: bool
) -> tuple[str, int] | None:
    if not unit_done and not result.postcode and (unit := _UNIT.match(text, pos)):
        return "unit", unit.end()
    if not result.postcode and (code := _POSTCODE.match(text, pos)):
        result.postcode = True
        return "postcode", code.end()
    city = _CITY.match(text, pos) or (_CITY_ANY_CASE.match(text, pos) if any_case else None)
    if city and is_common(text[pos : city.end()].split(" ", 1)[0]):
        city = None  # "Order 12345", "Please call": not a place
    second = result.city and result.postcode and not result.second_city
    if city and (not result.city or second):
        result.second_city = result.city
        after = city.end()
        nxt = _sep(text, after)
        near_code = result.postcode or (
            nxt is not None and (_POSTCODE.match(text, nxt) or _STATE.match(text, nxt))
        )
        closes = _END.match(text, after) is not None
        if near_code or (closes and (result.parts or _is_place(text, pos, after))):
            result.city = True
            return "city", after
    if (result.city or result.postcode) and (state := _STATE.match(text, pos)):
        return "state", state.end()
    if result.city and result.postcode and city:
        if _is_place(text, pos, city.end()) or _END.match(text, city.end()):
            if not is_common(text[pos : city.end()]):
                return "region", city.end()
    return None
