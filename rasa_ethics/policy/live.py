"""A policy that follows edits on disk, so text changes apply without retraining.

The request path never reads a file: :attr:`LivePolicy.current` returns the policy in force, and
when a check is due it starts one in a background thread.  That thread compares the files with
the versions in force (by content) and, if one changed, parses the chain and swaps the new policy
in with one assignment.  EthicsPolicy, EthicsNLG, the stores and the NLU component each hold a
LivePolicy of the same file; they share one parse per file version, so a version is read once and
a bad one is logged once per process.  Each process (each Rasa replica) follows the file on its
own: nothing is shared between processes.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

from rasa_ethics.policy.errors import PolicyError
from rasa_ethics.policy.loader import LoadAttempt, LoadedPolicy, attempt_load, resolve_policy_path

__all__ = ["LivePolicy"]

logger = logging.getLogger(__name__)


class LivePolicy:
    """Holds the current policy and reloads it, off the request path, when its files change.

    A reload that fails for any reason keeps the last good policy and logs the error once per
    bad file version: a designer's broken edit must never take a running bot down.  Start-up
    still fails closed, because the first load raises.
    """

    def __init__(self, path: Optional[Union[str, Path]] = None, check_every: float = 2.0) -> None:
        """Load the policy now (raising :class:`PolicyError`); look for edits every few seconds."""
        self._path = resolve_policy_path(path).resolve()
        self._check_every = check_every
        self._checking = threading.Lock()
        result, _ = _VERSIONS.latest(self._path)
        if isinstance(result, PolicyError):
            raise result
        self._policy: LoadedPolicy = result
        self._next_check = time.monotonic() + check_every

    @property
    def current(self) -> LoadedPolicy:
        """The newest valid policy; never waits for a file (a due check runs in the background)."""
        if time.monotonic() >= self._next_check and self._checking.acquire(blocking=False):
            self._next_check = time.monotonic() + self._check_every
            try:
                threading.Thread(
                    target=self._check_and_release, name="rasa-ethics-policy", daemon=True
                ).start()
            except RuntimeError:  # no thread to be had: try again at the next check
                self._checking.release()
        return self._policy

    def refresh(self) -> LoadedPolicy:
        """Check the files now, in the calling thread (tools and tests), and return the policy."""
        with self._checking:
            self._check()
        return self._policy

    def _check_and_release(self) -> None:
        try:
            self._check()
        finally:
            self._checking.release()

    def _check(self) -> None:
        try:
            result, fresh = _VERSIONS.latest(self._path)
        except Exception:  # a bug here must not end the reload thread's host process
            logger.exception("rasa-ethics: checking the policy %s failed", self._path)
            return
        if isinstance(result, PolicyError):
            if fresh:
                logger.error(
                    "rasa-ethics policy edit rejected, keeping the previous one:\n%s", result
                )
            return
        if result is not self._policy:
            self._policy = result
            if fresh:
                logger.info("rasa-ethics policy reloaded from %s", result.path)


class _Versions:
    """The last reading of each policy file in this process, shared by every LivePolicy."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: Dict[Path, threading.Lock] = {}
        self._attempts: Dict[Path, LoadAttempt] = {}

    def latest(self, path: Path) -> Tuple[Union[LoadedPolicy, PolicyError], bool]:
        """The reading of ``path`` that matches the files now, and whether it was just made."""
        with self._guard:
            lock = self._locks.setdefault(path, threading.Lock())
        with lock:  # one reading per file version, whoever asks
            attempt = self._attempts.get(path)
            if attempt is not None and attempt.unchanged():
                return attempt.result, False
            attempt = attempt_load(path)
            self._attempts[path] = attempt
            return attempt.result, True


_VERSIONS = _Versions()
