"""The conversation as evidence, on a served bot: the reply to the bot's question is its answer.

The context bot (``tests/bots/context_bot``) asks "What's the name on the account?" and "What's
your delivery address?" in a form.  A bare first name, or an address without a street word the
patterns know, is no personal data on its own; as the reply to those questions it is.  What the
SQL tracker store holds afterwards (read straight from its database) must be redacted,
PIIDetector must have read the question from the tracker (``ethics_pii_expected``), the bot's
confirmation must send the address back redacted in its ``custom`` payload and ``image``
URL, and Rasa's debug log must not show the answers either, while the domain's names stay.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from tests.harness import ServedBot, make_workspace, served_bot, trained_model
from tests.harness.client import request_json
from tests.harness.projects import context_bot as context_recipe

pytestmark = pytest.mark.slow

NAME = "Chloe"  # a first name alone: no cue, nothing says it is a name but the question
ADDRESS = "22 acacia avenue springfield"  # no capitals, no postcode, no "street"


@pytest.fixture(scope="module")
def context_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBot]:
    """The context bot with rasa-ethics as `init` sets it up, on SQLite, no action server."""
    model = trained_model(context_recipe(tmp_path_factory.mktemp("context-source")))
    space = make_workspace(tmp_path_factory.mktemp("context"), None)
    with served_bot(model, space, args=["--debug"]) as bot:
        yield bot


def stored_user_events(db: Path, sender: str) -> List[Dict[str, Any]]:
    """The user events of ``sender`` as the SQL tracker store holds them."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "select data from events where sender_id = ? and type_name = 'user' order by id",
            (sender,),
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def said(bot: ServedBot, sender: str, text: str, answer: str) -> bool:
    """Whether the bot's reply to ``text`` includes ``answer``."""
    return any(answer in reply for reply in bot.say(sender, text))


def test_bare_answers_are_redacted_because_of_the_question(context_bot: ServedBot) -> None:
    """A bare name and a bare address, each the reply to the bot's question, are stored redacted."""
    from rasa_ethics.pii import PIIEngine

    engine = PIIEngine()
    # The premise: without the question neither reply is personal data to the detector.
    assert engine.analyze(NAME) == [] and engine.analyze(ADDRESS) == []
    sender = f"context-{uuid.uuid4().hex[:8]}"
    assert said(context_bot, sender, "I want to update my details", "name on the account?")
    assert said(context_bot, sender, NAME, "What's your delivery address?")
    body = {"sender": sender, "message": ADDRESS}
    reply = request_json(f"{context_bot.url}/webhooks/rest/webhook", body)
    assert any("I've noted the new details." in m.get("text", "") for m in reply)
    # The confirmation's custom payload and image URL carry the address slot: redacted.
    [custom] = [m["custom"] for m in reply if "custom" in m]
    assert custom == {"confirmation": {"delivery_address": "<ADDRESS>"}}
    assert [m["image"] for m in reply if "image" in m] == [
        "https://northwind.example/confirm.png?ship_to=<ADDRESS>"
    ]

    stored = stored_user_events(context_bot.space.db, sender)
    texts = [event["text"] for event in stored]
    assert texts == ["I want to update my details", "<PERSON>", "<ADDRESS>"]
    expected = [event["parse_data"].get("ethics_pii_expected") for event in stored]
    assert expected == [None, "person", "address"]  # PIIDetector read the question
    raw = "\n".join(json.dumps(event) for event in stored)
    assert NAME not in raw and "acacia" not in raw
    log = context_bot.log_text()
    assert NAME not in log and "acacia" not in log
    assert "delivery_address" in log and "details_form" in log  # the bot's own words stay


def test_the_same_words_unasked_stay(context_bot: ServedBot) -> None:
    """Outside the form the same words are not read as answers (no over-redaction)."""
    sender = f"context-{uuid.uuid4().hex[:8]}"
    assert said(context_bot, sender, "hello", "update the details")
    context_bot.say(sender, NAME)
    texts = [event["text"] for event in stored_user_events(context_bot.space.db, sender)]
    assert texts == ["hello", NAME]


def test_what_the_client_sends_in_metadata(context_bot: ServedBot) -> None:
    """Keys and numbers of the REST channel's metadata are stored redacted, short numbers kept."""
    sender = f"context-{uuid.uuid4().hex[:8]}"
    metadata = {"jane.doe@example.com": "returning", "phone": 4155552671, "visits": 3}
    body = {"sender": sender, "message": "hello", "metadata": metadata}
    request_json(f"{context_bot.url}/webhooks/rest/webhook", body)
    [stored] = stored_user_events(context_bot.space.db, sender)
    sent = {k: v for k, v in stored["metadata"].items() if k not in ("model_id", "assistant_id")}
    assert sent == {"<EMAIL>": "returning", "phone": "<PHONE>", "visits": 3}  # Rasa adds 2 ids
