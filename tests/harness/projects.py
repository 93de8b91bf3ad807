"""Bots the plugin is adopted into, as `rasa-ethics init` leaves them: training recipes.

* the project `rasa init --no-prompt` creates;
* ``tests/bots/support_bot``, a bot nobody here wrote the plugin for, after ``init`` and
  ``init --reuse``;
* ``tests/bots/context_bot``, whose form asks for a name and an address, beside a copy of the
  bundled policies (its config names ``../policies/``).

The tests build them and train them through the harness (once per content hash); the training
phase of `make test` builds the same folders first, so the tests usually find the models cached.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Sequence

from tests.harness.processes import BIN, RASA, REPO, rasa_env
from tests.harness.training import Recipe

__all__ = [
    "CONTEXT_BOT",
    "SUPPORT_BOT",
    "SupportBotAdoption",
    "adopt_support_bot",
    "checked",
    "context_bot",
    "rasa_init_bot",
]

SUPPORT_BOT = REPO / "tests" / "bots" / "support_bot"
CONTEXT_BOT = REPO / "tests" / "bots" / "context_bot"
CLI = str(BIN / "rasa-ethics")


def checked(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run a command that must succeed; its output (the failure shows it)."""
    result = subprocess.run(
        list(args),
        cwd=cwd,
        env=rasa_env(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def rasa_init_bot(folder: Path) -> Recipe:
    """Rasa's starter project in ``folder``, adopted with ``init --reuse --keep-host-flows``.

    Kept host flows let the starter bot's own stories pass: its "bot challenge" story expects its
    own ``utter_iamabot``, which the kept host answer gives (EthicsPolicy still decides when).
    A plain ``init`` replaces that answer with the policy's text on purpose.
    """
    import rasa.cli.scaffold

    rasa.cli.scaffold.create_initial_project(str(folder))  # what `rasa init --no-prompt` copies
    checked([CLI, "init", "--reuse", "--keep-host-flows", str(folder)], folder)
    return Recipe("rasa-init", bot=folder)


def context_bot(folder: Path) -> Recipe:
    """The context bot in ``folder/bot``, the bundled policies in ``folder/policies``."""
    import shutil

    shutil.copytree(CONTEXT_BOT, folder / "bot")
    shutil.copytree(REPO / "policies", folder / "policies")
    return Recipe("context", bot=folder / "bot")


@dataclass
class SupportBotAdoption:
    """The support bot adopted in ``bot``, and what the commands said on the way."""

    bot: Path
    init_output: str = ""
    reuse_output: str = ""
    validations: List[str] = field(default_factory=list)

    @property
    def recipe(self) -> Recipe:
        """Its training recipe."""
        return Recipe("support-bot", bot=self.bot)


def adopt_support_bot(bot: Path, validate: bool = False) -> SupportBotAdoption:
    """Copy the support bot to ``bot``; ``rasa-ethics init`` (suggestions only), then ``--reuse``.

    With ``validate``, `rasa data validate` runs after each step (``validations``).
    """
    import shutil

    shutil.copytree(SUPPORT_BOT, bot, ignore=shutil.ignore_patterns("__pycache__"))
    done = SupportBotAdoption(bot)
    done.init_output = checked([CLI, "init", str(bot)], bot.parent).stdout
    if validate:
        done.validations.append(_validate(bot))
    done.reuse_output = checked([CLI, "init", str(bot), "--reuse"], bot.parent).stdout
    if validate:
        done.validations.append(_validate(bot))
    return done


def _validate(bot: Path) -> str:
    result = checked([RASA, "data", "validate"], bot)
    return result.stdout + result.stderr
