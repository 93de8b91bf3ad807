"""The PII benchmark's scoring rules and its held-out set (``bench/pii``)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent


def _module(path: Path) -> ModuleType:
    """bench/pii holds scripts, not a package: load one by path."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


metrics = _module(BENCH / "metrics.py")
build_heldout = _module(BENCH / "data" / "build_heldout.py")


def span(start: int, end: int, kind: str = "x") -> dict:
    return {"start": start, "end": end, "type": kind}


class TestScore:
    TEXT = "card 0123456789 ok"  # the value is text[5:15], ten characters

    def row(self, **extra: object) -> dict:
        return {"text": self.TEXT, "spans": [span(5, 15, "credit_card")], **extra}

    @pytest.mark.parametrize(
        ("found", "recall", "strict"),
        [
            ([span(5, 15)], 1.0, 1.0),
            ([span(5, 13)], 1.0, 0.0),  # 8 of 10 characters: found, not strictly
            ([span(5, 12)], 0.0, 0.0),  # 7 of 10 leaks too much
            ([span(5, 10), span(10, 15)], 1.0, 1.0),  # two spans together
            ([], 0.0, 0.0),
        ],
    )
    def test_recall_rule(self, found: list[dict], recall: float, strict: float) -> None:
        """A value is found when 80% of its characters are masked; strictly at 100%."""
        result = metrics.score([self.row()], [found])
        assert result["recall"]["credit_card"] == recall
        assert result["recall_strict"]["credit_card"] == strict

    def test_type_is_ignored(self) -> None:
        """A value masked under another type is still masked."""
        assert metrics.score([self.row()], [[span(5, 15, "phone")]])["recall"]["credit_card"] == 1

    def test_spaces_do_not_count(self) -> None:
        """Only non-space characters are counted, in recall and in precision."""
        row = {"text": "ab cd", "spans": [span(0, 5)]}
        result = metrics.score([row], [[span(0, 2), span(2, 3)]])
        assert result["recall"]["x"] == 0.0  # 2 of 4 letters
        assert result["char_precision"] == 1.0

    def test_precision_and_ignored_spans(self) -> None:
        """Masking an ignored span (a city) is neutral; masking other text is not."""
        row = {"text": "in Paris 0123", "spans": [span(9, 13)], "ignore": [span(3, 8, "city")]}
        assert metrics.score([row], [[span(3, 13)]])["char_precision"] == 1.0
        assert metrics.score([row], [[span(0, 13)]])["char_precision"] == 4 / 6

    def test_false_alarms(self) -> None:
        """A negative is a false alarm when anything outside ignored spans is masked."""
        negative = {"text": "in Paris now", "spans": [], "ignore": [span(3, 8, "city")]}
        assert metrics.score([negative], [[span(3, 8)]])["false_alarm"] == 0.0
        assert metrics.score([negative], [[span(9, 12)]])["false_alarm"] == 1.0

    def test_caught_per_variant(self) -> None:
        """A message is caught when all of its values are found, counted per variant."""
        rows = [self.row(variant="direct"), self.row(variant="typo")]
        result = metrics.score(rows, [[span(5, 15)], []])
        assert result["caught"] == {"all": 0.5, "direct": 1.0, "typo": 0.0}

    def test_direct_identifiers_leave_out_birth_dates(self) -> None:
        """A date of birth alone is not a direct identifier."""
        row = {"text": "born 1990-01-01", "spans": [span(5, 15, "date_of_birth")]}
        assert metrics.score([row], [[]])["direct_recall"] is None


class TestHeldOutSet:
    @pytest.fixture(scope="class")
    def rows(self) -> list[dict]:
        text = (BENCH / "data" / "heldout.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]

    def test_file_is_built_from_the_source(self) -> None:
        """heldout.jsonl is exactly what build_heldout.py makes of heldout.src.txt."""
        assert build_heldout.build() == (BENCH / "data" / "heldout.jsonl").read_text("utf-8")

    def test_labels_are_well_formed(self, rows: list[dict]) -> None:
        """Spans lie inside the text, do not overlap, and neither start nor end on a space."""
        for row in rows:
            ends = 0
            for label in sorted(row["spans"], key=lambda s: s["start"]):
                value = row["text"][label["start"] : label["end"]]
                assert value and value == value.strip(), row["id"]
                assert label["start"] >= ends, row["id"]
                assert label["type"] in build_heldout.TYPES, row["id"]
                ends = label["end"]

    def test_shape(self, rows: list[dict]) -> None:
        """About 30% negatives, and every kind the issue lists is present."""
        negatives = sum(r["variant"] == "negative" for r in rows)
        assert 0.25 <= negatives / len(rows) <= 0.35
        kinds = {r["kind"] for r in rows}
        wanted = {
            "person/no_cue", "person/lowercase", "person/list", "person/non_ascii",
            "person/bare_answer", "address/international", "address/multiline",
            "card/schemes", "card/mistyped", "card/separators", "phone/national",
            "number/context", "email/plain", "email/control_chars", "ip/typos",
            "neg/test_values", "neg/order", "neg/tracking", "neg/amount", "neg/date",
            "neg/version",
        }
        assert wanted <= kinds
        assert all(r.get("requested_slot") for r in rows if r.get("bot_question"))
