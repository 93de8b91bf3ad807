"""rasa_ethics.pii.names: the name gazetteer and how it scores runs of words."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.names import find_names, gazetteer


def _found(text: str, threshold: float = 0.5) -> list[str]:
    return [text[m.start : m.end] for m in find_names(text) if m.score >= threshold]


class TestGazetteer:
    """The shipped resource file."""

    def test_flags(self):
        """First names, surnames, places and English words are told apart."""
        names = gazetteer()
        assert "f" in names["chloe"] and "l" in names["kowalski"]
        assert "w" in names["will"] and "p" in names["paris"]
        assert len(names) > 50_000

    def test_non_ascii_tokens(self):
        """Names keep their letters: no token is cut at the first non-ASCII one."""
        names = gazetteer()
        assert "f" in names["réka"] and "l" in names["wróbel"] and "l" in names["szabó"]


class TestFindNames:
    """Runs of name words, scored by what they are made of and what comes before them."""

    @pytest.mark.parametrize(
        "text, names",
        [
            ("Tell Imogen Hartley the order shipped", ["Imogen Hartley"]),
            ("the new owner is Zsófia Kertész", ["Zsófia Kertész"]),
            ("please ring back Malgorzata Wisniewska", ["Malgorzata Wisniewska"]),
            ("I think oskar lindqvist has the receipt", ["oskar lindqvist"]),
            ("guests: rafael, ingrid and matteo", ["rafael", "ingrid", "matteo"]),
            ("refund it to Kazlauskas, Rūta please", ["Kazlauskas, Rūta"]),
            ("send it to Kovács B. Levente", ["Kovács B. Levente"]),
            ("follow up with ирина сергеевна волкова", ["ирина сергеевна волкова"]),
            ("my son theo lost his card", ["theo"]),
            ("my daughter Saoirse needs a login", ["Saoirse"]),
        ],
    )
    def test_names(self, text, names):
        """Names without cue phrases, in lower case, in lists, alone after a context word."""
        assert _found(text) == names

    @pytest.mark.parametrize(
        "text",
        [
            "May I change my order?",
            "Will you deliver to Florence or Victoria?",
            "the Summer Collection is out",
            "Grant access to the shared basket",
            "the ring was rose gold",
            "cc_payment_form and utter_ask_name",
            "Loading Rasa model from models/",
            "Starting Rasa server on port 5005",
            "write to oskar.lindqvist@example.org",
        ],
    )
    def test_not_names(self, text):
        """Names that are also words or places need a stronger partner; identifiers never count."""
        assert _found(text) == []

    def test_words_beside_a_name_are_not_part_of_it(self):
        """An English word capitalised next to a name ("Invoice") stays outside the name."""
        assert _found("Invoice Imogen Hartley today") == ["Imogen Hartley"]

    def test_sentence_start_weakens_a_lone_name(self):
        """A lone surname opening a sentence is weaker than the same surname mid-sentence."""
        start = find_names("Kowalczyk sent it")
        middle = find_names("sent by parcel Kowalczyk")
        assert start and middle and start[0].score < middle[0].score
