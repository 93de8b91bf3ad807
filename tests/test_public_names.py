"""Every class name a bot's configuration can hold resolves, wherever the code behind it lives."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Set

import pytest

import rasa_ethics

REPO = Path(__file__).resolve().parents[1]
CONFIG_NAME = re.compile(r"\brasa_ethics\.([A-Z][A-Za-z]+)\b")
SOURCES = ["README.md", "docs", "example_bot", "rasa_ethics/adoption", "policies"]

# What Rasa loads each configured name as (rasa.shared.utils.common.class_from_module_path).
PUBLIC = {
    "AgentChannel": "rasa.core.channels.channel.InputChannel",
    "AuditEventBroker": "rasa.core.brokers.broker.EventBroker",
    "EthicsImporter": "rasa.shared.importers.importer.TrainingDataImporter",
    "EthicsIntentGuard": "rasa.engine.graph.GraphComponent",
    "EthicsNLG": "rasa.core.nlg.generator.NaturalLanguageGenerator",
    "EthicsPolicy": "rasa.core.policies.policy.Policy",
    "PIIDetector": "rasa.engine.graph.GraphComponent",
    "RedactingTrackerStore": "rasa.core.tracker_store.TrackerStore",
    "WebChatChannel": "rasa.core.channels.channel.InputChannel",
}


def configured_names() -> Set[str]:
    """The ``rasa_ethics.Name`` strings in the docs, the example bot and what ``init`` writes."""
    names: Set[str] = set()
    for source in SOURCES:
        root = REPO / source
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            if path.suffix in {".md", ".yml", ".yaml", ".py"}:
                names |= set(CONFIG_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def base_class(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


class TestPublicNames:
    def test_every_documented_name_is_public(self) -> None:
        """Each name the docs or the example bot use is one of the stable public names."""
        assert configured_names() - set(PUBLIC) == set()

    @pytest.mark.parametrize("name", sorted(PUBLIC))
    def test_resolves_as_rasa_loads_it(self, name: str) -> None:
        """``rasa_ethics.Name`` is the Rasa extension class the configuration expects."""
        from rasa.shared.utils.common import class_from_module_path

        cls = class_from_module_path(f"rasa_ethics.{name}")
        assert cls is getattr(rasa_ethics, name)
        assert issubclass(cls, base_class(PUBLIC[name]))
