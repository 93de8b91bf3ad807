"""PersonRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import PersonRecognizer
from tests.pii.table import check_table, row


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
            # no cue phrase: the gazetteer knows the first name and the surname
            row("please let Oona Kowalski know the parcel arrived", "Oona Kowalski"),
            row("the refund goes to Mateus Albuquerque Neves", "Mateus Albuquerque Neves"),
            row("Is the ticket under Aoife Brennan?", "Aoife Brennan"),
            row("Ferenc Szűcs will sign for it", "Ferenc Szűcs"),
            # lower case, and first names in a list
            row("we spoke with joaquín castellanos yesterday", "joaquín castellanos"),
            row("my kids are tomasz, henrike and pablo", "tomasz", "henrike", "pablo"),
            # letters outside ASCII are part of the name, not its end
            row("Name: Bartłomiej Żółkiewski", "Bartłomiej Żółkiewski"),
            # a bare first name, titles, particles and degrees
            row("add Ewelina as a second user", "Ewelina"),
            row("the letter was for Herr Dieter Brückner", "Herr Dieter Brückner"),
            row("forward it to Anneke van der Berg please", "Anneke van der Berg"),
            row("Dr. Ngozi Adeyemi-Okafor MD", "Dr. Ngozi Adeyemi-Okafor MD"),
            # one name alone, known by what follows it: a verb, a possessive, "is my surname"
            row("Kowalski said the replacement is on its way", "Kowalski"),
            row("Ingrid phoned twice about the refund", "Ingrid"),
            row("Lindqvist is my surname, with a q", "Lindqvist"),
            row("Bernadette's order never arrived", "Bernadette"),
            # lower case: a known first name, then a surname the list lacks
            row("please book the table for henrike oyelaran", "henrike oyelaran"),
            # a name that comes back later, in lower case, with nothing around it
            row("aurelia brandstetter again, about the same parcel", "aurelia brandstetter"),
            # misses
            ("previous action name: cc_payment_form", 0, ()),
            ("my roomba keeps beeping", 0, ()),
            ("slot first_name was set by action_ask_name", 0, ()),
            ("Will you ship to Portugal next week?", 0, ()),
            ("May I change the delivery date?", 0, ()),
            ("Grant access to the family plan please", 0, ()),
            ("Do you deliver to Paris or Lyon?", 0, ()),
            ("mail maria.lopez@example.org", 0, ()),
            ("the Rose Gold case is sold out", 0, ()),
            ("I'm Sorry but this is Urgent", 0, ()),
            ("Can you help me reset my password?", 0, ()),
            # ordinary words in lower case, letters outside ASCII, places and brands before a verb
            ("can you check the order status again please", 0, ()),
            pytest.param(
                "die Größe passt nicht, bitte umtauschen", 0, (),
                marks=pytest.mark.xfail(
                    strict=True, reason="spaCy's English model calls the German noun a PERSON"
                ),
            ),
            ("Hello, do you ship to Germany or Austria?", 0, ()),
            ("Amazon said the parcel was delivered", 0, ()),
            ("Microsoft's login page keeps failing", 0, ()),
            ("the crème brûlée was cold and the café closed early", 0, ()),
            ("Is Smith LLC the same company as you?", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of names found and their offsets."""
        check_table(detect, PersonRecognizer(), text, expected_len, expected)

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("hannah kowalczyk", "hannah kowalczyk"),
            ("it's Tadeusz Wrzosek, thanks", "Tadeusz Wrzosek"),
            ("Ngozi Okafor-Bello.", "Ngozi Okafor-Bello"),
            ("I want to cancel my order", None),
            ("sure", None),
        ],
    )
    def test_answer(self, text, expected):
        """A reply to "What's the name on the account?" is a name when it is only name words."""
        found = [text[s.start : s.end] for s in PersonRecognizer().answer(text)]
        assert found == ([expected] if expected else [])
