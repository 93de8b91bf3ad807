"""``rasa_ethics.EthicsImporter``: merges the ethics intents, examples and responses.

Add it under ``importers:`` in ``config.yml``, next to the bot's own importer::

    importers:
      - name: RasaFileImporter
      - name: rasa_ethics.EthicsImporter
        policy: ethics_policy.yml   # optional, see rasa_ethics.policy.resolve_policy_path

Rasa combines importers with ``CombinedDataImporter`` (``rasa/shared/importers/importer.py``):
domains, stories and NLU data of all importers are merged, so this importer only returns what it
adds.  It reads the host domain itself to decide which intents to reuse.  It adds no rules or
stories: EthicsPolicy alone decides the ethics responses (see :mod:`rasa_ethics.importer.data`).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.common import cached_method

from rasa_ethics.importer import data as ethics_data
from rasa_ethics.policy import LoadedPolicy, load_policy

__all__ = ["EthicsImporter"]

logger = logging.getLogger(__name__)


class EthicsImporter(TrainingDataImporter):
    """Adds the ethics training data of the policy to the host bot's own data."""

    def __init__(
        self,
        config_file: Optional[Text] = None,
        domain_path: Optional[Text] = None,
        training_data_paths: Optional[List[Text]] = None,
        policy: Optional[Text] = None,
    ) -> None:
        """Create the importer; ``policy`` is the policy file (else env var or bundled default)."""
        self._host = RasaFileImporter(config_file, domain_path, training_data_paths)
        self.policy: LoadedPolicy = load_policy(policy)

    @cached_method
    def plan(self) -> ethics_data.EthicsPlan:
        """Which ethics intents are added and which host intents are reused."""
        host_domain = self._host.get_domain()
        result = ethics_data.plan(self.policy, host_domain.intents)
        for intent in result.intents:
            verb = "adds" if intent.added else "reuses the bot's own"
            logger.debug("rasa-ethics %s intent '%s'", verb, intent.name)
        return result

    def get_config(self) -> Dict:
        """Nothing: the host's config is used as it is."""
        return {}

    def get_config_file_for_auto_config(self) -> Optional[Text]:
        """Auto-config is left to the host's importer."""
        return None

    @cached_method
    def get_domain(self) -> Domain:
        """The added intents and the ethics responses, with texts from the policy."""
        domain: Dict[str, Any] = {
            "version": "3.1",
            "intents": [intent.name for intent in self.plan().added],
            "responses": ethics_data.responses(self.policy),
        }
        return Domain.from_dict(domain)

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        """No rules or stories: a rule could promise a person that EthicsPolicy did not decide."""
        return StoryGraph([])

    def get_conversation_tests(self) -> StoryGraph:
        """No test stories: the host's own are used."""
        return StoryGraph([])

    @cached_method
    def get_nlu_data(self, language: Optional[Text] = "en") -> TrainingData:
        """The shipped examples of the added intents (English)."""
        if language not in (None, "en"):
            logger.warning("rasa-ethics ships English examples only; bot language is %s", language)
        return RasaYAMLReader().reads(ethics_data.nlu_yaml(self.plan()))
