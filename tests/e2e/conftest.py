"""Session-wide servers of the example bot for the end-to-end tests (see tests/harness/).

* ``actions``: the example bot's action server;
* ``plugin_bot``: the example bot with rasa-ethics, as `rasa-ethics init` set it up, the action
  server running; its audit broker wraps Rasa's SQL event broker (``events.db``) and writes the
  trail to a small file system of its own (``trail_disk``) that a test can fill;
* ``degraded_bot``: the same with the action server unreachable, and a webhook pointing at a
  local endpoint the tests can make fail, hang or recover (``webhook``);
* ``plain_bot``: the example bot trained and served without rasa-ethics (for comparisons);
* ``example_agent``: the plugin model loaded in this process (Rasa's Agent);
* ``watched_bot``: the example bot with everything on that could leak, watched, then crashed.

Set RASA_ETHICS_TEST_PLAIN_MODEL to a model archive to use it as the plain model.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest

from tests.e2e.canary import LOGGING_YML, CanaryRun, converse
from tests.e2e.crash import CrashRun, crash, crash_env, crashable, traced
from tests.handoff.flaky_webhook import FlakyWebhook, flaky_webhook
from tests.harness import (
    RECIPES,
    LoadedAgent,
    ServedBot,
    action_server,
    make_workspace,
    served_bot,
    trained_model,
)
from tests.harness.full_disk import SmallFilesystem, small_filesystem


@pytest.fixture(scope="session")
def actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example bot's action server on a free port (5055 may be someone else's)."""
    with action_server(tmp_path_factory.mktemp("actions")) as url:
        yield url


@pytest.fixture(scope="session")
def trail_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallFilesystem]:
    """A 4 MB tmpfs for plugin_bot's audit trail, when this process may mount one."""
    with small_filesystem(tmp_path_factory.mktemp("trail") / "fs", size="4m") as disk:
        yield disk


@pytest.fixture(scope="session")
def plugin_bot(
    trained_example_bot: Path,
    actions: str,
    trail_disk: SmallFilesystem,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedBot]:
    """The example bot with rasa-ethics and a running action server."""
    root = tmp_path_factory.mktemp("plugin")
    space = make_workspace(root, actions, broker_sql=True, audit_dir=trail_disk.path)
    with served_bot(trained_example_bot, space) as bot:
        yield bot


@pytest.fixture(scope="session")
def webhook() -> Iterator[Tuple[str, FlakyWebhook]]:
    """A local webhook endpoint whose behaviour the tests switch (override: fail/hang/ok)."""
    with flaky_webhook(FlakyWebhook(override="ok", hang_seconds=2.0)) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def degraded_bot(
    trained_example_bot: Path, webhook, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedBot]:
    """rasa-ethics with the action server down, and a webhook the tests control."""
    hook = {"url": webhook[0], "timeout_seconds": 0.5, "backoff_seconds": 0.2, "max_attempts": 50}
    root = tmp_path_factory.mktemp("degraded")
    space = make_workspace(root, None, policy={"handoff": {"webhook": hook}})
    with served_bot(trained_example_bot, space) as bot:
        yield bot


@pytest.fixture(scope="session")
def plain_model() -> Path:
    """The example bot trained without the plugin (cached while its inputs do not change)."""
    override = os.environ.get("RASA_ETHICS_TEST_PLAIN_MODEL")
    return Path(override) if override else trained_model(RECIPES["plain"])


@pytest.fixture(scope="session")
def plain_bot(
    plain_model: Path, actions: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedBot]:
    """The example bot without rasa-ethics, same action server, same kind of store."""
    space = make_workspace(tmp_path_factory.mktemp("plain"), actions, plugin=False)
    with served_bot(plain_model, space) as bot:
        yield bot


@pytest.fixture(scope="session")
def example_agent(
    trained_example_bot: Path, example_bot_dir: Path, actions: str
) -> Iterator[LoadedAgent]:
    """The plugin model loaded once in this process, its custom actions on ``actions``."""
    agent = LoadedAgent(trained_example_bot, example_bot_dir, actions)
    yield agent
    agent.close()


@dataclass(frozen=True)
class WatchedRun:
    """What the watched bot left: its files (``canary``) and its connections (``crash``)."""

    canary: CanaryRun
    crash: CrashRun


