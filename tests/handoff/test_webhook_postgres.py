"""Two webhook workers, as on two replicas, race for one outbox on PostgreSQL.

Each worker has its own engine (its own connections), its own event loop in its own thread, and
both deliver rounds as fast as they can to one real HTTP endpoint, which fails at first so that
retries race too.  Every request must arrive exactly once (by its Idempotency-Key).
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import List

import aiohttp

from rasa_ethics.handoff.queue import HandoffQueue
from rasa_ethics.handoff.webhook import WebhookWorker
from rasa_ethics.policy import LivePolicy
from tests.e2e.postgres import postgres_server
from tests.handoff.flaky_webhook import FlakyWebhook, flaky_webhook
from tests.handoff.test_webhook import policy_file, request

COUNT = 60


def race(worker: WebhookWorker, deadline: float, delivered: List[int]) -> None:
    """Deliver rounds back to back until ``deadline``; count what this worker delivered."""

    async def rounds() -> None:
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                delivered.append(await worker.deliver_due(session))
                await asyncio.sleep(0.01)

    asyncio.run(rounds())


class TestTwoWorkersOnPostgres:
    def test_each_request_is_delivered_exactly_once(self, tmp_path: Path) -> None:
        hook = FlakyWebhook(fail_until=0.5)  # the first attempts fail: retries race as well
        with postgres_server() as inner, flaky_webhook(hook) as (url, _):
            database = f"postgresql://postgres@127.0.0.1:{inner['port']}/postgres"
            live = LivePolicy(policy_file(tmp_path, url))
            queues = [HandoffQueue.from_url(database), HandoffQueue.from_url(database)]
            for i in range(COUNT):
                queues[i % 2].add(request(i), with_webhook=True)
            counts: List[List[int]] = [[], []]
            hook.started = deadline = time.monotonic()  # failing from now on, for 0.5 s
            deadline += 6
            threads = [
                threading.Thread(target=race, args=(WebhookWorker(q, live), deadline, n))
                for q, n in zip(queues, counts, strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            rows = [queues[0].get(f"id-{i}") for i in range(COUNT)]
        assert hook.accepted == {f"id-{i}": 1 for i in range(COUNT)}
        assert all(row["delivery"] == "delivered" for row in rows)
        assert sum(counts[0]) + sum(counts[1]) == COUNT
        assert sum(counts[0]) > 0 and sum(counts[1]) > 0  # both workers really took part
        assert any(status == 503 for _, _, status, _ in hook.log)  # and retries were raced
