"""A small trained classifier of privacy requests, for the phrasings the grammar has no word for.

A multinomial logistic regression over binary features of one clause (words, word pairs, and
the character 3- to 5-grams of each word, so a typo still shares most of its features), with
the labels ``erase``, ``notice``, ``export``, ``opt_out`` and ``none``.  It is trained by
``scripts/train_privacy_model.py`` from files in the repository (the privacy tuning sets, the
importer's examples, ordinary requests written for it); the fitted weights are the pinned file
``resources/privacy_model.json`` beside this module, and ``tests/dialogue/test_privacy_model.py``
checks that retraining gives the same weights.  Scoring is plain Python: no scikit-learn at run
time, and the file is read once per process.

It never decides alone: :func:`rasa_ethics.dialogue.privacy.privacy_request` asks it only about
a clause the grammar found nothing in, and keeps the grammar's guards (the shop's records,
negation, the customer's own data or this conversation as the object).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

__all__ = ["MODEL_FILE", "NONE", "Model", "classify", "features", "load_model"]

MODEL_FILE = Path(__file__).resolve().parent / "resources" / "privacy_model.json"
NONE = "none"


def features(clause: Sequence[str]) -> List[str]:
    """The binary features of one clause (its canonical words), sorted and unique."""
    found = {f"w:{w}" for w in clause}
    found |= {f"b:{a} {b}" for a, b in zip(clause, clause[1:], strict=False)}
    for word in clause:
        padded = f"<{word}>"
        for n in (3, 4, 5):
            found |= {f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)}
    return sorted(found)


@dataclass(frozen=True)
class Model:
    """The fitted weights: one row of per-label weights for each known feature."""

    labels: Tuple[str, ...]
    intercepts: Tuple[float, ...]
    weights: Dict[str, Tuple[float, ...]]

    def probabilities(self, clause: Sequence[str]) -> Dict[str, float]:
        """label -> probability for one clause (L2-normalised binary features, softmax)."""
        found = features(clause)
        known = [self.weights[f] for f in found if f in self.weights]
        scale = 1.0 / math.sqrt(len(found) or 1)
        scores = [b + scale * sum(row[k] for row in known) for k, b in enumerate(self.intercepts)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=False)}


def load_model(path: Path = MODEL_FILE) -> Model:
    """Read a model file written by ``scripts/train_privacy_model.py``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        labels=tuple(data["labels"]),
        intercepts=tuple(data["intercepts"]),
        weights={f: tuple(row) for f, row in zip(data["features"], data["weights"], strict=False)},
    )


@lru_cache(maxsize=1)
def _shipped() -> Model:
    return load_model()


def classify(clause: Sequence[str]) -> Tuple[str, float]:
    """(label, probability) of the most likely label of ``clause`` under the shipped model."""
    probabilities = _shipped().probabilities(clause)
    label = max(probabilities, key=lambda k: probabilities[k])
    return label, probabilities[label]
