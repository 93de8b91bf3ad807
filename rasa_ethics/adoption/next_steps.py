"""What the server needs before ``rasa run``: the environment variables and the logging config.

Worked out from the bot's own files after init, so it names what this bot really needs: the
agents' token its ``credentials.yml`` reads, the audit key its policy names, and the vault key
only when the vault cannot keep its key in a file next to a SQLite database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from rasa_ethics.adoption.rasa_files import AGENT_CHANNEL, AGENT_TOKEN_ENV
from rasa_ethics.logging import CONFIG_FILE
from rasa_ethics.policy.loader import LoadedPolicy
from rasa_ethics.vault import ENV_KEY as VAULT_KEY_ENV

__all__ = ["next_steps"]

_SIGNING_PEM = "/etc/rasa-ethics/audit-signing.pem"
_SECRET = "$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
_FERNET = (
    "$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
)


def next_steps(bot_dir: Path, policy: LoadedPolicy) -> List[str]:
    """The lines ``init`` ends with, ready to copy into a shell."""
    endpoints = _read(bot_dir / "endpoints.yml")
    credentials = _read(bot_dir / "credentials.yml")
    channel = credentials.get(AGENT_CHANNEL) or {}
    agent_env = channel.get("token_env") or AGENT_TOKEN_ENV
    lines = [
        "Next: `rasa train`, then set in the environment of `rasa run` (every replica alike):",
        f'  export {agent_env}="{_SECRET}"',
        "      # the agents' token for `rasa-ethics handoff`; without it the server stops at start",
        f'  export {policy.audit.pseudonym_key_env}="{_SECRET}"',
        "      # keys the audit trail's pseudonyms; unset, they only link one run's records",
    ]
    lines += _signing_lines(policy)
    lines += _vault_lines(policy, endpoints)
    lines += [
        f"  rasa run --logging-config-file {CONFIG_FILE}",
        "      # keeps PII out of Rasa's own logs; `rasa-ethics logging-config` prints this path,",
        "      # `rasa-ethics logging-config --write .` copies the file into the bot",
        "Edit the policy file to change texts and triggers: no retraining needed.",
    ]
    return lines


def _signing_lines(policy: LoadedPolicy) -> List[str]:
    """The key that signs the audit trail's checkpoints, unless the policy names a key file."""
    if not policy.audit.enabled or policy.audit.signing_key_file:
        return []
    return [
        f"  rasa-ethics audit keygen {_SIGNING_PEM}   # once, outside the bot folder",
        f'  export {policy.audit.signing_key_env}="$(cat {_SIGNING_PEM})"',
        "      # signs the audit trail; unset, a key is made beside the trail, where anyone who",
        "      # can read the audit folder could re-sign it",
    ]


def _vault_lines(policy: LoadedPolicy, endpoints: Dict[str, Any]) -> List[str]:
    """The vault key, when vaulted slots live in a database that is not a SQLite file."""
    if not (policy.pii.enabled and policy.pii.vault_slots):
        return []
    store = endpoints.get("tracker_store") or {}
    inner = store.get("inner") if isinstance(store, dict) else None
    database = _vault_database(policy.handoff.store_url, inner if isinstance(inner, dict) else {})
    if database == "sqlite":
        return []
    if database is None:
        return [
            "  # your tracker store is not SQL: set handoff.store_url in the policy to a SQL",
            "  # database for the handoff queue and the vault, and its key:",
            f'  export {VAULT_KEY_ENV}="{_FERNET}"',
        ]
    return [
        f'  export {VAULT_KEY_ENV}="{_FERNET}"',
        "      # encrypts the vaulted slots (pii.vault_slots); your database is not SQLite",
    ]


def _vault_database(store_url: Optional[str], inner: Dict[str, Any]) -> Optional[str]:
    """"sqlite" for a SQLite file, "other" for another SQL database, None without SQL."""
    if store_url:
        file = store_url.startswith("sqlite:///") and ":memory:" not in store_url
        return "sqlite" if file else "other"
    if str(inner.get("type", "sql")).lower() != "sql":
        return None
    dialect = str(inner.get("dialect", "sqlite")).lower()
    return "sqlite" if dialect == "sqlite" and inner.get("db") else "other"


def _read(path: Path) -> Dict[str, Any]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
