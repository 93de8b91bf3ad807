"""Round-trip edits of the host's YAML files that leave every line init does not touch as it was.

ruamel.yaml keeps comments, quotes and key order, but it writes every block sequence with one
indentation.  A bot whose lists start at the key's column (``pipeline:`` then ``- name: ...``)
would get every list item moved two columns, so the indentation is read from the file first
(:func:`detect_indent`) and the file is written back in its own style.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, List, Optional, Tuple

from rasa.shared.exceptions import RasaException
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

__all__ = ["AdoptionError", "Change", "YamlFile", "append", "comment", "detect_indent", "edit"]

# Rasa's own files (``rasa init``) indent mappings by 2 and put list dashes 2 columns in.
DEFAULT_INDENT = (2, 2)
_CONTENT = re.compile(r"^( *)(- +)?([^#\s].*)$")
_OPENS_BLOCK = re.compile(r"^[^#'\"\[{|>]*:\s*(#.*)?$")


class AdoptionError(RasaException):
    """The folder cannot be adopted, with what to do about it."""


@dataclass
class Change:
    """One thing ``init`` did, for the report it prints."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


@dataclass
class YamlFile:
    """One YAML file loaded for editing, and what it looked like before."""

    path: Path
    yaml: YAML
    data: Any
    original: str
    changes: List[str] = field(default_factory=list)
    prefix: str = ""  # a file of comments only loads as nothing: keep its text in front

    def dump(self) -> str:
        """The file's new text (its original text if nothing was put into it)."""
        buffer = io.StringIO()
        if self.data:
            self.yaml.dump(self.data, buffer)
        if self.prefix and buffer.getvalue():
            return self.prefix.rstrip("\n") + "\n\n" + buffer.getvalue()
        return buffer.getvalue() or self.original


def edit(path: Path, editor: Callable[[Any], List[str]]) -> List[Change]:
    """Load ``path``, let ``editor`` change it, and write it only if its text really changed."""
    handle = load(path)
    whats = editor(handle.data)
    text = handle.dump()
    if not whats or text == handle.original:
        return []
    path.write_text(text, encoding="utf-8")
    return [Change(path.name, what) for what in whats]


def load(path: Path) -> YamlFile:
    """``path`` as a round-trip mapping (empty if the file is missing or holds only comments)."""
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]  # ruamel's annotations say None
    yaml.width = 4096  # type: ignore[assignment]  # never re-wrap a long line
    mapping, offset = detect_indent(original)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    if original.lstrip().startswith("---"):
        yaml.explicit_start = True  # type: ignore[assignment]
    try:
        data = yaml.load(original) if original.strip() else None
    except Exception as exc:  # ruamel's errors name the line and column
        msg = f"{path}: not valid YAML: {exc}"
        raise AdoptionError(msg) from exc
    prefix = original if data is None else ""
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        msg = f"{path}: expected a YAML mapping at the top level"
        raise AdoptionError(msg)
    return YamlFile(path, yaml, data, original, prefix=prefix)


def detect_indent(text: str) -> Tuple[int, int]:
    """(mapping indent, dash offset) most used in ``text``; Rasa's style if it has no blocks.

    For each line that opens a block (``key:`` with nothing after it), the next content line
    shows the style: a dash at the key's column is offset 0 (``pipeline:`` / ``- name: x``), two
    columns in is offset 2; a nested key shows the mapping indent.
    """
    mappings: Counter = Counter()
    offsets: Counter = Counter()
    opener: Optional[int] = None  # column of the key whose block starts on the next line
    for line in text.splitlines():
        match = _CONTENT.match(line)
        if not match:
            continue  # blank, or a comment
        indent, dash, rest = len(match.group(1)), match.group(2), match.group(3)
        if opener is not None:
            if dash:
                offsets[indent - opener] += 1
            elif indent > opener:
                mappings[indent - opener] += 1
        column = indent + len(dash or "")
        opener = column if _OPENS_BLOCK.match(rest) else None
    mapping = _most_common(mappings, DEFAULT_INDENT[0], allowed=range(1, 9))
    offset = _most_common(offsets, DEFAULT_INDENT[1], allowed=range(0, mapping + 1))
    return mapping, offset


def _most_common(counts: Counter, default: int, allowed: range) -> int:
    for value, _ in counts.most_common():
        if value in allowed:
            return int(value)
    return default


def comment(mapping: CommentedMap, key: str, text: str) -> None:
    """A blank line and a comment line above a key that init added."""
    mapping.yaml_set_comment_before_after_key(key, before=f"\n{text}")


def append(items: CommentedSeq, item: CommentedMap) -> None:
    """Append to a block sequence, moving the blank lines/comments that trailed the old last item.

    ruamel attaches what follows a sequence (e.g. the blank line before the next key) to its last
    element; without this the new item would land after that gap.
    """
    last = items[-1] if items else None
    if isinstance(last, CommentedMap) and last:
        last_key = list(last.keys())[-1]
        entry = last.ca.items.get(last_key)
        if entry and len(entry) > 2 and entry[2] is not None:
            trailer, entry[2] = entry[2], None
            items.append(item)
            item.ca.items[list(item.keys())[-1]] = [None, None, trailer, None]
            return
    items.append(item)
