"""Bot output: the disclosure in each session's first message, live ethics texts, output redaction.

``rasa_ethics.nlg.EthicsNLG`` is the same class as ``rasa_ethics.EthicsNLG`` (``endpoints.yml``
``nlg: type:``).
"""

from rasa_ethics.nlg.generator import EthicsNLG

__all__ = ["EthicsNLG"]
