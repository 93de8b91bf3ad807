"""Errors that point a conversation designer at the exact place in a policy file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence

from rasa.shared.exceptions import RasaException

__all__ = ["PolicyError", "PolicyIssue"]

# The designers' reference; `rasa-ethics schema` prints the same key list offline.
DOCS_URL = "https://github.com/rasa-ethics/rasa-ethics/blob/main/docs/policy.md"


@dataclass(frozen=True)
class PolicyIssue:
    """One problem in one policy file, with its 1-based line and column."""

    file: str
    line: int
    column: int
    key_path: str
    message: str

    def __str__(self) -> str:
        key = self.key_path or "<document>"
        return f"{self.file}:{self.line}:{self.column}: {key}: {self.message}"


class PolicyError(RasaException):
    """A policy file is invalid; ``str()`` gives ``FILE:LINE:COL: key.path: message`` lines."""

    def __init__(self, issues: Sequence[PolicyIssue]) -> None:
        self.issues: List[PolicyIssue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    def __str__(self) -> str:
        lines = [str(issue) for issue in self.issues]
        return "\n".join(lines) + f"\n(see {DOCS_URL})"
