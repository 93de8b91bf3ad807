"""The project `rasa init --no-prompt` creates, with `rasa-ethics init` run on it."""

from __future__ import annotations

from pathlib import Path

from tests.harness.training import Recipe

__all__ = ["rasa_init_bot", "rasa_init_recipe"]


def rasa_init_bot(folder: Path) -> Path:
    """Create Rasa's starter project in ``folder`` and adopt the plugin; return ``folder``."""
    import rasa.cli.scaffold

    from rasa_ethics.adoption import adopt

    rasa.cli.scaffold.create_initial_project(str(folder))  # what `rasa init --no-prompt` copies
    if not adopt(folder):
        msg = f"rasa-ethics init changed nothing in {folder}"
        raise AssertionError(msg)
    return folder


def rasa_init_recipe(scratch: Path) -> Recipe:
    """The adopted starter project, created in ``scratch/rasa-init``, as a training recipe."""
    return Recipe("rasa-init", bot=rasa_init_bot(scratch / "rasa-init"))
