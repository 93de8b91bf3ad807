"""The privacy data sets: tuning and held-out kept apart, and the detector scored on them.

Tuning data (the grammar and the classifier were shaped on it): tests/data/privacy_tuning.yml,
tests/data/privacy_tuning_set{1,2,3,4}.yml (held-out sets 1-4 until 2026-12-02, when their misses
had been seen; their first-run figures are in docs/privacy.md), tests/data/privacy_negatives.yml,
the importer's examples and the unit tables of tests/dialogue/test_privacy*.py.  The scores here
are in-process (tests/dialogue/privacy_scoring.py: the decision EthicsPolicy takes, without the
classifier's intent); the served figures come from tests/e2e/test_privacy_chat.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Set

import pytest
import yaml

from rasa_ethics.dialogue import turn
from tests.dialogue import privacy_scoring as scoring

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED_NLU = Path(__file__).resolve().parents[2] / "rasa_ethics" / "importer" / "nlu"
TUNING = (*scoring.TUNING_SETS, "privacy_negatives.yml")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.casefold()).strip()


def _set_texts(name: str) -> Set[str]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return {_norm(text) for texts in data.values() for text in texts}


def _shaping_texts() -> Set[str]:
    """Every tuning file and the training examples the importer ships."""
    texts = set().union(*(_set_texts(name) for name in TUNING))
    for path in SHIPPED_NLU.glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            lines = block.get("examples", "").splitlines()
            texts |= {_norm(line[2:]) for line in lines if line.strip().startswith("- ")}
    return texts


HELDOUT = "privacy_heldout_5.yml"
#: Its first in-process run (2026-12-02 15:39 UTC, before any change after it was written).
HELDOUT_FIRST_RUN = {"erase": 30 / 30, "notice": 27 / 30, "export": 29 / 30, "opt_out": 28 / 30}


class TestHeldOutSet:
    def test_shares_nothing_with_the_tuning_data(self) -> None:
        """No held-out text is in a tuning file, the importer's examples or issue 9's set."""
        ordinary = {_norm(text) for text in scoring.ordinary()}
        assert _set_texts(HELDOUT) & (_shaping_texts() | ordinary) == set()

    def test_recall_keeps_its_first_run(self) -> None:
        """Each kind in-process, held to what the first run measured (served: see
        tests/e2e/test_privacy_chat.py)."""
        shares = scoring.report(DATA / HELDOUT)
        assert all(shares[kind] >= floor - 1e-9 for kind, floor in HELDOUT_FIRST_RUN.items())

    def test_negatives_never_fire(self) -> None:
        """Its order, account, ordinary and bot-challenge messages get no privacy plan at all."""
        sets = scoring.load(DATA / HELDOUT)
        negatives = sets["about_orders_and_accounts"] + sets["ordinary"] + sets["bot_challenge"]
        assert len(negatives) == 42 and scoring.fires(negatives) == []

    def test_questions_about_the_bot_stay_the_bot_challenge(self) -> None:
        """ "is this a real human replying?": the bot challenge's, not a privacy notice."""
        texts = scoring.load(DATA / HELDOUT)["bot_challenge"]
        assert [scoring.plan_of(t) for t in texts] == [turn.BOT_CHALLENGE] * len(texts)


class TestTuningScores:
    @pytest.mark.parametrize("name", TUNING[:-1])
    def test_tuning_sets(self, name: str) -> None:
        """Each tuning set's kinds, in-process: at least 0.95 (all 1.0 since set 4 was tuned on)."""
        shares = scoring.report(DATA / name)
        assert all(share >= 0.95 for share in shares.values()), shares

    def test_importer_examples(self) -> None:
        """The importer's erasure and notice examples are all recognised."""
        shares = scoring.report_sets("importer", scoring.importer_examples())
        assert shares == {"erase": 1.0, "notice": 1.0}

    @pytest.mark.parametrize("name", TUNING)
    def test_tuning_negatives_never_fire(self, name: str) -> None:
        """Order, account and ordinary requests of the tuning files get no privacy plan."""
        sets = scoring.load(DATA / name)
        negatives = sets.get("about_orders_and_accounts", []) + sets.get("none", [])
        assert scoring.fires(negatives) == []


class TestOrdinaryRequests:
    def test_never_fire(self) -> None:
        """Issue 9's 398 ordinary requests get no privacy plan (in-process)."""
        texts = scoring.ordinary()
        assert len(texts) == 398
        assert scoring.fires(texts) == []

    def test_a_plan_is_scored_like_the_policy(self) -> None:
        """The scorer sees what EthicsPolicy decides: a request, a handoff, nothing."""
        assert scoring.plan_of("please delete my data") == turn.ERASE_ASK
        assert scoring.plan_of("I want to talk to a human") == turn.HANDOFF
        assert scoring.plan_of("what are your opening hours?") is None
