"""Names without cue phrases: a gazetteer of first names and surnames of many countries.

``resources/names.tsv`` (built by ``make pii-names`` from Faker's person providers, MIT licence)
flags each token as a first name ``f``, a surname ``l``, a place name ``p`` or an English word
``w``; ordinary English words that are no name are listed with ``w`` alone.  :func:`find_names`
scores runs of name-like words by what they are made of:

- capitalised, two or more words, at least one an unambiguous known name and another known
  ("Chloe May Turner", "Ildikó Farkas"): a name without any cue phrase;
- lower-case, every word a known and unambiguous name, a first name first ("monique tremblay");
- a list of first names ("marta, jonas and felix"), or one capitalised first name mid-sentence;
- words that are also English words or places ("Will", "May", "Paris") only count beside a
  stronger name word.

Context words before a run (``name``, ``son``, ``beneficiary``; or, right before it, ``add``,
``with``, ``under``) raise its score as Presidio's context words do.  A word joined to digits,
``_``, ``@`` or ``/`` is never a name, so ``cc_payment_form`` and e-mail local parts stay whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rasa_ethics.pii._letters import LETTER, UPPER
from rasa_ethics.pii._lexicon import is_common

__all__ = ["NameMatch", "find_names", "gazetteer"]

_TOKEN = re.compile(
    rf"(?<![\w@<>/\\.+#&=%-]){LETTER}+(?:['’ʼ-]{LETTER}+)*\.?(?![\w@<>/\\])(?!\.\w)"
)
_UPPER_START = re.compile(rf"[{UPPER}]")
# Russian and Ukrainian patronymics ("Аркадьевна", "Герасимович"): name words, if not in the list.
_PATRONYMIC = re.compile(r"(?:ович|евич|ьевич|овна|евна|ьевна|ична|инична|ич)$", re.IGNORECASE)
_INITIAL = re.compile(rf"[{UPPER}]\.")
_SENTENCE_END = re.compile(r"[.!?:;\n\"“(]\s{0,3}$")
_LIST_GAP = re.compile(r"\s*(?:,|&|\band\b|\bor\b|\bund\b|\bet\b|\by\b|\be\b)\s*$", re.IGNORECASE)
_WORDS_BEFORE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[/(]", re.UNICODE)
# Words that, up to six words before a run, say a person is named.
CONTEXT_WORDS = frozenset(
    """
    name names named called mr mrs ms miss mx dr dear hi hello hey thanks regards cheers sincerely
    signed attn customer client holder beneficiary partner wife husband son daughter mother mom mum
    father dad brother sister friend colleague manager boss tenant landlord recipient spouse child
    kids children guest passenger driver spoke talked behalf contact signatory payee owner employee
    nanny grandma grandpa grandmother grandfather aunt uncle cousin nephew niece fiancé fiance
    fiancée girlfriend boyfriend neighbour neighbor coworker addressee cardholder
    """.split()
)
# Words that, right before a run, make a name likelier than not.
NEXT_TO_WORDS = frozenset(
    """
    add remove under for with to by from cc tell ask is are was and contact email told thank
    meet met visit invite named call am i'm it's this with dear ms mr mrs dr herr frau
    """.split()
)
# Words right after a run that make it a person doing or being something: "Müller said",
# "Wilhelmina called", "Garcia, can you", "Parker is my surname".
_AFTER_NAME = re.compile(
    r"(?:'s[ ](?:account|order|card|number|email|address|phone|name|birthday|details|booking)|"
    r",?[ ](?:said|says|told|asked|called|calls|rang|phoned|emailed|wrote|wants|wanted|needs|"
    r"needed|signed|paid|ordered|bought|booked|mentioned|confirmed|agreed|promised|lives|"
    r"moved|is[ ](?:my|our|his|her)[ ](?:\w+[ ])?(?:surname|name|wife|husband|son|daughter|"
    r"partner|mother|father|sister|brother|friend|colleague|manager)|"
    r"(?:will|can|could|should)[ ](?:sign|pick|call|collect|pay|come|confirm))(?![\w])"
    r"|,[ ](?:can|could|would|will|please)[ ](?:you|u)(?![\w]))",
    re.IGNORECASE,
)
_SURNAME_AFTER = re.compile(r"[ ]is[ ](?:my|the)[ ](?:sur|last[ ]|family[ ])name", re.IGNORECASE)
# Name particles that may sit inside a name in lower case: "Kian van Gils", "Mick de Roos".
PARTICLES = frozenset(
    "van von der den de du da di del della dos das le la ter ten bin al el y".split()
)
# Titles and degrees written around a name; they belong to the value that is redacted.
_TITLE_BEFORE = re.compile(
    r"(?i:(?:(?<![\w'’])m\.[ ]|(?<![\w'’])(?:mr|mrs|ms|mx|miss|dr|dr\(a\)|prof|univ\.prof|herr|"
    r"frau|sig|sig\.ra|sra|sr|srta|mme|"
    r"mlle|ing|mgr|dott|dott\.ssa|dipl\.-ing|pan|pani|dhr|mevr|hr|fr|sir|dame|lord|lady|"
    r"rev|sheikh|shri|smt)\.?[ ]{1,2})+$)"
)
_DEGREE_AFTER = re.compile(
    r"(?:,?[ ](?i:b\.a\.|m\.a\.|b\.sc\.|m\.sc\.|bsc|msc|mba|phd|ph\.d\.|md|dds|dvm|jr\.?|sr\.?|"
    r"ii|iii|iv|esq\.?|dipl\.-ing\.|mag\.|ing\.)(?![\w]))+"
)
# Names in the gazetteer that are, here, the platform: "Loading Rasa model", "is this Rasa?".
NEVER_NAMES = frozenset({"rasa"})
_MAX_TOKENS = 5
_MIN_SCORE = 0.25  # below this a run is not reported even for an expected name


@dataclass(frozen=True)
class NameMatch:
    """A likely name: ``text[start:end]``, its score and why."""

    start: int
    end: int
    score: float
    reason: str


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Lower-cased token -> flags, loaded once from the shipped resource file."""
    path = resources.files("rasa_ethics.pii").joinpath("resources/names.tsv")
    table: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                token, _, flags = line.rstrip("\n").partition("\t")
                table[token] = flags
    return table


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    first: bool  # a known first name
    last: bool  # a known surname
    strong: bool  # known and neither a common word nor a place
    capitalised: bool
    particle: bool = False
    place: bool = False  # a known place name
    unknown: bool = False  # a lower-case word that is neither known nor an English word


