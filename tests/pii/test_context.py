"""expected_type: what the bot asked for, from the requested slot or the question."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.context import expected_type


@pytest.mark.parametrize(
    "context, expected",
    [
        ({"bot_question": "Who is the account holder?"}, "person"),
        ({"bot_question": "Which e-mail address should we use?"}, "email"),
        ({"bot_question": "Where should we ship the order? Your street address please"}, "address"),
        ({"bot_question": "What's your mobile number?"}, "phone"),
        ({"requested_slot": "billing_address", "bot_question": "Anything else?"}, "address"),
        ({"requested_slot": "iban"}, "iban"),
        ({"bot_question": "Please enter your driving licence number"}, "drivers_license"),
        ({"bot_question": "What is the name of your company?"}, None),
        ({"bot_question": "How can I help you today?"}, None),
        ({"requested_slot": None, "bot_question": None}, None),
        (None, None),
    ],
)
def test_expected_type(context, expected):
    assert expected_type(context) == expected
