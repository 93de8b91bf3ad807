"""Fixtures: a bot folder (the working directory) with its SQLite stores filled."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from tests.rights.bot import AUDIT_KEY, fill_customers, write_bot  # noqa: E402

_KEYS = ("RASA_ETHICS_VAULT_KEY", "RASA_ETHICS_SUBJECT_KEY", "RASA_ETHICS_POLICY")


@pytest.fixture
def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty bot folder, the working directory, with keyed audit pseudonyms."""
    folder = tmp_path / "bot"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("RASA_ETHICS_AUDIT_KEY", AUDIT_KEY)
    for name in _KEYS:
        monkeypatch.delenv(name, raising=False)
    write_bot(folder)
    return folder


@pytest.fixture(scope="session")
def filled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Filled once per session (the store loads spaCy): ana, ana2 (the same e-mail) and ben
    now, old1 and old2 40 days ago."""
    folder = tmp_path_factory.mktemp("template") / "bot"
    folder.mkdir()
    names = (*_KEYS, "RASA_ETHICS_AUDIT_KEY")
    before, saved = Path.cwd(), {k: os.environ.pop(k, None) for k in names}
    os.environ["RASA_ETHICS_AUDIT_KEY"] = AUDIT_KEY
    try:
        os.chdir(folder)
        write_bot(folder)
        fill_customers(folder, old=["old1", "old2"])
    finally:
        os.chdir(before)
        os.environ.pop("RASA_ETHICS_AUDIT_KEY")
        os.environ.update({k: v for k, v in saved.items() if v is not None})
    return folder


@pytest.fixture
def filled(bot: Path, filled_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the filled bot, as the working directory."""
    shutil.rmtree(bot)
    shutil.copytree(filled_template, bot, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.chdir(bot)
    return bot
