"""Policy schema: the limits section (how much YAML a policy file may make the bot read).

Every policy file is read under the hard caps below, whatever it says, so that no file (an
alias bomb, nesting thousands deep, 50 MB of YAML) can make the bot or ``rasa-ethics validate``
slow: reading stops at the first cap exceeded.  Then the file is held to its ``limits:``
section, whose defaults suit any hand-written policy.  A policy may raise its own limits, up to
the hard caps and never past them.
"""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from pydantic import Field

from rasa_ethics.policy._section import Section

__all__ = [
    "HARD_MAX_ALIASES",
    "HARD_MAX_DEPTH",
    "HARD_MAX_FILE_BYTES",
    "HARD_MAX_NODES",
    "HARD_MAX_NUMBER_CHARS",
    "LimitsConfig",
]

# Measured on 2 shared cores: at these caps reading any file takes well under a second.
HARD_MAX_FILE_BYTES = 2 * 1024 * 1024
HARD_MAX_DEPTH = 50
HARD_MAX_NODES = 50_000
HARD_MAX_ALIASES = 1_000
# Longer numbers are refused while reading: Python's int() of a 60,000-part YAML 1.1 base-60
# number takes seconds, and one of more than 4,300 digits raises ValueError.
HARD_MAX_NUMBER_CHARS = 100


class LimitsConfig(Section):
    """How much YAML each policy file may hold. Raise a limit only for a generated policy."""

    max_file_bytes: int = Field(
        256 * 1024,
        ge=1024,
        le=HARD_MAX_FILE_BYTES,
        description=f"Largest policy file, in bytes (hard cap {HARD_MAX_FILE_BYTES}).",
    )
    max_depth: int = Field(
        20,
        ge=5,
        le=HARD_MAX_DEPTH,
        description=f"Deepest nesting of mappings and lists (hard cap {HARD_MAX_DEPTH}).",
    )
    max_nodes: int = Field(
        20_000,
        ge=100,
        le=HARD_MAX_NODES,
        description="Most values (keys, texts, list items) in one file, counting what YAML "
        f"aliases (*name) expand to (hard cap {HARD_MAX_NODES}).",
    )
    max_aliases: int = Field(
        100,
        ge=0,
        le=HARD_MAX_ALIASES,
        description=f"Most YAML aliases (*name) in one file (hard cap {HARD_MAX_ALIASES}).",
    )
