"""Print how long each phase of a test run took, and one line with the tests of all pytest logs.

Usage: ``phases.py PHASES START [PYTEST_LOG ...]``.  PHASES holds ``name start end [cpu]`` lines
(epoch seconds; cpu: the CPU seconds, user plus system, of the lane and every process it waited
for), as ``scripts/test.sh`` and ``.ci/run`` write them; START is when the run began.  On a
2-core machine the suite is bound by CPU, so the CPU column says where the time goes.  Lanes
of one phase (``training-example``, ``training-more``) are folded into it; phases that overlap
say so, and the total is the wall time from START to the last end.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

#: Phase name -> the prefixes of the lanes that make it up, in the order they are printed.
PHASES = {
    "environment": ("environment",),
    "training": ("training",),
    "unit tests": ("unit",),
    "unit re-run": ("unit-alone",),
    "end-to-end tests": ("e2e",),
}
_COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?)")
_SUMMARY = re.compile(r"\d+ (passed|failed|skipped|errors?|deselected)\b.* in [\d.]+s")


Lane = Tuple[str, int, int, Optional[float]]


def read_lanes(path: Path) -> List[Lane]:
    """``(name, start, end, cpu seconds or None)`` of every lane written to ``path``."""
    lanes: List[Lane] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name, start, end, *cpu = line.split()
        lanes.append((name, int(start), int(end), float(cpu[0]) if cpu else None))
    return lanes


def fold(lanes: List[Lane]) -> Dict[str, Tuple[int, int, List[str]]]:
    """Phase -> (first start, last end, its lanes as "name N s" or "name N s, cpu M s")."""
    folded: Dict[str, Tuple[int, int, List[str]]] = {}
    for phase, prefixes in PHASES.items():
        mine = [lane for lane in lanes if lane[0].startswith(prefixes) and _phase(lane[0]) == phase]
        if mine:
            start, end = min(lane[1] for lane in mine), max(lane[2] for lane in mine)
            folded[phase] = (start, end, [_described(lane) for lane in mine])
    return folded


def _described(lane: Lane) -> str:
    name, start, end, cpu = lane
    return f"{name} {end - start} s" + ("" if cpu is None else f" (cpu {cpu:.0f} s)")


def _phase(lane: str) -> str:
    """The phase of a lane: the one with the longest prefix of its name."""
    best = max(
        (
            (len(p), phase)
            for phase, prefixes in PHASES.items()
            for p in prefixes
            if lane.startswith(p)
        ),
        default=(0, ""),
    )
    return best[1]


def test_counts(logs: List[Path]) -> Counter:
    """Passed, failed (errors included) and skipped, summed over pytest logs' closing lines.

    A log named ``*-alone.log`` re-ran the failures of the log before it: its results replace
    theirs.
    """
    counts: Counter = Counter()
    previous: Counter = Counter()
    for log in logs:
        mine = _closing_counts(log)
        if log.name.endswith("-alone.log"):
            counts["failed"] -= previous["failed"]
        counts.update(mine)
        previous = mine
    return counts


def _closing_counts(log: Path) -> Counter:
    counts: Counter = Counter()
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if _SUMMARY.search(ln)]
    for number, kind in _COUNT.findall(lines[-1] if lines else ""):
        counts["failed" if kind.startswith("error") else kind] += int(number)
    return counts


def main(argv: List[str]) -> int:
    """Print the table, then the total test line."""
    lanes, began = read_lanes(Path(argv[1])), int(argv[2])
    print(f"\n{'phase':<18}{'from':>7}{'to':>7}{'seconds':>9}  lanes (phases overlap)")
    last = began
    for phase, (start, end, parts) in fold(lanes).items():
        last = max(last, end)
        print(f"{phase:<18}{start - began:>7}{end - began:>7}{end - start:>9}  {', '.join(parts)}")
    cpu = [lane[3] for lane in lanes if lane[3] is not None]
    spent = f"  cpu {sum(cpu):.0f} s over the lanes that measured it" if cpu else ""
    print(f"{'total':<18}{0:>7}{last - began:>7}{last - began:>9}{spent}")
    counts = test_counts([Path(p) for p in argv[3:] if Path(p).is_file()])
    skipped = f", {counts['skipped']} skipped" if counts["skipped"] else ""
    print(f"\ntests: {counts['passed']} passed, {counts['failed']} failed{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
