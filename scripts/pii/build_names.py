"""Build ``rasa_ethics/pii/resources/names.tsv``: first names and surnames of many countries.

    make pii-names        # builds the Faker venv (pinned by hash), then runs this script

Sources, both read at build time only (the package ships the result, not the sources):

- the person providers of Faker (https://github.com/joke2k/faker, MIT licence), version pinned in
  ``scripts/pii/requirements.txt``: first names and surnames of every locale it ships;
- SCOWL's American English word list (Debian package ``wamerican``, permissive SCOWL licence,
  http://wordlist.aspell.net), to flag names that are also ordinary English words ("Will", "May",
  "Rose", "Park"): those need stronger evidence before they count as a name.

Each output line is ``token<TAB>flags``: ``f`` first name, ``l`` surname, ``p`` a one-word place
name (country, region or city of Faker's address providers), ``w`` an English word (alone: a word
that is no name, "loading", "invoice").  Tokens
are lower-cased (NFC); multi-word surnames ("van der Berg") are split into tokens and the
particles dropped.  The output is sorted, so a rebuild with the same pins is identical.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import unicodedata
from collections import defaultdict
from pathlib import Path

import faker
import faker.providers.address as address_providers
import faker.providers.person as person_providers

WORDS = Path("/usr/share/dict/american-english")
# Particles and honorifics that appear inside surnames of some locales; never a name on their own.
PARTICLES = frozenset(
    "van von der den de del della di da das dos du la le les ten ter el al bin ibn st ste y e i "
    "mc mac o d dr mr mrs ms".split()
)
# Scripts written without spaces between words: a name token there cannot be matched by words.
NO_SPACES = ((0x0E00, 0x0EFF), (0x3000, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))


def english_words() -> set[str]:
    """Lower-case entries of the word list (capitalised entries are proper nouns: not words)."""
    return {w.strip() for w in WORDS.read_text().splitlines() if w.strip().islower()}


def locale_names() -> dict[str, set[str]]:
    """Token -> {"f", "l"} over every locale's person provider."""
    flags: dict[str, set[str]] = defaultdict(set)
    for module in pkgutil.iter_modules(person_providers.__path__):
        provider = importlib.import_module(f"{person_providers.__name__}.{module.name}").Provider
        for attr in dir(provider):
            kind = "f" if "first_name" in attr else "l" if "last_name" in attr else None
            values = getattr(provider, attr)
            if kind is None or not isinstance(values, (tuple, list, dict)):
                continue
            for value in values:
                for token in tokens(str(value)):
                    flags[token].add(kind)
    return flags


PLACE_ATTRIBUTES = ("countries", "states", "provinces", "regions")
# Town lists hold many first names ("Felix", "Marta"): their words mark only non-names.
TOWN_ATTRIBUTES = ("cities", "city_names", "real_city_names", "municipalities", "districts")


# Large cities Faker's lists lack (several locales build city names from parts instead).
CITIES = (
    "paris lyon marseille toulouse nice bordeaux lille nantes strasbourg berlin hamburg munich "
    "cologne frankfurt stuttgart dresden leipzig vienna zurich geneva basel bern rome milan naples "
    "turin florence venice bologna genoa madrid barcelona valencia seville bilbao malaga lisbon "
    "porto amsterdam rotterdam utrecht brussels antwerp ghent london manchester liverpool leeds "
    "glasgow edinburgh dublin cork prague brno warsaw krakow gdansk budapest bucharest sofia "
    "athens istanbul ankara moscow kyiv stockholm oslo copenhagen helsinki reykjavik tallinn riga "
    "vilnius new york chicago houston phoenix dallas austin denver boston seattle atlanta miami "
    "detroit toronto montreal vancouver ottawa sydney melbourne brisbane perth adelaide auckland "
    "wellington mumbai delhi bangalore chennai tokyo osaka seoul beijing shanghai singapore dubai "
    "cairo lagos nairobi johannesburg mexico bogota lima santiago buenos aires sao paulo rio"
)


def place_names(flags: dict[str, set[str]]) -> None:
    """Add "p" to every one-word country, region or city name of any locale.

    Words of longer place names ("Santa Marta") are left alone: they are names too.
    """
    for token in CITIES.split():
        flags[token].add("p")
    for module in pkgutil.iter_modules(address_providers.__path__):
        provider = importlib.import_module(f"{address_providers.__name__}.{module.name}").Provider
        for attr in PLACE_ATTRIBUTES + TOWN_ATTRIBUTES:
            for value in getattr(provider, attr, ()):
                words = tokens(str(value))
                if len(words) == 1 and (attr in PLACE_ATTRIBUTES or not flags.get(words[0])):
                    flags[words[0]].add("p")


def tokens(value: str) -> list[str]:
    """The usable tokens of one name value."""
    words = unicodedata.normalize("NFC", value).lower().replace("-", " ").split()
    return [w for w in (w.strip(".'’") for w in words) if usable(w)]


def usable(token: str) -> bool:
    """At least two letters, letters and apostrophes only, not a particle, spaced script."""
    if len(token) < 2 or token in PARTICLES:
        return False
    if any(lo <= ord(c) <= hi for c in token for lo, hi in NO_SPACES):
        return False
    return all(unicodedata.category(c)[0] in "LM" or c in "'’" for c in token)


def main() -> None:
    """Write the gazetteer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    out = parser.parse_args().out
    words = english_words()
    lines = [
        f"# first names (f), surnames (l) and place-name tokens (p) from Faker {faker.VERSION}",
        "# (MIT licence) providers of every locale; w: also a word in SCOWL's American English",
        "# list (wamerican).",
        "# Built by `make pii-names` (scripts/pii/build_names.py); do not edit by hand.",
    ]
    flags = locale_names()
    place_names(flags)
    # Ordinary words too (flag "w" alone): a capitalised "Loading" or "Invoice" next to a name
    # is then known to be a word, not a second name.
    for word in words:
        if len(word) >= 3 and word.isalpha() and word not in flags:
            flags[word] = set()
    for token, kinds in sorted(flags.items()):
        word = "w" if token in words or len(token) <= 2 else ""
        lines.append(f"{token}\t{''.join(sorted(kinds))}{word}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines) - 4} tokens")


if __name__ == "__main__":
    main()
