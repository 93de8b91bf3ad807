"""Scores of a PII detector against the labelled corpus.

- **Recall** of a labelled value: found only if *every* non-space character of it is covered by
  some detected span (of any type): a half-redacted address still leaks.
- **Direct-identifier recall**: the same over email, phone, card, IBAN, SSN, NINO, IP, passport
  and driving licence values together.
- **Character precision**: the share of detected non-space characters that lie inside a labelled
  value.  Over-redaction of non-PII text (order numbers, cities, product names) lowers it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = ["DIRECT_IDENTIFIERS", "score"]

DIRECT_IDENTIFIERS = (
    "email", "phone", "credit_card", "iban", "us_ssn", "uk_nino", "ip_address", "passport",
    "drivers_license",
)


def _chars(text: str, spans: Iterable[dict]) -> set[int]:
    return {i for s in spans for i in range(s["start"], s["end"]) if not text[i].isspace()}


def score(texts: Sequence[str], gold: Sequence[list[dict]], found: Sequence[list[dict]]) -> dict:
    """Recall per type, direct-identifier recall and character precision."""
    hits, totals = Counter[str](), Counter[str]()
    flagged = correct = 0
    for text, labels, spans in zip(texts, gold, found, strict=False):
        covered = _chars(text, spans)
        labelled = _chars(text, labels)
        for label in labels:
            totals[label["type"]] += 1
            hits[label["type"]] += _chars(text, [label]) <= covered
        flagged += len(covered)
        correct += len(covered & labelled)
    direct_hits = sum(hits[t] for t in DIRECT_IDENTIFIERS)
    direct_total = sum(totals[t] for t in DIRECT_IDENTIFIERS)
    return {
        "recall": {t: hits[t] / totals[t] for t in sorted(totals)},
        "support": dict(totals),
        "direct_recall": direct_hits / max(1, direct_total),
        "char_precision": correct / max(1, flagged),
    }
