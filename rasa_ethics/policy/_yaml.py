"""Reading one policy file within the hard caps of :mod:`rasa_ethics.policy.schema_limits`.

PyYAML alone has no limits: an alias bomb expands to a billion values, a list nested 5,000 deep
overflows the recursion limit, and a 60,000-part base-60 number takes seconds to convert.  Here
the C parser (libyaml) reads the events, a Python composer counts depth, values and aliases as it
builds the nodes and stops at the first cap, and alias expansion is measured on the node graph
before anything walks the expanded tree.  The file is never read past the size cap.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.resolver import Resolver

from rasa_ethics.policy.schema_limits import (
    HARD_MAX_ALIASES,
    HARD_MAX_DEPTH,
    HARD_MAX_FILE_BYTES,
    HARD_MAX_NODES,
    HARD_MAX_NUMBER_CHARS,
)

__all__ = ["FileStats", "LimitExceeded", "NotAFile", "fingerprint", "parse", "read_capped"]

Position = Tuple[int, int]  # 1-based line and column
_TOO_DEEP = f"nested deeper than {HARD_MAX_DEPTH} levels, the hard cap of limits.max_depth"
_TOO_MANY_ALIASES = f"more than {HARD_MAX_ALIASES} aliases, the hard cap of limits.max_aliases"
_TOO_MANY_VALUES = (
    f"more than {HARD_MAX_NODES} values once aliases are expanded, the hard cap of limits.max_nodes"
)

if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser as _Events  # scanning and parsing in C: about 20x faster
else:  # pragma: no cover - every PyYAML wheel we pin has libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Events(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class LimitExceeded(yaml.MarkedYAMLError):
    """A file goes past a limit; ``problem`` says which, ``problem_mark`` where."""


class NotAFile(OSError):
    """The path is a directory, a pipe or a device, not a regular file."""


@dataclass
class FileStats:
    """What reading one file measured, to hold it to the policy's ``limits:`` afterwards."""

    size: int
    nodes: int = 0  # values after alias expansion
    depth_marks: List[Position] = field(default_factory=list)  # first value at each depth
    alias_marks: List[Position] = field(default_factory=list)


def read_capped(path: Path) -> Tuple[Optional[bytes], str, int]:
    """The file's bytes (None past the size cap), a fingerprint of its version, and its size.

    Raises ``OSError`` (``NotAFile`` for anything but a regular file).  Opening does not block on
    a pipe, and at most the cap plus one byte is read, whatever ``stat`` claims (``/proc`` files
    say 0).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(f"{path} is not a regular file")
        if info.st_size > HARD_MAX_FILE_BYTES:
            return None, f"size:{info.st_size}:{info.st_mtime_ns}", info.st_size
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(HARD_MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > HARD_MAX_FILE_BYTES:
        return None, f"size:{len(data)}:{info.st_mtime_ns}", len(data)
    return data, hashlib.sha256(data).hexdigest(), len(data)


def fingerprint(path: Path) -> str:
    """The version of ``path`` on disk now (content hash; or why it cannot be read)."""
    try:
        return read_capped(path)[1]
    except FileNotFoundError:
        return "missing"
    except NotAFile:
        return "not-a-file"
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def parse(text: str, size: int) -> Tuple[Any, Optional[yaml.Node], FileStats]:
    """The data, the root node (for positions) and the measurements of one YAML document.

    Raises ``yaml.YAMLError``; :class:`LimitExceeded` when a hard cap is passed.
    """
    loader = _BoundedLoader(text, FileStats(size))
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None, loader.stats
        _Expansion(loader.stats).measure(node, 1)
        return loader.construct_document(node), node, loader.stats
    finally:
        loader.dispose()


def _position(mark: Any) -> Position:
    return mark.line + 1, mark.column + 1


class _BoundedLoader(Composer, _Events, SafeConstructor, Resolver):  # type: ignore[misc]
    """SafeLoader's behaviour, counting as it composes (``Composer`` wins over the C composer)."""

    def __init__(self, text: str, stats: FileStats) -> None:
        _Events.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.stats = stats
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark
        self._depth += 1
        try:
            if self._depth > len(self.stats.depth_marks):
                self.stats.depth_marks.append(_position(mark))
            if self._depth > HARD_MAX_DEPTH:
                raise _exceeded(mark, _TOO_DEEP)
            if self.check_event(AliasEvent):
                self.stats.alias_marks.append(_position(mark))
                if len(self.stats.alias_marks) > HARD_MAX_ALIASES:
                    raise _exceeded(mark, _TOO_MANY_ALIASES)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        return super().construct_yaml_int(_short_number(node))

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        return super().construct_yaml_float(_short_number(node))


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)
_BoundedLoader.add_constructor("tag:yaml.org,2002:float", _BoundedLoader.construct_yaml_float)


def _short_number(node: yaml.ScalarNode) -> yaml.ScalarNode:
    if len(node.value) > HARD_MAX_NUMBER_CHARS:
        problem = f"a number of more than {HARD_MAX_NUMBER_CHARS} characters"
        raise ConstructorError(None, None, problem, node.start_mark)
    return node


class _Expansion:
    """Values and depth of the tree the node graph stands for, once aliases are expanded.

    Aliases share nodes, so the graph is small even when the tree is huge: each node is measured
    once (memoised), and a node that contains itself is refused before it can loop anything.
    """

    def __init__(self, stats: FileStats) -> None:
        self.stats = stats
        self.done: Dict[int, Tuple[int, int]] = {}  # id(node) -> (values, height)
        self.active: set = set()

    def measure(self, node: yaml.Node, depth: int) -> Tuple[int, int]:
        known = self.done.get(id(node))
        if known is None:
            known = self._measure_new(node, depth)
        self._note_depth(node, depth + known[1] - 1)
        return known

    def _measure_new(self, node: yaml.Node, depth: int) -> Tuple[int, int]:
        if id(node) in self.active:
            raise _exceeded(node.start_mark, "an alias that contains itself")
        if depth > HARD_MAX_DEPTH:
            raise _exceeded(node.start_mark, _TOO_DEEP)
        self.active.add(id(node))
        values, height = 1, 1
        for child in _children(node):
            child_values, child_height = self.measure(child, depth + 1)
            values, height = values + child_values, max(height, child_height + 1)
            if values > HARD_MAX_NODES:
                raise _exceeded(node.start_mark, _TOO_MANY_VALUES)
        self.active.discard(id(node))
        self.done[id(node)] = (values, height)
        if depth == 1:
            self.stats.nodes = values
        return values, height

    def _note_depth(self, node: yaml.Node, deepest: int) -> None:
        if deepest > HARD_MAX_DEPTH:
            raise _exceeded(node.start_mark, _TOO_DEEP)
        while len(self.stats.depth_marks) < deepest:
            self.stats.depth_marks.append(_position(node.start_mark))


def _children(node: yaml.Node) -> List[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _exceeded(mark: Any, problem: str) -> LimitExceeded:
    return LimitExceeded(problem=problem, problem_mark=mark)
