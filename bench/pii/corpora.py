"""The benchmark's three labelled corpora, each loaded as a list of rows.

- ``generated``: the team's own corpus, filled from ``templates.py`` by ``make_corpus.py``;
- ``public``: Presidio-research's synthetic sentences (``public_corpus.py``), written by nobody
  on the team;
- ``heldout``: ``data/heldout.jsonl``, hand-written support messages, never tuned on.

A row is ``{"id", "text", "spans", "ignore"?, "kind"?, "variant"?, "bot_question"?,
"requested_slot"?}`` (see ``metrics.py`` for how each field is scored).  Generated files go to
``bench/out/`` (git-ignored).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from environment import BENCH_DIR, ensure_evaluator

__all__ = ["CORPORA", "TUNING_FREE", "load"]

OUT = BENCH_DIR.parent / "out"
CORPORA = ("generated", "public", "heldout")
# Sets that no detector has been tuned on (README.md, "The corpora").
TUNING_FREE = {"generated": False, "public": True, "heldout": True}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def _generated(python: Path, messages: int, seed: int) -> Path:
    corpus = OUT / f"generated-{messages}-{seed}.jsonl"
    if not corpus.exists():
        args = [str(python), str(BENCH_DIR / "make_corpus.py"), "--out", str(corpus)]
        args += ["--messages", str(messages), "--seed", str(seed)]
        subprocess.run(args, check=True, cwd=BENCH_DIR, stdout=sys.stderr)
    return corpus


def _public(python: Path) -> Path:
    corpus = OUT / "public.jsonl"
    evaluator = ensure_evaluator(python)
    if not corpus.exists() or corpus.stat().st_mtime < (evaluator / ".extracted").stat().st_mtime:
        args = [str(python), str(BENCH_DIR / "public_corpus.py"), "--evaluator", str(evaluator)]
        subprocess.run([*args, "--out", str(corpus)], check=True, capture_output=True)
    return corpus


def load(name: str, python: Path, messages: int = 2000, seed: int = 7) -> list[dict]:
    """Rows of corpus ``name``, generating its file first when needed."""
    if name == "generated":
        return _read(_generated(python, messages, seed))
    if name == "public":
        return _read(_public(python))
    if name == "heldout":
        return _read(BENCH_DIR / "data" / "heldout.jsonl")
    msg = f"unknown corpus {name!r}; choose from {', '.join(CORPORA)}"
    raise ValueError(msg)
