"""The one harness for end-to-end tests and benchmarks: real models, real servers, real HTTP.

* :mod:`~tests.harness.training`: models of the example bot and its variants, trained once
  per content hash and cached in ``build/models/`` (``python -m tests.harness``);
* :mod:`~tests.harness.projects`: bots the plugin is adopted into (`rasa init`'s, the support bot);
* :mod:`~tests.harness.workspace`: the folder a served bot runs in (endpoints, credentials and
  policies: plugin or plain, action server up or down, audit broker, webhook, extra channels);
* :mod:`~tests.harness.serving`: ``rasa run`` of a model in a workspace on a free loopback port,
  and the example bot's action server;
* :mod:`~tests.harness.client`: the HTTP client of a served bot (REST channel, Rasa's API,
  the agent channel);
* :mod:`~tests.harness.agent`: a model loaded in this process (Rasa's ``Agent``);
* :mod:`~tests.harness.heldout`: the held-out evaluation of the handoff triggers;
* :mod:`~tests.harness.conversations`, :mod:`~tests.harness.full_disk`: scripted conversations,
  a small file system a test can fill;
* :mod:`~tests.harness.processes`: the environment, ports and lifetime of those processes.

Tests get them as fixtures (``tests/conftest.py``, ``tests/e2e/conftest.py``); benchmarks import
them (run benchmarks as modules from the repository root: ``python -m bench.dialogue.run``).
"""

from tests.harness.agent import LoadedAgent
from tests.harness.client import AGENT_TOKEN, API_TOKEN, BotClient, bot_events, event_names
from tests.harness.processes import BIN, EXAMPLE_BOT, RASA, REPO, ServerError, free_port, rasa_env
from tests.harness.serving import AUDIT_KEY, ServedBot, action_server, served_bot
from tests.harness.training import RECIPES, Recipe, TrainingError, trained_model
from tests.harness.workspace import Workspace, make_workspace, shift_into_the_past

__all__ = [
    "AGENT_TOKEN",
    "API_TOKEN",
    "AUDIT_KEY",
    "BIN",
    "EXAMPLE_BOT",
    "RASA",
    "RECIPES",
    "REPO",
    "BotClient",
    "LoadedAgent",
    "Recipe",
    "ServedBot",
    "ServerError",
    "TrainingError",
    "Workspace",
    "action_server",
    "bot_events",
    "event_names",
    "free_port",
    "make_workspace",
    "rasa_env",
    "served_bot",
    "shift_into_the_past",
    "trained_model",
]
