"""Policy loading: the YAML that conversation designers edit, validated against one schema."""

from rasa_ethics.policy.errors import PolicyError, PolicyIssue
from rasa_ethics.policy.live import LivePolicy
from rasa_ethics.policy.loader import (
    ENV_VAR,
    LoadedPolicy,
    bundled_policy_path,
    load_policy,
    resolve_policy_path,
)
from rasa_ethics.policy.schema import PolicyDocument

__all__ = [
    "ENV_VAR",
    "LivePolicy",
    "LoadedPolicy",
    "PolicyDocument",
    "PolicyError",
    "PolicyIssue",
    "bundled_policy_path",
    "load_policy",
    "resolve_policy_path",
]
