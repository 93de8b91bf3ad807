"""Train the privacy classifier and write rasa_ethics/dialogue/resources/privacy_model.json.

Usage: .venv/bin/python scripts/train_privacy_model.py [--check]

The training data is in the repository, and only TUNING data (never a held-out set):

* requests (labels ``erase``, ``notice``, ``export``, ``opt_out``): tests/data/privacy_tuning.yml,
  tests/data/privacy_tuning_set{1,2,3,4}.yml (the former held-out sets 1-4) and the importer's
  ``ethics_privacy_*`` examples;
* ordinary messages (label ``none``): the ``about_orders_and_accounts`` and ``ordinary`` sections
  of those files, tests/data/privacy_negatives.yml, the example bot's NLU examples and the
  importer's other ethics examples (handoff, bot challenge, complaint).

The fit is deterministic (lbfgs from zero, the texts in file order), so the same files give the
same weights: ``--check`` retrains and fails when the pinned file differs.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rasa_ethics.dialogue.privacy import clauses  # noqa: E402
from rasa_ethics.dialogue.privacy_model import MODEL_FILE, NONE, features  # noqa: E402

DATA = REPO / "tests" / "data"
KINDS = ("erase", "notice", "export", "opt_out")
REQUEST_FILES = (
    "privacy_tuning.yml",
    "privacy_tuning_set1.yml",
    "privacy_tuning_set2.yml",
    "privacy_tuning_set3.yml",
    "privacy_tuning_set4.yml",
)
IMPORTER_NLU = REPO / "rasa_ethics" / "importer" / "nlu" / "ethics_nlu.yml"
EXAMPLE_NLU = REPO / "example_bot" / "data" / "nlu.yml"
#: Regularisation: the inverse strength of the L2 penalty (chosen on tuning set 3 held apart).
C = 10.0
#: Features seen in fewer training texts than this are left out (a smaller file, less noise).
MIN_COUNT = 2
DIGITS = 4
_ENTITY = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def _nlu_examples(path: Path) -> Dict[str, List[str]]:
    """intent -> examples of a Rasa NLU file (entity annotations kept as their text)."""
    found: Dict[str, List[str]] = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" not in block:
            continue
        lines = block["examples"].splitlines()
        texts = [line.strip()[2:] for line in lines if line.strip().startswith("- ")]
        found.setdefault(block["intent"], []).extend(texts)
    return found


def training_texts(files: Sequence[str] = REQUEST_FILES) -> List[Tuple[str, str]]:
    """(text, label) of every training example, in a fixed order."""
    pairs: List[Tuple[str, str]] = []
    for name in files:
        sets = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        pairs += [(t, kind) for kind in KINDS for t in sets.get(kind, [])]
        for section in ("about_orders_and_accounts", "ordinary"):
            pairs += [(t, NONE) for t in sets.get(section, [])]
    for intent, texts in _nlu_examples(IMPORTER_NLU).items():
        kind = intent.removeprefix("ethics_privacy_")
        pairs += [(t, kind if kind in KINDS else NONE) for t in texts]
    negatives = yaml.safe_load((DATA / "privacy_negatives.yml").read_text(encoding="utf-8"))
    pairs += [(t, NONE) for t in negatives["none"]]
    for texts in _nlu_examples(EXAMPLE_NLU).values():
        pairs += [(_plain(t), NONE) for t in texts]
    return pairs


def _plain(text: str) -> str:
    """An NLU example without its entity markup: "[Leeds](city)" -> "Leeds"."""
    return _ENTITY.sub(r"\1", text)


def tokens(text: str) -> Tuple[str, ...]:
    """All of a text's clauses as one word sequence (a training text is one request)."""
    return tuple(word for clause in clauses(text) for word in clause)


def train(pairs: Sequence[Tuple[str, str]], c: float = C) -> Dict[str, object]:
    """Fit the model on (text, label) pairs; the JSON-ready model."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rows = [features(tokens(text)) for text, _ in pairs]
    counts: Dict[str, int] = {}
    for row in rows:
        for f in row:
            counts[f] = counts.get(f, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocabulary)}
    data, cols, starts = [], [], [0]
    for row in rows:
        kept = [index[f] for f in row if f in index]
        data += [1.0 / math.sqrt(len(row) or 1)] * len(kept)
        cols += kept
        starts.append(len(cols))
    matrix = csr_matrix((data, cols, starts), shape=(len(rows), len(vocabulary)))
    labels = [label for _, label in pairs]
    fitted = LogisticRegression(C=c, max_iter=10000, tol=1e-8).fit(matrix, labels)
    weights = fitted.coef_.T
    return {
        "about": "rasa_ethics privacy classifier; scripts/train_privacy_model.py writes it",
        "labels": [str(label) for label in fitted.classes_],
        "intercepts": [round(float(b), DIGITS) for b in fitted.intercept_],
        "features": vocabulary,
        "weights": [[round(float(w), DIGITS) for w in row] for row in weights],
    }


def dump(model: Dict[str, object]) -> str:
    """The model file's text: one feature per line, so a retraining diffs readably."""
    head = {k: v for k, v in model.items() if k not in ("features", "weights")}
    lines = [json.dumps(head)[:-1] + ', "features": [']
    lines.append(",\n".join(json.dumps(f) for f in model["features"]))  # type: ignore[union-attr]
    lines.append('], "weights": [')
    lines.append(",\n".join(json.dumps(row) for row in model["weights"]))  # type: ignore[union-attr]
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    """Write the model file, or with ``--check`` compare a retraining with it."""
    text = dump(train(training_texts()))
    if "--check" in argv:
        same = MODEL_FILE.read_text(encoding="utf-8") == text
        print("privacy model: up to date" if same else "privacy model: retraining differs")
        return 0 if same else 1
    MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
    MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(REPO)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
