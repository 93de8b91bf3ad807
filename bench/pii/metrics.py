"""Scores of a PII detector against a labelled corpus.

Every figure counts non-space characters only, and ignores the type a detector gives a span: a
value masked as the wrong type is still masked.

- **Recall** of a labelled value: it counts as found when at least 80% of its non-space
  characters are covered by detected spans (``recall``), or all of them (``recall_strict``).
- **Direct-identifier recall**: the same over the values of ``DIRECT_IDENTIFIERS`` together,
  names and street addresses included (a date of birth or a bank routing number alone does not
  identify a person).
- **Character precision**: detected characters inside labelled values, over all detected
  characters except those inside ``ignore`` spans (places, organisations, zip codes of the public
  corpus: masking them is neither a hit nor a false alarm).
- **Caught**: a message with labelled values is caught when every one of its values is found
  (80% rule), per ``variant`` (``direct``, ``typo``) where the corpus has variants.
- **False alarm**: a message without labelled values in which anything outside ``ignore`` spans
  is detected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = ["DIRECT_IDENTIFIERS", "FOUND_SHARE", "score"]

DIRECT_IDENTIFIERS = frozenset({
    "person", "address", "email", "phone", "credit_card", "iban", "us_ssn", "uk_nino",
    "national_id", "bank_account", "ip_address", "passport", "drivers_license",
})
FOUND_SHARE = 0.8


def _chars(text: str, spans: Iterable[dict]) -> set[int]:
    return {i for s in spans for i in range(s["start"], s["end"]) if not text[i].isspace()}


class _Tally:
    """Counts over one corpus."""

    def __init__(self) -> None:
        self.found, self.strict, self.total = Counter[str](), Counter[str](), Counter[str]()
        self.caught, self.in_scope = Counter[str](), Counter[str]()
        self.kind_caught, self.kind_total = Counter[str](), Counter[str]()
        self.alarms = self.negatives = 0
        self.correct = self.flagged = 0

    def add(self, row: dict, spans: list[dict]) -> None:
        text = row["text"]
        covered = _chars(text, spans)
        neutral = _chars(text, row.get("ignore", ())) - _chars(text, row["spans"])
        self.flagged += len(covered - neutral)
        self.correct += len(covered & _chars(text, row["spans"]))
        kind = row.get("kind", "")
        if not row["spans"]:
            self.negatives += 1
            alarm = bool(covered - neutral)
            self.alarms += alarm
            self.kind_total[kind] += 1
            self.kind_caught[kind] += not alarm  # for a negative kind: share left alone
            return
        all_found = True
        for label in row["spans"]:
            chars = _chars(text, [label])
            share = len(chars & covered) / max(1, len(chars))
            self.total[label["type"]] += 1
            self.found[label["type"]] += share >= FOUND_SHARE
            self.strict[label["type"]] += share >= 1.0
            all_found &= share >= FOUND_SHARE
        variant = row.get("variant", "all")
        for key in {variant, "all"}:
            self.in_scope[key] += 1
            self.caught[key] += all_found
        self.kind_total[kind] += 1
        self.kind_caught[kind] += all_found


def _share(hits: float, total: float) -> float | None:
    return hits / total if total else None


def score(rows: Sequence[dict], found: Sequence[list[dict]]) -> dict:
    """All accuracy figures of one detector on one corpus."""
    tally = _Tally()
    for row, spans in zip(rows, found, strict=True):
        tally.add(row, spans)
    types = sorted(tally.total)
    direct = [t for t in types if t in DIRECT_IDENTIFIERS]
    return {
        "recall": {t: tally.found[t] / tally.total[t] for t in types},
        "recall_strict": {t: tally.strict[t] / tally.total[t] for t in types},
        "support": dict(tally.total),
        "direct_recall": _share(sum(tally.found[t] for t in direct),
                                sum(tally.total[t] for t in direct)),
        "direct_recall_strict": _share(sum(tally.strict[t] for t in direct),
                                       sum(tally.total[t] for t in direct)),
        "char_precision": _share(tally.correct, tally.flagged),
        "caught": {k: tally.caught[k] / tally.in_scope[k] for k in sorted(tally.in_scope)},
        "in_scope_messages": dict(tally.in_scope),
        "false_alarm": _share(tally.alarms, tally.negatives),
        "negative_messages": tally.negatives,
        "by_kind": {k: {"ok": tally.kind_caught[k] / tally.kind_total[k], "n": tally.kind_total[k]}
                    for k in sorted(tally.kind_total) if k},
    }
