"""Score the PII engine on the tuning set written by ``make_tuning.py``, and time it.

    PYTHONPATH=$PWD .venv/bin/python scripts/pii/score_tuning.py build/pii-tuning/tuning.jsonl \
        [--misses person] [--false-alarms]

Prints recall per type (a value counts when all its non-space characters are redacted, and, as
in issue 10, when at least 80% are), character precision, the share of PII-free messages with
any detection, and messages per second (wall clock and CPU) of ``PIIEngine.redact`` one
message at a time, with the bundled default policy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]  # as in cli/redact.py
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa_ethics.pii import PIIEngine  # noqa: E402
from rasa_ethics.policy import load_policy  # noqa: E402


def _chars(text: str, spans: list[dict]) -> set[int]:
    return {i for s in spans for i in range(s["start"], s["end"]) if not text[i].isspace()}


def score(rows: list[dict], found: list[list[dict]], misses: str | None) -> dict:
    """Recall per type (full and 80% coverage), character precision and false alarms."""
    full, most, total = Counter[str](), Counter[str](), Counter[str]()
    flagged = correct = negatives = alarms = 0
    for row, spans in zip(rows, found, strict=True):
        text, labels = row["text"], row["labels"]
        covered = _chars(text, spans)
        neutral = _chars(text, [lb for lb in labels if lb["type"] == "ignore"])
        labels = [lb for lb in labels if lb["type"] != "ignore"]
        for label in labels:
            chars = _chars(text, [label])
            share = len(chars & covered) / max(1, len(chars))
            total[label["type"]] += 1
            full[label["type"]] += share == 1.0
            most[label["type"]] += share >= 0.8
            if misses in (label["type"], "all") and share < 1.0:
                shown = [text[s["start"] : s["end"]] for s in spans]
                print(f"MISS {label['type']}: {text!r} -> {shown}")
        flagged += len(covered - neutral)
        correct += len(covered & _chars(text, labels))
        if not labels:
            negatives += 1
            alarms += bool(covered - neutral)
    return {
        "recall": {t: round(full[t] / total[t], 3) for t in sorted(total)},
        "recall_80": {t: round(most[t] / total[t], 3) for t in sorted(total)},
        "support": dict(sorted(total.items())),
        "all_recall": round(sum(full.values()) / max(1, sum(total.values())), 3),
        "all_recall_80": round(sum(most.values()) / max(1, sum(total.values())), 3),
        "char_precision": round(correct / max(1, flagged), 3),
        "false_alarm_rate": round(alarms / max(1, negatives), 3),
    }


def main() -> None:
    """Score and time the engine of the bundled default policy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--misses", help="print the misses of one type ('all': every type)")
    parser.add_argument("--false-alarms", action="store_true", help="print detections in negatives")
    parser.add_argument("--no-ner", action="store_true", help="patterns and gazetteer only")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.corpus.open(encoding="utf-8")]
    policy = load_policy(None)
    if args.no_ner:
        from rasa_ethics.pii.runtime import _NoNer

        engine = PIIEngine(policy.pii, nlp_loader=_NoNer)
    else:
        engine = PIIEngine(policy.pii)
    engine.warm_up()
    for row in rows[:50]:
        engine.redact(row["text"])
    started, cpu = time.perf_counter(), time.process_time()
    results, latencies = [], []
    for row in rows:
        one = time.process_time()
        results.append(engine.redact(row["text"]))
        latencies.append(time.process_time() - one)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = [[s.to_dict() for s in r.spans] for r in results]
    report = score(rows, found, args.misses)
    report["msgs_per_second"] = round(len(rows) / elapsed)
    report["msgs_per_cpu_second"] = round(len(rows) / cpu)
    latencies.sort()
    for share in (50, 95, 99):
        ms = 1000 * latencies[min(len(latencies) - 1, len(latencies) * share // 100)]
        report[f"cpu_ms_p{share}"] = round(ms, 2)
    if args.false_alarms:
        for row, result in zip(rows, results, strict=True):
            if not [lb for lb in row["labels"] if lb["type"] != "ignore"] and result.spans:
                print(f"FALSE ALARM: {row['text']!r} -> {result.text!r}")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
