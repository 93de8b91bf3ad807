"""A trained model loaded in this process (Rasa's ``Agent``), to parse and converse without HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any, Coroutine, Dict, Iterator, List, Optional, TypeVar

__all__ = ["LoadedAgent"]

T = TypeVar("T")


@contextlib.contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


class LoadedAgent:
    """One ``Agent.load`` of a model, with the event loop all its calls run on.

    The model names its policy file relative to the bot folder, as under `rasa run`, so loading
    and every call run with ``folder`` as the working directory.  Load it once per test session:
    loading costs more than everything the tests then ask of it.
    """

    def __init__(self, model: Path, folder: Path, action_url: Optional[str] = None) -> None:
        """Load ``model`` from ``folder``; custom actions go to ``action_url``."""
        from rasa.core.agent import Agent
        from rasa.utils.endpoints import EndpointConfig

        self.folder = folder
        self.loop = asyncio.new_event_loop()
        endpoint = EndpointConfig(action_url) if action_url else None
        with _working_directory(folder):
            self.agent = Agent.load(str(model), action_endpoint=endpoint)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the agent's loop, in the bot folder."""
        with _working_directory(self.folder):
            return self.loop.run_until_complete(coroutine)

    def parse(self, text: str) -> Dict[str, Any]:
        """What the model's NLU makes of ``text``."""
        return self.run(self.agent.parse_message(text))

    def converse(self, sender: str, messages: List[str]) -> List[List[str]]:
        """Send ``messages`` as ``sender``; the bot's texts for each."""

        async def talk() -> List[List[str]]:
            replies = []
            for message in messages:
                answers = await self.agent.handle_text(message, sender_id=sender)
                replies.append([a.get("text", "") for a in answers or []])
            return replies

        return self.run(talk())

    def close(self) -> None:
        """Stop Rasa's job scheduler and close the loop."""
        from rasa.core.jobs import kill_scheduler

        kill_scheduler()
        self.loop.close()
