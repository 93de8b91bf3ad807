"""Which conversations are opted out of storage, and the opt-out a customer asks for in the chat.

A conversation is opted out when (checked in this order, cheapest first):

* this process keeps it in memory already
  (:class:`~rasa_ethics.stores.session_memory.SessionMemory`);
* its tracker holds the bot message said after an in-chat opt-out (``ethics_opted_out`` in its
  metadata, see :class:`~rasa_ethics.nlg.EthicsNLG`), so the opt-out turn itself is never stored;
* its latest message came through a channel the policy opts out by default
  (``privacy.opt_out.default_channels``);
* the request register holds an ``opt_out`` request of it: the durable mark, read by every
  replica and after a restart, so an opt-out outlives the memory that kept the conversation.

An opted-out conversation is kept in memory only: never in the inner store, so never published to
the broker either (Rasa's stores publish on save).
"""

from __future__ import annotations

from typing import Callable, Optional

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

from rasa_ethics import constants as c
from rasa_ethics.inputs import safe_sender_id
from rasa_ethics.policy import LivePolicy
from rasa_ethics.rights.register import DONE, REFUSED, RequestRegister, requests_table
from rasa_ethics.rights.trail import PrivacyTrail
from rasa_ethics.stores.session_memory import SessionMemory, idle_minutes

__all__ = ["OPT_OUT", "OptOuts", "opted_out_in_chat"]

OPT_OUT = "opt_out"  # the request kind in the register, and the privacy trail's record type


class OptOuts:
    """The opt-out decision of each save, the memory that keeps those conversations, and the
    in-chat opt-out (register, privacy trail)."""

    def __init__(self, live: LivePolicy, engine: Engine, domain: Callable[[], Domain]) -> None:
        """``engine``: the plugin's database (the register's); ``domain``: the store's domain."""
        self.live = live
        self.engine = engine
        self._register: Optional[RequestRegister] = None  # made by the first rights request
        self.memory = SessionMemory(
            lambda: live.current.privacy.opt_out.max_conversations,
            lambda: idle_minutes(domain()),
        )

    def applies(self, tracker: DialogueStateTracker) -> bool:
        """True when ``tracker`` must stay in memory; errors of the register propagate."""
        if tracker.sender_id in self.memory or opted_out_in_chat(tracker):
            return True
        channel = tracker.get_latest_input_channel()
        if channel and channel in self.live.current.privacy.opt_out.default_channels:
            return True
        register = self._existing_register()
        return register is not None and register.latest(tracker.sender_id, OPT_OUT) is not None

    @property
    def register(self) -> RequestRegister:
        """The request register (its table is created if missing)."""
        if self._register is None:
            self._register = RequestRegister(self.engine)
        return self._register

    def _existing_register(self) -> Optional[RequestRegister]:
        """The register if its table exists: a bot that never had a rights request (in any
        replica, or through the CLI) has no table, and then no opt-out either."""
        if self._register is None and sa.inspect(self.engine).has_table(requests_table.name):
            self._register = RequestRegister(self.engine)
        return self._register

    def opt_out_in_chat(self, conversation_id: str) -> str:
        """Opt the conversation out on the customer's request; the request's reference number.

        Filed in the register (``via: chat``, done at once: the store honours it from this turn's
        save on) and recorded in the privacy trail (``opt_out``: pseudonym, reference; no
        content).  Asked again, the first request's reference is given and nothing is filed.
        Any error propagates, and then the register holds no opt-out (a request filed before the
        trail failed is marked refused), so the NLG says it failed and the store keeps storing.
        """
        conversation = safe_sender_id(conversation_id)
        earlier = self.register.latest(conversation, OPT_OUT)
        if earlier is not None:
            return str(earlier["reference"])
        policy = self.live.current
        trail = PrivacyTrail(policy)
        trail.open()  # a trail that cannot be written stops here, before anything is filed
        try:
            subject = trail.subject(conversation)
            jurisdiction = policy.privacy.jurisdiction
            request = self.register.file(OPT_OUT, conversation, subject, jurisdiction, "chat")
            reference = str(request["reference"])
            fields = {"subject": subject, "reference": reference}
            try:
                trail.write([trail.record(OPT_OUT, "chat", via="chat", **fields)])
            except Exception:
                self.register.close(reference, "chat", REFUSED)
                raise
            self.register.close(reference, "chat", DONE)
        finally:
            trail.close()
        return reference


def opted_out_in_chat(tracker: DialogueStateTracker) -> bool:
    """True when the bot said, in this tracker, that the conversation is opted out."""
    return any(
        isinstance(e, BotUttered) and (e.metadata or {}).get(c.META_OPTED_OUT)
        for e in tracker.events
    )
