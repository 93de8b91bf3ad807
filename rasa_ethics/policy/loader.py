"""Load policy files: YAML with positions, ``extends`` inheritance and schema validation.

Reading is bounded (see :mod:`rasa_ethics.policy.schema_limits`) and confined (see
:mod:`rasa_ethics.policy._chain`), and whatever goes wrong while loading, even an exception
nobody foresaw, ends as a :class:`PolicyError` with a file, line and column.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import yaml
from pydantic import ValidationError

from rasa_ethics.policy._chain import KeyPath, Source, display, read_chain, safe_key
from rasa_ethics.policy._yaml import fingerprint
from rasa_ethics.policy.errors import PolicyError, PolicyIssue
from rasa_ethics.policy.schema import PolicyDocument
from rasa_ethics.policy.schema_limits import LimitsConfig

__all__ = [
    "ENV_VAR",
    "LoadAttempt",
    "LoadedPolicy",
    "attempt_load",
    "bundled_policy_path",
    "load_policy",
    "resolve_policy_path",
]

ENV_VAR = "RASA_ETHICS_POLICY"
_SECTIONS = frozenset(PolicyDocument.__fields__) - {"version", "extends_dirs", "name"}


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
    fingerprints: Tuple[str, ...] = field(default=(), compare=False)

    @property
    def path(self) -> Path:
        """The file that was loaded (the most derived one)."""
        return self.files[0]

    def is_stale(self) -> bool:
        """True when any file in the ``extends`` chain changed on disk since loading."""
        return tuple(fingerprint(f) for f in self.files) != self.fingerprints

    def __getattr__(self, name: str) -> Any:
        # Sections read naturally: policy.handoff.text
        return getattr(self.document, name)


@dataclass(frozen=True)
class LoadAttempt:
    """One reading of a policy: the policy or the error, and the version of each file read."""

    result: Union[LoadedPolicy, PolicyError]
    versions: Tuple[Tuple[Path, str], ...]

    def unchanged(self) -> bool:
        """True while every file read still holds what was read (content, not mtime)."""
        return all(fingerprint(path) == version for path, version in self.versions)


def load_policy(path: Optional[Union[str, Path]] = None) -> LoadedPolicy:
    """Load and validate a policy file; raise :class:`PolicyError` naming file, line and key."""
    result = attempt_load(path).result
    if isinstance(result, PolicyError):
        raise result
    return result


def attempt_load(path: Optional[Union[str, Path]] = None) -> LoadAttempt:
    """Load a policy, never raising: any failure becomes a :class:`PolicyError` result."""
    root = resolve_policy_path(path).resolve()
    read: List[Tuple[Path, str]] = []
    result: Union[LoadedPolicy, PolicyError]
    try:
        result = _load(root, read)
    except PolicyError as exc:
        result = exc.with_traceback(None)  # the frames hold the file's text
    except Exception as exc:  # RecursionError, MemoryError, a bug: keep it out of every turn
        where = read[-1][0] if read else root
        msg = f"the policy could not be loaded ({type(exc).__name__}); check the file's structure"
        result = PolicyError([PolicyIssue(display(where), 1, 1, "", msg)])
    return LoadAttempt(result, tuple(read))


def _load(root: Path, read: List[Tuple[Path, str]]) -> LoadedPolicy:
    chain = read_chain(root, read, _SECTIONS)
    _check_limits(chain)
    merged: Dict[str, Any] = {}
    for source in reversed(chain):
        _collect_marks(source.node, (), source.marks)
        merged = _deep_merge(merged, source.data)
    merged.pop("extends", None)
    try:
        document = PolicyDocument.parse_obj(merged)
    except ValidationError as exc:
        issues = sorted((_locate(e, chain) for e in exc.errors()), key=lambda i: (i.line, i.column))
        raise PolicyError(issues) from None
    canonical = json.dumps(json.loads(document.json()), sort_keys=True, ensure_ascii=False)
    return LoadedPolicy(
        document=document,
        files=tuple(s.path for s in chain),
        version_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16],
        fingerprints=tuple(version for _, version in read),
    )


def _check_limits(chain: List[Source]) -> None:
    """Hold each file to the policy's ``limits:`` (an invalid section is reported later)."""
    merged: Dict[str, Any] = {}
    for source in reversed(chain):
        section = source.data.get("limits")
        merged.update(section if isinstance(section, dict) else {})
    try:
        limits = LimitsConfig.parse_obj(merged)
    except ValidationError:
        return
    issues = [issue for source in chain for issue in _over_limits(source, limits)]
    if issues:
        raise PolicyError(issues)


def _over_limits(source: Source, limits: LimitsConfig) -> List[PolicyIssue]:
    stats, name = source.stats, display(source.path)
    if stats.size > limits.max_file_bytes:
        msg = f"the file is {stats.size} bytes, more than limits.max_file_bytes"
        return [PolicyIssue(name, 1, 1, "", f"{msg} ({limits.max_file_bytes})")]
    if len(stats.depth_marks) > limits.max_depth:
        line, col = stats.depth_marks[limits.max_depth]
        msg = f"nested deeper than limits.max_depth ({limits.max_depth} levels)"
        return [PolicyIssue(name, line, col, "", msg)]
    if len(stats.alias_marks) > limits.max_aliases:
        line, col = stats.alias_marks[limits.max_aliases]
        msg = f"more aliases than limits.max_aliases ({limits.max_aliases})"
        return [PolicyIssue(name, line, col, "", msg)]
    if stats.nodes > limits.max_nodes:
        msg = f"{stats.nodes} values once aliases are expanded, more than limits.max_nodes"
        return [PolicyIssue(name, 1, 1, "", f"{msg} ({limits.max_nodes})")]
    return []


def _collect_marks(node: Optional[yaml.Node], prefix: KeyPath, marks: Dict[KeyPath, Any]) -> None:
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


def _locate(error: Any, chain: List[Source]) -> PolicyIssue:
    loc: KeyPath = tuple(p for p in error["loc"] if p != "__root__")
    unknown_key = error["type"] == "value_error.extra"
    message = (
        "unknown key (check the spelling; see `rasa-ethics schema`)"
        if unknown_key
        else error["msg"]
    )
    key_path = ".".join(safe_key(p) for p in loc)
    # Report against the most derived file that mentions the key, else the nearest parent key.
    for depth in range(len(loc), -1, -1):
        for source in chain:
            mark = source.marks.get(loc[:depth])
            if mark:
                line, col = (mark[0], mark[1]) if unknown_key else (mark[2], mark[3])
                return PolicyIssue(display(source.path), line, col, key_path, message)
    return PolicyIssue(display(chain[0].path), 1, 1, key_path, message)
