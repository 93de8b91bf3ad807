"""Fixtures for the audit trail tests: writers on temporary trails, policies, Rasa events."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa_ethics.audit.writer import AuditWriter  # noqa: E402


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    """The active file of a fresh trail (not created yet)."""
    return tmp_path / "audit" / "audit.jsonl"


@pytest.fixture
def make_writer(trail: Path) -> Iterator[Callable[..., AuditWriter]]:
    """Build writers on ``trail`` (fsync off for speed); closes them after the test."""
    writers: list[AuditWriter] = []

    def make(**options: Any) -> AuditWriter:
        options.setdefault("fsync", "never")
        options.setdefault("policy_version", "testpolicy")
        writer = AuditWriter(options.pop("path", trail), **options)
        writers.append(writer)
        return writer

    yield make
    for writer in writers:
        writer.close()


@pytest.fixture
def policy_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a small policy YAML whose ``audit:`` section holds the given settings."""

    def make(**audit: Any) -> Path:
        audit.setdefault("path", str(tmp_path / "audit" / "audit.jsonl"))
        audit.setdefault("fsync", "never")
        lines = [
            f"  {key}: {value!r}" if isinstance(value, str) else f"  {key}: {value}"
            for key, value in audit.items()
        ]
        lines = [line.replace("True", "true").replace("False", "false") for line in lines]
        path = tmp_path / "policy.yml"
        path.write_text("version: 1\nname: test\naudit:\n" + "\n".join(lines) + "\n")
        return path

    return make


@pytest.fixture
def keyfile(tmp_path: Path) -> Path:
    """A private key made by ``rasa-ethics audit keygen``, outside the audit folder."""
    from rasa_ethics.cli import main

    path = tmp_path / "keys" / "audit-signing.pem"
    path.parent.mkdir()
    assert main(["audit", "keygen", str(path)]) == 0
    return path
