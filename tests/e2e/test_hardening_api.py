"""Rasa's HTTP API gives out only what is stored (issue 9, row 2).

A customer completes the example bot's order form over the REST channel: the e-mail address and
the phone number go into vault slots, and the custom action (on the real action server) gets
their real values.  Then every route of Rasa's HTTP API that returns a conversation is called
for that conversation: none may return either value.  Finally the customer goes on, to show that
the running conversation still gets the real values.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Tuple

import pytest

from rasa_ethics.vault import TOKEN_PREFIX
from tests.harness import API_TOKEN, BotClient

pytestmark = pytest.mark.slow

EMAIL = "jane.doe@example.com"  # owns order NW-100234 in the example bot's order system
PHONE = "+44 20 7946 0958"
SECRETS = (EMAIL, "7946 0958", "jane.doe")
FOUND = "Order NW-100234 (Alpine Rain Shell, size M)"


def call(bot: BotClient, method: str, path: str, body: Any = None) -> Tuple[int, str]:
    """One API request with the token; the status and the raw answer text."""
    url = f"{bot.url}{path}?token={API_TOKEN}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def leaked(answer: str) -> list:
    """Each secret found in an answer, as is or JSON-escaped."""
    forms = {s: (s, json.dumps(s)[1:-1]) for s in SECRETS}
    return [s for s, variants in forms.items() if any(v in answer for v in variants)]


@pytest.fixture(scope="module")
def customer(plugin_bot: BotClient) -> Dict[str, Any]:
    """A conversation whose form filled both vault slots; the replies it got."""
    sender = f"api-{uuid.uuid4().hex[:8]}"
    replies = {}
    for text in ("hi", "where is my order?", f"it's {EMAIL} and my mobile is {PHONE}", "NW-100234"):
        replies[text] = " ".join(plugin_bot.say(sender, text))
    return {"sender": sender, "replies": replies}


def routes(sender: str, stored_events: Any) -> Dict[str, Tuple[str, str, Any]]:
    conversation = f"/conversations/{urllib.parse.quote(sender)}"
    return {
        "GET tracker": ("GET", f"{conversation}/tracker", None),
        "POST tracker/events": (
            "POST",
            f"{conversation}/tracker/events",
            [{"event": "slot", "name": "order_number", "value": "NW-100234"}],
        ),
        "PUT tracker/events": ("PUT", f"{conversation}/tracker/events", stored_events),
        "GET story": ("GET", f"{conversation}/story", None),
        "POST execute": ("POST", f"{conversation}/execute", {"name": "utter_greet"}),
        "POST trigger_intent": ("POST", f"{conversation}/trigger_intent", {"name": "greet"}),
        "POST predict": ("POST", f"{conversation}/predict", None),
        "POST messages": ("POST", f"{conversation}/messages", {"text": "thanks", "sender": "user"}),
    }


ROUTES = list(routes("x", None))


class TestTheAPI:
    def test_the_action_server_got_the_real_values(self, customer: Dict[str, Any]) -> None:
        """The order lookup matched the real address: the running conversation has it."""
        assert FOUND in customer["replies"]["NW-100234"], customer["replies"]

    @pytest.mark.parametrize("route", ROUTES)
    def test_no_route_returns_a_vault_value(
        self, plugin_bot: BotClient, customer: Dict[str, Any], route: str
    ) -> None:
        """Each route answers with the stored view: vault tokens, never the address or number."""
        sender = customer["sender"]
        status, stored = call(plugin_bot, "GET", f"/conversations/{sender}/tracker")
        events = json.loads(stored)["events"]
        method, path, body = routes(sender, events)[route]
        status, answer = call(plugin_bot, method, path, body)
        print(f"\n{route}: {status}, {len(answer)} characters")
        assert status == 200, answer[:500]
        assert not leaked(answer), f"{route} returned {leaked(answer)}"
        assert TOKEN_PREFIX in answer  # the vault slots are there, as tokens

    def test_the_conversation_still_gets_the_real_values(
        self, plugin_bot: BotClient, customer: Dict[str, Any]
    ) -> None:
        """After the API calls, the next order lookup is matched with the real address again."""
        sender = customer["sender"]
        asked = " ".join(plugin_bot.say(sender, "where is my order?"))
        replies = [asked]
        if "email address you used" in asked:  # the form may ask again if its slots were reset
            replies.append(" ".join(plugin_bot.say(sender, EMAIL)))
        replies.append(" ".join(plugin_bot.say(sender, "NW-100234")))
        assert FOUND in " ".join(replies), replies
