"""A policy that follows edits on disk, so text changes apply without retraining."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Optional, Union

from rasa_ethics.policy.errors import PolicyError
from rasa_ethics.policy.loader import LoadedPolicy, load_policy

__all__ = ["LivePolicy"]

logger = logging.getLogger(__name__)


class LivePolicy:
    """Holds the current policy and reloads it when a file in its chain changes.

    A reload that fails validation keeps the last good policy and logs the error: a designer's
    broken edit must never take a running bot down.  Start-up still fails closed, because the first
    load raises.
    """

    def __init__(self, path: Optional[Union[str, Path]] = None, check_every: float = 2.0) -> None:
        self._path = path
        self._check_every = check_every
        self._lock = threading.Lock()
        self._policy = load_policy(path)
        self._checked_at = time.monotonic()

    @property
    def current(self) -> LoadedPolicy:
        """The newest valid policy."""
        now = time.monotonic()
        if now - self._checked_at >= self._check_every:
            with self._lock:
                self._checked_at = now
                if self._policy.is_stale():
                    self._reload()
        return self._policy

    def _reload(self) -> None:
        try:
            self._policy = load_policy(self._path)
            logger.info("rasa-ethics policy reloaded from %s", self._policy.path)
        except PolicyError as exc:
            logger.error("rasa-ethics policy edit rejected, keeping the previous one:\n%s", exc)
