"""The lane table of `make test` (``LANES`` in tests/e2e/conftest.py) names real modules."""

from __future__ import annotations

from collections import Counter

from tests.e2e.conftest import LANES
from tests.harness import REPO


def test_every_named_module_exists_once() -> None:
    """A misspelt name would quietly send its module to the default lane."""
    names = [name for modules in LANES.values() for name in modules]
    assert [n for n, count in Counter(names).items() if count > 1] == []
    found = {path.name for path in (REPO / "tests").rglob("test_*.py")}
    assert [n for n in names if n not in found] == []


def test_lane_names_are_those_scripts_test_sh_runs() -> None:
    script = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
    for lane in LANES:
        assert f"e2e {lane}" in script, lane
