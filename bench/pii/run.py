"""PII benchmark: rasa-ethics vs Presidio on three labelled corpora, in the same run.

    .venv/bin/python bench/pii/run.py [--corpus generated,public,heldout] [--repeat 3] [--quick]

Builds ``bench/.presidio-venv`` and the generated corpora when missing (see ``corpora.py``), then
measures per corpus:

- accuracy (see ``metrics.py``) of both tools, text only;
- for messages that answer a bot question (held-out set): the same with the conversation as
  context, when the engine accepts it (``PIIEngine.redact(text, context=...)``); Presidio gets
  the question's words as its ``context`` words;
- messages/second one at a time: ``PIIEngine.redact`` per message vs Presidio's
  ``AnalyzerEngine.analyze`` per message (both in-process, model already loaded);
- messages/second in bulk: ``PIIEngine.redact_many`` vs Presidio's ``BatchAnalyzerEngine``
  (batch size 64), both in-process with the model loaded;
- for rasa-ethics also the ``redact`` command over the file (``python -m rasa_ethics.cli
  redact``), wall clock *including* interpreter start-up and model loading: what a user of the
  command sees.  On a few hundred messages start-up dominates it.

Speeds are medians of ``--repeat`` runs; within a repetition the modes of the two tools are
interleaved, so that load from other processes hits both alike.  Presidio is loaded once, in one
long-lived process of its own venv.  Results go to ``bench/out/results.json`` and, as markdown
tables, to stdout.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]  # see cli/redact.py

from corpora import CORPORA, OUT, TUNING_FREE, load  # noqa: E402
from environment import BENCH_DIR, ensure_venv  # noqa: E402
from metrics import score  # noqa: E402
from report import print_report  # noqa: E402

REPO = BENCH_DIR.parent.parent
sys.path.insert(0, str(REPO))  # measure this checkout's rasa_ethics, not an installed copy
MODES = ("ours_single", "presidio_single", "ours_bulk", "presidio_bulk", "ours_cli")


@dataclass
class Timed:
    """One timed run: wall-clock and CPU seconds, and the spans it found."""

    wall: float
    cpu: float
    spans: list[list[dict]] = field(default_factory=list)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Ours:
    """rasa-ethics: the in-process engine and the ``redact`` command."""

    def __init__(self) -> None:
        from rasa_ethics.pii import PIIEngine
        from rasa_ethics.policy import load_policy

        self.engine = PIIEngine.from_policy(load_policy(None))
        self.engine.warm_up()
        self.takes_context = "context" in inspect.signature(self.engine.redact).parameters

    def single(self, texts: list[str]) -> Timed:
        """``engine.redact`` per message, model already loaded."""
        wall, cpu = time.perf_counter(), time.process_time()
        results = [self.engine.redact(t) for t in texts]
        timed = Timed(time.perf_counter() - wall, time.process_time() - cpu)
        timed.spans = [[s.to_dict() for s in r.spans] for r in results]
        return timed

    def bulk(self, texts: list[str]) -> Timed:
        """``engine.redact_many`` over all messages, model already loaded."""
        wall, cpu = time.perf_counter(), time.process_time()
        results = self.engine.redact_many(texts)
        timed = Timed(time.perf_counter() - wall, time.process_time() - cpu)
        timed.spans = [[s.to_dict() for s in r.spans] for r in results]
        return timed

    def with_context(self, rows: list[dict]) -> list[list[dict]] | None:
        """Spans with the bot's question as context, or None if the engine takes no context."""
        if not self.takes_context:
            return None
        found = []
        for row in rows:
            context = {"bot_question": row["bot_question"],
                       "requested_slot": row.get("requested_slot")}
            result = self.engine.redact(row["text"], context=context)  # type: ignore[call-arg]
            found.append([s.to_dict() for s in result.spans])
        return found

    def cli(self, texts_file: Path) -> Timed:
        """``python -m rasa_ethics.cli redact`` over the file, start-up included."""
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "rasa_ethics.cli", "redact"]
        before = _children_cpu()
        with texts_file.open("rb") as stdin:
            wall = time.perf_counter()
            done = subprocess.run(command, stdin=stdin, capture_output=True, env=env, cwd=REPO)
            timed = Timed(time.perf_counter() - wall, _children_cpu() - before)
        if done.returncode != 0:
            sys.exit(f"rasa-ethics redact failed: {done.stderr.decode()[-2000:]}")
        timed.spans = [json.loads(line)["spans"] for line in done.stdout.decode().splitlines()]
        return timed


