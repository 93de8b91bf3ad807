"""The bot's own NLU examples, read with Rasa's loader from a file or a folder of files."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

__all__ = ["Example", "read_examples", "sample"]


@dataclass(frozen=True)
class Example:
    """One training example: its text (entity markup removed), its intent and its file."""

    text: str
    intent: str
    source: str


def read_examples(data: Path) -> List[Example]:
    """Every intent example in ``data`` (a file, or a folder searched recursively), in file order;
    a text listed twice is kept once."""
    from rasa.shared.data import is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data

    files = [data] if data.is_file() else sorted(p for p in data.rglob("*") if p.is_file())
    examples: List[Example] = []
    seen = set()
    for path in files:
        if not is_nlu_file(str(path)):
            continue
        for message in load_data(str(path)).intent_examples:
            text = message.get("text")
            if text and text not in seen:
                seen.add(text)
                examples.append(Example(text, message.get("intent"), str(path)))
    return examples


def sample(examples: List[Example], limit: Optional[int], seed: int) -> List[Example]:
    """At most ``limit`` of ``examples``, drawn with ``seed`` and kept in their order."""
    if limit is None or limit >= len(examples):
        return examples
    chosen = set(random.Random(seed).sample(range(len(examples)), limit))
    return [e for i, e in enumerate(examples) if i in chosen]
