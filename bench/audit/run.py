"""Benchmark the audit trail: write throughput, verify throughput, publish() cost per turn.

Run from the repository root::

    RASA_TELEMETRY_ENABLED=false .venv/bin/python bench/audit/run.py [--records 200000] [--repeat 5]

Each figure is the median of ``--repeat`` runs.  ``write`` is the end-to-end rate of
``AuditWriter.write`` until ``close()`` has flushed and fsynced everything (policy default
``fsync: batch``).  ``verify`` reads the trail back (strict: hashes, links and canonical form; fast:
no canonical-form check).  ``publish`` is the time ``AuditEventBroker.publish`` holds the caller
(Rasa's event loop) for one turn of 8 realistic events, and the rate at which the writer then
drains them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa_ethics.audit.files import trail_files  # noqa: E402
from rasa_ethics.audit.verify import verify_trail  # noqa: E402
from rasa_ethics.audit.writer import AuditWriter  # noqa: E402

USER_TURN = {
    "sender": "3f1c0a9e2b7d4c55a1e0f9b8c7d6e5f4",
    "intent": "order_status",
    "confidence": 0.9731,
    "channel": "rest",
    "entities": ["email", "order_id"],
    "pii": {"email": 1},
    "policy_version": "16bef282c1079b9e",
}


def bench_write(root: Path, records: int, fsync: str) -> tuple[float, float]:
    """(records/s from the first write() to a completed close(), CPU microseconds per record)."""
    path = root / f"write-{time.monotonic_ns()}" / "audit.jsonl"
    writer = AuditWriter(path, fsync=fsync, queue_size=records + 10, rotate_max_bytes=50_000_000)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(records):
        writer.write("user_turn", dict(USER_TURN))
    writer.close(timeout=120)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return records / elapsed, cpu / records * 1e6


def bench_verify(files: list[Path], strict: bool) -> tuple[float, float]:
    """(records/s verified, records per CPU-second)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = verify_trail(files, strict=strict)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.ok, result.problem
    return result.records / elapsed, result.records / cpu


def turn_events(sender: str) -> list[dict[str, Any]]:
    """The 8 events Rasa publishes for one ordinary turn."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    text = "where is my order? my email is jane.doe@example.com"
    events = [
        UserUttered(
            text,
            intent={"name": "order_status", "confidence": 0.97},
            entities=[{"entity": "email", "value": "jane.doe@example.com", "start": 31, "end": 51}],
            parse_data={"text": text, "ethics_pii": [{"type": "email", "start": 31, "end": 51}]},
            input_channel="rest",
        ),
        SlotSet("email", "<EMAIL>"),
        ActionExecuted("action_extract_slots", policy=None, confidence=None),
        ActionExecuted("utter_order_status", policy="policy_1_TEDPolicy", confidence=0.93),
        BotUttered("Let me check that for you.", {}, {"utter_action": "utter_order_status"}),
        ActionExecuted("action_check_order", policy="policy_1_TEDPolicy", confidence=0.91),
        BotUttered("Your order ships tomorrow.", {}, {"utter_action": "utter_ships"}),
        ActionExecuted("action_listen", policy="policy_0_RulePolicy", confidence=1.0),
    ]
    return [{"sender_id": sender, **event.as_dict()} for event in events]


def bench_publish(root: Path, turns: int) -> tuple[float, float]:
    """(median microseconds publish() holds the caller per 8-event turn, CPU us per turn).

    The writer is flushed between turns, as it is between real turns (about 28 ms apart), so the
    held time is publish() itself; the CPU time adds the writer thread's share of each turn.
    """
    from rasa_ethics.audit.broker import AuditEventBroker

    policy = root / f"policy-{time.monotonic_ns()}.yml"
    policy.write_text(
        f"version: 1\naudit:\n  path: {policy.with_suffix('')}/audit.jsonl\n  fsync: batch\n"
    )
    broker = AuditEventBroker(policy=policy, pseudonym_key=b"bench")
    batches = [turn_events(f"customer-{index % 500}") for index in range(turns)]
    held, cpu = [], 0.0
    for events in batches:
        before_cpu, before = time.process_time(), time.perf_counter()
        for event in events:
            broker.publish(event)
        held.append(time.perf_counter() - before)
        broker.flush()
        cpu += time.process_time() - before_cpu
    asyncio.run(broker.close())
    return statistics.median(held) * 1e6, cpu / turns * 1e6


def median_of(repeat: int, run: Callable[[], Any]) -> Any:
    """Median of ``repeat`` runs (element-wise for tuples)."""
    results = [run() for _ in range(repeat)]
    if isinstance(results[0], tuple):
        return tuple(statistics.median(column) for column in zip(*results, strict=True))
    return statistics.median(results)


def main() -> int:
    """Run every benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=200_000, help="records per write run")
    parser.add_argument("--turns", type=int, default=2_000, help="8-event turns per publish run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    load = os.getloadavg()[0]
    try:
        rows = run_all(root, args.records, args.turns, args.repeat)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(
        f"\naudit trail benchmark: median of {args.repeat} runs, {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at start ({os.getloadavg()[0]:.1f} at end)\n"
    )
    print(f"{'measure':<46}{'wall clock':>18}{'CPU':>22}  target")
    for label, wall, cpu, target in rows:
        print(f"{label:<46}{wall:>18}{cpu:>22}  {target}")
    return 0


def run_all(root: Path, records: int, turns: int, repeat: int) -> list[tuple[str, ...]]:
    """All figures as (label, wall-clock figure, CPU figure, target) rows."""
    write_batch = median_of(repeat, lambda: bench_write(root, records, "batch"))
    write_never = median_of(repeat, lambda: bench_write(root, records, "never"))
    trail = root / "verify" / "audit.jsonl"
    writer = AuditWriter(trail, fsync="never", queue_size=records + 10)
    for _ in range(records):
        writer.write("user_turn", dict(USER_TURN))
    writer.close(timeout=120)
    files = trail_files(trail)
    strict = median_of(repeat, lambda: bench_verify(files, True))
    fast = median_of(repeat, lambda: bench_verify(files, False))
    held, turn_cpu = median_of(repeat, lambda: bench_publish(root, turns))
    per_cpu_second = "{:,.0f} rec/CPU-s".format
    return [
        (
            f"write {records:,} records, fsync per batch",
            f"{write_batch[0]:,.0f} rec/s",
            f"{write_batch[1]:.1f} us/rec",
            ">= 50k rec/s",
        ),
        (
            f"write {records:,} records, fsync never",
            f"{write_never[0]:,.0f} rec/s",
            f"{write_never[1]:.1f} us/rec",
            "",
        ),
        (
            "verify (hashes, links, canonical form)",
            f"{strict[0]:,.0f} rec/s",
            per_cpu_second(strict[1]),
            ">= 200k rec/s",
        ),
        ("verify --fast (hashes, links)", f"{fast[0]:,.0f} rec/s", per_cpu_second(fast[1]), ""),
        (
            "publish(): caller held per 8-event turn",
            f"{held:,.1f} us (p50)",
            f"{turn_cpu:,.0f} us/turn",
            f"CPU = {turn_cpu / 28_000:.1%} of a 28 ms turn",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
