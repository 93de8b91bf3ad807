"""The bot ``rasa-ethics check`` reads: its three YAML files, its domain and its policy file."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

__all__ = ["BotFiles", "importable", "read_bot"]


@dataclass
class BotFiles:
    """What a bot folder holds; a file that is missing or unreadable is ``{}`` and noted."""

    root: Path
    config: Dict[str, Any] = field(default_factory=dict)
    endpoints: Dict[str, Any] = field(default_factory=dict)
    credentials: Dict[str, Any] = field(default_factory=dict)
    problems: Dict[str, str] = field(default_factory=dict)  # file name -> what is wrong

    def entries(self, section: str) -> List[Dict[str, Any]]:
        """The entries of ``config.yml``'s ``section`` (importers, pipeline, policies) as dicts."""
        items = self.config.get(section) or []
        return [i if isinstance(i, dict) else {"name": i} for i in items if i]

    def endpoint(self, name: str) -> Optional[Dict[str, Any]]:
        """An ``endpoints.yml`` entry, or None."""
        entry = self.endpoints.get(name)
        return entry if isinstance(entry, dict) else None

    def plugin_policy_refs(self) -> Dict[str, str]:
        """``where -> policy:`` of every plugin entry that names its policy file."""
        refs = {}
        for section in ("importers", "pipeline", "policies"):
            for item in self.entries(section):
                if str(item.get("name", "")).startswith("rasa_ethics.") and item.get("policy"):
                    refs[f"config.yml {section}: {item['name']}"] = str(item["policy"])
        for name in ("nlg", "tracker_store", "event_broker"):
            entry = self.endpoint(name)
            if (
                entry
                and str(entry.get("type", "")).startswith("rasa_ethics.")
                and entry.get("policy")
            ):
                refs[f"endpoints.yml {name}"] = str(entry["policy"])
        return refs


def read_bot(root: Path) -> BotFiles:
    """Read ``config.yml``, ``endpoints.yml`` and ``credentials.yml`` of the bot in ``root``."""
    bot = BotFiles(root)
    for name in ("config", "endpoints", "credentials"):
        path = root / f"{name}.yml"
        if not path.is_file():
            bot.problems[path.name] = "missing"
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            bot.problems[path.name] = f"not valid YAML: {exc}"
            continue
        setattr(bot, name, data if isinstance(data, dict) else {})
    return bot


def importable(path: str) -> Optional[str]:
    """None if ``module.Class`` imports, else why not (Rasa's own loader, the same way)."""
    module_name, _, attribute = str(path).rpartition(".")
    if not module_name:
        return f"'{path}' is not a dotted module.Class path"
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return f"module '{module_name}' cannot be imported ({exc})"
    if not hasattr(module, attribute):
        return f"module '{module_name}' has no '{attribute}'"
    return None
