"""What the conversation and the bot itself tell the PII engine.

* :mod:`~rasa_ethics.context.answers`: the reply to "What's the name on the account?" is a name
  (:class:`Asked`, :class:`AnswerTypes`);
* :mod:`~rasa_ethics.context.own_names`: the bot's own words (domain names, brand) are never
  personal data (:data:`OWN_NAMES`);
* :mod:`~rasa_ethics.context.known`: remembering what was found, for the log filter.
"""

from rasa_ethics.context.answers import AnswerTypes, Asked, answer_types
from rasa_ethics.context.known import remember
from rasa_ethics.context.own_names import OWN_NAMES, OwnNames, domain_names

__all__ = [
    "OWN_NAMES",
    "AnswerTypes",
    "Asked",
    "OwnNames",
    "answer_types",
    "domain_names",
    "remember",
]
