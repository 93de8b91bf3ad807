"""Street addresses written the continental way: street name first, house number after.

- a street-type word before the name: "ul. Długa 14", "Via Garibaldi 22", "Calle Mayor 5",
  "Rua Augusta 123", "rue de Rivoli", "Bulevardul Unirii 3", "ул. Ленина, д. 5";
- a street-type word after the name, or glued to it: "Andrássy út 61.", "Kanonijeva cesta 89",
  "Keizersgracht 402", "Hauptstraße 5", "Storgatan 12", "Ilmattarenkatu 730";
- a house number before a French, Spanish or Italian type word: "8, avenue Manon Gillet";
- capitalised words and a house number, confirmed by a postcode and city after them:
  "Hlavná 1, 881 44 Brestovany".

Each anchor is extended by :func:`~rasa_ethics.pii.address_parts.extend_tail` over the flat,
postcode, city and country that follow, on the same line or the next ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rasa_ethics.pii._lexicon import is_common
from rasa_ethics.pii.address_parts import (
    CAP_WORD,
    HOUSE,
    NAME_WORD,
    capitalised_copy,
    extend_head,
    extend_tail,
)
from rasa_ethics.pii.recognizer import NerEntity, Pattern, PatternRecognizer
from rasa_ethics.pii.spans import Span

__all__ = ["InternationalAddressRecognizer"]

# Street types written before the name.  English words ("place", "square", "route") are left
# to the English recognizer.
PREFIXES = (
    r"via|viale|piazza|piazzale|corso|largo|vicolo|contrada|borgo|lungomare|"
    r"calle|c/|avenida|avda\.?|av\.|avd\.|paseo|pasaje|plaza|pza\.|carrer|camino|carretera|ronda|"
    r"travesía|glorieta|cuesta|acceso|urbanización|rambla|vía|callejón|diagonal|carrera|cra\.|"
    r"rua|travessa|praça|alameda|rodovia|estrada|beco|fazenda|recanto|vila|viela|quadra|setor|"
    r"rue|avenue|boulevard|bd|bld|allée|chemin|impasse|quai|cours|montée|passage|sentier|"
    r"ul\.|ulica|al\.|aleja|pl\.|plac|os\.|osiedle|skwer|"
    r"strada|str\.|bulevardul|b-dul|calea|aleea|intrarea|splaiul|drumul|fundătura|șoseaua|soseaua|piața|piata|"
    r"ул\.|улица|пр\.|просп\.|проспект|пер\.|переулок|бул\.|бульвар|ш\.|шоссе|наб\.|пл\.|"
    r"площадь|вул\.|вулиця|пров\.|провулок|набережна|площа|шосе|οδός|λεωφ\.|λεωφόρος|"
    r"peatonal|cerrada|privada|andador|circuito|retorno|callejón|prolongación|boulevard|"
    r"corredor|eje vial|viaducto|periférico|calzada|continuación|ampliación|"
    r"área|chácara|colônia|condomínio|conjunto|distrito|esplanada|estação|favela|jardim|"
    r"ladeira|lagoa|loteamento|morro|núcleo|parque|passarela|pátio|residencial|sítio|trecho|"
    r"trevo|vereda|сквер|мкр\.|микрорайон"
)
# Street types that end the name, as a word of their own or glued to it.  The short ones also
# end ordinary words ("during", "untie"), so they count only when the street is capitalised.
SUFFIXES_LONG = (
    r"straße|strasse|str\.|gasse|straat|gracht|laan|katu|utca|vägen|gatan|veien|vegen|ulica|"
    r"cesta|iela|tänav|gatvė|körút|körútja|allee|chaussee|boulevard|bulevardi|steenweg|"
    r"dreef|singel|kade|plein|stræde|gade|torget|gränd|stigen|backen|polku|kaari|rinne|"
    r"marg|nagar|sokak|sokağı|caddesi|bulvarı|náměstí|namestie|ulice|třída|nábřeží|trg"
)
SUFFIXES_SHORT = (
    r"weg|platz|ring|damm|ufer|steig|pfad|markt|hof|pad|dijk|steeg|gate|gata|vei|vej|allé|"
    r"tie|kuja|tori|väylä|út|utja|útja|tér|tere|sor|köz|u\.|krt\.|rakpart|sétány|fasor|"
    r"road|lane|ganj|chowk|cad\.|sk\.|g\.|mnt\.|tn\.|nám\."
)
_NUMBER_FIRST = (
    r"rue|avenue|av\.|boulevard|bd|allée|chemin|impasse|quai|montée|calle|avenida|via|rua|"
    r"route(?=[ ][A-Z])|rang|côte|croissant"
)
_HOUSE_AFTER = rf"(?:,?[ ]{{1,2}}(?i:n[°º.]?|no\.?|nr\.?|№|д\.|буд\.|б\.|дом)?[ ]?{HOUSE})"
_PARTICLE = (
    r"(?:de|la|le|les|des|du|del|della|delle|dei|di|da|do|dos|das|van|der|den|von|am|an|el|lo)"
)
# Words of a street name: capitalised, or particles ("rue de la Paix"), or a number ("3 Maja").
_NOT_WORD = r"(?!(?i:n[°º]|no\.[ ]?\d|nr\.[ ]?\d|№))"  # "N° 253" introduces the number
_WORD = rf"{_NOT_WORD}(?:{CAP_WORD}|{_PARTICLE}(?=[ ])|\d{{1,3}}(?=[ ][^\W\d_]))"
_NAME = rf"(?:{NAME_WORD}|\d{{1,3}}(?=[ ][^\W\d_]))(?:[ ]{_WORD}){{0,4}}"
_LEAD = rf"(?:{_WORD}[ ]){{0,3}}"
_CAP_NAME = rf"{CAP_WORD}(?:[ ]{CAP_WORD}){{0,2}}"


def _words(alternatives: str) -> list[str]:
    return [re.sub(r"\\\.\??|/", "", a) for a in alternatives.split("|")]


_TYPE_WORDS = frozenset(
    w for w in _words(f"{PREFIXES}|{SUFFIXES_LONG}|{SUFFIXES_SHORT}") if len(w) > 1
)
_GLUED_ENDINGS = tuple(w for w in _words(f"{SUFFIXES_LONG}|{SUFFIXES_SHORT}") if len(w) >= 3)
_LETTERS = re.compile(r"[^\W\d_]+")
# One-letter street types of Russian addresses ("ш. Шоссейное", "д. 5").
_ABBREVIATED_TYPE = re.compile(r"(?<![\w])[шдк]\.[ ]?[А-ЯЁ\d]")
_POSTCODE_LIKE = re.compile(r"\d{2}-\d{3}|\d{4}|\d{3} \d{2}|[a-z]\d[a-z] ?\d[a-z]\d")


def _without_lead(text: str, span: Span) -> Span:
    """Drop ordinary words that only the capitalised copy made look like a street name."""
    start = span.start
    for word in _LETTERS.finditer(text, span.start, span.end):
        if word.start() != start or not is_common(word.group()):
            break
        start = word.end() + 1
    return span.shifted(start, span.end) if start < span.end else span


def _has_street_word(text: str) -> bool:
    """True when a word of ``text`` is, or ends in, a street type."""
    if _ABBREVIATED_TYPE.search(text):
        return True
    for word in _LETTERS.findall(text):
        lower = word.lower()
        if lower in _TYPE_WORDS or lower.endswith(_GLUED_ENDINGS):
            return True
    return False


class InternationalAddressRecognizer(PatternRecognizer):
    """``ul. Długa 14 m. 3, 80-827 Gdańsk``, ``Keizersgracht 402, 1016 GC Amsterdam``."""

    ENTITY = "address"
    PRECHECK = r"\d"
    FLAGS = 0
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "type_before",
            rf"(?<![\w-])(?i:{PREFIXES})[ ]{{0,2}}(?=[^\W_])(?P<name>{_NAME}){_HOUSE_AFTER}?",
            0.7,
        ),
        Pattern(
            "type_after",
            rf"(?<![\w-]){_LEAD}[^\W\d_]*(?i:{SUFFIXES_LONG}){_HOUSE_AFTER}",
            0.7,
        ),
        Pattern(
            "type_after_short",
            rf"(?<![\w-]){_LEAD}{CAP_WORD}(?:[ ]?(?:{SUFFIXES_SHORT})|-(?i:{SUFFIXES_SHORT}))"
            rf"{_HOUSE_AFTER}",
            0.7,
        ),
        Pattern(
            "number_type",
            rf"(?<![\w-]){HOUSE},?[ ]{{1,2}}(?i:{_NUMBER_FIRST})[ ]{NAME_WORD}"
            rf"(?:[ ]{_WORD}){{0,3}}",
            0.65,
        ),
        Pattern(
            "number_street",
            rf"(?<![\w.,-]){HOUSE},?[ ]{_LEAD}(?:[^\W\d_]*(?i:{SUFFIXES_LONG})|{CAP_WORD}"
            rf"(?:-|[ ])(?i:{SUFFIXES_SHORT}))(?![\w'’-])",
            0.65,
        ),
        # "3 Hotspring filters": a short type glued to a word is often no street at all.
        Pattern(
            "number_street_glued",
            rf"(?<![\w.,-]){HOUSE},?[ ]{_LEAD}{CAP_WORD}(?-i:{SUFFIXES_SHORT})(?![\w'’-])",
            0.4,
        ),
        # "255 Morro Novais", "20401 Aleea Ioniță": the number before any street-type word
        Pattern(
            "number_prefix",
            rf"(?<![\w.,-]){HOUSE},?[ ]{{1,2}}(?i:{PREFIXES})[ ]{CAP_WORD}(?:[ ]{_WORD}){{0,3}}",
            0.45,
        ),
        Pattern("name_number", rf"(?<![\w-]){_CAP_NAME},?[ ]{HOUSE}", 0.2),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "address", "ship to", "deliver to", "send to", "live at", "moved to", "located at",
        "adres", "adresse", "indirizzo", "dirección", "direccion", "endereço", "cím", "adresa",
    )
    POSTCODE_SCORE: ClassVar[float] = 0.85
    NO_NUMBER_SCORE: ClassVar[float] = 0.35
    _HAS_HOUSE = re.compile(rf"{_HOUSE_AFTER}$")

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """Anchors, each extended over the rest of the address.

        The street-type patterns only run when some word of the text is a street type (a set
        lookup per word: most messages have none).  A text all in lower case with a postcode
        is also read with its words capitalised; there only what a postcode confirms counts.
        """
        if not self.may_match(text):
            return []
        patterns = self._patterns if _has_street_word(text) else self._patterns[-1:]
        spans = [self._complete(text, span) for span in self.scan(text, patterns)]
        if text.islower() and _POSTCODE_LIKE.search(text):
            capitalised = capitalised_copy(text)
            found = [self._complete(capitalised, s) for s in self.scan(capitalised, patterns)]
            spans += [
                _without_lead(text, s)
                for s in found
                if "postcode follows" in s.reason and "no house number" not in s.reason
            ]
        return spans

    def score(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        """A street without a house number needs a postcode or context to count."""
        span = super().score(text, start, end, pattern)
        if span is not None and pattern.name == "type_before":
            if not self._HAS_HOUSE.search(text, start, end):
                reason = span.reason + "; no house number"
                span = Span(start, end, span.type, self.NO_NUMBER_SCORE, span.recognizer, reason)
        return span

    def _complete(self, text: str, span: Span) -> Span:
        end = span.end - 1 if text[span.end - 1] == "." and span.end == len(text) else span.end
        tail = extend_tail(text, end, any_case=text.islower())
        score, reason = span.score, span.reason
        bare = "name_number" in reason
        if tail.postcode and (tail.city or not bare):
            score, reason = max(score, self.POSTCODE_SCORE), reason + "; postcode follows"
        elif (tail.city or tail.unit) and not bare:
            score, reason = max(score, 0.6), reason + "; city or flat follows"
        start = extend_head(text, span.start)
        return Span(start, max(end, tail.end), span.type, score, span.recognizer, reason)
