"""Where EthicsNLG finds the erasure (export request, opt-out) of the running bot's stores, to do
it before it says so.

The erasure text ("Done: ... erased. Your reference number is PR-...") is said only after the
erasure was done, so the NLG, which writes that text, must be able to erase.  The stores live
above it (:mod:`rasa_ethics.stores`), so :class:`~rasa_ethics.stores.RedactingTrackerStore`
installs itself here when Rasa builds it; a bot without it (or a process that never built one)
gets no erasure, and the customer is told that nothing was deleted.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Dict, Optional, Protocol

__all__ = ["ChatRights", "chat_rights", "install_chat_rights"]


class ChatRights(Protocol):
    """What the NLG asks of the stores."""

    def erase_in_chat(self, conversation_id: str) -> str:
        """Erase the conversation everywhere; its reference number.  Raises if it was not."""

    def request_export_in_chat(self, conversation_id: str) -> str:
        """File a request for a copy of the conversation's data; its reference number."""

    def opt_out_in_chat(self, conversation_id: str) -> str:
        """Keep the conversation out of the stores from now on; its reference number."""

    def privacy_request(self, reference: str) -> Optional[Dict[str, Any]]:
        """The register's row of the rights request ``reference`` (a status question), or None."""


_lock = threading.Lock()
_current: "list[weakref.ReferenceType]" = []


def install_chat_rights(rights: ChatRights) -> None:
    """Make ``rights`` the stores the NLG erases in (the latest store Rasa built)."""
    with _lock:
        _current[:] = [weakref.ref(rights)]


def chat_rights() -> Optional[ChatRights]:
    """The stores installed, if they are still alive."""
    with _lock:
        found = _current[0]() if _current else None
    return found
