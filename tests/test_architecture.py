"""The package's imports run one way: each concern only uses the ones below it.

The layers are the map of ``docs/architecture.md``.  An import counts whether it is a statement
(at module level or inside a function) or a dotted path in a string (``importlib.import_module``
tables, lazy ``_EXPORTS``), so no edge can hide.  New code goes into the lowest layer that has
everything it needs; a test failure here means an import points upwards.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rasa_ethics"

# Lowest first.  A unit may import units of its own layer's lower neighbours only, never one of
# the same layer (so same-layer units stay independent) and never one above.
LAYERS: List[Tuple[str, ...]] = [
    ("constants", "inputs", "key_files"),
    ("policy",),
    ("pii",),
    ("context",),
    ("logging", "vault", "serving", "subjects"),
    ("privacy",),
    ("handoff", "importer", "nlu"),
    ("dialogue",),
    ("nlg",),
    ("audit",),
    ("rights",),
    ("stores",),
    ("channels",),
    ("adoption",),
    ("conformance", "bias"),
    ("cli", "testing"),
]
LEVEL: Dict[str, int] = {unit: i for i, layer in enumerate(LAYERS) for unit in layer}
DOTTED = re.compile(r"rasa_ethics\.([a-z_]+)(?:\.[A-Za-z_]+)*(?::\w+)?")


def unit_of(path: Path) -> str:
    """The top-level sub-package or module ``path`` belongs to."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def imported_units(path: Path) -> Iterator[Tuple[int, str]]:
    """(line, unit) for every rasa_ethics unit that ``path`` imports or names by dotted path."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        names: List[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "rasa_ethics":
                names = [f"rasa_ethics.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and DOTTED.fullmatch(node.value):
                names = [node.value]
        for name in names:
            match = DOTTED.match(name)
            if match and match.group(1) in LEVEL:
                yield node.lineno, match.group(1)


def violations() -> List[str]:
    """Every import that points to the same layer or upwards."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == PACKAGE and path.name == "__init__.py":
            continue  # the public facade re-exports everything, lazily
        unit = unit_of(path)
        for line, target in imported_units(path):
            if target != unit and LEVEL[target] >= LEVEL[unit]:
                where = path.relative_to(PACKAGE.parent)
                found.append(f"{where}:{line}: {unit} (layer {LEVEL[unit]}) imports {target} "
                             f"(layer {LEVEL[target]})")
    return found


class TestImportDirection:
    def test_every_unit_has_a_layer(self) -> None:
        """A new sub-package must be placed in LAYERS (and in docs/architecture.md)."""
        units: Set[str] = {unit_of(p) for p in PACKAGE.rglob("*.py")} - {"__init__"}
        assert units - set(LEVEL) == set()

    def test_imports_point_downwards(self) -> None:
        """No package imports one of its own layer or above: no cycles, no hidden edges."""
        assert violations() == []

    @pytest.mark.parametrize(
        "source",
        [
            "from rasa_ethics.stores.tracker_store import unwrap\n",
            "def f():\n    import rasa_ethics.stores\n",
            "TABLE = {'x': 'rasa_ethics.stores.tracker_store'}\n",
        ],
    )
    def test_a_back_edge_is_caught(self, source: str, tmp_path: Path, monkeypatch) -> None:
        """An upward import from handoff/ into stores/ is reported, in each of its forms."""
        handoff = tmp_path / "rasa_ethics" / "handoff"
        handoff.mkdir(parents=True)
        (handoff / "sneaky.py").write_text(source, encoding="utf-8")
        monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "rasa_ethics")
        [problem] = violations()
        assert "handoff (layer 6) imports stores" in problem
