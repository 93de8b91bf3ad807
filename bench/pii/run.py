"""PII benchmark: rasa-ethics vs Presidio on the same labelled corpus, in the same run.

    .venv/bin/python bench/pii/run.py [--repeat 3] [--messages 3000]

Builds ``bench/.presidio-venv`` and ``bench/out/corpus.jsonl`` when missing, then measures:

- accuracy (see ``metrics.py``) of both tools on the whole corpus;
- messages/second one message at a time: ``PIIEngine.redact`` per message vs Presidio's
  ``AnalyzerEngine.analyze`` per message (both in-process, model already loaded);
- messages/second in bulk: the ``rasa-ethics redact`` command over the whole file, wall clock
  *including* interpreter start-up and model loading, vs Presidio's ``BatchAnalyzerEngine``
  (batch size 64) *excluding* its start-up (a handicap for rasa-ethics).

Speeds are medians of ``--repeat`` runs; the four modes are interleaved within each repetition so
that load from other processes hits both tools alike.  CPU time is reported too, as a check that
is less sensitive to that load.  Results go to stdout and ``bench/out/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]  # see cli/redact.py

from environment import BENCH_DIR, ensure_venv  # noqa: E402
from metrics import score  # noqa: E402

REPO = BENCH_DIR.parent.parent
OUT = REPO / "bench" / "out"
CLI = REPO / ".venv" / "bin" / "rasa-ethics"
MODES = ("ours_single", "presidio_single", "ours_bulk", "presidio_bulk")


@dataclass
class Timed:
    """One timed run: wall-clock and CPU seconds, and the spans it found."""

    wall: float
    cpu: float
    spans: list[list[dict]] = field(default_factory=list)
    load_seconds: float = 0.0


def ensure_corpus(python: Path, corpus: Path, messages: int, seed: int) -> None:
    """Generate the corpus with Faker (in the benchmark venv) unless it exists with that size."""
    if corpus.exists() and sum(1 for _ in corpus.open()) == messages:
        return
    script = BENCH_DIR / "make_corpus.py"
    args = [str(python), str(script), "--out", str(corpus), "--messages", str(messages)]
    subprocess.run([*args, "--seed", str(seed)], check=True, cwd=BENCH_DIR)


class Ours:
    """rasa-ethics: the in-process engine and the ``rasa-ethics redact`` command."""

    def __init__(self, texts: list[str], texts_file: Path) -> None:
        from rasa_ethics.pii import PIIEngine
        from rasa_ethics.policy import load_policy

        self.texts, self.texts_file = texts, texts_file
        self.engine = PIIEngine.from_policy(load_policy(None))
        self.engine.warm_up()
        for text in texts[:50]:
            self.engine.redact(text)

    def single(self) -> Timed:
        """``engine.redact`` per message, model already loaded."""
        wall, cpu = time.perf_counter(), time.process_time()
        results = [self.engine.redact(t) for t in self.texts]
        timed = Timed(time.perf_counter() - wall, time.process_time() - cpu)
        timed.spans = [[s.to_dict() for s in r.spans] for r in results]
        return timed

    def bulk(self) -> Timed:
        """``rasa-ethics redact`` over the file: wall clock and CPU including start-up."""
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
        before = _children_cpu()
        with self.texts_file.open("rb") as stdin:
            wall = time.perf_counter()
            done = subprocess.run([str(CLI), "redact"], stdin=stdin, capture_output=True, env=env)
            timed = Timed(time.perf_counter() - wall, _children_cpu() - before)
        if done.returncode != 0:
            sys.exit(f"rasa-ethics redact failed: {done.stderr.decode()[-2000:]}")
        timed.spans = [json.loads(line)["spans"] for line in done.stdout.decode().splitlines()]
        return timed


def presidio(python: Path, texts_file: Path, mode: str, threshold: float) -> Timed:
    """Presidio in its own venv; times exclude its start-up and model loading."""
    runner = BENCH_DIR / "presidio_runner.py"
    args = [str(python), str(runner), "--texts", str(texts_file), "--mode", mode]
    args += ["--repeat", "1", "--threshold", str(threshold)]
    out = json.loads(subprocess.run(args, capture_output=True, check=True).stdout)
    timed = Timed(out["seconds"][0], out["cpu_seconds"][0])
    timed.spans, timed.load_seconds = out["spans"], out["load_seconds"]
    return timed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(python: Path, texts: list[str], texts_file: Path, args: argparse.Namespace) -> dict:
    """All four modes, interleaved per repetition so that machine load hits both tools alike."""
    ours = Ours(texts, texts_file)
    runs: dict[str, list[Timed]] = {k: [] for k in MODES}
    for rep in range(args.repeat):
        runs["ours_single"].append(ours.single())
        threshold = args.presidio_threshold
        runs["presidio_single"].append(presidio(python, texts_file, "single", threshold))
        runs["ours_bulk"].append(ours.bulk())
        runs["presidio_bulk"].append(presidio(python, texts_file, "bulk", threshold))
        print(f">> repetition {rep + 1}/{args.repeat} done", flush=True)
    return runs


def rate(runs: list[Timed], count: int, cpu: bool = False) -> float:
    """Messages per second, from the median wall-clock (or CPU) time of the repetitions."""
    return count / statistics.median(r.cpu if cpu else r.wall for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description="rasa-ethics vs Presidio PII benchmark")
    parser.add_argument("--messages", type=int, default=3000, help="corpus size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions per mode")
    parser.add_argument("--presidio-threshold", type=float, default=0.4)
    args = parser.parse_args()
    python = ensure_venv()
    corpus = OUT / "corpus.jsonl"
    ensure_corpus(python, corpus, args.messages, args.seed)
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    texts, gold = [r["text"] for r in rows], [r["spans"] for r in rows]
    texts_file = OUT / "texts.jsonl"
    texts_file.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    print(f">> {len(texts)} messages; {args.repeat} repetitions per mode", flush=True)
    runs = measure(python, texts, texts_file, args)
    if runs["ours_single"][0].spans != runs["ours_bulk"][0].spans:
        print("warning: the CLI and the in-process engine disagree on some spans", file=sys.stderr)
    report = build_report(texts, gold, runs, args)
    (OUT / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print_table(report)


def build_report(
    texts: list[str], gold: list, runs: dict[str, list[Timed]], args: argparse.Namespace
) -> dict:
    """Accuracy (first repetition) and speed (medians) of both tools."""
    n = len(texts)
    report: dict = {
        "messages": n, "repeat": args.repeat, "presidio_threshold": args.presidio_threshold
    }
    for tool, accuracy_from in (("ours", "ours_single"), ("presidio", "presidio_bulk")):
        single, bulk = runs[f"{tool}_single"], runs[f"{tool}_bulk"]
        report[tool] = {
            **score(texts, gold, runs[accuracy_from][0].spans),
            "single_mps": rate(single, n),
            "bulk_mps": rate(bulk, n),
            "single_cpu_mps": rate(single, n, cpu=True),
            "bulk_cpu_mps": rate(bulk, n, cpu=True),
            "wall_seconds": {"single": [r.wall for r in single], "bulk": [r.wall for r in bulk]},
        }
    report["presidio"]["load_seconds"] = runs["presidio_bulk"][0].load_seconds
    return report


def print_table(report: dict) -> None:
    """A markdown table with both tools side by side."""
    ours, them = report["ours"], report["presidio"]
    print(f"\n{report['messages']} messages, medians of {report['repeat']} runs\n")
    print("| metric | rasa-ethics | Presidio | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for kind in sorted(ours["recall"]):
        label = f"recall {kind} (n={ours['support'][kind]})"
        print(_row(label, ours["recall"][kind], them["recall"].get(kind, 0.0), "{:.3f}"))
    rows = [
        ("**direct-identifier recall**", "direct_recall", "{:.3f}"),
        ("**character precision**", "char_precision", "{:.3f}"),
        ("**msg/s one at a time** (wall)", "single_mps", "{:.0f}"),
        ("**msg/s bulk** (wall)", "bulk_mps", "{:.0f}"),
        ("msg per CPU-second, one at a time", "single_cpu_mps", "{:.0f}"),
        ("msg per CPU-second, bulk", "bulk_cpu_mps", "{:.0f}"),
    ]
    for label, key, fmt in rows:
        print(_row(label, ours[key], them[key], fmt))


def _row(label: str, ours: float, theirs: float, fmt: str) -> str:
    ratio = f"{ours / theirs:.2f}x" if theirs else "n/a"
    return f"| {label} | {fmt.format(ours)} | {fmt.format(theirs)} | {ratio} |"


if __name__ == "__main__":
    main()
