"""PersonRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import PersonRecognizer
from tests.pii.table import check_table


class TestPersonRecognizer:
    """Introductions, titles and spaCy PERSON entities; common words are not names."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("Hi, my name is Maria Gonzalez.", 1, ((15, 29),)),
            ("my name is john smith and i need help", 1, ((11, 21),)),
            ("This is Priya Natarajan speaking", 1, ((8, 23),)),
            ("Please call Dr. Emily Watson tomorrow", 1, ((12, 28),)),
            ("I'm Sean O'Brien", 1, ((4, 16),)),
            ("Best regards, Anna-Lena Schmidt", 1, ((14, 31),)),
            ("Contact Mrs Christine Schofield", 1, ((8, 31),)),
            ("Reach Samantha Mitchell MD.", 1, ((6, 26),)),
            # misses
            ("I'm Sorry but this is Urgent", 0, ()),
            ("Can you help me reset my password?", 0, ()),
            ("Is Smith LLC the same company as you?", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of names found and their offsets."""
        check_table(detect, PersonRecognizer(), text, expected_len, expected)
