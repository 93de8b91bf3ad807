"""Which of the host's own intents mean a bot challenge, a handoff request or a complaint.

The plugin's own detectors (:mod:`rasa_ethics.dialogue.detectors`, with its grammar of requests for
a person and of identity questions) read every NLU example of every host intent.  An intent whose
examples mostly read as one concern is proposed for reuse: listed in the policy, the importer adds
no second intent beside it, so no example ends up labelled with two intents.

The examples are judged as the running bot would judge them if the intent were reused: a handoff
or complaint intent counts when the text backs it up, while a bot-challenge intent is trusted by
the running bot on the classifier's word alone, so here only its text counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from rasa_ethics.dialogue.detectors import Detectors, Message, Signals
from rasa_ethics.policy.schema import PolicyDocument

__all__ = ["BOT_CHALLENGE", "COMPLAINT", "CONCERNS", "HANDOFF", "MOSTLY", "Reuse", "suggest"]

BOT_CHALLENGE, HANDOFF, COMPLAINT = "bot_challenge", "handoff", "complaint"
CONCERNS = (BOT_CHALLENGE, HANDOFF, COMPLAINT)
# "Mostly": at least this share of an intent's examples must read as the concern.
MOSTLY = 0.6
READS_AS = {
    BOT_CHALLENGE: "a bot challenge",
    HANDOFF: "a request for a person",
    COMPLAINT: "a complaint",
}
# Where each concern's intents are listed in the policy file.
POLICY_KEYS = {
    BOT_CHALLENGE: ("disclosure", "bot_challenge_intents"),
    HANDOFF: ("handoff", "intents"),
    COMPLAINT: ("handoff", "signals", "complaint_intents"),
}


@dataclass(frozen=True)
class Reuse:
    """One host intent that means one of the plugin's concerns, and the evidence."""

    intent: str
    concern: str
    matched: int
    total: int
    listed: bool = False  # the policy already lists it

    @property
    def why(self) -> str:
        """``check_human: 9/10 examples read as a bot challenge``."""
        reads_as = READS_AS[self.concern]
        return f"{self.intent}: {self.matched}/{self.total} examples read as {reads_as}"

    @property
    def policy_key(self) -> str:
        """``disclosure.bot_challenge_intents``: where the policy lists it."""
        return ".".join(POLICY_KEYS[self.concern])


def suggest(document: PolicyDocument, examples: Dict[str, List[str]]) -> List[Reuse]:
    """The host intents worth reusing, in the order of :data:`CONCERNS`, best evidence first."""
    intents = sorted(i for i in examples if not i.startswith("ethics_") and examples[i])
    detectors = Detectors(_judging(document, intents))
    listed = listed_intents(document)
    found = []
    for intent in intents:
        best = _best_concern(detectors, intent, examples[intent])
        if best is not None:
            concern, matched = best
            total = len(examples[intent])
            found.append(Reuse(intent, concern, matched, total, intent in listed[concern]))
    found.sort(key=lambda r: (CONCERNS.index(r.concern), -r.matched / r.total, r.intent))
    return found


def listed_intents(document: PolicyDocument) -> Dict[str, Tuple[str, ...]]:
    """The intents the policy lists for each concern."""
    return {
        BOT_CHALLENGE: tuple(document.disclosure.bot_challenge_intents),
        HANDOFF: tuple(document.handoff.intents),
        COMPLAINT: tuple(document.handoff.signals.complaint_intents),
    }


def _judging(document: PolicyDocument, intents: Iterable[str]) -> PolicyDocument:
    """The policy with every host intent as a handoff and complaint intent, handoff switched on.

    No bot-challenge intent is listed: a bot challenge must show in the text itself.
    """
    judging = document.copy(deep=True)
    judging.disclosure.bot_challenge_intents = []
    judging.handoff.enabled = True
    judging.handoff.intents = list(intents)
    judging.handoff.signals.complaint_intents = list(intents)
    return judging


def _best_concern(detectors: Detectors, intent: str, texts: List[str]) -> Optional[Tuple[str, int]]:
    counts = dict.fromkeys(CONCERNS, 0)
    for text in texts:
        signals = detectors.inspect(Message(text=text, intent=intent, confidence=1.0))
        for concern in _concerns_of(signals):
            counts[concern] += 1
    concern = max(CONCERNS, key=lambda c: counts[c])  # ties: the first in CONCERNS
    if counts[concern] and counts[concern] >= MOSTLY * len(texts):
        return concern, counts[concern]
    return None


def _concerns_of(signals: Signals) -> List[str]:
    found = []
    if signals.bot_challenge:
        found.append(BOT_CHALLENGE)
    if signals.handoff_request:
        found.append(HANDOFF)
    if signals.complaint:
        found.append(COMPLAINT)
    return found
