"""The privacy held-out sets share no text with what the detectors were shaped on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Set

import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED_NLU = Path(__file__).resolve().parents[2] / "rasa_ethics" / "importer" / "nlu"
#: Two texts of the first held-out set that the importer's training data and the export tuning
#: examples also hold; they were found after that set was measured and are kept, so its
#: figures stay comparable.  The later sets have none.
FIRST_SET_OVERLAP = {"forget me", "send me a copy of my data"}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.casefold()).strip()


def _set_texts(name: str) -> Set[str]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return {_norm(text) for texts in data.values() for text in texts}


def _shaping_texts() -> Set[str]:
    """The tuning examples and the training examples the importer ships."""
    texts = _set_texts("privacy_tuning.yml")
    for path in SHIPPED_NLU.glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            lines = block.get("examples", "").splitlines()
            texts |= {_norm(line[2:]) for line in lines if line.strip().startswith("- ")}
    return texts


class TestHeldOutSetsAreApart:
    def test_later_sets_share_nothing(self) -> None:
        first, second = _set_texts("privacy_heldout.yml"), _set_texts("privacy_heldout_2.yml")
        third = _set_texts("privacy_heldout_3.yml")
        assert second & (_shaping_texts() | first) == set()
        assert third & (_shaping_texts() | first | second) == set()

    def test_first_set_shares_only_the_known_two(self) -> None:
        assert _set_texts("privacy_heldout.yml") & _shaping_texts() == FIRST_SET_OVERLAP
