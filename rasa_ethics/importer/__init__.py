"""Training data: the ethics intents, responses and NLU examples merged into any bot's data.

``rasa_ethics.importer.EthicsImporter`` is the same class as ``rasa_ethics.EthicsImporter``
(``config.yml`` ``importers:``).
"""

from rasa_ethics.importer.ethics_importer import EthicsImporter

__all__ = ["EthicsImporter"]
