"""What ``verify`` reports: the first bad record of a trail (:class:`Problem`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Bad", "Problem"]


@dataclass(frozen=True)
class Problem:
    """The first bad record of a trail (``line`` 0: the file as a whole)."""

    file: Path
    line: int
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "seq ?"
        return f"{self.file}:{self.line}: {where}: {self.message}"


class Bad(Exception):
    """Raised inside the checks of one file: the line, seq and message of a :class:`Problem`."""

    def __init__(self, line: int, seq: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.seq, self.message = line, seq, message
