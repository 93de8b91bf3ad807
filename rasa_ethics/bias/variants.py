"""Counterfactual variants of the examples: one per example and group where the group applies.

Four families of groups, each from its own module: ``names`` (a name of each culture and
gender, :mod:`.names`), ``pronouns`` (:mod:`.pronouns`), ``dialect`` (one group per feature,
:mod:`.dialect`) and ``typos`` (one group per kind, :mod:`.typos`).  A variant whose text equals
its example's is left out: it could not flip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Sequence, Tuple

from rasa_ethics.bias.data import Example
from rasa_ethics.bias.dialect import DIALECT_RULES, apply_rule
from rasa_ethics.bias.names import name_groups, name_variant
from rasa_ethics.bias.pronouns import swap_pronouns
from rasa_ethics.bias.typos import KINDS, typo

__all__ = ["FAMILIES", "Variant", "all_groups", "make_variants"]

FAMILIES = ("names", "pronouns", "dialect", "typos")


@dataclass(frozen=True)
class Variant:
    """An example rewritten for one group."""

    family: str
    group: str
    example: Example
    text: str


def all_groups(families: Sequence[str] = FAMILIES) -> Dict[str, List[str]]:
    """Family -> its groups, in report order."""
    groups = {
        "names": [g.key for g in name_groups()],
        "pronouns": ["pronouns.to_female", "pronouns.to_male"],
        "dialect": [r.key for r in DIALECT_RULES],
        "typos": [f"typos.{kind}" for kind in KINDS],
    }
    return {family: groups[family] for family in FAMILIES if family in families}


def _rewrites(
    example: Example, family: str, template: str, seed: int
) -> Iterator[Tuple[str, object]]:
    text = example.text
    if family == "names":
        for group in name_groups():
            yield group.key, name_variant(text, group, template, seed)
    elif family == "pronouns":
        for to in ("female", "male"):
            yield f"pronouns.to_{to}", swap_pronouns(text, to)
    elif family == "dialect":
        for rule in DIALECT_RULES:
            yield rule.key, apply_rule(rule, text)
    elif family == "typos":
        for kind in KINDS:
            yield f"typos.{kind}", typo(text, kind, seed)


def make_variants(
    examples: Sequence[Example], families: Sequence[str], template: str, seed: int
) -> List[Variant]:
    """Every variant of ``examples`` in ``families``, example by example."""
    found = []
    for example in examples:
        for family in FAMILIES:
            if family not in families:
                continue
            for group, text in _rewrites(example, family, template, seed):
                if isinstance(text, str) and text != example.text:
                    found.append(Variant(family, group, example, text))
    return found
