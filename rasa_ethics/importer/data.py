"""The ethics intents, NLU examples and responses, built from a policy and a host domain.

Pure data: :mod:`rasa_ethics.importer` turns it into Rasa objects.  An intent the host bot already
has and the policy lists (say the host's own ``bot_challenge``) is reused: no second intent and no
examples are added for it.

No rules are added.  A rule ``ethics_human_handoff -> utter_ethics_handoff`` let RulePolicy promise
a person whenever the classifier put an ordinary request into that intent while EthicsPolicy,
finding no evidence, abstained: 71 of 600 ordinary requests were told "I'm connecting you" with
nobody coming.  EthicsPolicy alone says the ethics responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

from rasa_ethics import constants as c
from rasa_ethics.policy.loader import LoadedPolicy
from rasa_ethics.policy.texts import response_buttons, response_texts

__all__ = ["EthicsIntent", "EthicsPlan", "plan", "responses", "nlu_yaml"]

NLU_FILE = Path(__file__).parent / "nlu" / "ethics_nlu.yml"


@dataclass(frozen=True)
class EthicsIntent:
    """One ethics intent: the name the bot will use, and whether the importer must add it."""

    concern: str  # the canonical ethics_* intent whose examples we ship
    name: str  # the intent name used in the bot
    added: bool  # False when the host bot already has it


@dataclass(frozen=True)
class EthicsPlan:
    """Which ethics intents the bot uses, decided from the policy and the host's intents."""

    intents: List[EthicsIntent]

    @property
    def added(self) -> List[EthicsIntent]:
        """Intents the importer contributes."""
        return [i for i in self.intents if i.added]


def plan(policy: LoadedPolicy, host_intents: Iterable[str]) -> EthicsPlan:
    """Decide, per concern, whether to reuse a host intent or add the ethics one."""
    host = set(host_intents)
    concerns = [
        (c.HANDOFF_INTENT, policy.handoff.intents, policy.handoff.enabled),
        (c.BOT_CHALLENGE_INTENT, policy.disclosure.bot_challenge_intents, True),
        (c.COMPLAINT_INTENT, policy.handoff.signals.complaint_intents, policy.handoff.enabled),
        (c.PRIVACY_ERASE_INTENT, [c.PRIVACY_ERASE_INTENT], policy.privacy.chat.enabled),
        (c.PRIVACY_NOTICE_INTENT, [c.PRIVACY_NOTICE_INTENT], policy.privacy.chat.enabled),
    ]
    intents = []
    for concern, names, enabled in concerns:
        if not enabled or not names:
            continue
        reused = [n for n in names if n in host]
        name = reused[0] if reused else names[0]
        intents.append(EthicsIntent(concern, name, added=not reused))
    return EthicsPlan(intents)


def responses(policy: LoadedPolicy) -> Dict[str, List[Dict[str, Any]]]:
    """The ethics responses with their texts (and offer buttons) from the policy."""
    found: Dict[str, List[Dict[str, Any]]] = {}
    for name, text in response_texts(policy).items():
        variant: Dict[str, Any] = {"text": text}
        buttons = response_buttons(policy, name)
        if buttons:
            variant["buttons"] = buttons
        found[name] = [variant]
    return found


def nlu_yaml(ethics_plan: EthicsPlan, source: Optional[Path] = None) -> str:
    """Rasa YAML NLU data for the intents the importer adds, renamed as the policy says."""
    shipped = yaml.safe_load((source or NLU_FILE).read_text(encoding="utf-8"))["nlu"]
    by_concern = {block["intent"]: block["examples"] for block in shipped}
    blocks = [
        {"intent": intent.name, "examples": by_concern[intent.concern]}
        for intent in ethics_plan.added
    ]
    return _dump({"version": "3.1", "nlu": blocks})


def _dump(data: Dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096)
