"""The outbox worker against a real local endpoint that fails, hangs, then recovers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from rasa_ethics.handoff.queue import HandoffQueue
from rasa_ethics.handoff.request import HandoffRequest
from rasa_ethics.handoff.webhook import MAX_BACKOFF_SECONDS, WebhookWorker, backoff
from rasa_ethics.policy import LivePolicy
from rasa_ethics.policy.schema import WebhookConfig
from tests.handoff.flaky_webhook import FlakyWebhook, flaky_webhook

REPO = Path(__file__).resolve().parents[2]


def policy_file(tmp_path: Path, url: str, token_env: str = "") -> Path:
    path = tmp_path / "policy.yml"
    path.write_text(
        f"extends_dirs: [{REPO / 'policies'}]\n"
        f"extends: {REPO / 'policies' / 'northwind.yml'}\n"
        "handoff:\n  webhook:\n"
        f"    url: {url}\n    timeout_seconds: 0.3\n    backoff_seconds: 0.1\n"
        f"    max_attempts: 30\n" + (f"    token_env: {token_env}\n" if token_env else "")
    )
    return path


def request(i: int) -> HandoffRequest:
    return HandoffRequest(f"id-{i}", f"c{i}", "customer_request", time.time(), True)


async def drain(worker: WebhookWorker, store: HandoffQueue, ids, timeout: float = 20) -> None:
    worker.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(store.get(i)["delivery"] == "delivered" for i in ids):
            return
        worker.nudge()
        await asyncio.sleep(0.05)
    raise AssertionError("not all delivered")


class TestBackoff:
    def test_doubles_then_gives_up(self) -> None:
        """1, 2, 4 ... seconds, capped, then None after max_attempts."""
        config = WebhookConfig(url="http://x", backoff_seconds=1, max_attempts=4)
        assert [backoff(config, n) for n in (1, 2, 3, 4)] == [1, 2, 4, None]
        assert backoff(WebhookConfig(url="http://x", max_attempts=99), 50) == MAX_BACKOFF_SECONDS


class TestWorker:
    def test_fail_hang_recover_delivers_each_exactly_once(self, tmp_path, monkeypatch) -> None:
        """503s, then timeouts, then recovery: every request arrives once, with its key."""
        monkeypatch.setenv("HOOK_TOKEN", "s3cret")
        server = FlakyWebhook(fail_until=0.8, hang_until=1.6, hang_seconds=0.6)
        with flaky_webhook(server) as (url, hook):
            store = HandoffQueue.from_url(f"sqlite:///{tmp_path / 'h.db'}")
            worker = WebhookWorker(store, LivePolicy(policy_file(tmp_path, url, "HOOK_TOKEN")))
            ids = [f"id-{i}" for i in range(5)]
            for i in range(5):
                store.add(request(i), with_webhook=True)

            async def run() -> None:
                try:
                    await drain(worker, store, ids)
                finally:
                    await worker.stop()

            asyncio.run(run())
        assert hook.accepted == {i: 1 for i in ids}
        statuses = {status for _, _, status, _ in hook.log}
        assert statuses == {200, 503}  # it did fail and hang before recovering
        headers = next(h for _, k, s, h in hook.log if s == 200)
        assert headers["Authorization"] == "Bearer s3cret"
        assert hook.bodies["id-0"]["conversation_id"] == "c0"

    def test_pending_rows_survive_a_restart(self, tmp_path) -> None:
        """Rows queued while the endpoint was down are delivered by the next process."""
        with flaky_webhook(FlakyWebhook(fail_until=999)) as (url, down):
            db = f"sqlite:///{tmp_path / 'h.db'}"
            store = HandoffQueue.from_url(db)
            store.add(request(1), with_webhook=True)
            first = WebhookWorker(store, LivePolicy(policy_file(tmp_path, url)))

            async def fail_a_while() -> None:
                first.start()
                await asyncio.sleep(0.5)
                await first.stop()

            asyncio.run(fail_a_while())
            assert store.get("id-1")["delivery"] == "pending" and down.accepted == {}
        with flaky_webhook() as (url, up):
            store = HandoffQueue.from_url(db)  # a "restarted" process
            second = WebhookWorker(store, LivePolicy(policy_file(tmp_path, url)))

            async def deliver() -> None:
                try:
                    await drain(second, store, ["id-1"])
                finally:
                    await second.stop()

            asyncio.run(deliver())
            assert up.accepted == {"id-1": 1}

    def test_no_url_sends_nothing(self, tmp_path) -> None:
        """Without a webhook URL the worker does nothing."""
        path = tmp_path / "p.yml"
        path.write_text(
            f"extends_dirs: [{REPO / 'policies'}]\nextends: {REPO / 'policies' / 'northwind.yml'}\n"
        )
        store = HandoffQueue.from_url(f"sqlite:///{tmp_path / 'h.db'}")
        worker = WebhookWorker(store, LivePolicy(path))

        async def run() -> int:
            import aiohttp

            async with aiohttp.ClientSession() as session:
                return await worker.deliver_due(session)

        assert asyncio.run(run()) == 0

    @pytest.mark.parametrize("attempts", [3])
    def test_parks_after_max_attempts(self, tmp_path, attempts: int) -> None:
        """A request that keeps failing is parked as failed, not retried for ever."""
        with flaky_webhook(FlakyWebhook(fail_until=999)) as (url, _):
            path = policy_file(tmp_path, url)
            path.write_text(
                path.read_text().replace("max_attempts: 30", f"max_attempts: {attempts}")
            )
            store = HandoffQueue.from_url(f"sqlite:///{tmp_path / 'h.db'}")
            store.add(request(1), with_webhook=True)
            worker = WebhookWorker(store, LivePolicy(path))

            async def run() -> None:
                worker.start()
                deadline = time.monotonic() + 10
                while store.get("id-1")["delivery"] != "failed" and time.monotonic() < deadline:
                    worker.nudge()
                    await asyncio.sleep(0.05)
                await worker.stop()

            asyncio.run(run())
        row = store.get("id-1")
        assert row["delivery"] == "failed" and row["attempts"] == attempts
