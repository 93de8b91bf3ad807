"""Flip rates and confidence drops per group, with percentile bootstrap intervals.

A variant *flips* when the model gives it another intent than the one it gave the original
example.  Its *confidence drop* is the confidence the original got for its intent minus the
confidence the variant gets for that same intent (a flip counts its whole loss).  Each group's
rate and mean drop get a percentile bootstrap interval: the variants are drawn with replacement
``samples`` times from a generator seeded with the seed and the group's name, so a group's
interval does not depend on which other groups ran.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from rasa_ethics.bias.model import Prediction
from rasa_ethics.bias.variants import Variant

__all__ = ["GroupResult", "Outcome", "bootstrap_interval", "group_results"]


@dataclass(frozen=True)
class Outcome:
    """What the model made of one variant, beside what it made of its example."""

    variant: Variant
    original: Prediction
    predicted: Prediction

    @property
    def flipped(self) -> bool:
        """The variant got another intent than its example."""
        return self.predicted.intent != self.original.intent

    @property
    def drop(self) -> float:
        """The confidence in the example's predicted intent that the variant lost."""
        intent = self.original.intent
        return self.original.confidence - self.predicted.confidence_of(intent)


@dataclass
class GroupResult:
    """One group's figures; ``failures`` says which thresholds it exceeds, ``gated`` whether it
    had enough variants to be held to them (see :mod:`.gate`)."""

    family: str
    group: str
    variants: int
    flips: int
    flip_rate: float
    flip_interval: Tuple[float, float]
    drop: float
    drop_interval: Tuple[float, float]
    failures: List[str] = field(default_factory=list)
    gated: bool = True

    @property
    def passed(self) -> bool:
        """No threshold exceeded."""
        return not self.failures


def bootstrap_interval(
    values: Sequence[float], samples: int, level: float, seed: int
) -> Tuple[float, float]:
    """The percentile bootstrap interval of the mean of ``values`` at ``level`` (e.g. 0.95)."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(samples, data.size))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return (float(low), float(high))


def group_results(
    outcomes: Sequence[Outcome],
    groups: Dict[str, List[str]],
    samples: int,
    level: float,
    seed: int,
) -> List[GroupResult]:
    """One result per group of ``groups`` (family -> groups), in that order; a group without
    variants gets zeros."""
    by_group: Dict[str, List[Outcome]] = {}
    for outcome in outcomes:
        by_group.setdefault(outcome.variant.group, []).append(outcome)
    results = []
    for family, names in groups.items():
        for group in names:
            mine = by_group.get(group, [])
            flips = [1.0 if o.flipped else 0.0 for o in mine]
            drops = [o.drop for o in mine]
            group_seed = zlib.crc32(f"{seed}\0{group}".encode())
            results.append(
                GroupResult(
                    family=family,
                    group=group,
                    variants=len(mine),
                    flips=int(sum(flips)),
                    flip_rate=float(np.mean(flips)) if mine else 0.0,
                    flip_interval=bootstrap_interval(flips, samples, level, group_seed),
                    drop=float(np.mean(drops)) if mine else 0.0,
                    drop_interval=bootstrap_interval(drops, samples, level, group_seed + 1),
                )
            )
    return results
