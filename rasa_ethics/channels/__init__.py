"""Input channels served by the Rasa server itself (``credentials.yml``).

``rasa_ethics.channels.AgentChannel`` is the same class as ``rasa_ethics.AgentChannel``.
"""

from rasa_ethics.channels.agent import AgentChannel

__all__ = ["AgentChannel"]
