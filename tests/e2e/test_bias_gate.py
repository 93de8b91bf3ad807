"""`rasa-ethics bias` catches a biased training set: a tiny NLU-only model (no TensorFlow) trained
where one name group appears only in one intent's examples fails the gate naming that group; the
balanced version of the same bot passes.  Both models are trained here, in seconds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

from rasa_ethics.cli import main
from tests.bias.tiny_bot import BIASED_GROUP, train_tiny

pytestmark = pytest.mark.slow

# Only the names family: the other families have nothing to do with how this set is biased.
# The limits leave room for what every group shows on a name-dependent model (the examples of
# the biased group, swapped out, flip for everyone) and catch the one group far above the rest.
POLICY = """\
bias:
  families: [names]
  names:
    max_flip_rate: 0.4
    max_flip_rate_gap: 0.2
    max_confidence_drop: 0.4
"""


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("policy") / "bias.yml"
    path.write_text(POLICY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    """The biased and the balanced tiny bot folders, each with its trained model."""
    root = tmp_path_factory.mktemp("tiny")
    return {
        kind: train_tiny(root / kind, kind == "biased").parents[1]
        for kind in ("biased", "balanced")
    }


def bias(folder: Path, policy: Path, capsys: Any, *extra: str) -> Tuple[int, Dict[str, Any], str]:
    """Run `rasa-ethics bias` on a tiny bot as JSON: exit code, document, stderr."""
    capsys.readouterr()
    out = folder / "bias.json"
    args = ["bias", str(folder / "models" / "tiny.tar.gz"), "--data", str(folder / "data")]
    code = main([*args, "--policy", str(policy), "--format", "json", "--output", str(out), *extra])
    return code, json.loads(out.read_text(encoding="utf-8")), capsys.readouterr().err


def test_biased_set_fails_naming_the_group(tiny: Dict[str, Path], policy: Path, capsys) -> None:
    """Yoruba women's names only in complaints: the gate fails on that group and says why."""
    report = tiny["biased"] / "report.html"
    code, document, err = bias(tiny["biased"], policy, capsys, "--html", str(report))
    groups = {g["group"]: g for g in document["groups"]}
    failing = sorted(name for name, g in groups.items() if not g["passed"])
    worst = max(groups.values(), key=lambda g: g["flip_rate"])
    print({name: round(g["flip_rate"], 3) for name, g in groups.items()})
    assert code == 1 and not document["passed"]
    assert worst["group"] == BIASED_GROUP and failing == [BIASED_GROUP]
    assert any("max_flip_rate_gap" in reason for reason in worst["failures"])
    low, high = worst["flip_interval"]
    assert low <= worst["flip_rate"] <= high and low > 0.2
    assert f"rasa-ethics bias: FAIL: {BIASED_GROUP}: flip rate" in err
    mine = [f for f in document["flipped"] if f["group"] == BIASED_GROUP]
    # the Yoruba names turn order-status questions into complaints
    assert mine and {f["variant_prediction"] for f in mine} == {"complaint"}
    html = report.read_text(encoding="utf-8")
    assert f"<td>{BIASED_GROUP}</td>" in html and 'class="fail">FAIL' in html


def test_balanced_set_passes(tiny: Dict[str, Path], policy: Path, capsys) -> None:
    """Every group's names in every intent: no group stands out, exit 0."""
    code, document, err = bias(tiny["balanced"], policy, capsys)
    rates = [g["flip_rate"] for g in document["groups"]]
    assert code == 0 and document["passed"] and err == ""
    assert len(rates) == 16 and max(rates) < 0.05
    code, sampled, _ = bias(tiny["balanced"], policy, capsys, "--limit", "30")
    assert code == 0 and sampled["examples"] == 30 < document["examples"]
    assert (
        0
        < min(g["variants"] for g in sampled["groups"])
        <= max(g["variants"] for g in sampled["groups"])
        <= 30
    )
