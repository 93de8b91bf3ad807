"""``rasa-ethics init``: switch the plugin on in an existing Rasa bot with idempotent edits.

* :mod:`~rasa_ethics.adoption.rasa_files`: config.yml, endpoints.yml and credentials.yml;
* :mod:`~rasa_ethics.adoption.yaml_edit`: round-trip edits in the host's own YAML style, so that
  only the lines init adds or changes differ, and a second run leaves every file byte-identical;
* :mod:`~rasa_ethics.adoption.survey` (with :mod:`~rasa_ethics.adoption.reuse` and
  :mod:`~rasa_ethics.adoption.host_data`): the host's own bot-challenge, handoff and complaint
  intents, found by the plugin's detectors, and what reusing them changes;
* :mod:`~rasa_ethics.adoption.policy_edits`: the reuse and the kept host flows, in the policy;
* :mod:`~rasa_ethics.adoption.gitignore` and :mod:`~rasa_ethics.adoption.next_steps`: the host's
  git stays clean, and init ends with what the server needs.
"""

from rasa_ethics.adoption.core import STARTER_POLICY, adopt, policy_path
from rasa_ethics.adoption.next_steps import next_steps
from rasa_ethics.adoption.policy_edits import KeptFlow
from rasa_ethics.adoption.reuse import Reuse
from rasa_ethics.adoption.survey import Survey, survey
from rasa_ethics.adoption.yaml_edit import AdoptionError, Change

__all__ = [
    "STARTER_POLICY",
    "AdoptionError",
    "Change",
    "KeptFlow",
    "Reuse",
    "Survey",
    "adopt",
    "next_steps",
    "policy_path",
    "survey",
]
