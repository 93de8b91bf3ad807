"""A local webhook endpoint that fails, then hangs, then recovers: for outbox tests."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, List, Optional, Tuple

__all__ = ["FlakyWebhook", "flaky_webhook"]


@dataclass
class FlakyWebhook:
    """503 until ``fail_until``, then hangs past the client's timeout until ``hang_until``, then OK.

    Times are seconds since start (or set ``override``).  Only a 200 answer counts as accepted; a
    hung request is answered 503 after ``hang_seconds`` (the client has given up by then), so
    nothing is accepted twice unless the client really sent it twice.
    """

    fail_until: float = 0.0
    hang_until: float = 0.0
    hang_seconds: float = 2.0
    started: float = field(default_factory=time.monotonic)
    log: List[Tuple[float, str, int, Dict[str, str]]] = field(default_factory=list)
    accepted: Counter = field(default_factory=Counter)
    bodies: Dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    override: Optional[str] = None  # "fail", "hang" or "ok": set by hand instead of by time

    def mode(self) -> str:
        if self.override:
            return self.override
        elapsed = time.monotonic() - self.started
        if elapsed < self.fail_until:
            return "fail"
        if elapsed < self.hang_until:
            return "hang"
        return "ok"

    def handle(self, headers: Dict[str, str], body: dict) -> int:
        key = headers.get("Idempotency-Key", "")
        mode = self.mode()
        if mode == "hang":
            time.sleep(self.hang_seconds)
        status = {"fail": 503, "hang": 503, "ok": 200}[mode]
        with self.lock:
            self.log.append((time.monotonic() - self.started, key, status, headers))
            if status == 200:
                self.accepted[key] += 1
                self.bodies[key] = body
        return status


@contextlib.contextmanager
def flaky_webhook(server: Optional[FlakyWebhook] = None) -> Iterator[Tuple[str, FlakyWebhook]]:
    """Serve ``server`` on a free loopback port; yield (url, server)."""
    state = server or FlakyWebhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status = state.handle(dict(self.headers), body)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and left

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/handoffs", state
    finally:
        httpd.shutdown()
        httpd.server_close()