def _flags(word: str, names: dict[str, str]) -> str:
    lower = word.lower()
    flags = names.get(lower)
    if flags is None and "-" in lower:  # "Moore-Parker": what its parts are
        parts = [names.get(part, "") for part in lower.split("-")]
        flags = "".join(parts) if all(parts) else ""
        if any("w" not in p and "p" not in p for p in parts) and all(parts):
            flags = flags.replace("w", "").replace("p", "")
    return flags or ""


def _tokens(text: str, names: dict[str, str]) -> list[_Token]:
    """The name-like tokens of ``text``: known names, particles and capitalised words."""
    found: list[_Token] = []
    for match in _TOKEN.finditer(text):
        start = match.start()
        word = match.group().rstrip(".")
        if word[-2:].lower() in ("'s", "’s") and len(word) > 3:
            word = word[:-2]  # "Sophie's account": the name is "Sophie"
        end = start + len(word)
        capitalised = _UPPER_START.match(word) is not None
        if not capitalised and word in PARTICLES:
            found.append(_Token(start, end, False, False, False, False, particle=True))
            continue
        flags = "w" if word.lower() in NEVER_NAMES else _flags(word, names)
        if flags == "w":
            continue  # an ordinary word ("Loading", "Invoice"), not a name
        if not flags and _PATRONYMIC.search(word) and len(word) > 5:
            flags = "l"
        if not flags and capitalised and len(word) == 1 and _INITIAL.match(text, start):
            found.append(_Token(start, end + 1, False, False, False, True, particle=True))
            continue
        known = "f" in flags or "l" in flags
        if (not known or not capitalised) and (len(word) < 2 or is_common(word)):
            continue
        if not known and not capitalised:
            if len(word) >= 3 and not flags and word.isalpha():
                # maybe a surname the list lacks, after a known first name ("ngozi okafor")
                found.append(_Token(start, end, False, False, False, False, unknown=True))
            continue
        strong = known and "w" not in flags and "p" not in flags and not is_common(word)
        found.append(
            _Token(start, end, "f" in flags, "l" in flags, strong, capitalised, place="p" in flags)
        )
    return found


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Runs of name tokens of one case, joined by one space ("J. " initials, particles too)."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in tokens:
        if current:
            joined = text[current[-1].end : token.start] in (" ", ". ", "")
            same_case = token.particle or current[-1].particle or (
                token.capitalised == current[-1].capitalised
            )
            if not (joined and same_case) or len(current) >= _MAX_TOKENS:
                runs.append(current)
                current = []
        if token.particle and not current:
            continue
        current.append(token)
    runs.append(current)
    trimmed = []
    for run in runs:
        while run and run[-1].particle:
            run = run[:-1]
        if run and not run[0].capitalised:
            run = _trim_lower(run)
        if run:
            trimmed.append(run)
    return trimmed


def _trim_lower(run: list[_Token]) -> list[_Token]:
    """Drop ambiguous words at the edges of a lower-case run ("son" in "my son theo")."""
    while len(run) > 1 and not run[0].strong and run[1].first and run[1].strong:
        run = run[1:]
    while len(run) > 1 and not run[-1].strong and not run[-1].last:
        if len(run) == 2 and run[-1].unknown and run[0].first and run[0].strong:
            break  # "ngozi okafor": a known first name, then a word that may be a surname
        run = run[:-1]
    return [t for t in run if not t.unknown] if len(run) == 1 else run


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start]
    return not before.strip() and start <= 4 or _SENTENCE_END.search(before) is not None


