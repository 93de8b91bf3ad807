"""The running bot's handoff queue and agent accounts, for the layers that cannot reach the store.

The queue is built by :class:`~rasa_ethics.stores.RedactingTrackerStore`, which lives above
dialogue/ and nlg/, so the store installs its queue and accounts here when Rasa builds it (as
``nlg/rights.py`` does for erasure).  Only weak references are kept: the store owns them, and a
process that never built a store (training, ``rasa shell`` without it) finds None.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import TYPE_CHECKING, List, Optional

if TYPE_CHECKING:
    from rasa_ethics.handoff.agents import AgentAccounts
    from rasa_ethics.handoff.queue import HandoffQueue

__all__ = ["agents_online", "current_accounts", "current_queue", "install_handoffs"]

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_current: List[weakref.ReferenceType] = []  # [queue, accounts]


def install_handoffs(queue: HandoffQueue, accounts: AgentAccounts) -> None:
    """Make ``queue`` and ``accounts`` the running bot's (the latest store Rasa built)."""
    with _lock:
        _current[:] = [weakref.ref(queue), weakref.ref(accounts)]


def current_queue() -> Optional[HandoffQueue]:
    """The installed queue, if it is still alive."""
    with _lock:
        return _current[0]() if _current else None


def current_accounts() -> Optional[AgentAccounts]:
    """The installed agent accounts, if they are still alive."""
    with _lock:
        return _current[1]() if _current else None


def agents_online() -> Optional[bool]:
    """Whether an agent is signed in and 'online', for ``is_available(..., online=)``.

    None when no accounts are installed or none exist (machine clients only: the policy alone
    decides).  A database failure counts as False, not None: "unknown" would promise a person
    whom nobody may see; the customer is told nobody is available and the request is queued
    all the same.  Only the error's type is logged (its text may hold the database URL).
    """
    accounts = current_accounts()
    if accounts is None:
        return None
    try:
        return accounts.anyone_online()
    except Exception as exc:  # any driver error: the turn must go on
        logger.error("rasa-ethics: agent presence unreadable (%s); unavailable", type(exc).__name__)
        return False
