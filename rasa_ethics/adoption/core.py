"""``adopt``: every edit of ``rasa-ethics init``, in order, each one made at most once."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

import yaml

from rasa_ethics.adoption.gitignore import gitignore_edits, plugin_files
from rasa_ethics.adoption.host_data import read_host_data
from rasa_ethics.adoption.policy_edits import KeptFlow, policy_edits
from rasa_ethics.adoption.rasa_files import (
    DEFAULT_INNER_STORE,
    config_edits,
    credentials_edits,
    endpoints_edits,
)
from rasa_ethics.adoption.reuse import Reuse
from rasa_ethics.adoption.test_stories import test_story_edits
from rasa_ethics.adoption.yaml_edit import AdoptionError, Change, detect_indent, edit, load
from rasa_ethics.policy import LoadedPolicy, PolicyError, bundled_policy_path, load_policy

__all__ = ["STARTER_POLICY", "adopt", "policy_path", "require_rasa_project"]

STARTER_POLICY = "ethics_policy.yml"


def adopt(
    bot_dir: Path,
    policy: Optional[str] = None,
    reuse: Sequence[Reuse] = (),
    kept: Sequence[KeptFlow] = (),
) -> List[Change]:
    """Switch rasa-ethics on in ``bot_dir``; return what changed (nothing on a second run).

    ``policy`` is an existing policy file relative to the bot (default: copy a starter policy to
    ``ethics_policy.yml``).  ``reuse`` lists host intents to write into that policy, ``kept`` the
    host flows it keeps (see :mod:`rasa_ethics.adoption.reuse` and
    :mod:`rasa_ethics.dialogue.host_flow`).  The host's test stories of a reused intent whose
    flow is not kept are updated to expect the plugin's answer
    (:mod:`rasa_ethics.adoption.test_stories`).
    """
    bot_dir = bot_dir.resolve()
    require_rasa_project(bot_dir)
    changes: List[Change] = []
    policy_ref = policy or STARTER_POLICY
    path = bot_dir / policy_ref
    if policy is None and not path.exists():
        shutil.copyfile(bundled_policy_path(), path)
        changes.append(Change(STARTER_POLICY, "created from the bundled default policy"))
    elif policy is not None and not path.is_file():
        msg = f"policy file '{policy}' not found relative to {bot_dir}"
        raise AdoptionError(msg)
    changes += edit(bot_dir / "config.yml", lambda doc: config_edits(doc, policy_ref))
    changes += edit(bot_dir / "endpoints.yml", lambda doc: endpoints_edits(doc, policy_ref))
    changes += edit(bot_dir / "credentials.yml", credentials_edits)
    loaded = _load(path)
    if reuse or kept:
        changes += _edit_policy(path, loaded, reuse, kept)
        loaded = _load(path)
    kept_concerns = {flow.concern for flow in kept}
    answered = [r for r in reuse if r.concern not in kept_concerns]  # EthicsPolicy's answer now
    if answered:
        host = read_host_data(bot_dir)
        changes += test_story_edits(bot_dir, host, answered, loaded.document)
    return changes + gitignore_edits(bot_dir, plugin_files(loaded, _our_sqlite_db(bot_dir)))


def policy_path(bot_dir: Path, policy: Optional[str] = None) -> Path:
    """The policy file init uses, or the bundled default if the starter is not copied yet."""
    path = bot_dir / (policy or STARTER_POLICY)
    return path if path.exists() or policy else bundled_policy_path()


def require_rasa_project(bot_dir: Path) -> None:
    """Refuse a folder that is not a Rasa project, saying what is missing."""
    if not bot_dir.is_dir():
        msg = f"'{bot_dir}' is not a folder"
        raise AdoptionError(msg)
    missing = [name for name in ("config.yml", "domain.yml") if not (bot_dir / name).exists()]
    if missing and not ((bot_dir / "config.yml").exists() and (bot_dir / "domain").is_dir()):
        msg = (
            f"'{bot_dir}' is not a Rasa project: {', '.join(missing)} missing. "
            "Run `rasa init` to create one, or pass the folder that holds config.yml."
        )
        raise AdoptionError(msg)


def _edit_policy(
    path: Path, loaded: LoadedPolicy, reuse: Sequence[Reuse], kept: Sequence[KeptFlow]
) -> List[Change]:
    """Write the reuse into the policy, after checking that the result is still a valid policy."""
    indent, _ = detect_indent(path.read_text(encoding="utf-8"))
    handle = load(path)
    whats = policy_edits(handle.data, loaded.document, reuse, kept, indent)
    text = handle.dump()
    if not whats or text == handle.original:
        return []
    # Checked next to the original, so that `extends:` resolves the same way.
    handle_fd, trial = tempfile.mkstemp(suffix=".yml", dir=path.parent)
    try:
        with os.fdopen(handle_fd, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            load_policy(Path(trial))
        except PolicyError as exc:
            problem = str(exc).replace(trial, str(path))
            msg = f"the edited policy would not be valid, so nothing was written: {problem}"
            raise AdoptionError(msg) from exc
        shutil.copymode(path, trial)  # mkstemp made it 0600; the designers' file keeps its mode
        os.replace(trial, path)
    finally:
        if os.path.exists(trial):
            os.unlink(trial)
    return [Change(path.name, what) for what in whats]


def _load(path: Path) -> LoadedPolicy:
    try:
        return load_policy(path)
    except PolicyError as exc:
        msg = f"the policy is not valid: {exc}"
        raise AdoptionError(msg) from exc


def _our_sqlite_db(bot_dir: Path) -> Optional[str]:
    """The SQLite file of the tracker store, when it is the one init put there."""
    path = bot_dir / "endpoints.yml"
    endpoints = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    store = (endpoints or {}).get("tracker_store") if isinstance(endpoints, dict) else None
    inner = store.get("inner") if isinstance(store, dict) else None
    return str(DEFAULT_INNER_STORE["db"]) if inner == DEFAULT_INNER_STORE else None
