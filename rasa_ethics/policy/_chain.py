"""A policy's ``extends`` chain: each file read within the limits, and only where it may be.

``extends:`` names a ``.yml``/``.yaml`` file inside the folder of the policy that is loaded, or
inside a folder that policy lists under ``extends_dirs:``.  Anything else (``/proc/self/environ``,
``../credentials.yml``, a ``.yml`` link to another file) is refused before it is opened, and a
parent that turns out not to be a policy is reported in one line that quotes none of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import yaml

from rasa_ethics.policy._yaml import FileStats, LimitExceeded, parse, read_capped
from rasa_ethics.policy.errors import PolicyError, PolicyIssue
from rasa_ethics.policy.schema_limits import HARD_MAX_FILE_BYTES

__all__ = ["KeyPath", "Source", "display", "read_chain", "safe_key"]

KeyPath = Tuple[Union[str, int], ...]
Version = Tuple[Path, str]  # a file and the fingerprint of what was read from it
POLICY_SUFFIXES = (".yml", ".yaml")
# Keys echoed in messages must look like keys: a file that is not a policy has no say in them.
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")


@dataclass
class Source:
    """One file of the chain: its data, the root node (for positions) and its measurements."""

    path: Path
    data: Dict[str, Any]
    node: Optional[yaml.Node]
    stats: FileStats
    marks: Dict[KeyPath, Tuple[int, int, int, int]] = field(default_factory=dict)


def read_chain(root: Path, read: List[Version], sections: frozenset) -> List[Source]:
    """The policy at ``root`` and its parents, most derived first.

    Every file version read is appended to ``read`` (so a caller can tell when any changed), and
    ``sections`` (the top-level keys of the schema) tell a parent policy from another YAML file.
    """
    chain = [_read(root, read)]
    allowed = [root.parent, *_allowed_dirs(chain[0])]
    while True:
        parent = _parent_of(chain[-1], allowed, [s.path for s in chain], read)
        if parent is None:
            return chain
        source = _read(parent, read)
        _check_parent(source, sections, chain[0].path)
        chain.append(source)


def safe_key(part: Union[str, int]) -> str:
    """``part`` for a message if it looks like a key, else a placeholder."""
    text = str(part)
    return text if isinstance(part, int) or _KEY.fullmatch(text) else "<key>"


def display(path: Path) -> str:
    """``path`` relative to the working folder where possible (as the designer typed it)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read(path: Path, read: List[Version]) -> Source:
    try:
        data, version, size = read_capped(path)
    except FileNotFoundError:
        read.append((path, "missing"))
        raise _error(path, 1, 1, "", "file not found") from None
    except OSError as exc:
        raise _error(path, 1, 1, "", f"cannot read file: {exc.strerror or exc}") from None
    read.append((path, version))
    if data is None:
        msg = (
            f"the file is {size} bytes, more than any policy may have ({HARD_MAX_FILE_BYTES} "
            "bytes, the hard cap of limits.max_file_bytes)"
        )
        raise _error(path, 1, 1, "", msg)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(path, 1, 1, "", f"cannot read file: not UTF-8 (byte {exc.start})") from None
    try:
        value, node, stats = parse(text, size)
    except yaml.YAMLError as exc:
        line, col, message = _yaml_error_position(exc, text)
        raise _error(path, line, col, _key_path_at(text, line), message) from None
    if value is None or value == {}:
        msg = "the file is empty; a policy needs at least one setting, e.g. `name: my-bot`"
        raise _error(path, 1, 1, "", msg)
    if not isinstance(value, dict):
        message = "a policy file must be a mapping of sections (disclosure:, handoff:, ...)"
        raise _error(path, 1, 1, "", message)
    return Source(path, value, node, stats)


def _allowed_dirs(root: Source) -> List[Path]:
    folders = root.data.get("extends_dirs")
    if folders is None:
        return []
    if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
        line, col = value_mark(root, "extends_dirs")
        raise _error(root.path, line, col, "extends_dirs", "must be a list of folders")
    return [(root.path.parent / folder).resolve() for folder in folders]


def _parent_of(
    source: Source, allowed: List[Path], seen: List[Path], read: List[Version]
) -> Optional[Path]:
    parent = source.data.get("extends")
    if parent is None:
        return None
    line, col = value_mark(source, "extends")

    def refuse(message: str) -> PolicyError:
        return _error(source.path, line, col, "extends", message)

    if not isinstance(parent, str) or not parent.strip():
        raise refuse("must be a file name")
    path = (source.path.parent / parent).resolve()
    if not parent.lower().endswith(POLICY_SUFFIXES) or path.suffix.lower() not in POLICY_SUFFIXES:
        raise refuse(f"'{parent}' is not a policy file: extends takes a .yml or .yaml file")
    if not any(path.is_relative_to(folder) for folder in allowed):
        raise refuse(
            f"'{parent}' is outside the policy's folder {allowed[0]}; to allow its folder, list "
            f"it in {seen[0].name}:\n  extends_dirs: [{path.parent}]"
        )
    if path in seen:
        raise refuse(f"'{parent}' extends itself in a cycle")
    if not path.is_file():
        read.append((path, "missing"))
        raise refuse(f"file '{parent}' not found (looked for {path})")
    return path


def _check_parent(source: Source, sections: frozenset, root: Path) -> None:
    if "extends_dirs" in source.data:
        line, col = value_mark(source, "extends_dirs")
        msg = f"only the policy that is loaded ({root.name}) may list extends_dirs"
        raise _error(source.path, line, col, "extends_dirs", msg)
    if not sections & set(source.data):
        msg = (
            f"{source.path.name} is not a rasa-ethics policy: none of its top-level keys is a "
            "policy section, so none of it is shown"
        )
        raise _error(source.path, 1, 1, "", msg)


def value_mark(source: Source, key: str) -> Tuple[int, int]:
    """Line and column of a top-level value, found without walking the whole document."""
    if isinstance(source.node, yaml.MappingNode):
        for key_node, value_node in source.node.value:
            if key_node.value == key:
                return value_node.start_mark.line + 1, value_node.start_mark.column + 1
    return 1, 1


def _yaml_error_position(exc: yaml.YAMLError, text: str) -> Tuple[int, int, str]:
    """Line, column and message of a YAML error, whatever stage of PyYAML raised it."""
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        return line, col, f"invalid YAML: character {exc.character!r} is not allowed"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "unreadable"
    if isinstance(exc, LimitExceeded):
        return line, col, problem
    context = f"{problem} {getattr(exc, 'context', '') or ''}"
    hint = " (check the indentation)" if "block" in context or "mapping values" in context else ""
    return line, col, f"invalid YAML: {problem}{hint}"


def _key_path_at(text: str, line_no: int) -> str:
    """Best-effort key path of a line in a file that does not parse, from its indentation.

    Only names that look like keys are kept: the line may be anything (``KEY=secret:...``).
    """
    stack: List[Tuple[int, str]] = []
    for line in text.splitlines()[:line_no]:
        stripped = line.lstrip(" ")
        key = stripped.split(":", 1)[0].strip()
        if not stripped or stripped.startswith(("#", "-")) or ":" not in stripped or " " in key:
            continue
        indent = len(line) - len(stripped)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
    keys = [key for _, key in stack]
    bad = next((i for i, key in enumerate(keys) if safe_key(key) != key), len(keys))
    return ".".join(keys[:bad])


def _error(path: Path, line: int, col: int, key_path: str, message: str) -> PolicyError:
    return PolicyError([PolicyIssue(display(path), line, col, key_path, message)])
