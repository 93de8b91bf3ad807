"""rasa_ethics.pii.typos."""

from __future__ import annotations

from rasa_ethics.pii.typos import typo_variants


class TestTypoVariants:
    """One-typo spellings of context words."""

    def test_deletions_swaps_and_doubles(self):
        """A letter left out, two neighbours swapped, a letter doubled."""
        variants = typo_variants(["phone", "address"])
        assert {"phne", "phnoe", "phonne", "adress", "addres", "adderss"} <= variants

    def test_not_the_words_themselves_nor_common_words(self):
        """The exact words are not variants, nor are common English words they turn into."""
        variants = typo_variants(["phone", "card"])
        assert "phone" not in variants and "card" not in variants and "crad" in variants

    def test_short_and_multi_word_entries(self):
        """Words under four letters and phrases get no variants."""
        assert typo_variants(["tel", "call me", "ip"]) == frozenset()
