"""What an operator can do over the agent channel: the request register, export, erasure.

The same operations as ``rasa-ethics privacy`` (:mod:`rasa_ethics.rights`), on the stores of the
running bot.  An erasure holds the conversation's lock in Rasa's lock store, so no turn of that
conversation runs (and saves its tracker back) while it is erased.  The SQL work runs on the
event loop: it takes milliseconds and happens once per request.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_ethics.channels.desk import AgentDesk, DeskError
from rasa_ethics.inputs import safe_sender_id
from rasa_ethics.rights.locate import BotStores, NothingStored, RightsError, stores_of
from rasa_ethics.rights.tombstone import BrokerError

__all__ = ["erase_conversation", "export_conversation", "list_requests", "request_fields"]

_MAX_ID = 255


def request_fields(body: Dict[str, Any]) -> "tuple[str, Optional[str]]":
    """The ``conversation`` and optional ``reference`` of a request body, checked."""
    conversation, reference = body.get("conversation"), body.get("reference")
    if not isinstance(conversation, str) or not conversation.strip() or len(conversation) > _MAX_ID:
        raise DeskError("conversation must be a conversation id (a non-empty string)", 400)
    if reference is not None and (not isinstance(reference, str) or len(reference) > 32):
        raise DeskError("reference must be a reference number such as PR-7K3M-9QXA", 400)
    return conversation, reference


def list_requests(desk: AgentDesk, overdue: bool) -> List[Dict[str, Any]]:
    """The request register, by deadline; ``overdue``: open requests past their deadline."""
    return _stores(desk).register.list(overdue=overdue)


async def export_conversation(
    desk: AgentDesk, conversation: str, agent: str, reference: Optional[str]
) -> Dict[str, Any]:
    """The export document (registered and audited)."""
    from rasa_ethics.rights.export import export

    stores = _stores(desk)
    return _guarded(lambda: export(stores, conversation, agent, reference))


async def erase_conversation(
    desk: AgentDesk, conversation: str, agent: str, reference: Optional[str]
) -> Dict[str, Any]:
    """Erase the conversation under its lock; what was erased."""
    from rasa_ethics.rights.erasure import erase

    stores = _stores(desk)
    async with desk.agent.lock_store.lock(safe_sender_id(conversation)):
        result = _guarded(lambda: erase(stores, conversation, agent, reference))
    return {
        "conversation_id": result.conversation_id,
        "reference": result.reference,
        "subject": result.subject,
        "erased": result.erased.as_dict(),
        "tombstones": result.tombstones,
    }


def _stores(desk: AgentDesk) -> BotStores:
    try:
        return stores_of(desk.store)
    except RightsError as exc:
        raise DeskError(str(exc), 501) from None


def _guarded(operation: Any) -> Any:
    """Run a rights operation; its errors become answers with a status."""
    try:
        return operation()
    except NothingStored as exc:
        raise DeskError(str(exc), 404) from None
    except RightsError as exc:
        raise DeskError(str(exc), 409) from None
    except (BrokerError, RuntimeError) as exc:  # broker down, privacy trail held by the CLI
        raise DeskError(str(exc), 503) from None
