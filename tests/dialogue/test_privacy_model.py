"""The privacy classifier: its pinned weights retrain reproducibly, it scores, its guards hold."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pytest

from rasa_ethics.dialogue import privacy, privacy_model
from rasa_ethics.dialogue.privacy import ERASE, NOTICE, OPT_OUT, privacy_request
from rasa_ethics.dialogue.privacy_model import MODEL_FILE, Model, features, load_model

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_privacy_model.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_privacy_model", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestPinnedModel:
    def test_retraining_reproduces_the_file(self) -> None:
        """The shipped weights are what the script makes of the repository's files."""
        script = _script()
        assert script.dump(script.train(script.training_texts())) == MODEL_FILE.read_text(
            encoding="utf-8"
        ), "retrain with: .venv/bin/python scripts/train_privacy_model.py"

    def test_trained_on_the_tuning_sets(self) -> None:
        """The script reads the tuning sets the tests score apart, and no held-out set."""
        from tests.dialogue.privacy_scoring import TUNING_SETS

        assert _script().REQUEST_FILES == TUNING_SETS

    def test_small_and_complete(self) -> None:
        model = load_model()
        assert model.labels == ("erase", "export", "none", "notice", "opt_out")
        assert MODEL_FILE.stat().st_size < 400_000
        assert all(len(row) == len(model.labels) for row in model.weights.values())


class TestScoring:
    def test_features_of_a_typo_overlap(self) -> None:
        """A typo keeps most character n-grams of its word."""
        right, typo = set(features(("delete",))), set(features(("deleet",)))
        assert len(right & typo) >= 3 and features(("a", "b")) == sorted(set(features(("a", "b"))))

    def test_probabilities_sum_to_one(self) -> None:
        found = load_model().probabilities(("how", "is", "my", "info", "handled"))
        assert math.isclose(sum(found.values()), 1.0) and max(found, key=found.get) == NOTICE

    @pytest.mark.parametrize(
        "text, kind",
        [
            ("what becomes of my messages", NOTICE),
            ("who else gets my information", NOTICE),
        ],
    )
    def test_the_model_adds_what_the_grammar_has_no_word_for(self, text: str, kind: str) -> None:
        assert privacy_request(text) == (kind, f"model:{kind}")


def _everything_is(label: str) -> Model:
    """A model that gives ``label`` to every clause."""
    labels = ("erase", "export", "none", "notice", "opt_out")
    return Model(labels, tuple(9.0 if k == label else 0.0 for k in labels), {})


class TestGuards:
    @pytest.mark.parametrize("label", [ERASE, NOTICE, OPT_OUT, "export"])
    def test_never_about_the_shops_records(self, label: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        """Whatever the model says, an order, a basket or an account stays the host's."""
        monkeypatch.setattr(privacy_model, "_shipped", lambda: _everything_is(label))
        assert privacy_request("my order history, I want it gone") is None
        assert privacy_request("this item in my basket has info wrong") is None

    def test_only_about_the_customers_data(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setattr(privacy_model, "_shipped", lambda: _everything_is(ERASE))
        assert privacy_request("remove me from your system") is None
        assert privacy_request("my info, please") == (ERASE, "model:erase")

    def test_opt_out_needs_a_refusal(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        """An opt-out acts at once, so the model's needs a word that refuses."""
        monkeypatch.setattr(privacy_model, "_shipped", lambda: _everything_is(OPT_OUT))
        assert privacy_request("keep my info handy") is None
        assert privacy_request("I'd rather my info did not linger") == (OPT_OUT, "model:opt_out")
        assert privacy_request("no, keep my info") is None  # "no" answers, it refuses nothing

    def test_negated_erasure_asks_for_nothing(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setattr(privacy_model, "_shipped", lambda: _everything_is(ERASE))
        assert privacy_request("never lose my info") is None

    def test_below_the_threshold_nothing(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        labels = ("erase", "export", "none", "notice", "opt_out")
        even = Model(labels, (0.0,) * 5, {})
        monkeypatch.setattr(privacy_model, "_shipped", lambda: even)
        assert privacy.MODEL_THRESHOLD > 0.2 and privacy_request("my info, hmm") is None
