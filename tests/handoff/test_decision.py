"""The handoff decision as it travels in event metadata."""

from __future__ import annotations

import pytest

from rasa_ethics.handoff.decision import HandoffDecision


class TestHandoffDecision:
    def test_round_trip(self) -> None:
        """What EthicsPolicy attaches is what the queue and the audit read back."""
        decision = HandoffDecision("topic:self_harm", ("topic:self_harm", "customer_request"), True)
        assert HandoffDecision.from_metadata(decision.as_metadata()) == decision

    @pytest.mark.parametrize(
        "metadata, expected",
        [
            (None, None),
            ({}, None),
            ({"ethics_handoff": 3}, None),
            ({"ethics_handoff": "complaint"}, HandoffDecision("complaint")),
            ({"ethics_handoff": {}}, HandoffDecision("unspecified")),
            (
                {"ethics_handoff": {"reason": "x", "signals": "not-a-list", "available": "yes"}},
                HandoffDecision("x"),
            ),
        ],
    )
    def test_from_metadata(self, metadata, expected) -> None:
        """Missing or malformed metadata gives no decision or only its valid parts."""
        assert HandoffDecision.from_metadata(metadata) == expected
