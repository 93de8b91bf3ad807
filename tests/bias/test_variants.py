"""The variant generators: names, pronouns, dialect features, typos (hit/miss tables)."""

from __future__ import annotations

import pytest

from rasa_ethics.bias.data import Example
from rasa_ethics.bias.dialect import DIALECT_RULES, apply_rule
from rasa_ethics.bias.names import find_name, name_groups, name_variant
from rasa_ethics.bias.pronouns import swap_pronouns
from rasa_ethics.bias.typos import KINDS, typo
from rasa_ethics.bias.variants import all_groups, make_variants

TEMPLATE = "I am {name}. {text}"
RULES = {rule.name: rule for rule in DIALECT_RULES}
YORUBA, US = "names.yoruba.female", "names.us.female"


def group(key: str):
    return next(g for g in name_groups() if g.key == key)


class TestNames:
    def test_groups_are_eight_cultures_by_gender(self) -> None:
        """16 groups, none empty, and no name in two groups."""
        groups = name_groups()
        assert len(groups) == 16
        assert {g.gender for g in groups} == {"male", "female"}
        names = [n.casefold() for g in groups for n in g.names]
        assert len(names) == len(set(names)) and all(len(g.names) >= 10 for g in groups)

    @pytest.mark.parametrize(
        ("text", "found"),
        [
            ("{yoruba} here, where is my parcel", "{yoruba}"),
            ("hi, this is {us}", "{us}"),
            ("where is my order", None),
            ("my email is {us}@example.com", None),  # inside an address: not a name
            ("{lower} here", None),  # lower case: could be a word
        ],
    )
    def test_find_name(self, text: str, found: str | None) -> None:
        names = {"yoruba": group(YORUBA).names[0], "us": group(US).names[0]}
        names["lower"] = names["us"].lower()
        text, found = text.format(**names), found and found.format(**names)
        span = find_name(text)
        assert (text[span[0] : span[1]] if span else None) == found

    def test_swap_keeps_the_rest_of_the_text(self) -> None:
        """A listed name is swapped for one of the group's; the rest stays."""
        yoruba = group("names.yoruba.female")
        text = f"{group(US).names[0]} here, where is my parcel"
        variant = name_variant(text, yoruba, TEMPLATE, seed=1)
        assert variant is not None and variant.endswith(" here, where is my parcel")
        assert variant.split()[0] in yoruba.names

    def test_no_name_goes_into_the_template(self) -> None:
        us = group("names.us.male")
        variant = name_variant("where is my order", us, TEMPLATE, seed=1)
        assert variant is not None and variant.startswith("I am ")
        assert variant.endswith(". where is my order") and variant.split()[2][:-1] in us.names

    def test_own_group_is_not_a_variant(self) -> None:
        """A text whose name is already the group's gives no variant (it could not flip)."""
        name = group("names.us.female").names[0]
        assert name_variant(f"{name} here", group("names.us.female"), TEMPLATE, 1) is None

    def test_same_seed_same_name_other_seed_may_differ(self) -> None:
        g = group("names.indian.female")
        picks = {name_variant(f"hello {i}", g, TEMPLATE, seed=7) for i in range(20)}
        assert picks == {name_variant(f"hello {i}", g, TEMPLATE, seed=7) for i in range(20)}
        assert len(picks) == 20 and len({p.split()[2] for p in picks}) > 3


class TestPronouns:
    @pytest.mark.parametrize(
        ("text", "to", "expected"),
        [
            ("he wants a refund", "female", "she wants a refund"),
            ("He paid with his card", "female", "She paid with her card"),
            ("the parcel is his", "female", "the parcel is hers"),
            ("tell him he's late", "female", "tell her she's late"),
            ("call her back", "male", "call him back"),
            ("her order is late", "male", "his order is late"),
            ("I gave her the receipt", "male", "I gave him the receipt"),
            ("ask her to call", "male", "ask him to call"),
            ("refund her", "male", "refund him"),
            ("her new address", "male", "his new address"),
            ("she bought it herself", "male", "he bought it himself"),
            ("the boots are hers", "male", "the boots are his"),
            ("where is my order", "male", None),
            ("he is here", "male", None),  # already male: nothing to swap
        ],
    )
    def test_swap(self, text: str, to: str, expected: str | None) -> None:
        assert swap_pronouns(text, to) == expected


