"""rasa_ethics.serving: the API's stored view and the REST guard (issue 9, rows 2 and 13).

Served end to end in tests/e2e/test_hardening_api.py and test_hardening_input.py; here the
middlewares run on stand-in requests, and the installer on a real Sanic app.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, List, Optional

import pytest
from rasa.core.channels.rest import RestInput
from sanic import Sanic
from sanic.exceptions import InvalidUsage

from rasa_ethics.serving import install, install_in_running_server, stored_view_only
from rasa_ethics.serving.api_view import mark_api_request
from rasa_ethics.serving.rest_guard import check_rest_request, clean_body, problem_with

WEBHOOK = "/webhooks/rest/webhook"


class FakeRequest:
    """What the middlewares read of a Sanic request."""

    def __init__(self, path: str, body: Any = None, method: str = "POST", bad_json: bool = False):
        self.path, self.method, self._body, self._bad = path, method, body, bad_json
        self.parsed_json: Optional[Any] = None
        self.app = SimpleNamespace(ctx=SimpleNamespace(input_channels=[RestInput()]))

    @property
    def json(self) -> Any:
        if self._bad:
            raise InvalidUsage("Failed when parsing body as json")
        return self._body


class TestStoredView:
    @pytest.mark.parametrize(
        ("path", "stored"),
        [
            ("/conversations/c1/tracker/events", True),
            ("/conversations/c1/predict", True),
            (WEBHOOK, False),
            ("/webhooks/ethics_agent/handoffs", False),
            ("/socket.io/", False),
            ("/", False),
        ],
    )
    def test_only_api_conversation_routes(self, path: str, stored: bool) -> None:
        """Only Rasa's /conversations/ routes get the stored view."""

        async def serve() -> bool:
            await mark_api_request(FakeRequest(path))  # type: ignore[arg-type]
            return stored_view_only()

        assert asyncio.run(serve()) is stored

    def test_the_mark_does_not_outlive_its_request(self) -> None:
        """Requests of one keep-alive connection share a task: each request sets the mark anew."""

        async def one_connection() -> List[bool]:
            seen = []
            for path in ("/conversations/c1/tracker", WEBHOOK):
                await mark_api_request(FakeRequest(path))  # type: ignore[arg-type]
                seen.append(stored_view_only())
            return seen

        assert asyncio.run(one_connection()) == [True, False]


class TestInstall:
    def test_into_rasas_app_once(self) -> None:
        """Both middlewares, the mark first, installed once however often a store is built."""
        app = Sanic("rasa_server")
        try:
            assert install_in_running_server() and install_in_running_server()
            assert list(app.request_middleware) == [mark_api_request, check_rest_request]
        finally:
            Sanic._app_registry.pop("rasa_server", None)

    def test_without_an_app(self) -> None:
        """No Sanic app (rasa shell, an Agent in a test): nothing to protect."""
        saved = dict(Sanic._app_registry)
        Sanic._app_registry.clear()
        try:
            assert install_in_running_server() is False
        finally:
            Sanic._app_registry.update(saved)

    def test_idempotent(self) -> None:
        """install() on the same app twice adds nothing."""
        app = Sanic("another_app", register=False)
        install(app)
        install(app)
        assert len(app.request_middleware) == 2


BAD = [
    ([{"sender": "a", "message": "hi"}], "must be a JSON object, not a list"),
    ("hi", "must be a JSON object, not a string"),
    ({"sender": "a", "message": 42}, "`message` must be a string, not a number"),
    ({"sender": "a", "message": None}, "`message` must be a string, not null"),
    ({"sender": "a", "message": ["hi"]}, "`message` must be a string, not a list"),
    ({"sender": "a"}, "`message` must be a string, not null"),
    ({"sender": {"id": 1}, "message": "hi"}, "`sender` must be a string, not an object"),
    ({"sender": True, "message": "hi"}, "`sender` must be a string, not a boolean"),
    ({"message": "hi", "input_channel": 3}, "`input_channel` must be a string"),
    ({"message": "hi", "metadata": [1]}, "`metadata` must be a JSON object, not a list"),
]
GOOD = [
    {"sender": "a", "message": "hi"},
    {"sender": 42, "message": ""},
    {"message": "hi"},
    {"sender": "a", "message": "hi", "metadata": {"a": {"b": [1, 2]}}, "input_channel": "web"},
]


class TestRestGuard:
    @pytest.mark.parametrize(("body", "problem"), BAD)
    def test_what_is_refused(self, body: Any, problem: str) -> None:
        """Each malformed body is named for what is wrong."""
        assert problem in (problem_with(body) or "")

    @pytest.mark.parametrize("body", GOOD)
    def test_what_passes(self, body: Any) -> None:
        """What RestInput handles well passes."""
        assert problem_with(body) is None

    def test_deep_metadata_is_refused(self) -> None:
        """Nesting past 32 levels is refused, measured without recursion."""
        deep: Any = "x"
        for _ in range(5000):
            deep = {"a": deep}
        assert "deeper than 32" in (problem_with({"message": "hi", "metadata": deep}) or "")

    def test_cleaning(self) -> None:
        """Sender, text, channel and metadata come out safe; other keys stay."""
        cleaned = clean_body(
            {"sender": "x\ud800", "message": "hi\x00", "metadata": {"k": "\x1b"}, "extra": 1}
        )
        assert cleaned["sender"].startswith("x\ufffd~") and cleaned["message"] == "hi\ufffd"
        assert cleaned["metadata"] == {"k": "\ufffd"} and cleaned["extra"] == 1

    def test_a_bad_request_gets_a_400(self) -> None:
        """The middleware answers a malformed webhook request itself."""
        answer = asyncio.run(check_rest_request(FakeRequest(WEBHOOK, [1])))  # type: ignore[arg-type]
        assert answer is not None and answer.status == 400 and b"not a list" in answer.body

    def test_invalid_json(self) -> None:
        """A body that is not JSON at all gets the same kind of answer."""
        request = FakeRequest(WEBHOOK, bad_json=True)
        answer = asyncio.run(check_rest_request(request))  # type: ignore[arg-type]
        assert answer is not None and answer.status == 400 and b"not valid JSON" in answer.body

    def test_a_good_request_goes_on_cleaned(self) -> None:
        """RestInput reads the cleaned body (Sanic's parsed_json)."""
        request = FakeRequest(WEBHOOK, {"sender": "x\ud800", "message": "hi"})
        assert asyncio.run(check_rest_request(request)) is None  # type: ignore[arg-type]
        assert request.parsed_json["sender"].startswith("x\ufffd~")

    @pytest.mark.parametrize(
        ("path", "method"), [("/webhooks/ethics_agent/handoffs/1/reply", "POST"), (WEBHOOK, "GET")]
    )
    def test_other_routes_are_left_alone(self, path: str, method: str) -> None:
        """Only POSTs to a REST channel's webhook are checked."""
        request = FakeRequest(path, [1], method=method)
        assert asyncio.run(check_rest_request(request)) is None  # type: ignore[arg-type]
