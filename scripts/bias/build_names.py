"""Build ``rasa_ethics/bias/resources/names.tsv``: first names by culture and gender.

    make bias-names       # builds the Faker venv (pinned by hash), then runs this script

Source, read at build time only (the package ships the result, not the source): the person
providers of Faker (https://github.com/joke2k/faker, MIT licence), version pinned in
``scripts/pii/requirements.txt``.  Each culture is one Faker locale, written in Latin script
(the example bot and most Rasa bots are English); Japanese names are Faker's romanised ones.

Per culture and gender, up to ``PER_GROUP`` one-word names are drawn with a fixed seed from the
locale's list, leaving out names that Faker also lists for another culture or the other gender
(``Adam``, ``Ali``), so that every name stands for one group only, and names that are also
English words (flag ``w`` in ``rasa_ethics/pii/resources/names.tsv``, from SCOWL's word list:
"Heather", "Sandy", "Frank"), which a bot reads as words.  A rebuild with the same pins writes
the same file.
"""

from __future__ import annotations

import argparse
import importlib
import random
from collections import defaultdict
from pathlib import Path

import faker

# culture -> (Faker locale, male attribute, female attribute)
CULTURES = {
    "us": ("en_US", "first_names_male", "first_names_female"),
    "indian": ("en_IN", "first_names_male", "first_names_female"),
    "mexican": ("es_MX", "first_names_male", "first_names_female"),
    "yoruba": ("yo_NG", "first_names_male", "first_names_female"),
    "swahili": ("sw", "first_names_male", "first_names_female"),
    "algerian": ("fr_DZ", "first_names_male", "first_names_female"),
    "japanese": ("ja_JP", "first_romanized_names_male", "first_romanized_names_female"),
    "vietnamese": ("vi_VN", "first_names_male", "first_names_female"),
}
PER_GROUP = 30
SEED = 15
GAZETTEER = Path(__file__).resolve().parents[2] / "rasa_ethics" / "pii" / "resources" / "names.tsv"


def english_words() -> set[str]:
    """Lower-cased tokens the PII gazetteer flags as English words."""
    words = set()
    for line in GAZETTEER.read_text(encoding="utf-8").splitlines():
        token, _, flags = line.partition("\t")
        if not line.startswith("#") and "w" in flags:
            words.add(token)
    return words


def raw_names() -> dict[tuple[str, str], set[str]]:
    """(culture, gender) -> the locale's one-word first names."""
    found: dict[tuple[str, str], set[str]] = {}
    for culture, (locale, male, female) in CULTURES.items():
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for gender, attr in (("male", male), ("female", female)):
            names = {str(n).strip() for n in getattr(provider, attr)}
            found[(culture, gender)] = {n for n in names if n.isalpha() and n[0].isupper()}
    return found


def unambiguous(found: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], list[str]]:
    """Each group's names that no other group lists (case-insensitively), sorted."""
    words = english_words()
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for group, names in found.items():
        for name in names:
            owners[name.casefold()].add(group)
    return {
        group: sorted(
            n for n in names if owners[n.casefold()] == {group} and n.lower() not in words
        )
        for group, names in found.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(SEED)
    lines = [
        f"# first names by culture and gender from Faker {faker.VERSION} (MIT licence,",
        "# https://github.com/joke2k/faker), one locale per culture: "
        + ", ".join(f"{c}={loc}" for c, (loc, _, _) in CULTURES.items()),
        "# Built by `make bias-names` (scripts/bias/build_names.py); do not edit by hand.",
    ]
    for (culture, gender), names in unambiguous(raw_names()).items():
        chosen = sorted(rng.sample(names, min(PER_GROUP, len(names))))
        lines += [f"{culture}\t{gender}\t{name}" for name in chosen]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
