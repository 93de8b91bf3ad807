"""Load policy files: YAML with positions, ``extends`` inheritance and schema validation."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import yaml
from pydantic import ValidationError

from rasa_ethics.policy.errors import PolicyError, PolicyIssue
from rasa_ethics.policy.schema import PolicyDocument

__all__ = ["ENV_VAR", "LoadedPolicy", "bundled_policy_path", "load_policy", "resolve_policy_path"]

ENV_VAR = "RASA_ETHICS_POLICY"
KeyPath = Tuple[Union[str, int], ...]


def bundled_policy_path() -> Path:
    """The default policy shipped with the package."""
    return Path(__file__).resolve().parent.parent / "resources" / "default.yml"


def resolve_policy_path(explicit: Optional[Union[str, Path]] = None) -> Path:
    """Explicit path, else ``$RASA_ETHICS_POLICY``, else the bundled default."""
    chosen = explicit or os.environ.get(ENV_VAR)
    return Path(chosen) if chosen else bundled_policy_path()


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy, with the files it came from and a version hash for audit records."""

    document: PolicyDocument
    files: Tuple[Path, ...]
    version_hash: str
    mtimes: Tuple[float, ...] = field(default=(), compare=False)

    @property
    def path(self) -> Path:
        """The file that was loaded (the most derived one)."""
        return self.files[0]

    def is_stale(self) -> bool:
        """True when any file in the ``extends`` chain changed on disk since loading."""
        try:
            return tuple(f.stat().st_mtime for f in self.files) != self.mtimes
        except OSError:
            return True

    def __getattr__(self, name: str) -> Any:
        # Sections read naturally: policy.handoff.text
        return getattr(self.document, name)


@dataclass
class _Source:
    path: Path
    data: Dict[str, Any]
    marks: Dict[KeyPath, Tuple[int, int, int, int]]  # key line/col, value line/col


def load_policy(path: Optional[Union[str, Path]] = None) -> LoadedPolicy:
    """Load and validate a policy file; raise :class:`PolicyError` naming file, line and key."""
    chain = _load_chain(resolve_policy_path(path), [])
    merged: Dict[str, Any] = {}
    for source in reversed(chain):
        merged = _deep_merge(merged, source.data)
    merged.pop("extends", None)
    try:
        document = PolicyDocument.parse_obj(merged)
    except ValidationError as exc:
        issues = sorted((_locate(e, chain) for e in exc.errors()), key=lambda i: (i.line, i.column))
        raise PolicyError(issues) from None
    canonical = json.dumps(json.loads(document.json()), sort_keys=True, ensure_ascii=False)
    files = tuple(s.path for s in chain)
    return LoadedPolicy(
        document=document,
        files=files,
        version_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16],
        mtimes=tuple(f.stat().st_mtime for f in files),
    )


def _load_chain(path: Path, seen: List[Path]) -> List[_Source]:
    source = _read(path.resolve())
    parent = source.data.get("extends")
    if parent is None:
        return [source]
    line, col = _value_mark(source, ("extends",))
    if not isinstance(parent, str) or not parent.strip():
        raise PolicyError([_issue(source, line, col, "extends", "must be a file name")])
    parent_path = (source.path.parent / parent).resolve()
    if parent_path in seen + [source.path]:
        msg = f"'{parent}' extends itself in a cycle"
        raise PolicyError([_issue(source, line, col, "extends", msg)])
    if not parent_path.is_file():
        msg = f"file '{parent}' not found (looked for {parent_path})"
        raise PolicyError([_issue(source, line, col, "extends", msg)])
    return [source] + _load_chain(parent_path, seen + [source.path])


def _read(path: Path) -> _Source:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError([PolicyIssue(_display(path), 1, 1, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read file: {exc}"
        raise PolicyError([PolicyIssue(_display(path), 1, 1, "", msg)]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, col, message = _yaml_error_position(exc, text)
        key_path = _key_path_at(text, line)
        raise PolicyError([PolicyIssue(_display(path), line, col, key_path, message)]) from None
    source = _Source(path, {} if data is None else data, {})
    if not isinstance(source.data, dict):
        message = "a policy file must be a mapping of sections (disclosure:, handoff:, ...)"
        raise PolicyError([PolicyIssue(_display(path), 1, 1, "", message)])
    if node is not None:
        _collect_marks(node, (), source.marks)
    return source


def _yaml_error_position(exc: yaml.YAMLError, text: str) -> Tuple[int, int, str]:
    """Line, column and message of a YAML error, whatever stage of PyYAML raised it."""
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        return line, col, f"invalid YAML: character {exc.character!r} is not allowed"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    hint = " (check the indentation)" if "block" in problem or "mapping values" in problem else ""
    return line, col, f"invalid YAML: {problem}{hint}"


def _key_path_at(text: str, line_no: int) -> str:
    """Best-effort key path of a line in a file that does not parse, from its indentation."""
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
    return ".".join(key for _, key in stack)


def _collect_marks(node: yaml.Node, prefix: KeyPath, marks: Dict[KeyPath, Any]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = prefix + (str(key_node.value),)
            k, v = key_node.start_mark, value_node.start_mark
            marks[path] = (k.line + 1, k.column + 1, v.line + 1, v.column + 1)
            _collect_marks(value_node, path, marks)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            m = item.start_mark
            marks[prefix + (index,)] = (m.line + 1, m.column + 1, m.line + 1, m.column + 1)
            _collect_marks(item, prefix + (index,), marks)


def _deep_merge(base: Dict[str, Any], override: Dict[str, Any]) -> Dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _locate(error: Any, chain: List[_Source]) -> PolicyIssue:
    loc: KeyPath = tuple(p for p in error["loc"] if p != "__root__")
    unknown_key = error["type"] == "value_error.extra"
    message = (
        "unknown key (check the spelling; see `rasa-ethics schema`)"
        if unknown_key
        else error["msg"]
    )
    key_path = ".".join(str(p) for p in loc)
    # Report against the most derived file that mentions the key, else the nearest parent key.
    for depth in range(len(loc), -1, -1):
        for source in chain:
            mark = source.marks.get(loc[:depth])
            if mark:
                line, col = (mark[0], mark[1]) if unknown_key else (mark[2], mark[3])
                return _issue(source, line, col, key_path, message)
    return _issue(chain[0], 1, 1, key_path, message)


def _value_mark(source: _Source, key: KeyPath) -> Tuple[int, int]:
    mark = source.marks.get(key, (1, 1, 1, 1))
    return mark[2], mark[3]


def _issue(source: _Source, line: int, col: int, key_path: str, message: str) -> PolicyIssue:
    return PolicyIssue(_display(source.path), line, col, key_path, message)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
