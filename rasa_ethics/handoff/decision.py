"""The handoff decision of one turn, made once by EthicsPolicy and read by everyone else.

EthicsPolicy decides a handoff and attaches it as ``action_metadata`` of the handoff response, so
Rasa stores it in that ``ActionExecuted`` event's metadata
(``Action.event_for_successful_execution`` in ``rasa/core/actions/action.py``).  The handoff queue,
the webhook payload and the audit trail read it back with :meth:`HandoffDecision.from_metadata`;
none of them works it out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from rasa_ethics import constants as c

__all__ = ["UNSPECIFIED", "HandoffDecision"]

UNSPECIFIED = "unspecified"


@dataclass(frozen=True)
class HandoffDecision:
    """Why the conversation goes to a person, and whether an agent was available."""

    reason: str
    signals: Tuple[str, ...] = ()
    available: Optional[bool] = None

    def as_metadata(self) -> Dict[str, Any]:
        """The event metadata that carries this decision."""
        info: Dict[str, Any] = {
            c.HANDOFF_REASON: self.reason,
            c.HANDOFF_SIGNALS: list(self.signals),
        }
        if self.available is not None:
            info[c.HANDOFF_AVAILABLE] = self.available
        return {c.META_HANDOFF: info}

    @classmethod
    def from_metadata(cls, metadata: Optional[Mapping[str, Any]]) -> Optional[HandoffDecision]:
        """The decision in ``metadata``, or None; a plain string is taken as the reason."""
        info = (metadata or {}).get(c.META_HANDOFF)
        if isinstance(info, str):
            return cls(reason=info or UNSPECIFIED)
        if not isinstance(info, Mapping):
            return None
        signals = info.get(c.HANDOFF_SIGNALS)
        available = info.get(c.HANDOFF_AVAILABLE)
        return cls(
            reason=str(info.get(c.HANDOFF_REASON) or UNSPECIFIED),
            signals=tuple(str(s) for s in signals) if isinstance(signals, (list, tuple)) else (),
            available=available if isinstance(available, bool) else None,
        )
