"""Names without cue phrases: a gazetteer of first names and surnames of many countries.

``resources/names.tsv`` (built by ``make pii-names`` from Faker's person providers, MIT licence)
flags each token as a first name ``f``, a surname ``l``, part of a place name ``p`` or an English
word ``w``.  :func:`find_names` scores runs of name-like words by what they are made of:

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
    rf"(?<![\w@<>/\\.+#&=%-]){LETTER}+(?:['’-]{LETTER}+)*\.?(?![\w@<>/\\])(?!\.\w)"
)
_UPPER_START = re.compile(rf"[{UPPER}]")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“(]\s*)$")
_LIST_GAP = re.compile(r"\s*(?:,|&|\band\b|\bor\b|\bund\b|\bet\b|\by\b|\be\b)\s*$", re.IGNORECASE)
_CONTEXT = re.compile(
    r"\b(?:name[ds]?|called|call(?:ed)? me|mr|mrs|ms|miss|dr|dear|hi|hello|hey|thanks|regards|"
    r"cheers|sincerely|signed|attn|c/o|customer|client|holder|beneficiary|partner|wife|husband|"
    r"son|daughter|mother|mom|mum|father|dad|brother|sister|friend|colleague|manager|boss|tenant|"
    r"landlord|recipient|spouse|child|kids|children|guest|passenger|driver|spoke (?:to|with)|"
    r"talked to|on behalf of|contact|signatory|payee|owner|employee|nanny|grandma|grandpa|aunt|"
    r"uncle|cousin|nephew|niece)\b[^.!?\n]{0,40}$",
    re.IGNORECASE,
)
_NEXT_TO = re.compile(
    r"(?:\b(?:add|remove|under|for|with|to|by|from|cc|tell|ask|is|are|was|and|contact|email|"
    r"told|thank|meet|met|visit|invite|named|call|am|i'm|it's|this is)\s+)$",
    re.IGNORECASE,
)
_MAX_TOKENS = 5


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


def _tokens(text: str, names: dict[str, str]) -> list[_Token]:
    found: list[_Token] = []
    for match in _TOKEN.finditer(text):
        word = match.group().rstrip(".")
        flags = names.get(word.lower(), "")
        known = "f" in flags or "l" in flags
        capitalised = _UPPER_START.match(word) is not None
        common = is_common(word)
        if not known and (common or not capitalised or len(word) < 2):
            found.append(_Token(match.start(), match.start() + len(word), False, False, False, False))
            continue
        strong = known and not common and "w" not in flags and "p" not in flags
        found.append(
            _Token(
                match.start(), match.start() + len(word), "f" in flags, "l" in flags, strong,
                capitalised,
            )
        )
    return found


def _is_name_like(token: _Token) -> bool:
    return token.first or token.last or token.capitalised


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of name-like tokens separated by one space (or "J. " initials)."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in tokens:
        joined = current and text[current[-1].end : token.start] in (" ", ". ")
        if not _is_name_like(token):
            if current:
                runs.append(current)
            current = []
            continue
        if current and not joined:
            runs.append(current)
            current = []
        current.append(token)
    if current:
        runs.append(current)
    return [run[:_MAX_TOKENS] for run in runs]


def _base_score(text: str, run: list[_Token]) -> tuple[float, str]:
    known = sum(t.first or t.last for t in run)
    strong = sum(t.strong for t in run)
    if all(t.capitalised for t in run):
        if len(run) >= 2:
            if strong and known >= 2:
                return 0.85, "known first name and surname"
            if strong:
                return 0.7, "known name beside a capitalised word"
            return (0.45, "ambiguous name words") if known >= 2 else (0.3, "capitalised words")
        token = run[0]
        initial = _SENTENCE_END.search(text, 0, token.start) is not None
        if token.strong and token.first:
            return (0.35 if initial else 0.55), "known first name"
        if token.strong:
            return (0.25 if initial else 0.4), "known surname"
        return 0.2, "capitalised word"
    if len(run) >= 2 and strong and known == len(run) and run[0].first and run[-1].last:
        if strong == len(run):
            return 0.7, "known first name and surname, lower case"
        return 0.6, "known first name and surname, lower case, one also a word"
    if len(run) == 1 and run[0].strong and run[0].first:
        return 0.3, "known first name, lower case"
    return 0.15, "name words"


def _in_list(text: str, runs: list[list[_Token]], index: int) -> bool:
    """True when the run is one of two or more first names joined by commas or "and"."""
    run = runs[index]
    if len(run) != 1 or not (run[0].first and run[0].strong):
        return False
    for other in (index - 1, index + 1):
        if 0 <= other < len(runs) and len(runs[other]) <= 2 and runs[other][0].first:
            lo, hi = (
                (runs[other][-1].end, run[0].start) if other < index else
                (run[-1].end, runs[other][0].start)
            )
            if hi - lo <= 6 and _LIST_GAP.match(text, lo, hi):
                return True
    return False


def find_names(text: str) -> list[NameMatch]:
    """Likely person names in ``text`` with their scores (some below any useful threshold)."""
    names = gazetteer()
    runs = _runs(text, _tokens(text, names))
    found: list[NameMatch] = []
    for index, run in enumerate(runs):
        score, reason = _base_score(text, run)
        if _in_list(text, runs, index):
            score, reason = max(score, 0.6), reason + "; in a list of first names"
        start, end = run[0].start, run[-1].end
        before = text[max(0, start - 48) : start]
        if _CONTEXT.search(before):
            score, reason = score + 0.3, reason + "; context word before"
        elif _NEXT_TO.search(before):
            score, reason = score + 0.15, reason + "; preceded by a verb or preposition"
        if score >= 0.2:
            found.append(NameMatch(start, end, min(score, 0.95), reason))
    return found
