"""Score the privacy detection on a data file in-process, without a served bot.

Each text goes through :func:`rasa_ethics.dialogue.turn.analyse_message` with the example bot's
policy (northwind): the decision EthicsPolicy takes on a fresh conversation's first message, the
handoff topics included (a "subject access request" is handed to a person first).  The
classifier's intent is not there (no trained model): the served figures can only be the same or
higher where DIET's ``ethics_privacy_*`` intent adds its evidence.

    .venv/bin/python -m tests.dialogue.privacy_scoring tests/data/privacy_tuning.yml ...

prints each kind's recall with its misses, and the fires on negatives (``about_orders_and_
accounts`` and the ordinary requests of issue 9 with ``--ordinary``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from rasa_ethics.dialogue import turn
from rasa_ethics.dialogue.detectors import Detectors, Message
from rasa_ethics.policy import load_policy

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
KINDS = ("erase", "notice", "export", "opt_out")
#: The tuning sets of privacy requests (held-out sets 1-4 until their misses had been seen; see
#: their headers): what scripts/train_privacy_model.py trains on and the tests score apart.
TUNING_SETS = (
    "privacy_tuning.yml",
    "privacy_tuning_set1.yml",
    "privacy_tuning_set2.yml",
    "privacy_tuning_set3.yml",
    "privacy_tuning_set4.yml",
)
#: The plan each kind of request must get.
PLANS = {
    "erase": turn.ERASE_ASK,
    "notice": turn.NOTICE,
    "export": turn.EXPORT,
    "opt_out": turn.OPT_OUT,
}
PRIVACY_PLANS = frozenset(PLANS.values()) | {turn.ERASE}
_DETECTORS: List[Detectors] = []


def detectors() -> Detectors:
    """The example bot's detectors (compiled once)."""
    if not _DETECTORS:
        _DETECTORS.append(Detectors(load_policy(REPO / "policies" / "northwind.yml").document))
    return _DETECTORS[0]


def plan_of(text: str) -> Optional[str]:
    """The kind of plan EthicsPolicy makes of ``text`` alone (None: the host answers)."""
    found = turn.analyse_message(Message(text=text), detectors())
    return None if found is None else found.kind


def load(path: Path) -> Dict[str, List[str]]:
    """The sections of a privacy data file (kind -> texts)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def importer_examples() -> Dict[str, List[str]]:
    """The importer's ``ethics_privacy_*`` training examples (tuning data), by kind."""
    path = REPO / "rasa_ethics" / "importer" / "nlu" / "ethics_nlu.yml"
    found: Dict[str, List[str]] = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        kind = block.get("intent", "").removeprefix("ethics_privacy_")
        if kind in KINDS:
            lines = block["examples"].splitlines()
            found[kind] = [line.strip()[2:] for line in lines if line.strip().startswith("- ")]
    return found


def ordinary() -> List[str]:
    """The ordinary requests of issue 9 (tests/data/ordinary_requests.yml), all kinds."""
    sets = load(DATA / "ordinary_requests.yml")["requests"]
    return [text for texts in sets.values() for text in texts]  # type: ignore[union-attr]


def recall(texts: Sequence[str], kind: str) -> Tuple[int, List[str]]:
    """(hits, misses) of ``texts`` that must get ``kind``'s plan.  An export request handed to
    a person (a handoff that acts wins) counts, as in the served measurement."""
    wanted = {PLANS[kind]} | ({turn.HANDOFF} if kind == "export" else set())
    missed = [t for t in texts if plan_of(t) not in wanted]
    return len(texts) - len(missed), missed


def fires(texts: Sequence[str]) -> List[Tuple[str, str]]:
    """(text, plan) of ``texts`` that get any privacy plan."""
    plans = ((t, plan_of(t)) for t in texts)
    return [(t, p) for t, p in plans if p in PRIVACY_PLANS]


def acts(texts: Sequence[str]) -> List[Tuple[str, str]]:
    """(text, plan) of ``texts`` that would act (anything but the erasure question)."""
    return [(t, p) for t, p in fires(texts) if p != turn.ERASE_ASK]


def report(path: Path) -> Dict[str, float]:
    """Print and return each kind's recall on ``path``."""
    return report_sets(path.name, load(path))


def report_sets(name: str, sets: Dict[str, List[str]]) -> Dict[str, float]:
    """Print and return each kind's recall on ``sets`` (kind -> texts)."""
    shares: Dict[str, float] = {}
    for kind in KINDS:
        if kind not in sets:
            continue
        hits, missed = recall(sets[kind], kind)
        shares[kind] = hits / len(sets[kind])
        print(f"{name} {kind}: {hits}/{len(sets[kind])} = {shares[kind]:.3f}")
        for text in missed:
            print(f"    missed: {text!r} -> {plan_of(text)}")
    negatives = [
        t
        for k in ("about_orders_and_accounts", "ordinary", "none", "bot_challenge")
        for t in sets.get(k) or []
    ]
    if negatives:
        print(f"{name} negatives: {len(fires(negatives))}/{len(negatives)} fire")
        for text, plan in fires(negatives):
            print(f"    fires: {text!r} -> {plan}")
    return shares


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Report on each file given, and on the ordinary requests with ``--ordinary``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--ordinary", action="store_true")
    parser.add_argument("--importer", action="store_true")
    args = parser.parse_args(argv)
    if args.importer:
        report_sets("importer examples", importer_examples())
    for path in args.files:
        report(path)
    if args.ordinary:
        texts = ordinary()
        fired = fires(texts)
        print(f"ordinary requests with a privacy plan: {len(fired)}/{len(texts)}")
        for text, plan in fired:
            print(f"    fires: {text!r} -> {plan}")


if __name__ == "__main__":
    main()