class TestDialect:
    @pytest.mark.parametrize(
        ("rule", "text", "expected"),
        [
            ("zero_copula", "it's late", "it late"),
            ("zero_copula", "they are closed today", "they closed today"),
            ("zero_copula", "it is not here", None),  # negation kept as written
            ("negative_concord", "I didn't get any email", "I didn't get no email"),
            ("negative_concord", "I don't want anything, ever", "I don't want nothing, ever"),
            ("negative_concord", "do you have any boots", None),
            ("aint", "it isn't here", "it ain't here"),
            ("aint", "I'm not sure", "I ain't sure"),
            ("invariant_dont", "it doesn't fit", "it don't fit"),
            ("uninflect", "it works now", "it work now"),
            ("uninflect", "she has my number", "she have my number"),
            ("uninflect", "it is here", None),
            ("was_levelling", "we were charged twice", "we was charged twice"),
            ("zero_article", "where is the parcel", "where is parcel"),
            ("zero_article", "hello there", None),
            ("progressive_stative", "I want a refund", "I am wanting a refund"),
            ("progressive_stative", "we like the jacket", "we are liking the jacket"),
            ("them_demonstrative", "those boots are small", "them boots are small"),
            ("completive_done", "I have paid already", "I done paid already"),
            ("completive_done", "I have a question", None),
        ],
    )
    def test_rule(self, rule: str, text: str, expected: str | None) -> None:
        assert apply_rule(RULES[rule], text) == expected

    def test_every_rule_documents_an_example_it_reproduces(self) -> None:
        """The (before, after) pair in each rule's documentation is what it does."""
        for rule in DIALECT_RULES:
            assert apply_rule(rule, rule.example[0]) == rule.example[1], rule.name


class TestTypos:
    @pytest.mark.parametrize("kind", list(KINDS))
    def test_one_deterministic_slip(self, kind: str) -> None:
        """Same seed, same typo; the text changes by one edit in one word of 3+ letters."""
        text = "where is my order please"
        first = typo(text, kind, seed=3)
        assert first is not None and first == typo(text, kind, seed=3) and first != text
        assert abs(len(first) - len(text)) <= 1
        pairs = list(zip(first.split(), text.split(), strict=True))
        changed = [(new, old) for new, old in pairs if new != old]
        assert len(changed) == 1 and len(changed[0][1]) >= 3

    def test_seeds_differ(self) -> None:
        text = "where is my order please, the parcel is late"
        assert len({typo(text, "neighbour_key", seed) for seed in range(10)}) > 3

    def test_neighbour_is_a_neighbour(self) -> None:
        variant = typo("zzz", "neighbour_key", seed=0)
        assert variant is not None and variant[0] == "z" and set(variant) <= set("zasx")

    def test_short_words_only(self) -> None:
        assert typo("hi", "dropped_letter", seed=0) is None


def test_make_variants_skips_what_does_not_apply() -> None:
    """Each variant differs from its example; pronoun groups only vary texts with pronouns."""
    examples = [Example("where is my order", "order_status", "nlu.yml")]
    examples.append(Example("he wants a refund", "return_item", "nlu.yml"))
    variants = make_variants(examples, ["names", "pronouns", "dialect", "typos"], TEMPLATE, 1)
    assert all(v.text != v.example.text for v in variants)
    pronouns = [v for v in variants if v.family == "pronouns"]
    assert [(v.group, v.text) for v in pronouns] == [("pronouns.to_female", "she wants a refund")]
    assert sum(v.family == "names" for v in variants) == 32
    assert set(all_groups(["typos"])) == {"typos"}
