"""Deliver queued handoff requests to the policy's webhook, off the customer's critical path.

The customer's turn only inserts a row (:class:`~rasa_ethics.handoff.queue.HandoffQueue`) and
nudges this worker; the HTTP call happens in a background task.  A slow or failing endpoint
therefore never delays a reply.  Failed attempts are retried with exponential backoff
(``backoff_seconds`` doubling, capped at :data:`MAX_BACKOFF_SECONDS`) until ``max_attempts``, then
parked as ``failed`` (still listed by ``rasa-ethics handoff list``).  Rows left pending by a
restart are picked up when the worker starts again.

Each POST carries ``Idempotency-Key: <request id>``, so an endpoint that received a request whose
answer got lost (a timeout after it committed) can drop the retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from typing import Any, Dict, Optional

import aiohttp

from rasa_ethics.handoff.queue import HandoffQueue
from rasa_ethics.handoff.request import HandoffRequest
from rasa_ethics.policy import LivePolicy
from rasa_ethics.policy.schema import WebhookConfig

__all__ = ["MAX_BACKOFF_SECONDS", "WebhookWorker", "backoff"]

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 600.0
POLL_SECONDS = 5.0  # also picks up rows queued by other replicas
LEASE_MARGIN_SECONDS = 10.0


def backoff(config: WebhookConfig, attempts: int) -> Optional[float]:
    """Seconds to wait after the ``attempts``-th failed attempt, or None to give up."""
    if attempts >= config.max_attempts:
        return None
    return min(config.backoff_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)


class WebhookWorker:
    """One background task per process that drains the outbox."""

    def __init__(self, store: HandoffQueue, live: LivePolicy) -> None:
        """Deliver rows of ``store`` to the webhook configured in the live policy."""
        self.store = store
        self.live = live
        self._wake: Optional[asyncio.Event] = None
        self._stopping = False
        self._task: Optional["asyncio.Task[None]"] = None

    @property
    def running(self) -> bool:
        """True while the background task is alive."""
        return self._task is not None and not self._task.done()

    def start(self) -> bool:
        """Start the task on the running event loop; False when there is none yet."""
        if self.running:
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._wake = asyncio.Event()
        self._task = loop.create_task(self._run(), name="rasa-ethics-webhook")
        return True

    def nudge(self) -> None:
        """Deliver soon: a request was just queued."""
        if self.start() and self._wake is not None:
            self._wake.set()

    async def stop(self) -> None:
        """Stop the task (pending rows stay queued for the next start)."""
        if self._task is None:
            return
        # On Python 3.10 `asyncio.wait_for` can swallow a cancellation that races with its inner
        # future (bpo-42130), so the loop also checks a flag and the cancel is repeated.
        self._stopping = True
        if self._wake is not None:
            self._wake.set()
        while not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=1.0)
        with contextlib.suppress(asyncio.CancelledError):
            self._task.result()
        self._task = None
        self._stopping = False

    async def _run(self) -> None:
        async with aiohttp.ClientSession() as session:
            while not self._stopping:
                try:
                    await self.deliver_due(session)
                except Exception:  # noqa: BLE001 - the worker must outlive a bad row or DB hiccup
                    logger.exception("rasa-ethics webhook worker: delivery round failed")
                await self._sleep()

    async def _sleep(self) -> None:
        assert self._wake is not None
        next_due = self.store.next_due_at()
        delay = POLL_SECONDS if next_due is None else max(0.0, next_due - time.time())
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=min(delay, POLL_SECONDS))
        except asyncio.TimeoutError:
            pass
        self._wake.clear()

    async def deliver_due(self, session: aiohttp.ClientSession) -> int:
        """Send every due row once (concurrently); return how many were delivered."""
        config = self.live.current.handoff.webhook
        if not config.url:
            return 0
        now = time.time()
        lease = config.timeout_seconds + LEASE_MARGIN_SECONDS
        rows = [r for r in self.store.due(now) if self.store.claim(r["id"], now, lease)]
        results = await asyncio.gather(*(self._deliver(session, row, config) for row in rows))
        return sum(results)

    async def _deliver(
        self, session: aiohttp.ClientSession, row: Dict[str, Any], config: WebhookConfig
    ) -> bool:
        attempts = int(row["attempts"]) + 1  # the claim counted this attempt
        error = await self._post(session, row, config, attempts)
        if error is None:
            self.store.delivered(row["id"])
            return True
        wait = backoff(config, attempts)
        self.store.retry_later(row["id"], None if wait is None else time.time() + wait, error)
        level = logging.WARNING if wait is not None else logging.ERROR
        logger.log(
            level, "rasa-ethics webhook attempt %d for %s failed: %s", attempts, row["id"], error
        )
        return False

    async def _post(
        self,
        session: aiohttp.ClientSession,
        row: Dict[str, Any],
        config: WebhookConfig,
        attempt: int,
    ) -> Optional[str]:
        """POST one request; None on a 2xx answer, else what went wrong."""
        headers = {"Idempotency-Key": row["id"], "X-Rasa-Ethics-Attempt": str(attempt)}
        token = os.environ.get(config.token_env) if config.token_env else None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = _payload(row, self.live.current.name)
        timeout = aiohttp.ClientTimeout(total=config.timeout_seconds)
        try:
            post = session.post(str(config.url), json=body, headers=headers, timeout=timeout)
            async with post as answer:
                return None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
        except asyncio.TimeoutError:
            return f"timeout after {config.timeout_seconds}s"
        except aiohttp.ClientError as exc:
            return f"{type(exc).__name__}: {exc}"


def _payload(row: Dict[str, Any], policy_name: str) -> Dict[str, Any]:
    request = HandoffRequest(
        id=row["id"],
        conversation_id=row["conversation_id"],
        reason=row["reason"],
        created_at=row["created_at"],
        available=row["agent_available"],
        signals=row["signals"],
        transcript=row["transcript"],
        reference=row.get("reference"),
    )
    return request.as_payload(policy_name)
