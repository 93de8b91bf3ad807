"""What ``init`` proposes before it edits anything: host intents to reuse, and what would change.

A reused intent changes how the bot answers it: EthicsPolicy answers it from then on, from any
state.  When the host has its own rules or stories for that intent, the survey says which ones
stop applying (or, with kept flows, that they keep answering), and which of the host's test
stories would then fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from rasa_ethics import constants as c
from rasa_ethics.adoption.core import policy_path, require_rasa_project
from rasa_ethics.adoption.host_data import Flow, HostData, read_host_data
from rasa_ethics.adoption.policy_edits import KeptFlow
from rasa_ethics.adoption.reuse import BOT_CHALLENGE, COMPLAINT, HANDOFF, Reuse, suggest
from rasa_ethics.adoption.test_stories import plugin_answers
from rasa_ethics.policy import load_policy
from rasa_ethics.policy.schema import PolicyDocument

__all__ = ["KEEPABLE", "Survey", "survey"]

# Concerns whose host flow the policy can keep (a complaint always goes to a person).
KEEPABLE = (HANDOFF, BOT_CHALLENGE)
# What EthicsPolicy does instead of the host's own answer.
_PLUGIN_ANSWER = {
    BOT_CHALLENGE: ((c.RESPONSE_BOT_CHALLENGE,), "utter_ethics_bot_challenge"),
    HANDOFF: ((c.RESPONSE_HANDOFF,), "utter_ethics_handoff, then a pause and a queued request"),
    COMPLAINT: ((c.RESPONSE_HANDOFF,), "its handoff (a complaint always goes to a person)"),
}


@dataclass
class Survey:
    """The host intents worth reusing, and the host's data to explain what reusing them changes."""

    reuses: List[Reuse]
    host: HostData
    document: PolicyDocument

    @property
    def proposals(self) -> List[Reuse]:
        """Reuses the policy does not have yet."""
        return [r for r in self.reuses if not r.listed]

    @property
    def listed(self) -> List[Reuse]:
        """Reuses the policy already has."""
        return [r for r in self.reuses if r.listed]

    def kept_flows(self, reused: Sequence[Reuse]) -> List[KeptFlow]:
        """The host flow to keep per concern: that of its best reused intent that has one."""
        kept = []
        for concern in KEEPABLE:
            for reuse in (r for r in reused if r.concern == concern):
                flow = self.host.main_flow(reuse.intent)
                if flow:
                    kept.append(KeptFlow(concern, flow))
                    break
        return kept

    def consequences(self, reuse: Reuse, keep: bool, applied: bool = False) -> List[str]:
        """What reusing ``reuse.intent`` changes for the host's own rules, stories and tests.

        ``applied``: the reuse is being written (``--reuse``), so init updates the test stories
        it can (see :mod:`rasa_ethics.adoption.test_stories`) and says so.
        """
        flow = self.host.main_flow(reuse.intent)
        keep = keep and reuse.concern in KEEPABLE and flow is not None
        expected, plugin = _PLUGIN_ANSWER[reuse.concern]
        if flow is None:
            lines = [f"no rule or story of yours answers it: EthicsPolicy says {plugin}"]
        elif keep:
            then = ", then the bot pauses, queues and audits" if reuse.concern == HANDOFF else ""
            source = self._source(reuse.intent, flow)
            lines = [f"your {source} keeps answering, from any state{then}"]
        else:
            lines = [
                f"your {self._source(reuse.intent, flow)} ({', '.join(flow)}) stops answering it: "
                f"EthicsPolicy says {plugin}"
                + (" (keep yours: --keep-host-flows)" if reuse.concern in KEEPABLE else "")
            ]
        wanted = flow if keep and flow else expected
        updatable = not keep and plugin_answers(self.document).get(reuse.concern) == expected
        for test in self.host.tests_of(reuse.intent):
            if test.actions != wanted and not test.in_form:
                shown = ", ".join(test.actions)
                fate = "init updates it" if applied and updatable else "it will fail as it is"
                lines.append(f"your {test.describe()} expects {shown}: {fate}")
        return lines

    def _source(self, intent: str, actions: Tuple[str, ...]) -> str:
        flows: List[Flow] = self.host.flows.get(intent, [])
        first = next(f for f in flows if f.actions == actions and not f.test)
        return f"{first.describe()}"


def survey(bot_dir: Path, policy: Optional[str] = None) -> Survey:
    """Read the host bot and the policy init will use; propose host intents to reuse."""
    bot_dir = bot_dir.resolve()
    require_rasa_project(bot_dir)
    document = load_policy(policy_path(bot_dir, policy)).document
    host = read_host_data(bot_dir)
    return Survey(suggest(document, host.examples), host, document)
