"""The retention purge on a schedule inside the server (``privacy.purge_every_hours``).

The same purge as ``rasa-ethics privacy purge`` (:mod:`rasa_ethics.rights.purge`): the plan, the
deletion, one ``purge`` record in the privacy trail (operator ``schedule``) and a tombstone per
purged conversation.  The deletion runs in a worker thread, so customers' turns go on meanwhile;
the tombstones are published on the server's event loop, where Rasa's brokers expect them.

The first run comes :data:`FIRST_RUN_SECONDS` after start (or one period, if that is shorter),
then one every period.  A run that fails is logged and tried again a period later: the server
never stops for it.  The period is read from the live policy at each run; unset, the schedule
waits and checks again.  On several replicas each one purges; the second finds nothing left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Callable, List, Optional

from rasa_ethics.policy import LivePolicy
from rasa_ethics.rights.locate import BotStores
from rasa_ethics.rights.purge import PurgeResult, delete_and_audit, plan_purge

__all__ = ["FIRST_RUN_SECONDS", "PurgeSchedule"]

logger = logging.getLogger(__name__)

#: Seconds from the start of the server to the first scheduled purge (at most one period).
FIRST_RUN_SECONDS = 300.0
#: How often an unset schedule looks at the live policy again.
IDLE_CHECK_SECONDS = 600.0
_HOUR = 3600.0
OPERATOR = "schedule"


class PurgeSchedule:
    """One background task per store that purges every ``privacy.purge_every_hours``."""

    def __init__(self, stores: Callable[[], BotStores], live: LivePolicy) -> None:
        """``stores``: the running store's stores (:func:`rasa_ethics.rights.locate.stores_of`)."""
        self.stores = stores
        self.live = live
        self.runs = 0  # purges finished (done or failed) since start, for logs and tests
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
        self._task = loop.create_task(self._run(), name="rasa-ethics-purge")
        return True

    async def stop(self) -> None:
        """Stop the task; a purge under way in its thread finishes there."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        first = True
        while True:
            every = self._period()
            if every is None:
                await asyncio.sleep(IDLE_CHECK_SECONDS)
                continue
            await asyncio.sleep(min(every, FIRST_RUN_SECONDS) if first else every)
            first = False
            if self._period() is not None:
                await self.run_once()

    def _period(self) -> Optional[float]:
        hours = self.live.current.privacy.purge_every_hours
        return None if hours is None else hours * _HOUR

    async def run_once(self) -> Optional[PurgeResult]:
        """One purge now; None when it failed (logged, with the reason)."""
        try:
            stores = self.stores()
            result, stones = await asyncio.get_running_loop().run_in_executor(None, _delete, stores)
            result.tombstones = stores.publish(stones)
        except Exception as exc:  # noqa: BLE001 - the server goes on; the next run tries again
            logger.error(
                "rasa-ethics: the scheduled purge failed (%s: %s); nothing more is tried until "
                "the next run",
                type(exc).__name__,
                exc,
            )
            return None
        finally:
            self.runs += 1
        logger.info(
            "rasa-ethics: scheduled purge: %d conversation(s) past %d days deleted (%d events)",
            result.conversations,
            result.plan.retention_days,
            result.deleted.events,
        )
        return result


def _delete(stores: BotStores) -> "tuple[PurgeResult, List[dict]]":
    return delete_and_audit(stores, plan_purge(stores), OPERATOR)
