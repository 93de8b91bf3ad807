"""The hash chain as structlog processors: every record gets ``seq``, ``prev`` and ``hash``.

The writer renders records through a structlog logger of its own (``structlog.wrap_logger`` with
these processors); the global structlog configuration, which Rasa owns, is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from structlog.typing import EventDict, WrappedLogger

from rasa_ethics.audit import _capture
from rasa_ethics.audit.records import GENESIS, seal

__all__ = ["Chain", "LineSink"]


class LineSink:
    """The "logger" at the end of the structlog chain: collects rendered lines for one batch."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0

    def msg(self, line: str) -> None:
        """Keep one rendered line."""
        self.lines.append(line)
        self.size += len(line)

    def take(self) -> bytes:
        """All collected lines as bytes; the sink is empty afterwards."""
        data = "".join(self.lines).encode("ascii")
        self.lines.clear()
        self.size = 0
        return data


class Chain:
    """``seq`` and ``prev`` of a trail, advanced as records are sealed and rolled back on failure.

    Records sealed since the last :meth:`commit` are *pending*: :meth:`rollback` forgets them, so
    a batch the disk refused leaves no hole in the chain.
    """

    def __init__(self, seq: int = 0, prev: str = GENESIS) -> None:
        self.seq = seq
        self.prev = prev
        self.sink = LineSink()
        self.pending_types: list[str] = []
        self._committed: tuple[int, str] = (seq, prev)
        self._captured: list[dict[str, Any]] = []
        # .bind() turns wrap_logger's lazy proxy into the bound logger, so records do not pay
        # for the proxy on every call
        self.logger = structlog.wrap_logger(
            self.sink,
            processors=[self.link, self.seal],
            wrapper_class=structlog.BoundLogger,
            context_class=dict,
        ).bind()
        # append(type_, **fields) seals one record into the pending batch
        self.append: Callable[..., None] = self.logger.msg

    def link(self, _logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
        """structlog processor: the event name becomes ``type``; add ``seq`` and ``prev``."""
        event_dict["type"] = event_dict.pop("event")
        event_dict["seq"] = self.seq
        event_dict["prev"] = self.prev
        return event_dict

    def seal(self, _logger: WrappedLogger, _method: str, event_dict: EventDict) -> str:
        """structlog renderer: the canonical line with its ``hash``; advance the chain."""
        line, digest = seal(event_dict)
        self.seq += 1
        self.prev = digest
        self.pending_types.append(event_dict["type"])
        if _capture.CAPTURES:
            event_dict["hash"] = digest
            self._captured.append(dict(event_dict))
        return line

    def commit(self) -> None:
        """The pending records are on disk: make them permanent."""
        self._committed = (self.seq, self.prev)
        self.pending_types.clear()
        if self._captured:
            _capture.deliver(self._captured)
            self._captured = []

    def rollback(self) -> list[str]:
        """Forget the pending records (the disk refused them); return their types."""
        lost = list(self.pending_types)
        self.seq, self.prev = self._committed
        self.pending_types.clear()
        self._captured = []
        self.sink.take()
        return lost