class Presidio:
    """One long-lived ``presidio_runner.py`` process in the Presidio venv."""

    def __init__(self, python: Path, threshold: float) -> None:
        args = [str(python), str(BENCH_DIR / "presidio_runner.py"), "--threshold", str(threshold)]
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8")
        self.hello = json.loads(self._line())

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"the Presidio runner stopped (exit {self.process.wait()})")
        return line

    def run(self, texts_file: Path, mode: str) -> Timed:
        """Presidio over the file; times exclude its start-up and model loading."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"texts": str(texts_file), "mode": mode}) + "\n")
        self.process.stdin.flush()
        out = json.loads(self._line())
        return Timed(out["seconds"], out["cpu_seconds"], out["spans"])

    def close(self, failed: bool = False) -> None:
        """End the runner: let it finish, or stop it at once after a failure."""
        if failed:
            self.process.kill()
        elif self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _context_words(row: dict) -> list[str]:
    """Presidio's context: the words of the bot's question and of the requested slot."""
    words = re.findall(r"[a-z]+", row["bot_question"].lower())
    return words + (row.get("requested_slot") or "").split("_")


def measure(corpora: dict[str, list[dict]], python: Path, args: argparse.Namespace) -> dict:
    """Timed runs of every mode on every corpus, and the context-aware accuracy runs."""
    ours, presidio = Ours(), Presidio(python, args.presidio_threshold)
    try:
        measured = _measure(ours, presidio, corpora, args)
    except BaseException:
        presidio.close(failed=True)
        raise
    presidio.close()
    return measured


def _measure(ours: Ours, presidio: Presidio, corpora: dict[str, list[dict]],
             args: argparse.Namespace) -> dict:
    """The repetitions, corpus by corpus and mode by mode, then the context runs."""
    files = {n: _write_jsonl(OUT / f"texts-{n}.jsonl", [{"text": r["text"]} for r in rows])
             for n, rows in corpora.items()}
    runs: dict[str, dict[str, list[Timed]]] = {n: {m: [] for m in MODES} for n in corpora}
    for rep in range(args.repeat):
        for name, rows in corpora.items():
            texts = [r["text"] for r in rows]
            runs[name]["ours_single"].append(ours.single(texts))
            runs[name]["presidio_single"].append(presidio.run(files[name], "single"))
            runs[name]["ours_bulk"].append(ours.bulk(texts))
            runs[name]["presidio_bulk"].append(presidio.run(files[name], "bulk"))
            runs[name]["ours_cli"].append(ours.cli(files[name]))
        print(f">> repetition {rep + 1}/{args.repeat} done", file=sys.stderr, flush=True)
    context = {}
    for name, rows in corpora.items():
        asked = [r for r in rows if r.get("bot_question")]
        if not asked:
            continue
        ctx_file = _write_jsonl(OUT / f"context-{name}.jsonl",
                                [{"text": r["text"], "context": _context_words(r)} for r in asked])
        context[name] = {"rows": asked, "ours": ours.with_context(asked),
                         "presidio": presidio.run(ctx_file, "context").spans}
    return {"runs": runs, "context": context, "ours_takes_context": ours.takes_context}


def rate(runs: list[Timed], count: int, cpu: bool = False) -> float:
    """Messages per second, from the median wall-clock (or CPU) time of the repetitions."""
    return count / statistics.median(r.cpu if cpu else r.wall for r in runs)


def _tool_report(rows: list[dict], runs: dict[str, list[Timed]], tool: str) -> dict:
    n = len(rows)
    modes = [m for m in ("single", "bulk", "cli") if f"{tool}_{m}" in runs]
    report = score(rows, runs[f"{tool}_single"][0].spans)
    for mode in modes:
        timed = runs[f"{tool}_{mode}"]
        report[f"{mode}_mps"] = rate(timed, n)
        report[f"{mode}_cpu_mps"] = rate(timed, n, cpu=True)
        report.setdefault("wall_seconds", {})[mode] = [r.wall for r in timed]
        report.setdefault("agrees_with_single", {})[mode] = (
            timed[0].spans == runs[f"{tool}_single"][0].spans)
    return report


def build_report(corpora: dict[str, list[dict]], measured: dict, args: argparse.Namespace) -> dict:
    """Accuracy (first repetition) and speed (medians) of both tools, per corpus."""
    report: dict = {"date": time.strftime("%Y-%m-%d"), "repeat": args.repeat,
                    "presidio_threshold": args.presidio_threshold, "corpora": {}}
    for name, rows in corpora.items():
        runs = measured["runs"][name]
        entry = {"messages": len(rows), "tuning_free": TUNING_FREE[name],
                 "ours": _tool_report(rows, runs, "ours"),
                 "presidio": _tool_report(rows, runs, "presidio")}
        if name in measured["context"]:
            entry["answers"] = _answers(rows, runs, measured["context"][name])
        report["corpora"][name] = entry
    return report


def _answers(rows: list[dict], runs: dict[str, list[Timed]], ctx: dict) -> dict:
    """Caught shares of the messages that answer a bot question, without and with context."""
    asked = ctx["rows"]
    return {
        "messages": len(asked),
        "ours_text_only": score(asked, _subset(rows, asked, runs["ours_single"]))["caught"],
        "presidio_text_only": score(asked, _subset(rows, asked, runs["presidio_single"]))["caught"],
        "ours_with_context": None if ctx["ours"] is None else score(asked, ctx["ours"])["caught"],
        "presidio_with_context": score(asked, ctx["presidio"])["caught"],
    }


def _subset(rows: list[dict], subset: list[dict], runs: list[Timed]) -> list:
    index = {id(r): i for i, r in enumerate(rows)}
    return [runs[0].spans[index[id(r)]] for r in subset]


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="rasa-ethics vs Presidio PII benchmark")
    parser.add_argument("--corpus", default=",".join(CORPORA),
                        help=f"comma-separated corpora (default: {','.join(CORPORA)})")
    parser.add_argument("--messages", type=int, default=2000, help="generated corpus size")
    parser.add_argument("--seed", type=int, default=7, help="generated corpus seed")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions per mode")
    parser.add_argument("--quick", action="store_true",
                        help="one repetition and a 1000-message generated corpus")
    parser.add_argument("--presidio-threshold", type=float, default=0.4)
    args = parser.parse_args()
    args.corpus = [c.strip() for c in args.corpus.split(",") if c.strip()]
    unknown = sorted(set(args.corpus) - set(CORPORA))
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}; choose from {', '.join(CORPORA)}")
    if args.quick:
        args.repeat, args.messages = 1, min(args.messages, 1000)
    return args


def main() -> None:
    args = parse_args()
    python = ensure_venv()
    OUT.mkdir(parents=True, exist_ok=True)
    corpora = {name: load(name, python, args.messages, args.seed) for name in args.corpus}
    sizes = ", ".join(f"{n} {len(r)}" for n, r in corpora.items())
    print(f">> corpora: {sizes}; {args.repeat} repetition(s)", file=sys.stderr, flush=True)
    started = time.perf_counter()
    report = build_report(corpora, measure(corpora, python, args), args)
    report["bench_seconds"] = time.perf_counter() - started
    (OUT / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print_report(report)


if __name__ == "__main__":
    main()
