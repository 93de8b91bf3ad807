"""Status questions: a reference and a status or progress question."""

from __future__ import annotations

import pytest

from rasa_ethics.dialogue import turn
from rasa_ethics.dialogue.detectors import Message
from rasa_ethics.dialogue.status import EVIDENCE, status_question, status_reference


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("What is the status of my request HR-7K3M-9QXA?", "HR-7K3M-9QXA"),
        ("any update on hr 7k3m 9qxa", "HR-7K3M-9QXA"),
        ("has HR-7K3M-9QXA been resolved yet?", "HR-7K3M-9QXA"),
        ("I'm still waiting on hr7k3m9qxa", "HR-7K3M-9QXA"),
        ("how's my complaint HR-7K3M-9QXA going", "HR-7K3M-9QXA"),
        ("HR-7K3M-9QXA?", "HR-7K3M-9QXA"),
        ("my reference is HR-7K3M-9QXA", "HR-7K3M-9QXA"),
        ("where are you with PR-AB12-CD34", "PR-AB12-CD34"),
        ("progress on my data request pr-ab12-cd34?", "PR-AB12-CD34"),
        ("I want to cancel HR-7K3M-9QXA", None),
        ("please delete PR-AB12-CD34 and everything else", None),
        ("HR-7K3M-9QXA: I ordered the wrong size and would like a different one", None),
        ("what is the status of my order", None),
        ("where is my parcel 12345678", None),
        ("/ethics_human_handoff HR-7K3M-9QXA", None),
    ],
)
def test_status_reference(text: str, reference: object) -> None:
    """The reference asked after, normalised; other uses of a reference are the bot's."""
    assert status_reference(text) == reference
    assert status_question(text) == (EVIDENCE if reference else None)


class TestPlan:
    def test_status_question_is_answered(self, detectors) -> None:
        """EthicsPolicy answers it (the NLG words it); the evidence never holds the number."""
        plan = turn.analyse_message(Message(text="status of HR-7K3M-9QXA?"), detectors)
        assert plan is not None and plan.kind == turn.STATUS
        assert "HR-7K3M-9QXA" not in str(plan.detail)

    def test_a_request_for_a_person_wins(self, detectors) -> None:
        """ "HR-7K3M-9QXA is still open, get me a human": the handoff."""
        text = "HR-7K3M-9QXA is still open, get me a human"
        plan = turn.analyse_message(Message(text=text), detectors)
        assert plan is not None and plan.kind == turn.HANDOFF

    def test_answered_even_when_nlu_did_not_understand(self, domain, detectors) -> None:
        """After a fallback turn, a low-confidence status question is answered, not handed off."""
        from rasa.shared.core.events import ActionExecuted, BotUttered

        from tests.dialogue.builders import tracker, user

        t = tracker(domain, user("blorp", "nlu_fallback", 0.2), ActionExecuted("utter_greet"))
        t.update(BotUttered("Sorry?"))
        t.update(user("HR-7K3M-9QXA ?", "nlu_fallback", 0.2))
        plan = turn.analyse_turn(
            t, detectors, [*domain.action_names_or_texts, "utter_ethics_request_status"]
        )
        assert plan is not None and plan.kind == turn.STATUS