def _base_score(text: str, run: list[_Token]) -> tuple[float, str]:
    words = [t for t in run if not t.particle]
    known = sum(t.first or t.last for t in words)
    strong = sum(t.strong for t in words)
    if all(t.capitalised for t in words):
        if len(words) >= 2:
            if strong and known >= 2:
                return 0.85, "known first name and surname"
            if strong:
                return 0.7, "known name beside a capitalised word"
            return (0.45, "ambiguous name words") if known >= 2 else (0.3, "capitalised words")
        token = words[0]
        initial = _starts_sentence(text, token.start)
        if token.strong and token.first:
            return (0.35 if initial else 0.55), "known first name"
        if token.strong:
            return (0.25 if initial else 0.4), "known surname"
        if token.place and not (token.first or token.last):
            return 0.1, "place name"  # "Hi, do you ship to Germany?"
        return 0.2, "capitalised word"
    if len(words) >= 2 and strong and known == len(words) and words[0].first and words[-1].last:
        if strong == len(words):
            return 0.7, "known first name and surname, lower case"
        return 0.6, "known first name and surname, lower case, one also a word"
    if len(words) == 2 and words[0].first and words[0].strong and words[1].unknown:
        return 0.4, "known first name and an unknown word, lower case"
    if len(words) == 1 and words[0].strong and words[0].first:
        return 0.35, "known first name, lower case"
    return 0.15, "name words"


def _context(text: str, start: int) -> tuple[float, str]:
    """The boost that the words before a run give it."""
    words = [w.lower() for w in _WORDS_BEFORE.findall(text, max(0, start - 48), start)][-6:]
    if not words:
        return 0.0, ""
    if CONTEXT_WORDS.intersection(words):
        return 0.3, "; context word before"
    if words[-1] in NEXT_TO_WORDS:
        return 0.15, "; preceded by a verb or preposition"
    return 0.0, ""


def _after(text: str, end: int) -> float:
    """The boost that the words after a run give it ("Müller said", "Parker is my surname")."""
    if _SURNAME_AFTER.match(text, end):
        return 0.35
    return 0.3 if _AFTER_NAME.match(text, end) else 0.0


def _in_list(text: str, runs: list[list[_Token]], index: int) -> bool:
    """True when the run is one of two or more first names joined by commas or "and"."""
    run = runs[index]
    if len(run) != 1 or not run[0].first:
        return False
    for other in (index - 1, index + 1):
        if not 0 <= other < len(runs) or len(runs[other]) > 2 or not runs[other][0].first:
            continue
        if not (run[0].strong or runs[other][0].strong):
            continue
        lo, hi = (
            (runs[other][-1].end, run[0].start) if other < index else
            (run[-1].end, runs[other][0].start)
        )
        if hi - lo <= 6 and _LIST_GAP.match(text, lo, hi):
            return True
    return False


def _inverted(text: str, runs: list[list[_Token]]) -> list[list[_Token]]:
    """Join "Surname, First" (a known surname, a comma, a known first name) into one run."""
    joined: list[list[_Token]] = []
    for run in runs:
        last = joined[-1] if joined else None
        if (
            last is not None
            and len(last) == 1
            and last[0].last
            and not last[0].first
            and run[0].first
            and len(run) <= 2
            and text[last[-1].end : run[0].start] == ", "
            and (last[0].strong or run[0].strong)
            and last[0].capitalised == run[0].capitalised
        ):
            joined[-1] = [*last, *run]
        else:
            joined.append(run)
    return joined


def find_names(text: str) -> list[NameMatch]:
    """Likely person names in ``text`` with their scores (some below any useful threshold)."""
    names = gazetteer()
    runs = _inverted(text, _runs(text, _tokens(text, names)))
    found: list[NameMatch] = []
    for index, run in enumerate(runs):
        score, reason = _base_score(text, run)
        if _in_list(text, runs, index):
            score, reason = max(score, 0.6), reason + "; in a list of first names"
        start, end = run[0].start, run[-1].end
        title = _TITLE_BEFORE.search(text, max(0, start - 24), start)
        if title:
            start, score, reason = title.start(), score + 0.3, reason + "; title before"
        boost, why = _context(text, start)
        after = _after(text, end) if any(t.first or t.last for t in run) else 0.0
        if after > boost:
            boost, why = after, "; followed by what people do"
        degree = _DEGREE_AFTER.match(text, end)
        end = degree.end() if degree else end
        if score + boost >= _MIN_SCORE:
            found.append(NameMatch(start, end, min(score + boost, 0.95), reason + why))
    return found
