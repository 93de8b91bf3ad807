"""Train (or find in the cache) the models of the named recipes: ``python -m tests.harness``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional, Sequence

from tests.harness.rasa_init import rasa_init_recipe
from tests.harness.training import RECIPES, trained_model


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Train the named recipes (default: all), ``--jobs`` at a time; print the models."""
    parser = argparse.ArgumentParser(description="Train (or find cached) models of the recipes.")
    parser.add_argument("names", nargs="*", help=f"{', '.join(RECIPES)}, rasa-init (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="trainings at a time")
    args = parser.parse_args(argv)
    names = args.names or [*RECIPES, "rasa-init"]
    with tempfile.TemporaryDirectory() as tmp:
        recipes = [rasa_init_recipe(Path(tmp)) if n == "rasa-init" else RECIPES[n] for n in names]
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for recipe, model in zip(recipes, pool.map(trained_model, recipes), strict=True):
                print(f"{recipe.name}: {model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
