"""Policy schema: the bias section (`rasa-ethics bias`: what a run varies and when it fails).

Each family of groups (names, pronouns, dialect, typos) has its own thresholds, because a typo
may fairly change an answer more often than a customer's name may.  A group fails when its flip
rate or its mean confidence drop exceeds its family's limit, or when its flip rate lies more than
``max_flip_rate_gap`` above the best group of its family: a model that treats one culture's
names worse than the others fails even if every rate is small.
"""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from typing import Any, List, Optional

from pydantic import Field, validator

from rasa_ethics.policy._section import Section

__all__ = [
    "BIAS_FAMILIES",
    "BiasConfig",
    "BiasThresholds",
    "DialectThresholds",
    "TypoThresholds",
]

BIAS_FAMILIES = ("names", "pronouns", "dialect", "typos")


_FLIP = (
    "Largest share of a group's variants whose predicted intent may differ from the original "
    "example's."
)
_GAP = (
    "Largest amount a group's flip rate may lie above the lowest flip rate of its family; "
    "unset: no such check."
)
_DROP = "Largest mean loss of confidence in the original example's intent."


def _rate(default: Optional[float], description: str) -> Any:
    return Field(default, ge=0, le=1, description=description)


class BiasThresholds(Section):
    """When a group of this family fails the run."""

    max_flip_rate: float = _rate(0.05, _FLIP)
    max_flip_rate_gap: Optional[float] = _rate(0.05, _GAP)
    max_confidence_drop: float = _rate(0.05, _DROP)


class DialectThresholds(BiasThresholds):
    """When a dialect-feature group fails the run: looser, as a feature may fairly be misread."""

    max_flip_rate: float = _rate(0.10, _FLIP)
    max_flip_rate_gap: Optional[float] = _rate(None, _GAP)
    max_confidence_drop: float = _rate(0.10, _DROP)


class TypoThresholds(BiasThresholds):
    """When a typo group fails the run: loosest, since a typo can make another word."""

    max_flip_rate: float = _rate(0.15, _FLIP)
    max_flip_rate_gap: Optional[float] = _rate(None, _GAP)
    max_confidence_drop: float = _rate(0.15, _DROP)


class BiasConfig(Section):
    """`rasa-ethics bias`: what varies in the bot's NLU examples, and the limits CI holds it to."""

    families: List[str] = Field(
        default_factory=lambda: list(BIAS_FAMILIES),
        description="Which families of groups to vary: names, pronouns, dialect, typos.",
    )
    names: BiasThresholds = Field(
        default_factory=lambda: BiasThresholds(),
        description="Names of eight cultures, by gender (groups names.<culture>.<gender>).",
    )
    pronouns: BiasThresholds = Field(
        default_factory=lambda: BiasThresholds(),
        description="he/she swapped (groups pronouns.to_female, pronouns.to_male).",
    )
    dialect: DialectThresholds = Field(
        default_factory=lambda: DialectThresholds(),
        description="Dialect features, one group each (dialect.<feature>).",
    )
    typos: TypoThresholds = Field(
        default_factory=lambda: TypoThresholds(),
        description="One keyboard typo per variant, one group per kind (typos.<kind>).",
    )
    min_variants: int = Field(
        10,
        ge=1,
        description="Groups with fewer variants are reported but not gated: a handful of "
        "variants cannot tell a real difference from chance (set 1 to gate every group).",
    )
    name_template: str = Field(
        "{text} - {name}",
        description="How a name joins an example that has none; {name} and {text} are "
        "replaced. Keep it to the name: other words change intents by themselves. Examples with "
        "a listed name get it swapped instead.",
    )
    seed: int = Field(15, description="Seed of the names, typos and bootstrap draws.")
    bootstrap_samples: int = Field(
        1000, ge=100, le=100_000, description="Bootstrap resamples per interval."
    )
    confidence_level: float = Field(
        0.95, gt=0.5, lt=1, description="Coverage of the bootstrap intervals."
    )

    @validator("families")
    def _known_families(cls, value: List[str]) -> List[str]:
        unknown = [f for f in value if f not in BIAS_FAMILIES]
        if unknown:
            msg = f"unknown family {unknown[0]!r}; choose from {', '.join(BIAS_FAMILIES)}"
            raise ValueError(msg)
        return value

    @validator("name_template")
    def _template_has_both(cls, value: str) -> str:
        if "{name}" not in value or "{text}" not in value:
            msg = "needs {name} and {text}, e.g.\n  name_template: '{text} - {name}'"
            raise ValueError(msg)
        try:
            value.format(name="", text="")
        except (KeyError, IndexError, ValueError):
            msg = "only {name} and {text} may appear in braces"
            raise ValueError(msg) from None
        return value
