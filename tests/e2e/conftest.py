"""Session-wide servers for the ethics end-to-end tests (see tests/e2e/ethics_bot.py).

* ``plugin_bot``: the example bot with rasa-ethics, its action server running;
* ``degraded_bot``: the same with the action server unreachable, and a webhook pointing at a
  local endpoint the tests can make fail, hang or recover (``webhook``);
* ``plain_bot``: the example bot trained and served without rasa-ethics (for comparisons).

The plain model is cached in bench/out/models/ (keyed by a hash of the training inputs); set
RASA_ETHICS_TEST_PLAIN_MODEL to a model archive to use another one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from tests.e2e.ethics_bot import (
    AGENT_TOKEN,
    API_TOKEN,
    BotClient,
    make_workspace,
    train_variant,
    without_plugin,
)
from tests.handoff.flaky_webhook import FlakyWebhook, flaky_webhook
from tests.servers import REPO, action_server, free_port, serve_bot

SERVER_ENV = {"RASA_ETHICS_AGENT_TOKEN": AGENT_TOKEN}


@pytest.fixture(scope="session")
def ethics_actions(example_bot_dir: Path, tmp_path_factory) -> Iterator[str]:
    """The example bot's action server on a free port (5055 may be someone else's)."""
    with action_server(
        example_bot_dir, tmp_path_factory.mktemp("ethics-actions"), free_port()
    ) as url:
        yield url


@pytest.fixture(scope="session")
def plugin_bot(
    trained_example_bot: Path, ethics_actions: str, tmp_path_factory
) -> Iterator[BotClient]:
    """The example bot with rasa-ethics and a running action server."""
    space = make_workspace(tmp_path_factory.mktemp("plugin"), ethics_actions)
    with serve_bot(
        trained_example_bot,
        space.bot,
        space.bot / "endpoints.yml",
        space.bot / "credentials.yml",
        auth_token=API_TOKEN,
        env=SERVER_ENV,
        start_timeout=600,  # loading a model takes minutes on a busy 2-core machine
    ) as url:
        yield BotClient(url, space)


@pytest.fixture(scope="session")
def webhook() -> Iterator[Tuple[str, FlakyWebhook]]:
    """A local webhook endpoint whose behaviour the tests switch (override: fail/hang/ok)."""
    with flaky_webhook(FlakyWebhook(override="ok", hang_seconds=2.0)) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def degraded_bot(trained_example_bot: Path, webhook, tmp_path_factory) -> Iterator[BotClient]:
    """rasa-ethics with the action server down, and a webhook the tests control."""
    hook = {"url": webhook[0], "timeout_seconds": 0.5, "backoff_seconds": 0.2, "max_attempts": 50}
    space = make_workspace(tmp_path_factory.mktemp("degraded"), None, webhook=hook)
    with serve_bot(
        trained_example_bot,
        space.bot,
        space.bot / "endpoints.yml",
        space.bot / "credentials.yml",
        auth_token=API_TOKEN,
        env=SERVER_ENV,
    ) as url:
        yield BotClient(url, space)


@pytest.fixture(scope="session")
def plain_model() -> Path:
    """The example bot trained without the plugin (cached while its inputs do not change)."""
    override = os.environ.get("RASA_ETHICS_TEST_PLAIN_MODEL")
    if override:
        return Path(override)
    return train_variant(REPO / "bench" / "out" / "models", without_plugin)


@pytest.fixture(scope="session")
def plain_bot(plain_model: Path, ethics_actions: str, tmp_path_factory) -> Iterator[BotClient]:
    """The example bot without rasa-ethics, same action server, same kind of store."""
    space = make_workspace(tmp_path_factory.mktemp("plain-run"), ethics_actions, plugin=False)
    with serve_bot(
        plain_model,
        space.bot,
        space.bot / "endpoints.yml",
        space.bot / "credentials.yml",
        auth_token=API_TOKEN,
    ) as url:
        yield BotClient(url, space)
