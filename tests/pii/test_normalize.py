"""rasa_ethics.pii.normalize."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rasa_ethics.pii.normalize import OffsetMap, normalize


def _original(text: str, pattern: str) -> str:
    norm = normalize(text)
    match = re.search(pattern, norm.text)
    assert match, norm.text
    start, end = norm.to_original(match.start(), match.end())
    return text[start:end]


class TestNormalize:
    """What the matcher sees, and how its offsets lead back to the original text."""

    def test_ascii_text_is_unchanged(self):
        """Plain text without digit gaps or obfuscation is not rewritten."""
        norm = normalize("hello world 42")
        assert norm.text == "hello world 42" and norm.maps == ()

    def test_full_width_becomes_ascii(self):
        """NFKC turns full-width letters and digits into ASCII."""
        assert normalize("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ").text == "john@example.com"

    def test_zero_width_characters_are_removed(self):
        """Zero-width spaces and joiners cannot split a value."""
        assert normalize("jo\u200bhn\u200d@ex\ufeffample.com").text == "john@example.com"

    def test_unicode_digits_and_dashes(self):
        """Other scripts' digits and Unicode dashes become ASCII."""
        assert normalize("٤١١١\u2013١١١١").text == "4111-1111"

    def test_digit_gaps_become_one_separator(self):
        """Runs of spaces between digits read as one space; runs holding a dash as one '-'."""
        assert normalize("4111  1111 - 1111 1111").text == "4111 1111-1111 1111"
        assert normalize("078 -- 05\t-\t1123").text == "078-05-1123"
        assert normalize("0 7 8").text == "0 7 8"

    def test_obfuscated_emails(self):
        """'at' and 'dot' spelled out, bracketed or not, become '@' and '.'."""
        assert normalize("john at example dot com").text == "john@example.com"
        assert normalize("john[at]example[dot]co[dot]uk").text == "john@example.co.uk"
        assert normalize("j (at) mail.org").text == "j@mail.org"

    def test_control_and_bidi_characters_are_removed(self):
        """NUL, BEL and bidi overrides inside a value cannot split it."""
        assert normalize("jane\u202e@example.com").text == "jane@example.com"
        assert normalize("jane\u0000@exa\x07mple.com").text == "jane@example.com"
        assert normalize("4111\u00001111\u2066").text == "41111111"
        assert normalize("line one\nline\ttwo\r").text == "line one\nline\ttwo\r"

    def test_look_alikes_in_latin_words_become_latin(self):
        """A Cyrillic 'а' inside a Latin word reads as 'a'; wholly Cyrillic words stay."""
        assert normalize("j\u0430ne@ex\u0430mple.com").text == "jane@example.com"
        assert normalize("Привет, Анна").text == "Привет, Анна"

    def test_spaces_inside_an_email_are_dropped(self):
        """Gaps around '@' and '.' and inside the domain close up when a known TLD ends it."""
        assert normalize("mry.jnes@wid get .com").text == "mry.jnes@widget.com"
        assert normalize("ana @ correo . es ok").text == "ana@correo.es ok"
        assert normalize("meet @ the station").text == "meet @ the station"

    def test_plain_at_is_not_an_email(self):
        """'look at example.com' has no spelled-out dot, so it stays as it is."""
        assert normalize("look at example.com").text == "look at example.com"

    def test_offsets_lead_back_to_the_whole_original(self):
        """A match in the normalised text maps to every original character behind it."""
        assert _original("mail: john at example dot com!", r"\S+@\S+m") == "john at example dot com"
        assert _original("x ４１１１  １１１１ y", r"\d+ \d+") == "４１１１  １１１１"
        assert _original("a jo\u200bhn@x.io b", r"\S+@\S+") == "jo\u200bhn@x.io"
        assert _original("mail mry@wid get .com!", r"\S+@\S+m") == "mry@wid get .com"


class TestOffsetMap:
    """Positions inside an edit map outward; positions after it shift."""

    def test_positions(self):
        """One edit replacing 'abc' (2..5) with 'X'."""
        offsets = OffsetMap([(2, 5, "X")])
        assert [offsets.start(p) for p in (0, 2, 3, 4)] == [0, 2, 5, 6]
        assert [offsets.end(p) for p in (1, 3, 4)] == [1, 5, 6]

    def test_deletion(self):
        """A deleted character is skipped by both starts and ends."""
        offsets = OffsetMap([(1, 2, "")])
        assert offsets.start(1) == 2 and offsets.end(1) == 1 and offsets.end(2) == 3

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet="ab 1-\u200b４ａ@.", max_size=40), st.data())
    def test_mapped_ranges_are_valid(self, text, data):
        """Any normalised range maps to an ordered range inside the original text."""
        norm = normalize(text)
        start = data.draw(st.integers(0, len(norm.text)))
        end = data.draw(st.integers(start, len(norm.text)))
        o_start, o_end = norm.to_original(start, end)
        assert 0 <= o_start <= len(text) and 0 <= o_end <= len(text)
        if end > start:
            assert o_start < o_end
