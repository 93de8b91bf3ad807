"""The example bot's own regexes run in linear time (issue 9, row 8).

RegexFeaturizer and RegexEntityExtractor run every ``regex:`` entry of ``data/nlu.yml`` over each
message with ``re.finditer`` (``rasa/nlu/extractors/regex_entity_extractor.py``).  The e-mail
pattern used to backtrack quadratically on long runs of address characters: 20,000 took 4 s.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
NLU = REPO / "example_bot" / "data" / "nlu.yml"
BAIT = {
    "letters": "a",
    "dotted": "a.",
    "at signs": "a@",
    "domain labels": "a@b.c.",
    "digits": "1 ",
    "digit groups": "1234 5678 ",
    "order numbers": "NW-12345",
}
SIZE = 1_000_000


def patterns() -> Dict[str, List[str]]:
    data = yaml.safe_load(NLU.read_text(encoding="utf-8"))["nlu"]
    found: Dict[str, List[str]] = {}
    for block in data:
        if "regex" in block:
            lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            found[block["regex"]] = lines
    return found


@pytest.mark.parametrize("bait", sorted(BAIT))
@pytest.mark.parametrize("name", sorted(patterns()))
def test_a_megabyte_in_under_a_second(name: str, bait: str) -> None:
    """Each regex scans 1 MB of its bait in under a second (case-insensitive, as configured)."""
    text = (BAIT[bait] * (SIZE // len(BAIT[bait]) + 1))[:SIZE]
    for pattern in patterns()[name]:
        regex = re.compile(pattern, re.IGNORECASE)
        started = time.process_time()
        sum(1 for _ in regex.finditer(text))
        assert time.process_time() - started < 1.0, pattern


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("it's jane.doe@example.com", "jane.doe@example.com"),
        ("mail x+foo@bar.co.uk please", "x+foo@bar.co.uk"),
        ("the email on the order is dev.null@example.com", "dev.null@example.com"),
        ("no address here", None),
        ("a@b.c", None),
    ],
)
def test_the_email_regex_still_finds_addresses(text: str, email: str) -> None:
    """The linear pattern finds what the old one found."""
    [pattern] = patterns()["email"]
    match = re.search(pattern, text, re.IGNORECASE)
    assert (match.group() if match else None) == email
