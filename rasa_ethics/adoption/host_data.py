"""What the host bot already has: its NLU examples per intent, and what it does after each intent.

Read with Rasa's own ``RasaFileImporter`` from the folders ``rasa train`` and ``rasa test`` use by
default (``data/`` and ``tests/``), so init sees the host's data the way Rasa does.
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.training_data.structures import RuleStep, StoryGraph
from rasa.shared.importers.rasa import RasaFileImporter

__all__ = ["Flow", "HostData", "read_host_data"]


@dataclass(frozen=True)
class Flow:
    """The actions a rule or story runs right after the customer's intent, before it listens."""

    kind: str  # "rule", "story" or "test story"
    block: str  # the rule's or story's name
    source: str  # its file, relative to the bot folder
    actions: Tuple[str, ...]
    in_form: bool = False  # the rule's condition (or the story) has a form active at that point

    @property
    def test(self) -> bool:
        """A test story (tests/), not training data."""
        return self.kind == "test story"

    def describe(self) -> str:
        """``rule 'handoff' (data/rules.yml)``: where the host wrote it."""
        return f"{self.kind} '{self.block}' ({self.source})"


@dataclass
class HostData:
    """The host's examples and flows, by intent."""

    examples: Dict[str, List[str]] = field(default_factory=dict)
    flows: Dict[str, List[Flow]] = field(default_factory=dict)

    def main_flow(self, intent: str) -> Optional[Tuple[str, ...]]:
        """What the host's training data most often does after ``intent`` outside forms."""
        counts = Counter(
            f.actions for f in self.flows.get(intent, []) if not f.test and not f.in_form
        )
        counts.pop((), None)
        return counts.most_common(1)[0][0] if counts else None

    def tests_of(self, intent: str) -> List[Flow]:
        """The host's test stories that say what follows ``intent``."""
        return [f for f in self.flows.get(intent, []) if f.test and f.actions]


def read_host_data(bot_dir: Path) -> HostData:
    """The NLU examples, rules, stories and test stories of the bot in ``bot_dir``."""
    with warnings.catch_warnings():
        # Rasa says this on every domain with slots; it is not about the host's data.
        warnings.filterwarnings("ignore", message="Slot auto-fill has been removed")
        return _read(bot_dir)


def _read(bot_dir: Path) -> HostData:
    domain = bot_dir / "domain.yml" if (bot_dir / "domain.yml").exists() else bot_dir / "domain"
    data = HostData()
    if (bot_dir / "data").is_dir():
        importer = RasaFileImporter(None, str(domain), [str(bot_dir / "data")])
        for message in importer.get_nlu_data().intent_examples:
            intent, text = message.get("intent"), message.get("text")
            if intent and text:
                data.examples.setdefault(str(intent), []).append(str(text))
        _add_flows(data, importer.get_stories(), bot_dir, test=False)
    if (bot_dir / "tests").is_dir():
        tests = RasaFileImporter(None, str(domain), [str(bot_dir / "tests")])
        _add_flows(data, tests.get_conversation_tests(), bot_dir, test=True)
    return data


def _add_flows(data: HostData, graph: StoryGraph, bot_dir: Path, test: bool) -> None:
    found: Dict[str, List[Flow]] = defaultdict(list)
    for step in graph.story_steps:
        source = _relative(step.source_name, bot_dir)
        kind = "test story" if test else "rule" if isinstance(step, RuleStep) else "story"
        loop: Optional[str] = None
        events = list(step.events)
        for index, event in enumerate(events):
            if isinstance(event, ActiveLoop):
                loop = event.name
            if isinstance(event, UserUttered) and event.intent_name:
                actions = _actions_after(events, index)
                flow = Flow(kind, step.block_name, source, actions, in_form=loop is not None)
                found[event.intent_name].append(flow)
    for intent, flows in found.items():
        data.flows.setdefault(intent, []).extend(flows)


def _actions_after(events: list, index: int) -> Tuple[str, ...]:
    names: List[str] = []
    for event in events[index + 1 :]:
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted):
            if event.action_name == ACTION_LISTEN_NAME:
                break
            if event.action_name and event.action_name != RULE_SNIPPET_ACTION_NAME:
                names.append(event.action_name)
    return tuple(names)


def _relative(source: Optional[str], bot_dir: Path) -> str:
    if not source:
        return "?"
    path = Path(source)
    try:
        return path.resolve().relative_to(bot_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
