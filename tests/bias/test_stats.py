"""Flip rates, confidence drops and bootstrap intervals; the gate against bias: thresholds."""

from __future__ import annotations

from typing import List

import numpy as np
import pytest

from rasa_ethics.bias.data import Example
from rasa_ethics.bias.gate import apply_gate
from rasa_ethics.bias.model import Prediction
from rasa_ethics.bias.stats import Outcome, bootstrap_interval, group_results
from rasa_ethics.bias.variants import Variant
from rasa_ethics.policy.schema_bias import BiasConfig

EXAMPLE = Example("where is my order", "order_status", "nlu.yml")
ORIGINAL = Prediction("order_status", 0.9, {"order_status": 0.9, "complaint": 0.1})


def outcomes(group: str, flips: int, total: int, family: str = "names") -> List[Outcome]:
    """``total`` outcomes of ``group``, the first ``flips`` of them flipped to complaint."""
    found = []
    for index in range(total):
        variant = Variant(family, group, EXAMPLE, f"variant {index}")
        if index < flips:
            predicted = Prediction("complaint", 0.7, {"complaint": 0.7, "order_status": 0.3})
        else:
            predicted = Prediction("order_status", 0.8, {"order_status": 0.8})
        found.append(Outcome(variant, ORIGINAL, predicted))
    return found


class TestOutcome:
    def test_flip_and_drop(self) -> None:
        flipped, kept = outcomes("g", 1, 2)
        assert flipped.flipped and not kept.flipped
        assert flipped.drop == pytest.approx(0.6)  # 0.9 - what order_status kept (0.3)
        assert kept.drop == pytest.approx(0.1)

    def test_unranked_intent_loses_everything(self) -> None:
        outcome = Outcome(outcomes("g", 0, 1)[0].variant, ORIGINAL, Prediction("x", 1.0, {}))
        assert outcome.drop == pytest.approx(0.9)


class TestBootstrap:
    def test_deterministic_with_seed(self) -> None:
        values = [1.0] * 10 + [0.0] * 90
        assert bootstrap_interval(values, 1000, 0.95, 3) == bootstrap_interval(
            values, 1000, 0.95, 3
        )
        assert bootstrap_interval(values, 1000, 0.95, 3) != bootstrap_interval(
            values, 1000, 0.95, 4
        )

    def test_covers_the_mean_and_narrows_with_more_data(self) -> None:
        """A 10% rate: the interval holds 0.10, and shrinks about as 1/sqrt(n)."""
        small = bootstrap_interval([1.0] * 10 + [0.0] * 90, 2000, 0.95, 1)
        large = bootstrap_interval([1.0] * 100 + [0.0] * 900, 2000, 0.95, 1)
        assert small[0] < 0.1 < small[1] and large[0] < 0.1 < large[1]
        assert (large[1] - large[0]) < 0.5 * (small[1] - small[0])
        # the normal approximation: 1.96 * sqrt(p(1-p)/n) = 0.0588 for n=100
        assert small[1] - small[0] == pytest.approx(2 * 0.0588, abs=0.02)

    def test_constant_and_empty(self) -> None:
        assert bootstrap_interval([0.0] * 20, 500, 0.95, 1) == (0.0, 0.0)
        assert bootstrap_interval([], 500, 0.95, 1) == (0.0, 0.0)


class TestGroupResults:
    def test_rates_per_group_in_order(self) -> None:
        found = outcomes("names.a", 3, 10) + outcomes("names.b", 0, 5)
        results = group_results(found, {"names": ["names.a", "names.b", "names.c"]}, 500, 0.9, 1)
        a, b, c = results
        assert (a.group, a.variants, a.flips, a.flip_rate) == ("names.a", 10, 3, 0.3)
        assert a.drop == pytest.approx((3 * 0.6 + 7 * 0.1) / 10)
        assert a.flip_interval[0] <= 0.3 <= a.flip_interval[1]
        assert (b.flip_rate, c.variants) == (0.0, 0)

    def test_interval_does_not_depend_on_other_groups(self) -> None:
        """Each group's generator is seeded by its name: adding a group changes nothing else."""
        alone = group_results(outcomes("names.a", 3, 10), {"names": ["names.a"]}, 500, 0.9, 1)
        both = group_results(
            outcomes("names.z", 1, 4) + outcomes("names.a", 3, 10),
            {"names": ["names.z", "names.a"]},
            500,
            0.9,
            1,
        )
        assert alone[0].flip_interval == both[1].flip_interval


class TestGate:
    def results(self, config: BiasConfig, *groups: tuple) -> list:
        found = [o for name, flips, total in groups for o in outcomes(name, flips, total)]
        results = group_results(found, {"names": [g[0] for g in groups]}, 200, 0.95, 1)
        apply_gate(results, config)
        return results

    def test_within_thresholds_passes(self) -> None:
        config = BiasConfig(names={"max_flip_rate": 0.2, "max_confidence_drop": 0.5})
        a, b = self.results(config, ("names.a", 1, 20), ("names.b", 2, 20))
        assert a.passed and b.passed

    def test_flip_rate_over_the_limit_fails(self) -> None:
        config = BiasConfig(
            names={"max_flip_rate": 0.2, "max_flip_rate_gap": None, "max_confidence_drop": 1.0}
        )
        _, b = self.results(config, ("names.a", 4, 20), ("names.b", 6, 20))
        assert b.failures == ["flip rate 30.0% > bias.names.max_flip_rate 20.0%"]

    def test_gap_to_the_best_group_fails(self) -> None:
        """Rates under the limit, but one group 10 points above the best: a biased model."""
        config = BiasConfig(
            names={"max_flip_rate": 0.5, "max_flip_rate_gap": 0.05, "max_confidence_drop": 1}
        )
        a, b = self.results(config, ("names.a", 0, 20), ("names.b", 2, 20))
        assert a.passed
        assert b.failures == [
            "flip rate 10.0% is 10.0% above the family's lowest (0.0%) > "
            "bias.names.max_flip_rate_gap 5.0%"
        ]
        unset = BiasConfig(
            names={"max_flip_rate": 0.5, "max_flip_rate_gap": None, "max_confidence_drop": 1}
        )
        assert all(r.passed for r in self.results(unset, ("names.a", 0, 20), ("names.b", 2, 20)))

    def test_confidence_drop_fails(self) -> None:
        config = BiasConfig(names={"max_flip_rate": 1, "max_confidence_drop": 0.05})
        [a] = self.results(config, ("names.a", 0, 20))
        assert a.failures == ["confidence drop 0.100 > bias.names.max_confidence_drop 0.050"]

    def test_group_without_variants_passes(self) -> None:
        results = group_results([], {"pronouns": ["pronouns.to_male"]}, 100, 0.95, 1)
        assert apply_gate(results, BiasConfig()) == [] and results[0].passed

    def test_numpy_is_seeded_not_global(self) -> None:
        """The gate's figures do not move when someone else uses numpy's global generator."""
        config = BiasConfig()
        first = self.results(config, ("names.a", 3, 20))[0].flip_interval
        np.random.seed(99)
        np.random.random(1000)
        assert self.results(config, ("names.a", 3, 20))[0].flip_interval == first
