"""Trained models of a bot and of its variants, cached by a hash of what goes into training.

A :class:`Recipe` names a bot folder and the config entries left out (``rasa_ethics.`` drops the
whole plugin).  :func:`trained_model` trains it with `rasa train` once per content: the model is
kept in ``build/models/<key>.tar.gz``, where the key hashes what training reads (see
:func:`training_key`).  A file lock per key makes concurrent test processes train it only once.

Prebuild the models the test suite needs (``make models`` does)::

    .venv/bin/python -m tests.harness example plain context support-bot rasa-init
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import yaml

from tests.harness.processes import EXAMPLE_BOT, RASA, REPO, log_tail, rasa_env

__all__ = ["CACHE", "RECIPES", "Recipe", "TrainingError", "trained_model", "training_key"]

#: Where models are kept, by key (ignored by git).  Override with $RASA_ETHICS_MODEL_CACHE.
CACHE = Path(os.environ.get("RASA_ETHICS_MODEL_CACHE") or REPO / "build" / "models")
#: Bump when the way models are built changes, so old cached models are not reused.
_KEY_FORMAT = "1"
_PLUGIN = "rasa_ethics."
_SECTIONS = ("importers", "pipeline", "policies")


class TrainingError(RuntimeError):
    """`rasa train` failed; the message ends with its output."""


@dataclass(frozen=True)
class Recipe:
    """A bot folder, and the names of the config entries to leave out when training it.

    A name ending in ``.`` leaves out every entry under that prefix: ``("rasa_ethics.",)``
    trains the bot without the plugin.
    """

    name: str
    bot: Path = EXAMPLE_BOT
    drop: Tuple[str, ...] = ()

    def keeps(self, component: str) -> bool:
        """Whether the config entry ``component`` stays in."""
        return not any(
            component == d or (d.endswith(".") and component.startswith(d)) for d in self.drop
        )

    def config(self) -> Dict[str, Any]:
        """The bot's config as this recipe trains it."""
        config = yaml.safe_load((self.bot / "config.yml").read_text(encoding="utf-8")) or {}
        for section in _SECTIONS:
            if config.get(section):
                config[section] = [i for i in config[section] if self.keeps(i["name"])]
        return config

    def config_text(self) -> str:
        """config.yml as trained: the bot's own file when nothing is left out."""
        if not self.drop:
            return (self.bot / "config.yml").read_text(encoding="utf-8")
        return yaml.safe_dump(self.config(), sort_keys=False)


#: The recipes of the example bot that tests and benchmarks use, by name.
RECIPES: Dict[str, Recipe] = {
    "example": Recipe("example"),
    "plain": Recipe("plain", drop=(_PLUGIN,)),
    "no-ethics-policy": Recipe("no-ethics-policy", drop=("rasa_ethics.EthicsPolicy",)),
}


def training_key(recipe: Recipe) -> str:
    """A hash of what training reads: config, domain, data, and what the plugin adds to them.

    From the policy files only the parts that shape the model count: the intents, examples
    and responses the importer adds (computed by the importer's own code, so a change of
    the shipped NLU examples counts too) and the ``pii:`` section the PIIDetector applies.
    The audit, handoff and privacy settings do not.
    """
    header = f"{_KEY_FORMAT}\0{metadata.version('rasa')}\0{recipe.config_text()}"
    digest = hashlib.sha256(header.encode("utf-8"))
    for path in _domain_files(recipe.bot) + _data_files(recipe.bot):
        digest.update(f"\0{path.relative_to(recipe.bot)}\0".encode())
        digest.update(path.read_bytes())
    digest.update(_plugin_part(recipe).encode("utf-8"))
    return digest.hexdigest()[:16]


def _domain_files(bot: Path) -> List[Path]:
    domain = bot / "domain.yml"
    return [domain] if domain.is_file() else sorted((bot / "domain").rglob("*.yml"))


def _data_files(bot: Path) -> List[Path]:
    return sorted(p for p in (bot / "data").rglob("*") if p.suffix in (".yml", ".yaml"))


def _plugin_part(recipe: Recipe) -> str:
    """The training view of each policy file the plugin's config entries name."""
    from rasa_ethics.importer import data as ethics_data
    from rasa_ethics.policy import load_policy

    host_intents = _host_intents(recipe.bot)
    parts = []
    for item in _plugin_entries(recipe):
        policy = load_policy(recipe.bot / item["policy"] if item.get("policy") else None)
        plan = ethics_data.plan(policy, host_intents)
        view = {
            "entry": item,
            "nlu": ethics_data.nlu_yaml(plan),
            "responses": ethics_data.responses(policy),
            "pii": json.loads(policy.pii.json()),
        }
        parts.append(json.dumps(view, sort_keys=True, default=str))
    return "\n".join(parts)


def _plugin_entries(recipe: Recipe) -> List[Dict[str, Any]]:
    config = recipe.config()
    return [
        item
        for section in _SECTIONS
        for item in config.get(section) or []
        if item["name"].startswith(_PLUGIN)
    ]


def _host_intents(bot: Path) -> List[str]:
    """The intent names of the bot's domain (entries may be ``name`` or ``{name: options}``)."""
    intents: List[str] = []
    for path in _domain_files(bot):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents") or []:
            intents.append(item if isinstance(item, str) else next(iter(item)))
    return intents


def trained_model(recipe: Recipe, cache: Path = CACHE) -> Path:
    """The model of ``recipe``: from the cache, else trained now (once, across processes)."""
    key = training_key(recipe)
    model = cache / f"{key}.tar.gz"
    if model.is_file():
        return model
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / f"{key}.lock"):
        if not model.is_file():  # another process may have trained it while we waited
            _train(recipe, key, model)
    return model


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _train(recipe: Recipe, key: str, model: Path) -> None:
    """`rasa train` a copy of the bot in a scratch folder; move the model into the cache."""
    started = time.monotonic()
    print(f"training {recipe.name} ({recipe.bot.name}) -> {model.name} ...", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix=f"train-{recipe.name}-", dir=model.parent) as tmp:
        bot = _copy_for_training(recipe, Path(tmp))
        log = Path(tmp) / "train.log"
        args = [RASA, "train", "--out", "models", "--fixed-model-name", key]
        # Rasa's own cache of trained components is off: its SQLite index is not safe for two
        # trainings at once, and the models are kept here anyway
        env = rasa_env(RASA_MAX_CACHE_SIZE="0")
        with open(log, "wb") as out:
            done = subprocess.run(args, cwd=bot, env=env, stdout=out, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            msg = f"`rasa train` of {recipe.name} exited {done.returncode}:\n{log_tail(log)}"
            raise TrainingError(msg)
        os.replace(next((bot / "models").glob("*.tar.gz")), model)
    print(f"trained {recipe.name} in {time.monotonic() - started:.0f} s", file=sys.stderr)


def _copy_for_training(recipe: Recipe, scratch: Path) -> Path:
    """The bot's training files in ``scratch/bot``, with the policy files its config names."""
    bot = scratch / "bot"
    bot.mkdir()
    (bot / "config.yml").write_text(recipe.config_text(), encoding="utf-8")
    for path in _domain_files(recipe.bot) + _data_files(recipe.bot):
        target = bot / path.relative_to(recipe.bot)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for source in _policy_files(recipe):
        target = (bot / os.path.relpath(source, recipe.bot.resolve())).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return bot


def _policy_files(recipe: Recipe) -> List[Path]:
    from rasa_ethics.policy import load_policy

    names = {item["policy"] for item in _plugin_entries(recipe) if item.get("policy")}
    return sorted({f for name in names for f in load_policy(recipe.bot / name).files})
