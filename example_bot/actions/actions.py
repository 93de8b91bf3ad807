"""Custom actions for the Northwind Outfitters support bot.

Serve them from ``example_bot/`` with ``rasa run actions`` (port 5055, see endpoints.yml).

* ``validate_order_status_form`` checks the email address and the order number the user
  gives to ``order_status_form`` and normalises them.
* ``action_lookup_order`` looks the order up in a small, deterministic in-memory "order
  system": a few known orders plus a status derived from the digits of any other
  well-formed order number, so testers can try any ``NW-`` number.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
)
ORDER_NUMBER_RE = re.compile(r"\bNW[- ]?(\d{6})\b", re.IGNORECASE)
BARE_ORDER_NUMBER_RE = re.compile(r"#?\s*(\d{6})")

# A few orders with a known owner, e.g. for demoing the email check.
KNOWN_ORDERS: dict[str, dict[str, str]] = {
    "NW-100234": {
        "email": "jane.doe@example.com",
        "items": "Alpine Rain Shell, size M",
        "status": "out for delivery",
        "detail": "It's with the courier and should arrive today before 8pm.",
    },
    "NW-730155": {
        "email": "sam.lee@example.org",
        "items": "Trailblazer Hiking Boots, size 44",
        "status": "delayed",
        "detail": "The parcel is held up at the regional depot; "
        "the new delivery estimate is 2 working days.",
    },
    "NW-559301": {
        "email": "m.rossi@example.net",
        "items": "Summit 40L Backpack and 2 Merino Base Layers",
        "status": "delivered",
        "detail": "It was delivered 3 days ago and signed for at the front door.",
    },
}

# Status of any other well-formed order number, picked by its digits.
_STATUSES = [
    ("being prepared in our warehouse", "It should ship within 1 working day."),
    ("shipped", "It's on its way and should arrive in 2-3 working days."),
    ("out for delivery", "It should arrive today before 8pm."),
    ("delivered", "It was delivered yesterday; check your porch and neighbours first."),
    ("awaiting payment confirmation", "It will ship as soon as the payment clears."),
]
_ITEMS = [
    "Fleece Hoodie, size L",
    "Down Parka, size S",
    "Trail Running Shoes, size 42",
    "Waterproof Gloves and a Beanie",
    "2-Person Dome Tent",
    "Merino Base Layer, size M",
    "Summit 40L Backpack",
]


def extract_email(value: Any) -> str | None:
    """Return the (lower-cased) email address in ``value``, or None if there is none."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return None
    match = EMAIL_RE.search(value)
    return match.group(0).lower() if match else None


def normalise_order_number(value: Any) -> str | None:
    """Return ``value`` as ``NW-123456``, or None if it holds no order number."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return None
    match = ORDER_NUMBER_RE.search(value) or BARE_ORDER_NUMBER_RE.fullmatch(value.strip())
    return f"NW-{match.group(1)}" if match else None


def lookup_order(order_number: str) -> dict[str, str]:
    """Deterministic fake order system: known orders, else a status from the digits."""
    if order_number in KNOWN_ORDERS:
        return KNOWN_ORDERS[order_number]
    digits = int(order_number[-6:])
    status, detail = _STATUSES[digits % len(_STATUSES)]
    return {
        "email": "",  # unknown owner: any email address is accepted
        "items": _ITEMS[(digits // 7) % len(_ITEMS)],
        "status": status,
        "detail": detail,
    }


class ValidateOrderStatusForm(FormValidationAction):
    """Validates and normalises the slots of ``order_status_form``."""

    def name(self) -> str:
        return "validate_order_status_form"

    def validate_email(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        email = extract_email(slot_value)
        if email is None:
            dispatcher.utter_message(response="utter_invalid_email")
            return {"email": None}
        return {"email": email}

    def validate_order_number(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        order_number = normalise_order_number(slot_value)
        if order_number is None:
            dispatcher.utter_message(response="utter_invalid_order_number")
            return {"order_number": None}
        return {"order_number": order_number}


class ActionLookupOrder(Action):
    """Reports the status of the order in the ``order_number`` slot."""

    def name(self) -> str:
        return "action_lookup_order"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        email = extract_email(tracker.get_slot("email"))
        order_number = normalise_order_number(tracker.get_slot("order_number"))
        if email is None or order_number is None:
            dispatcher.utter_message(
                text="I need the email address and the order number to look up an order."
            )
            return []

        order = lookup_order(order_number)
        if order["email"] and order["email"] != email:
            dispatcher.utter_message(
                response="utter_order_email_mismatch", order_number=order_number, email=email
            )
        else:
            dispatcher.utter_message(
                response="utter_order_found",
                order_number=order_number,
                items=order["items"],
                status=order["status"],
                detail=order["detail"],
            )
            phone = tracker.get_slot("phone")
            if phone and order["status"] not in ("delivered",):
                dispatcher.utter_message(response="utter_sms_updates", phone=phone)

        # Forget the order number (but keep the email) so a second lookup asks again.
        return [SlotSet("order_number", None)]
