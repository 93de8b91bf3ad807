"""Feedback on the bot's last answer: the grammar's scores, and which turn it flags.

The detector was tuned on ``feedback_tuning.yml`` only.  ``feedback_heldout.yml`` was written
before the detector first ran on it; its floors are that first run's figures (precision 1.000,
recall 0.967: 58 of 60, no false alarm among 157 ordinary messages), never tuned on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationResumed

from rasa_ethics.dialogue import turn
from rasa_ethics.dialogue.feedback import FlaggedTurn, feedback, flagged_turn
from tests.dialogue.builders import tracker, user

HERE = Path(__file__).parent
TUNING, HELDOUT = HERE / "feedback_tuning.yml", HERE / "feedback_heldout.yml"


def scores(path: Path) -> Tuple[float, float, List[str], List[str]]:
    """Precision, recall, the missed feedback and the false alarms of one set."""
    data: Dict[str, List[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    hits = [t for t in data["feedback"] if feedback(t)]
    misses = [t for t in data["feedback"] if not feedback(t)]
    false = [t for t in data["ordinary"] if feedback(t)]
    precision = len(hits) / max(1, len(hits) + len(false))
    return precision, len(hits) / len(data["feedback"]), misses, false


class TestScores:
    def test_the_sets_are_apart(self) -> None:
        """No held-out message is in the tuning set; the held-out set has 60+ and 150+."""
        tuning, heldout = (yaml.safe_load(p.read_text()) for p in (TUNING, HELDOUT))
        seen = {t.lower() for kind in tuning.values() for t in kind}
        assert not seen & {t.lower() for kind in heldout.values() for t in kind}
        assert len(heldout["feedback"]) >= 60 and len(heldout["ordinary"]) >= 150

    def test_tuning_set(self) -> None:
        """What it was tuned on: every phrasing, no ordinary message."""
        precision, recall, misses, false = scores(TUNING)
        assert (precision, recall) == (1.0, 1.0), (misses, false)

    def test_heldout_set_keeps_its_first_run(self) -> None:
        """Held out: at least the first run's precision and recall."""
        precision, recall, misses, false = scores(HELDOUT)
        assert precision >= 1.0 and recall >= 58 / 60 - 1e-9, (misses, false)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("that's wrong", "correctness"),
        ("thats wrnog!!", "correctness"),
        ("this is useless", "helpfulness"),
        ("not what I asked", "relevance"),
        ("that's wrong size, I ordered M", None),
        ("wrong item delivered", None),
        ("the app didn't help me log in so I came here", None),
        ("/ethics_human_handoff", None),
    ],
)
def test_kinds(text: str, kind: object) -> None:
    """Correctness, helpfulness, relevance; products and other subjects are no feedback."""
    assert feedback(text) == kind


class TestFlaggedTurn:
    def test_the_answer_right_before(self, domain) -> None:
        """The bot message before the customer's, by its response, action and time."""
        answer = BotUttered("On its way", metadata={"utter_action": "utter_greet"}, timestamp=5.0)
        t = tracker(domain, user("hi"), ActionExecuted("utter_greet"), answer, user("wrong"))
        assert flagged_turn(t) == FlaggedTurn("utter_greet", "utter_greet", 5.0)

    def test_none_without_an_answer_or_after_a_person(self, domain) -> None:
        """No bot message in the session, an agent's message, or a resumed conversation."""
        assert flagged_turn(tracker(domain, user("that's wrong"))) is None
        agent = BotUttered("Sam here", metadata={"ethics_agent": {"id": "sam"}})
        assert flagged_turn(tracker(domain, user("hi"), agent, user("wrong"))) is None
        back = [BotUttered("Hello!"), ConversationResumed(), user("wrong")]
        assert flagged_turn(tracker(domain, user("hi"), *back)) is None


class TestPlan:
    def test_feedback_after_an_answer_offers_a_person(self, domain, detectors) -> None:
        """The confirm offer, reason feedback."""
        t = tracker(domain, user("hi"), ActionExecuted("utter_greet"), BotUttered("Hello!"))
        t.update(user("that didn't help at all"))
        plan = turn.analyse_turn(t, detectors, domain.action_names_or_texts)
        assert plan is not None and (plan.kind, plan.reason) == (turn.FEEDBACK, "feedback")

    def test_no_answer_before_no_feedback(self, domain, detectors) -> None:
        """The session's first message flags nothing and the host answers it."""
        t = tracker(domain, user("that didn't help at all"))
        assert turn.analyse_turn(t, detectors, domain.action_names_or_texts) is None
