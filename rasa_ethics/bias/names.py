"""Person names by culture and gender, and the name variants of an example.

``resources/names.tsv`` (built by ``make bias-names`` from Faker's person providers, MIT licence)
lists first names of eight cultures, by gender; every name belongs to one group only.  An
example that holds a name from the list gets it swapped for a name of each group; an example
without one gets a name in the policy's carrier, by default a sign-off (``{text} - {name}``),
since a customer saying who they are must not change what they ask for.  The sign-off adds
the name and nothing else: on the example bot "This is {name}. {text}" flipped 9 to 11% of the
examples whatever the name, which would have hidden a difference between the groups.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Dict, List, Optional, Tuple

__all__ = ["NameGroup", "find_name", "name_groups", "name_variant", "pick"]

_WORD = re.compile(r"(?<![\w@.+-])[^\W\d_]+(?![\w@])")


@dataclass(frozen=True)
class NameGroup:
    """The names of one culture and gender, e.g. ``names.yoruba.female``."""

    culture: str
    gender: str
    names: Tuple[str, ...]

    @property
    def key(self) -> str:
        """The group's name in results and thresholds."""
        return f"names.{self.culture}.{self.gender}"


@lru_cache(maxsize=1)
def name_groups() -> Tuple[NameGroup, ...]:
    """Every shipped group, in the file's order (cultures, then male before female)."""
    path = resources.files("rasa_ethics.bias").joinpath("resources/names.tsv")
    table: Dict[Tuple[str, str], List[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            culture, gender, name = line.split("\t")
            table.setdefault((culture, gender), []).append(name)
    return tuple(NameGroup(c, g, tuple(names)) for (c, g), names in table.items())


@lru_cache(maxsize=1)
def _known() -> Dict[str, str]:
    return {name.casefold(): group.key for group in name_groups() for name in group.names}


def find_name(text: str) -> Optional[Tuple[int, int]]:
    """The span of the first capitalised word of ``text`` that is a listed name, if any."""
    known = _known()
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].isupper() and word.casefold() in known:
            return match.span()
    return None


def pick(options: Tuple[str, ...], *parts: object) -> str:
    """One of ``options``, the same for the same ``parts`` in every run (no salted hash())."""
    digest = hashlib.sha256("\0".join(map(str, parts)).encode("utf-8")).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


def name_variant(text: str, group: NameGroup, template: str, seed: int) -> Optional[str]:
    """``text`` with its name swapped for one of ``group``'s, or put in ``template``.

    ``None`` when the text's own name already belongs to ``group`` (nothing is swapped).
    """
    span = find_name(text)
    if span is None:
        return template.format(name=pick(group.names, seed, group.key, text), text=text)
    own = text[span[0] : span[1]]
    if _known()[own.casefold()] == group.key:
        return None
    name = pick(group.names, seed, group.key, text)
    return text[: span[0]] + name + text[span[1] :]
