"""One bias run: read the examples, vary them, parse everything, score every group, gate."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from rasa_ethics.bias.data import Example, read_examples, sample
from rasa_ethics.bias.errors import BiasError
from rasa_ethics.bias.gate import apply_gate
from rasa_ethics.bias.model import NLUModel
from rasa_ethics.bias.stats import GroupResult, Outcome, group_results
from rasa_ethics.bias.variants import all_groups, make_variants
from rasa_ethics.policy.schema_bias import BiasConfig

__all__ = ["BiasRun", "newest_model", "run_bias"]


@dataclass
class BiasRun:
    """Everything a report shows: the inputs, the figures per group, and every outcome."""

    model: str
    data: str
    config: BiasConfig
    examples: List[Example]
    outcomes: List[Outcome]
    results: List[GroupResult]
    seconds: float

    @property
    def failed(self) -> List[GroupResult]:
        """The groups that exceed a threshold."""
        return [r for r in self.results if r.failures]

    @property
    def flipped(self) -> List[Outcome]:
        """The outcomes that flipped, largest confidence drop first."""
        return sorted((o for o in self.outcomes if o.flipped), key=lambda o: -o.drop)


def newest_model(path: Path) -> Path:
    """``path`` if it is a model archive; the newest ``*.tar.gz`` in it if it is a folder (as
    ``rasa shell models/`` picks one)."""
    if path.is_dir():
        archives = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not archives:
            raise BiasError(f"no model archive (*.tar.gz) in '{path}'")
        return archives[-1]
    if not path.is_file():
        raise BiasError(f"no model archive at '{path}'")
    return path


def run_bias(model: Path, data: Path, config: BiasConfig, limit: Optional[int] = None) -> BiasRun:
    """Vary the examples in ``data``, parse them with ``model`` and gate on ``config``."""
    started = time.monotonic()
    model = newest_model(model)
    if not data.exists():
        raise BiasError(f"no training data at '{data}'")
    examples = sample(read_examples(data), limit, config.seed)
    if not examples:
        raise BiasError(f"no intent examples in '{data}'")
    variants = make_variants(examples, config.families, config.name_template, config.seed)
    texts = [e.text for e in examples] + [v.text for v in variants]
    with NLUModel(model) as nlu:
        parsed = nlu.parse(texts)
    originals = dict(zip(texts[: len(examples)], parsed[: len(examples)], strict=True))
    predicted = parsed[len(examples) :]
    outcomes = [
        Outcome(v, originals[v.example.text], p) for v, p in zip(variants, predicted, strict=True)
    ]
    groups = all_groups(config.families)
    results = group_results(
        outcomes, groups, config.bootstrap_samples, config.confidence_level, config.seed
    )
    apply_gate(results, config)
    return BiasRun(
        str(model), str(data), config, examples, outcomes, results, time.monotonic() - started
    )
