"""Nothing a customer sends stops the served bot (issue 9, rows 1 and 13).

The example bot with rasa-ethics is served by `rasa run` on SQLite (the session's ``plugin_bot``)
and on PostgreSQL (a server started for this module, see tests/e2e/postgres.py).  Requests are
sent as raw JSON over the REST channel, as an attacker would send them.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasa_ethics.vault import generate_key
from tests.e2e.postgres import postgres_server
from tests.e2e.redis_server import redis_server
from tests.harness import BotClient, make_workspace, served_bot

pytestmark = pytest.mark.slow

# Every code point, lone surrogates, NUL and control characters included.
ANY_CHARACTER = st.characters(blacklist_categories=())
UNIQUE = itertools.count()


def post(url: str, body: Any, timeout: float = 30) -> Tuple[int, Any]:
    """POST ``body`` (bytes as they are, anything else as JSON); the status and decoded answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw or b"null")
        except ValueError:
            return error.code, raw.decode("utf-8", "replace")


def say(bot: BotClient, body: Any) -> Tuple[int, Any]:
    return post(f"{bot.url}/webhooks/rest/webhook", body)


def texts(answer: Any) -> list:
    return [m.get("text") for m in answer] if isinstance(answer, list) else []


def alive(bot: BotClient) -> None:
    """The server still answers a normal customer."""
    status, answer = say(bot, {"sender": f"after-{time.time_ns()}", "message": "hi"})
    assert status == 200 and any(texts(answer)), answer


@pytest.fixture(scope="module")
def pg_bot(
    trained_example_bot: Path, actions: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotClient]:
    """The example bot with its conversations in PostgreSQL."""
    with postgres_server() as inner, redis_server() as locks:
        space = make_workspace(tmp_path_factory.mktemp("postgres"), actions)
        endpoints = yaml.safe_load(space.endpoints.read_text(encoding="utf-8"))
        endpoints["tracker_store"]["inner"] = inner
        endpoints["lock_store"] = locks  # several replicas could serve it: a shared lock store
        space.endpoints.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
        env = {"RASA_ETHICS_VAULT_KEY": generate_key()}
        with served_bot(trained_example_bot, space, env=env) as bot:
            yield bot


@pytest.fixture(params=["sqlite", "postgresql"])
def bot(request: pytest.FixtureRequest) -> BotClient:
    """The served bot on each store."""
    return request.getfixturevalue("plugin_bot" if request.param == "sqlite" else "pg_bot")


class TestTheCriticalMessage:
    def test_answered_and_the_server_lives(self, bot: BotClient) -> None:
        """{"sender": "x\\ud800", "message": "hi"} once made Rasa call sys.exit(1)."""
        status, answer = say(bot, {"sender": "x\ud800", "message": "hi"})
        assert status == 200 and any(texts(answer)), answer
        status, again = say(bot, {"sender": "x\ud800", "message": "where is my order?"})
        assert status == 200 and any(texts(again)), again
        alive(bot)

    @pytest.mark.parametrize("sender", ["nul\x00", "esc\x1b[2K\r", "long" * 100])
    def test_other_unsafe_ids(self, bot: BotClient, sender: str) -> None:
        """NUL (PostgreSQL's ValueError), escape sequences, an id past VARCHAR(255)."""
        status, answer = say(bot, {"sender": sender, "message": "hi"})
        assert status == 200 and any(texts(answer)), answer
        alive(bot)


UNICODE_RUN = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANY_TEXT = st.text(ANY_CHARACTER, max_size=300)


def answered(bot: BotClient, sender: str, text: str) -> None:
    """``text`` from a new conversation of ``sender`` gets an answer."""
    sender = f"{next(UNIQUE)}-{sender}"  # a new conversation each: no pause carries over
    status, answer = say(bot, {"sender": sender, "message": text})
    assert status == 200 and any(texts(answer)), (status, answer)


class TestAnyUnicode:
    @settings(max_examples=1000, **UNICODE_RUN)
    @given(sender=ANY_TEXT, text=ANY_TEXT)
    def test_every_message_is_answered(self, plugin_bot: BotClient, sender: str, text: str) -> None:
        """1,000 arbitrary sender ids and texts on SQLite: each gets an answer, the server lives."""
        answered(plugin_bot, sender, text)

    @settings(max_examples=300, **UNICODE_RUN)
    @given(sender=ANY_TEXT, text=ANY_TEXT)
    def test_every_message_is_answered_on_postgresql(
        self, pg_bot: BotClient, sender: str, text: str
    ) -> None:
        """The first 300 of the same ids and texts (derandomized) on PostgreSQL, whose driver
        refuses NUL and lone surrogates in its own ways."""
        answered(pg_bot, sender, text)

    def test_still_answers_afterwards(self, bot: BotClient) -> None:
        """After the property runs the server answers as before."""
        alive(bot)


def nested(levels: int) -> bytes:
    """A REST body whose metadata nests ``levels`` deep (too deep for json.dumps to write)."""
    metadata = '{"a": ' * levels + '"bottom"' + "}" * levels
    return f'{{"sender": "m1", "message": "hi", "metadata": {metadata}}}'.encode()


MALFORMED = {
    "metadata 1000 deep": nested(1000),
    "message a number": {"sender": "m2", "message": 42},
    "message null": {"sender": "m3", "message": None},
    "message a list": {"sender": "m4", "message": ["hi"]},
    "no message": {"sender": "m5"},
    "sender an object": {"sender": {"id": 1}, "message": "hi"},
    "a JSON list body": [{"sender": "m6", "message": "hi"}],
    "not JSON": b'{"sender": "m7", "message": ',
}


class TestMalformedRequests:
    @pytest.mark.parametrize("case", sorted(MALFORMED))
    def test_answered_with_a_reason(self, plugin_bot: BotClient, case: str) -> None:
        """Each gets a 400 that says what to send, at once; the next customer is served."""
        started = time.perf_counter()
        status, answer = say(plugin_bot, MALFORMED[case])
        seconds = time.perf_counter() - started
        print(f"\n{case}: {status} {answer} in {seconds * 1000:.0f} ms")
        assert status == 400 and isinstance(answer, dict) and answer.get("error"), answer
        assert seconds < 5.0
        alive(plugin_bot)

    def test_a_number_as_sender_is_fine(self, plugin_bot: BotClient) -> None:
        """Rasa makes a string of a numeric sender; that keeps working."""
        status, answer = say(plugin_bot, {"sender": 12345, "message": "hi"})
        assert status == 200 and any(texts(answer)), answer
