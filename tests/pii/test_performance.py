"""Time is linear in the input length, including inputs built to make regexes backtrack."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from rasa_ethics.pii import PIIEngine, normalize
from rasa_ethics.policy.schema import PIIConfig

# Each builds a text of about n characters aimed at one family of patterns.
ADVERSARIAL = {
    "letters": lambda n: "a" * n,
    "local_part": lambda n: "a." * (n // 2) + "@",
    "domain": lambda n: "a@" + "a-" * (n // 2),
    "digits": lambda n: "4" * n,
    "digit_groups": lambda n: "4 " * (n // 2),
    "dashes": lambda n: "1-" * (n // 2),
    "dotted": lambda n: "1." * (n // 2),
    "colons": lambda n: "a:" * (n // 2),
    "parens": lambda n: "(1 " * (n // 3),
    "spelled_email": lambda n: "a at b dot " * (n // 11),
    "brackets": lambda n: "a[at]" * (n // 5),
    "street": lambda n: "1 aa " * (n // 5) + "street",
    "address_tail": lambda n: "1 Baker Street" + ", aa bb" * (n // 7) + " NW1 6XE",
    "names": lambda n: "my name is Aa " * (n // 14),
    "title": lambda n: "Mr " * (n // 3),
    "dates": lambda n: "12 march " * (n // 9),
    "iban": lambda n: "GB82 " + "A " * (n // 2),
}
SIZE = 12_000
MAX_RATIO = 12.0  # 4x the input: linear gives ~4, quadratic ~16


def _best_time(run: Callable[[], object], tries: int = 3) -> float:
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


@pytest.fixture(scope="module")
def patterns_only() -> Callable[[str], object]:
    """Normalisation plus every recognizer without spaCy, so the timing isolates the regexes."""
    recognizers = PIIEngine(PIIConfig.parse_obj({})).recognizers

    def run(text: str) -> object:
        norm = normalize(text).text
        return [r.analyze(norm) for r in recognizers]

    return run


class TestLinearTime:
    """Doubling the input never more than roughly doubles the time."""

    @pytest.mark.parametrize("name", sorted(ADVERSARIAL))
    def test_adversarial_input(self, patterns_only, name):
        """4x the input costs well under 16x the time (generous for a noisy machine)."""
        build = ADVERSARIAL[name]
        small, large = build(SIZE), build(4 * SIZE)
        t_small = max(_best_time(lambda: patterns_only(small)), 1e-3)
        t_large = _best_time(lambda: patterns_only(large))
        assert t_large / t_small < MAX_RATIO, (name, t_small, t_large)

    def test_one_megabyte_message(self, engine):
        """A 1 MB message with personal data throughout is redacted in seconds."""
        chunk = "Hi, I'm Maria Lopez, mail maria@example.org or call 020 7946 0958. " * 20
        text = (chunk + "lorem ipsum dolor sit amet " * 200)[:10_000] * 100
        started = time.perf_counter()
        result = engine.redact(text)
        assert time.perf_counter() - started < 30
        assert "maria@example.org" not in result.text and len(result.spans) > 1000
