"""The agent channel on a real HTTP server, in-process, around a real (model-less) Rasa Agent.

Rasa registers input channels with ``rasa.core.channels.channel.register``; so does this, on a
Sanic app served from its own thread and event loop on a free loopback port.  The tests talk to
it over real sockets: urllib for ordinary requests, a raw socket to send headers without a body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import urllib.error
import urllib.request
import uuid
from typing import Any, Iterator, Optional, Sequence, Tuple

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, register
from sanic import Sanic

from rasa_ethics.channels.agent import AgentChannel
from tests.harness import free_port

TOKEN = "agent-token-for-unit-tests-7f3a"
# Sanic 21.12 rewrites ("touches up") its own classes when an app starts; a second app in the
# same process then fails with KeyError unless test mode keeps the originals (sanic/touchup).
# Rasa serves one app per process, so this is a test-only switch.
Sanic.test_mode = True


@contextlib.contextmanager
def serve_channel(
    agent: Agent, token: str = TOKEN, more: Sequence[InputChannel] = ()
) -> Iterator[str]:
    """Serve ``AgentChannel(token)`` (and the channels ``more``) for ``agent``; yield the base
    URL."""
    port = free_port()
    app = Sanic(f"ethics_agent_test_{uuid.uuid4().hex[:12]}")
    app.ctx.agent = agent
    register([AgentChannel(token), *more], app, route="/webhooks/")
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
            )
            loop.run_until_complete(server.startup())
            loop.run_until_complete(server.after_start())
        except BaseException as exc:  # shown by the assertion below
            holder["error"] = exc
            ready.set()
            raise
        ready.set()
        loop.run_forever()
        loop.run_until_complete(server.close())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30) and "error" not in holder, f"no agent channel: {holder.get('error')!r}"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def call(
    url: str, method: str = "GET", body: Any = None, token: Optional[str] = TOKEN, raw: bytes = b""
) -> Tuple[int, Any]:
    """(status, JSON answer) of one request; ``raw`` sends bytes as they are."""
    data = raw or (json.dumps(body).encode("utf-8") if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def headers_only(
    url: str, path: str, length: Optional[int], token: Optional[str] = TOKEN, start: bytes = b""
) -> int:
    """Announce a ``length``-byte body, send only ``start`` of it, return the status answered.

    ``length`` None sends ``start`` as one chunk of a chunked body of unannounced size.
    """
    host, port = url.removeprefix("http://").split(":")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json"]
    if length is None:
        lines.append("Transfer-Encoding: chunked")
        start = f"{len(start):x}\r\n".encode("ascii") + start + b"\r\n"
    else:
        lines.append(f"Content-Length: {length}")
    if token:
        lines.append(f"Authorization: Bearer {token}")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + start)
        answer = connection.recv(4096).decode("latin-1")
    return int(answer.split(" ", 2)[1])
