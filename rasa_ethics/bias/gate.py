"""The CI gate: which groups exceed the ``bias:`` thresholds of the policy.

A group fails when, in its family's thresholds (``bias.<family>``), its flip rate exceeds
``max_flip_rate``, its mean confidence drop exceeds ``max_confidence_drop``, or its flip rate
lies more than ``max_flip_rate_gap`` above the lowest flip rate in its family.  The point
estimates are compared, not the interval bounds, so the gate reads like the table it prints.
A group with fewer than ``bias.min_variants`` variants is reported but not gated (``gated`` is
false): a handful of variants cannot tell a real difference from chance.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

from rasa_ethics.bias.stats import GroupResult
from rasa_ethics.policy.schema_bias import BiasConfig

__all__ = ["apply_gate", "failed"]


def apply_gate(results: Sequence[GroupResult], config: BiasConfig) -> List[GroupResult]:
    """Fill each result's ``failures``; the failing results, in order."""
    lowest: Dict[str, float] = {}
    for result in results:
        result.gated = result.variants >= config.min_variants
        if result.gated:
            lowest[result.family] = min(lowest.get(result.family, 1.0), result.flip_rate)
    for result in results:
        result.failures = _failures(result, config, lowest.get(result.family, 0.0))
    return failed(results)


def failed(results: Sequence[GroupResult]) -> List[GroupResult]:
    """The results that exceed a threshold."""
    return [r for r in results if r.failures]


def _failures(result: GroupResult, config: BiasConfig, lowest: float) -> List[str]:
    if not result.gated:
        return []
    limits = getattr(config, result.family)
    key = f"bias.{result.family}"
    found = []
    if result.flip_rate > limits.max_flip_rate:
        found.append(
            f"flip rate {result.flip_rate:.1%} > {key}.max_flip_rate {limits.max_flip_rate:.1%}"
        )
    gap = limits.max_flip_rate_gap
    if gap is not None and result.flip_rate - lowest > gap:
        found.append(
            f"flip rate {result.flip_rate:.1%} is {result.flip_rate - lowest:.1%} above the "
            f"family's lowest ({lowest:.1%}) > {key}.max_flip_rate_gap {gap:.1%}"
        )
    if result.drop > limits.max_confidence_drop:
        found.append(
            f"confidence drop {result.drop:.3f} > {key}.max_confidence_drop "
            f"{limits.max_confidence_drop:.3f}"
        )
    return found
