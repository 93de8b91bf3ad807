"""Build ``heldout.jsonl`` from the hand-written ``heldout.src.txt``.

The source keeps one message per line so that it can be read and reviewed; this script turns its
inline labels into character offsets.  Format of ``heldout.src.txt``:

- ``## kind``: the kind of the messages that follow (``person/no_cue``, ``neg/order``, ...);
- ``? question || slot``: the bot's previous question (and the requested slot) for the NEXT
  message only;
- ``- text``: a message with personal data, written plainly;
- ``~ text``: the same kinds of data with typos, odd spacing or separators inside values;
- ``x text``: a negative: no personal data (look-alikes only);
- ``[[type:value]]`` inside a message labels ``value``; ``\\n``, ``\\t``, ``\\uXXXX`` and ``\\\\``
  are escapes (for multi-line messages and control characters);
- ``#`` starts a comment line.

Each output line is ``{"id", "text", "spans": [{"start", "end", "type"}], "kind", "variant":
"direct"|"typo"|"negative", "bot_question"?, "requested_slot"?}``; offsets are code points.

    python bench/pii/data/build_heldout.py [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

__all__ = ["TYPES", "build", "parse"]

HERE = Path(__file__).resolve().parent
SOURCE, TARGET = HERE / "heldout.src.txt", HERE / "heldout.jsonl"
LABEL = re.compile(r"\[\[([a-z_]+):(.+?)\]\]")
ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|n|t|\\)")
VARIANTS = {"-": "direct", "~": "typo", "x": "negative"}
TYPES = frozenset({
    "person", "address", "email", "phone", "credit_card", "iban", "us_ssn", "uk_nino",
    "national_id", "bank_account", "routing_number", "drivers_license", "passport", "ip_address",
    "date_of_birth",
})


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return {"n": "\n", "t": "\t", "\\": "\\"}.get(code) or chr(int(code[1:], 16))

    return ESCAPE.sub(one, text)


def _message(body: str, where: str) -> tuple[str, list[dict]]:
    parts: list[str] = []
    spans: list[dict] = []
    length, pos = 0, 0
    for match in LABEL.finditer(body):
        literal = _unescape(body[pos : match.start()])
        value = _unescape(match.group(2))
        kind = match.group(1)
        if kind not in TYPES:
            sys.exit(f"{where}: unknown type {kind!r}")
        parts += [literal, value]
        start = length + len(literal)
        spans.append({"start": start, "end": start + len(value), "type": kind})
        length = start + len(value)
        pos = match.end()
    parts.append(_unescape(body[pos:]))
    return "".join(parts), spans


def parse(lines: list[str]) -> list[dict]:
    """Rows of the source, in order."""
    rows: list[dict] = []
    kind, context = "", None
    for number, line in enumerate(lines, 1):
        where = f"{SOURCE.name}:{number}"
        if not line.strip() or (line.startswith("#") and not line.startswith("## ")):
            continue
        if line.startswith("## "):
            kind = line[3:].strip()
            continue
        if line.startswith("? "):
            question, _, slot = line[2:].partition("||")
            context = {"bot_question": question.strip(), "requested_slot": slot.strip() or None}
            continue
        marker, body = line[:1], line[2:]
        if marker not in VARIANTS or line[1:2] != " ":
            sys.exit(f"{where}: a message line starts with '- ', '~ ' or 'x '")
        text, spans = _message(body.rstrip("\n"), where)
        variant = VARIANTS[marker]
        if (variant == "negative") == bool(spans):
            sys.exit(f"{where}: negatives carry no label, other messages at least one")
        row = {"id": f"h{len(rows) + 1:04d}", "text": text, "spans": spans, "kind": kind,
               "variant": variant}
        if context:
            row.update({k: v for k, v in context.items() if v})
            context = None
        rows.append(row)
    return rows


def _dump(row: dict) -> str:
    """One JSON line; invisible and control characters escaped so that a reviewer sees them."""
    text = json.dumps(row, ensure_ascii=False)
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c
        for c in text
    )


def build() -> str:
    """The JSON-lines text of the held-out set."""
    rows = parse(SOURCE.read_text(encoding="utf-8").splitlines())
    return "".join(_dump(row) + "\n" for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if heldout.jsonl is stale")
    args = parser.parse_args()
    text = build()
    if args.check:
        if TARGET.read_text(encoding="utf-8") != text:
            sys.exit("heldout.jsonl is out of date: run bench/pii/data/build_heldout.py")
        return
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10))} messages to {TARGET}")


if __name__ == "__main__":
    main()