@pytest.fixture(scope="session")
def watched_bot(trained_example_bot: Path, tmp_path_factory: pytest.TempPathFactory) -> WatchedRun:
    """One `rasa run` with everything on that could leak personal data or phone home.

    The full rasa-ethics set-up (PIIDetector, RedactingTrackerStore on SQLite, the audit broker
    around Rasa's SQL event broker, EthicsNLG, AgentChannel), its own action server (whose log
    is searched too), `--debug --log-file`, the plugin's `--logging-config-file`, telemetry on
    (printed only) and every connect() recorded by strace.  The canary conversations run
    (tests/e2e/canary.py), then a message to the crash channel crashes it (tests/e2e/crash.py).
    test_pii_canary.py searches the files it left, test_no_phone_home.py its connections.
    """
    root = tmp_path_factory.mktemp("watched")
    run = CanaryRun(root, form_sender=f"form-{uuid.uuid4().hex[:8]}")
    (root / "actions").mkdir()
    with action_server(root / "actions") as actions:
        space = crashable(root, actions, broker_sql=True)
        args = ["--debug", "--log-file", str(root / "rasa-debug.log")]
        args += ["--logging-config-file", str(LOGGING_YML)]
        env, prefix = crash_env(space), traced(space)
        with served_bot(trained_example_bot, space, args=args, env=env, prefix=prefix) as bot:
            converse(bot, run)
            crashed = crash(bot)
    return WatchedRun(run, crashed)


#: Fixtures of the servers this conftest shares across modules.
SHARED_SERVERS = {"plugin_bot", "degraded_bot", "plain_bot", "example_agent", "webhook"}
#: The lanes `make test` runs side by side (scripts/test.sh), each in a pytest process of its
#: own, with the modules named here first, in this order.  A module named nowhere goes to
#: ``shared`` when it uses a shared server and to ``own`` when it does not.
LANES: Dict[str, Tuple[str, ...]] = {
    # first what needs no model: the lane starts while the example bot is still being trained
    "own": ("test_performance.py", "test_postgres.py"),
    # hundreds of messages each to the session's plugin_bot
    # (the audit module first: it fills plugin_bot's small trail disk, and counts records)
    "statistics": (
        "test_audit_e2e.py",
        "test_example_bot.py",
        "test_truth_contract.py",
        "test_heldout.py",
    ),
    # the modules of the session's servers but those above; the one that needs plain_bot last of
    # these, as the plain model is trained last
    "shared": (
        "test_hardening_input.py",
        "test_hardening_api.py",
        "test_hardening_size.py",
        "test_agent_and_webhook.py",
        "test_disclosure_handoff.py",
        # last: it adds agent accounts, and with accounts presence decides availability
        "test_web_chat.py",
    ),
    # a model besides the example bot's, in the order the training lanes finish them
    # (test_check_live.py last: one of its tests serves the rasa init bot, trained last;
    # test_bias_gate.py first: it trains its two tiny NLU models itself, in seconds)
    "models": (
        "test_bias_gate.py",
        "test_pii_context.py",
        "test_adopt_support_bot.py",
        "test_rasa_init_bot.py",
        "test_check_live.py",
    ),
}
_NAMED = {module: lane for lane, modules in LANES.items() for module in modules}


def lanes_of(items: list) -> Dict[Path, str]:
    """The lane of each test module: as ``LANES`` names it, else ``shared`` when one of its
    tests uses a shared server, else ``own``."""
    lanes = {i.path: _NAMED.get(i.path.name, "own") for i in items}
    for item in items:
        named = item.path.name in _NAMED
        if not named and SHARED_SERVERS & set(getattr(item, "fixturenames", ())):
            lanes[item.path] = "shared"
    return lanes


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """With $RASA_ETHICS_E2E_LANE, keep one lane's modules (see ``LANES``), so several
    processes can run the suite side by side."""
    lane = os.environ.get("RASA_ETHICS_E2E_LANE")
    if lane is None:
        return
    if lane not in LANES:
        raise pytest.UsageError(f"RASA_ETHICS_E2E_LANE={lane!r}: not one of {', '.join(LANES)}")
    lanes = lanes_of(items)
    keep = [i for i in items if lanes[i.path] == lane]
    order = LANES.get(lane, ())
    keep.sort(key=lambda i: order.index(i.path.name) if i.path.name in order else len(order))
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep
