"""Input channels served by the Rasa server itself (``credentials.yml``).

``rasa_ethics.channels.AgentChannel`` is the same class as ``rasa_ethics.AgentChannel``, and
``rasa_ethics.channels.WebChatChannel`` as ``rasa_ethics.WebChatChannel``.
"""

from rasa_ethics.channels.agent import AgentChannel
from rasa_ethics.channels.web_chat import WebChatChannel

__all__ = ["AgentChannel", "WebChatChannel"]
