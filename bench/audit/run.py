"""Benchmark the audit trail: write and verify throughput, publish() cost, served turn latency.

Run from the repository root (``make bench-audit``)::

    .venv/bin/python -m bench.audit.run [--records 200000] [--repeat 5]

Each throughput figure is the median of ``--repeat`` runs.  ``write`` is the end-to-end rate of
``AuditWriter.write`` until ``close()`` has flushed and fsynced everything (policy default
``fsync: batch``).  ``verify`` reads the trail back (strict: hashes, links and canonical form; fast:
no canonical-form check), in this process and in worker processes (``rasa-ethics audit verify``
uses the usable CPUs); its CPU figure counts the workers too.  ``publish`` is the time
``AuditEventBroker.publish`` holds the caller (Rasa's event loop) for one turn of 8 realistic
events.  ``latency`` serves the example bot three times (no event broker, a do-nothing one, the
audit broker) and times ``--latency-turns`` REST turns on each, interleaved (see ``latency.py``);
``--latency-turns 0`` skips it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa_ethics.audit.files import trail_files  # noqa: E402
from rasa_ethics.audit.verify import verify_trail  # noqa: E402
from rasa_ethics.audit.writer import AuditWriter  # noqa: E402

#: One line of the result table: label, wall-clock figure, CPU figure, target.
Row = tuple[str, str, str, str]

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


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (verify's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_verify(files: list[Path], strict: bool, jobs: int | None) -> tuple[float, float, int]:
    """(records/s verified, records per CPU-second, processes used)."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = verify_trail(files, strict=strict, jobs=jobs)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert result.ok, result.problem
    return result.records / elapsed, result.records / cpu, result.workers


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


def median_of(repeat: int, run: Callable[..., Any], *args: Any) -> Any:
    """Median of ``repeat`` runs of ``run(*args)`` (element-wise for tuples)."""
    results = [run(*args) for _ in range(repeat)]
    if isinstance(results[0], tuple):
        return tuple(statistics.median(column) for column in zip(*results, strict=True))
    return statistics.median(results)


def main() -> int:
    """Run every benchmark and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=200_000, help="records per write run")
    parser.add_argument("--turns", type=int, default=2_000, help="8-event turns per publish run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument(
        "--latency-turns", type=int, default=400, help="REST turns per served bot (0: skip)"
    )
    parser.add_argument("--model", type=Path, help="model of example_bot/ (default: train)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    load = os.getloadavg()[0]
    try:
        rows = run_all(root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(
        f"\naudit trail benchmark: throughput = median of {args.repeat} runs; "
        f"{os.cpu_count()} CPUs, load average {load:.1f} at start "
        f"({os.getloadavg()[0]:.1f} at end)\n"
    )
    print(f"{'measure':<50}{'wall clock':>26}{'CPU':>20}  target")
    for label, wall, cpu, target in rows:
        print(f"{label:<50}{wall:>26}{cpu:>20}  {target}")
    return 0


def run_all(root: Path, args: argparse.Namespace) -> list[Row]:
    """All figures as (label, wall-clock figure, CPU figure, target) rows."""
    rows = write_rows(root, args.records, args.repeat)
    rows += verify_rows(root, args.records, args.repeat)
    held, turn_cpu = median_of(args.repeat, bench_publish, root, args.turns)
    share = f"CPU = {turn_cpu / 28_000:.1%} of a 28 ms turn"
    rows.append(("publish(): caller held per 8-event turn", f"{held:,.1f} us (p50)",
                 f"{turn_cpu:,.0f} us/turn", share))  # fmt: skip
    if args.latency_turns:
        rows += latency_rows(root, args.latency_turns, args.model)
    return rows


def write_rows(root: Path, records: int, repeat: int) -> list[Row]:
    """Write throughput with the default fsync (per batch) and without fsync."""
    rows: list[Row] = []
    for fsync, target in (("batch", ">= 50k rec/s"), ("never", "")):
        rate, cpu = median_of(repeat, bench_write, root, records, fsync)
        label = f"write {records:,} records, fsync {'per batch' if fsync == 'batch' else fsync}"
        rows.append((label, f"{rate:,.0f} rec/s", f"{cpu:.1f} us/rec", target))
    return rows


def verify_rows(root: Path, records: int, repeat: int) -> list[Row]:
    """Verify throughput: strict and --fast, in this process and with worker processes."""
    trail = root / "verify" / "audit.jsonl"
    writer = AuditWriter(trail, fsync="never", queue_size=records + 10)
    for _ in range(records):
        writer.write("user_turn", dict(USER_TURN))
    writer.close(timeout=120)
    files = trail_files(trail)
    rows: list[Row] = []
    for strict, jobs in ((True, 1), (True, None), (False, 1), (False, None)):
        rate, per_cpu, workers = median_of(repeat, bench_verify, files, strict, jobs)
        what = "verify (hashes, links, canonical form)" if strict else "verify --fast"
        label = f"{what}, {int(workers)} process{'es' if workers > 1 else ''}"
        target = ">= 200k rec/s" if strict and jobs is None else ""
        rows.append((label, f"{rate:,.0f} rec/s", f"{per_cpu:,.0f} rec/CPU-s", target))
    return rows


def latency_rows(root: Path, turns: int, model: Path | None) -> list[Row]:
    """p50/p90 REST turn latency per event-broker variant, and the ratios against none."""
    from bench.audit.latency import measure_latency, percentile

    result = measure_latency(root / "served", turns, model)
    rows: list[Row] = []
    for name, times in result.times.items():
        p50, p90 = statistics.median(times) * 1e3, percentile(times, 0.9) * 1e3
        cpu = result.cpu[name]
        server = "-" if cpu is None else f"{cpu * 1e3:.1f} ms/turn"
        rows.append((f"REST turn, {name} event broker, {len(times)} turns",
                     f"p50 {p50:.1f} / p90 {p90:.0f} ms", server, ""))  # fmt: skip
    for name, base, target in (("audit", "none", "<= 1.03"), ("audit", "no-op", ""),
                               ("no-op", "none", "")):  # fmt: skip
        wall = f"{result.ratio(name, base):.3f} (paired {result.paired_ratio(name, base):.3f})"
        cpu_a, cpu_b = result.cpu[name], result.cpu[base]
        cpu_ratio = f"{cpu_a / cpu_b:.3f}" if cpu_a and cpu_b else "-"
        rows.append((f"REST turn p50 ratio, {name} / {base}", wall, cpu_ratio, target))
    return rows


if __name__ == "__main__":
    sys.exit(main())
