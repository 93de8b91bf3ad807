"""Train (or find in the cache) the models of the named recipes: ``python -m tests.harness``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence

from tests.harness.projects import adopt_support_bot, context_bot, rasa_init_bot
from tests.harness.training import RECIPES, Recipe, trained_model

#: Recipes of bots built in a scratch folder first (as their tests build them).
BUILT: Dict[str, Callable[[Path], Recipe]] = {
    "context": context_bot,
    "rasa-init": rasa_init_bot,
    "support-bot": lambda folder: adopt_support_bot(folder).recipe,
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Train the named recipes (default: all), ``--jobs`` at a time; print the models."""
    names = [*RECIPES, *BUILT]
    parser = argparse.ArgumentParser(description="Train (or find cached) models of the recipes.")
    parser.add_argument("names", nargs="*", help=f"{', '.join(names)} (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="trainings at a time")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        recipes = [
            BUILT[name](Path(tmp) / name) if name in BUILT else RECIPES[name]
            for name in args.names or names
        ]
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for recipe, model in zip(recipes, pool.map(trained_model, recipes), strict=True):
                print(f"{recipe.name}: {model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
