"""``rasa-ethics redact``: redact personal data in JSON lines read from stdin.

Input: one ``{"text": ...}`` object per line.  Output: one line per input line,
``{"text": <redacted>, "spans": [{"start", "end", "type"}]}``, offsets indexing the input text (in
Unicode code points).  A line that is not such an object gives ``{"line": N, "error": ...}`` on
stdout (so output lines stay aligned with input lines) and the same message on stderr; processing
goes on and the command exits 1 at the end.  Error messages never quote the input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["parse_line", "register", "run_redact"]

Parsed = tuple[int, str | None, str | None]  # line number, text, error


def register(subparsers: Any) -> None:
    """Add the ``redact`` sub-command."""
    parser = subparsers.add_parser(
        "redact",
        help="redact personal data in JSON lines (stdin -> stdout)",
        description='Read {"text": ...} JSON lines on stdin; write {"text", "spans"} JSON lines.',
    )
    parser.add_argument(
        "--policy", metavar="FILE", help="policy YAML (default: $RASA_ETHICS_POLICY)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="add score, recognizer and reason to each span; print counts per recognizer to stderr",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="lines per spaCy batch (default 256; 1 when stdin is a terminal)",
    )
    parser.set_defaults(handler=run_redact)


def run_redact(args: argparse.Namespace) -> int:
    """Redact stdin to stdout; exit 1 if any line was not valid input."""
    _without_tensorflow()  # only in the CLI process: a host process may well need TensorFlow
    return redact_stream(sys.stdin, sys.stdout, sys.stderr, args)


def redact_stream(stdin: TextIO, stdout: TextIO, stderr: TextIO, args: argparse.Namespace) -> int:
    """The command's work on explicit streams (the testable core)."""
    from rasa_ethics.pii import PIIEngine
    from rasa_ethics.policy import load_policy

    engine = PIIEngine.from_policy(load_policy(args.policy))
    batch_size = args.batch_size or (1 if stdin.isatty() else 256)
    bad, fired = 0, Counter[str]()
    for batch in _batches(stdin, max(1, batch_size)):
        texts = [text for _, text, _ in batch if text is not None]
        results = iter(engine.redact_many(texts, batch_size=len(texts) or 1))
        for number, _text, error in batch:
            if error is not None:
                bad += 1
                print(f"line {number}: {error}", file=stderr)
                record: dict[str, Any] = {"line": number, "error": error}
            else:
                result = next(results)
                record = result.to_dict(explain=args.explain)
                fired.update(f"{s.type} by {s.recognizer}" for s in result.spans)
            stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        stdout.flush()
    if args.explain:
        for key, count in sorted(fired.items()):
            print(f"explain: {count} x {key}", file=stderr)
    if bad:
        print(f"rasa-ethics redact: {bad} line(s) were not valid input", file=stderr)
    return 1 if bad else 0


def parse_line(number: int, line: str) -> Parsed:
    """``(number, text, None)`` for a valid line, ``(number, None, message)`` otherwise."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return number, None, f"invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return number, None, 'expected a JSON object with a string "text" field'
    return number, data["text"], None


def _batches(stream: TextIO, size: int) -> Iterator[list[Parsed]]:
    batch: list[Parsed] = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        batch.append(parse_line(number, line))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _without_tensorflow() -> None:
    """Keep thinc from importing TensorFlow, which redaction never uses.

    thinc (spaCy's ML library) imports TensorFlow at import time when it is installed
    (``thinc/compat.py``), and Rasa installs it: that alone costs about 3 s of start-up.  A
    ``None`` entry in ``sys.modules`` makes that import fail fast, which thinc handles.
    """
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]
