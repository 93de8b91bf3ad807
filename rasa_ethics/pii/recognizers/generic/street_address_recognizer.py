"""Street addresses and PO boxes, extended over the unit, city, state and postcode that follow.

The anchor is a house number, one to four street-name words and a street suffix (USPS Publication
28 and the common UK ones), or a PO box.  From there the span grows over an apartment or suite, a
city (capitalised words, or a spaCy GPE/LOC entity), a state and a ZIP code or UK postcode, so the
whole address is redacted, not just its first line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from rasa_ethics.pii._letters import UPPER
from rasa_ethics.pii.address_parts import extend_head, extend_tail
from rasa_ethics.pii.recognizer import NerEntity, Pattern, PatternRecognizer
from rasa_ethics.pii.spans import Span

__all__ = ["StreetAddressRecognizer"]

# USPS Publication 28, appendix C1 (names and standard abbreviations), plus common UK suffixes.
# A plural "s" is allowed after any of them ("Burgs", "Heights", "Gardens").
SUFFIXES = (
    "alley|aly|anex|arcade|avenue|ave|av|bayou|beach|bend|bluff|bottom|boulevard|blvd|branch|"
    "bridge|brg|brook|burg|bypass|byp|camp|canyon|cape|causeway|center|centre|ctr|circle|cir|"
    "cliff|club|common|corner|course|court|ct|cove|creek|crescent|cres|crest|crossing|xing|"
    "crossroad|curve|dale|dam|divide|drive|dr|estate|expressway|expy|extension|ext|fall|ferry|"
    "field|flat|ford|forest|forge|fork|fort|freeway|fwy|garden|gdn|gateway|glen|green|grn|grove|"
    "harbor|harbour|haven|height|hts|highway|hwy|hill|hollow|inlet|island|isle|junction|jct|key|"
    "knoll|lake|land|landing|lane|ln|light|loaf|lock|lodge|loop|mall|manor|meadow|mews|mill|"
    "mission|motorway|mount|mountain|mtn|neck|orchard|oval|overpass|park|parkway|pkwy|pass|"
    "passage|path|pike|pine|place|pl|plain|plaza|plz|point|pt|port|prairie|radial|ramp|ranch|"
    "rapid|rest|ridge|rdg|river|road|rd|route|rte|row|rue|run|shoal|shore|skyway|spring|spur|"
    "square|sq|station|sta|stravenue|stream|street|st|str|summit|terrace|ter|throughway|trace|"
    "track|trafficway|trail|trl|trailer|tunnel|turnpike|underpass|union|valley|vly|viaduct|view|"
    "village|vlg|ville|vista|walk|wall|way|well|wharf|wynd|yard|close|parade|drove|gate|"
    "embankment|approach|chase|rise|vale|circus|"
    # Australian, New Zealand and Irish ones
    "alleyway|amble|boardwalk|brae|byway|centreway|circuit|concourse|esplanade|glade|grange|"
    "outlook|promenade|quay|reserve|retreat|ridgeway|riviera|sound|strip|waters|"
    # French, Spanish and Italian ones after a house number ("8 rue ...", "12 allée ...")
    "montée|allée|allé|cul-de-sac|via|"
    # Indian ones
    "nagar|marg|ganj|chowk|bagh|puram|colony|layout|enclave"
)
# Words that never sit between a house number and a street suffix ("2 new cases on the way").
_STOP = (
    "a|an|the|on|in|at|to|for|of|and|or|my|your|our|their|his|her|its|is|was|are|were|be|been|it|"
    "this|that|these|those|with|from|by|me|i|you|we|they|he|she|have|has|had|not|no|but|so|if|"
    "will|would|can|could|should|do|does|did|all|any|some|than|then|more|less|about|per|each|every"
)
_WORD = rf"(?!(?:{_STOP})\b)[^\W_](?:[^\W_]|['’.-]){{0,24}}"
_HOUSE = r"\d{1,6}[a-z]?(?:[-/]\d{1,5}[a-z]?)?\.?"
_DIRECTION = r"(?:[ ](?:n|s|e|w|ne|nw|se|sw)\b\.?)?"
# One to four street-name words, then a suffix: "Baker Street", "Martin Luther King Jr Blvd".
_STREET = rf"(?:{_WORD}[ ]{{1,2}}){{1,4}}(?:{SUFFIXES})s?\b\.?{_DIRECTION}"
_PO_BOX = r"(?:p\.?[ ]?o\.?[ ]?box|post office box)"

_UNIT_WORD = r"(?:apt|apartment|suite|ste|unit|flat|studio|room|rm|floor|fl|#)"
_UNIT = rf"(?i:,?[ ]{{1,2}}{_UNIT_WORD}\.?[ ]{{0,2}}#?[a-z0-9-]{{1,6}})"
_CAP = rf"[{UPPER}](?:[^\W\d_]|['’.-]){{1,24}}"
_CITY = rf"(?:,?[ ]{{1,2}}{_CAP}(?:[ ]{_CAP}){{0,2}})"
_STATE = r"(?:,?[ ]{1,2}[A-Z]{2}(?![a-zA-Z]))"
_US_ZIP = r"\d{5}(?:-\d{4})?"
_UK_POSTCODE = r"(?i:[a-z]{1,2}\d[a-z\d]?[ -]?\d[a-z]{2})"
_ZIP = rf"(?:,?[ ]{{1,2}}(?:{_US_ZIP}|{_UK_POSTCODE})(?![\w-]))"
# Any case, but only with a state and a ZIP code or a postcode after the city: strong evidence.
# Up to three comma-separated place names: "Marylebone, London", "East Thomas".
_PLACE = rf"{_WORD}(?:[ ]{_WORD}){{0,2}}"
_PLACES = rf"(?i:,?[ ]{{1,2}}{_PLACE}(?:,[ ]{{1,2}}{_PLACE}){{0,2}})"
_CAPITALISED_PLACE = rf"{_CAP}(?:[ ]{_CAP}){{0,2}}"
_CITIES = rf"{_CITY}(?:,[ ]{{1,2}}{_CAPITALISED_PLACE}){{0,2}}"
_TAIL_STRONG = re.compile(
    rf"{_UNIT}?{_PLACES}"
    rf"(?i:,?[ ]{{1,2}}[a-z]{{2}}[ ]{{1,2}}{_US_ZIP}|,?[ ]{{1,2}}{_UK_POSTCODE})(?![\w-])"
)
_TAIL_CAPITALISED = re.compile(rf"{_UNIT}?{_CITIES}(?:{_STATE}{_ZIP}?|{_STATE}?{_ZIP})")
_TAIL_UNIT = re.compile(_UNIT)
_STATE_ZIP = re.compile(f"{_STATE}?{_ZIP}")
_SEPARATOR = re.compile(r",?[ ]{1,2}")
_UNIT_BEFORE = re.compile(rf"(?i:{_UNIT_WORD}\.?[ ]{{0,2}}#?[a-z0-9-]{{1,6}},?[ ]{{1,2}})$")
_LAST_WORD = re.compile(r"([^\W\d_]+)\.?(?:[ ][A-Za-z]{1,2}\.?)?$")
_FINAL_WORD = re.compile(r"([^\W\d_]+)\.$")
_ABBREVIATIONS = frozenset(
    "aly av ave blvd brg byp cir cres ct ctr dr expy ext fwy gdn grn hts hwy jct ln mtn n ne nw "
    "pkwy pl plz pt rd rdg rte s se sq st sta ste str sw ter trl vlg vly w xing e".split()
)


class StreetAddressRecognizer(PatternRecognizer):
    """``42 Baker Street, London NW1 6XE``, ``1600 Pennsylvania Ave NW, Washington, DC 20500``."""

    ENTITY = "address"
    PRECHECK = r"\d"
    USES_NER = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "street",
            rf"(?<![\w-]){_HOUSE},?[ ]{{1,2}}{_STREET}",
            0.7,
        ),
        Pattern(
            "unit_street",
            rf"(?<![\w-]){_UNIT_WORD}\.?[ ]{{0,2}}#?\d[a-z0-9-]{{0,5}},?(?:[ ]{{1,2}}|[ ]*\n[ ]*)"
            rf"{_STREET}",
            0.7,
        ),
        Pattern("po_box", rf"(?<!\w){_PO_BOX}[ ]{{0,2}}#?[ ]{{0,2}}\d{{1,8}}\b", 0.7),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "address", "live at", "living at", "lives at", "ship to", "ship it to", "deliver to",
        "send to", "sent to", "moved to", "located at", "reside at", "my home", "home is",
    )
    # A lower-case suffix ("i tried 2 different ways") needs context or a full tail to count.
    LOWER_CASE_SCORE: ClassVar[float] = 0.3
    FULL_ADDRESS_SCORE: ClassVar[float] = 0.85

    def score(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        """A street whose suffix is not capitalised only counts with context or a full tail."""
        if pattern.name != "po_box" and not _capitalised_suffix(text[start:end]):
            pattern = replace(pattern, score=self.LOWER_CASE_SCORE)
        return super().score(text, start, end, pattern)

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """Street or PO box anchors, each extended over the rest of the address."""
        places = [e for e in entities if e.label in ("GPE", "LOC")]
        return [self._complete(text, span, places) for span in super().analyze(text)]

    def _complete(self, text: str, span: Span, places: Sequence[NerEntity]) -> Span:
        before = _UNIT_BEFORE.search(text, max(0, span.start - 24), span.start)
        start = extend_head(text, before.start() if before else span.start)
        end = _without_sentence_stop(text, span.start, span.end)
        strong = _TAIL_STRONG.match(text, end)
        if strong:
            score = max(span.score, self.FULL_ADDRESS_SCORE)
            reason = f"{span.reason}; city and ZIP code or postcode follow"
            span = replace(span, start=start, end=strong.end(), score=score, reason=reason)
        else:
            span = span.shifted(start, self._extend(text, end, places))
        # Whatever the English patterns left (an Eircode, a Canadian postcode after the
        # province, a country) is taken by the tail that every address recognizer shares.
        tail = extend_tail(text, span.end, any_case=text.islower())
        if tail.postcode and span.score < self.FULL_ADDRESS_SCORE:
            span = replace(span, score=self.FULL_ADDRESS_SCORE, reason=f"{span.reason}; postcode")
        return span.shifted(span.start, max(span.end, tail.end))

    def _extend(self, text: str, end: int, places: Sequence[NerEntity]) -> int:
        tail = _TAIL_CAPITALISED.match(text, end)
        if tail:
            return tail.end()
        unit = _TAIL_UNIT.match(text, end)
        end = unit.end() if unit else end
        gap = _SEPARATOR.match(text, end)
        place = next((p for p in places if gap and p.start == gap.end()), None)
        if place is None:
            return end
        state_zip = _STATE_ZIP.match(text, place.end)
        return state_zip.end() if state_zip else place.end


def _capitalised_suffix(value: str) -> bool:
    match = _LAST_WORD.search(value)
    return match is not None and match.group(1)[0].isupper()


def _without_sentence_stop(text: str, start: int, end: int) -> int:
    """Drop a final "." unless it ends an abbreviation such as "St." or "Blvd."."""
    if text[end - 1] != ".":
        return end
    match = _FINAL_WORD.search(text, start, end)
    word = match.group(1).lower() if match else ""
    return end if word in _ABBREVIATIONS else end - 1
