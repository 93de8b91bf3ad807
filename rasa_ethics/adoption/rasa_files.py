"""The edits that switch the plugin on in Rasa's own files: config, endpoints and credentials.

* ``config.yml``: the importer (``importers:``), ``rasa_ethics.PIIDetector`` first in
  ``pipeline:``, ``rasa_ethics.EthicsIntentGuard`` before ``FallbackClassifier`` (else last) and
  ``rasa_ethics.EthicsPolicy`` (``policies:``);
* ``endpoints.yml``: ``nlg: rasa_ethics.EthicsNLG``, ``tracker_store:
  rasa_ethics.RedactingTrackerStore`` (wrapping the bot's own store as ``inner:``, or SQLite) and
  ``event_broker: rasa_ethics.AuditEventBroker`` (wrapping the bot's own broker, if any);
* ``credentials.yml``: ``rasa_ethics.AgentChannel`` with its token in ``$RASA_ETHICS_AGENT_TOKEN``.

Each editor takes the loaded mapping and returns one line per change; an editor that finds its
part already in place returns nothing, which keeps a second ``init`` from changing a byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import rasa.engine.recipes
import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from rasa_ethics import constants
from rasa_ethics.adoption.yaml_edit import append as _append
from rasa_ethics.adoption.yaml_edit import comment as _comment

__all__ = [
    "AGENT_TOKEN_ENV",
    "DEFAULT_INNER_STORE",
    "config_edits",
    "credentials_edits",
    "endpoints_edits",
]

IMPORTER = "rasa_ethics.EthicsImporter"
POLICY = "rasa_ethics.EthicsPolicy"
PII_DETECTOR = "rasa_ethics.PIIDetector"
INTENT_GUARD = "rasa_ethics.EthicsIntentGuard"
FALLBACK_CLASSIFIER = "FallbackClassifier"
NLG = "rasa_ethics.EthicsNLG"
TRACKER_STORE = "rasa_ethics.RedactingTrackerStore"
EVENT_BROKER = "rasa_ethics.AuditEventBroker"
AGENT_CHANNEL = "rasa_ethics.AgentChannel"
AGENT_TOKEN_ENV = constants.AGENT_TOKEN_ENV
DEFAULT_INNER_STORE = {"type": "sql", "dialect": "sqlite", "db": "rasa.db"}
DEFAULT_RASA_CONFIG = (
    Path(rasa.engine.recipes.__file__).parent / "config_files" / "default_config.yml"
)


def config_edits(config: CommentedMap, policy_ref: str) -> List[str]:
    """The importer, the PII detector and EthicsPolicy, each added once."""
    whats = _fill_auto_config(config)
    importers = config.get("importers")
    if importers is None:
        # Without `importers:` Rasa uses RasaFileImporter alone; keep it, then add ours.
        importers = CommentedSeq([CommentedMap(name="RasaFileImporter")])
        config["importers"] = importers
        _comment(config, "importers", "rasa-ethics: the ethics intents, responses and rules")
    if not any(_name(item) == IMPORTER for item in importers):
        _append(importers, CommentedMap([("name", IMPORTER), ("policy", policy_ref)]))
        whats.append(f"added importer {IMPORTER} (policy: {policy_ref})")
    whats += _pipeline_edits(config["pipeline"], policy_ref)
    policies = config["policies"]
    if not any(_name(item) == POLICY for item in policies):
        _append(policies, CommentedMap([("name", POLICY), ("policy", policy_ref)]))
        whats.append(f"added policy {POLICY} (handoff and bot challenge, above RulePolicy)")
    return whats


def _pipeline_edits(pipeline: CommentedSeq, policy_ref: str) -> List[str]:
    """The PII detector first (before any tokenizer); the intent guard after the classifiers."""
    whats = []
    if not any(_name(item) == PII_DETECTOR for item in pipeline):
        pipeline.insert(0, CommentedMap([("name", PII_DETECTOR), ("policy", policy_ref)]))
        whats.append(f"added {PII_DETECTOR} first in the pipeline (PII detected once per message)")
    if not any(_name(item) == INTENT_GUARD for item in pipeline):
        guard = CommentedMap([("name", INTENT_GUARD), ("policy", policy_ref)])
        names = [_name(item) for item in pipeline]
        if FALLBACK_CLASSIFIER in names:
            pipeline.insert(names.index(FALLBACK_CLASSIFIER), guard)
            where = f"before {FALLBACK_CLASSIFIER}"
        else:
            _append(pipeline, guard)
            where = "last in the pipeline"
        whats.append(f"added {INTENT_GUARD} {where} (an ethics intent needs evidence)")
    return whats


def endpoints_edits(endpoints: CommentedMap, policy_ref: str) -> List[str]:
    """The NLG (disclosure, live texts) and the tracker-store wrapper (handoff queue, redaction).

    A bot's own NLG of another type is left alone (rasa-ethics cannot wrap a callback NLG server);
    a bot's own tracker store is kept, wrapped as ``inner:``.
    """
    whats = []
    if not endpoints.get("nlg"):
        endpoints["nlg"] = CommentedMap([("type", NLG), ("policy", policy_ref)])
        _comment(endpoints, "nlg", "rasa-ethics: the AI disclosure, and texts from the policy")
        whats.append(f"set nlg to {NLG} (AI disclosure in each session's first message)")
    store = endpoints.get("tracker_store")
    if not (isinstance(store, dict) and store.get("type") == TRACKER_STORE):
        inner = store if isinstance(store, dict) and store else _default_inner_store()
        endpoints["tracker_store"] = CommentedMap(
            [("type", TRACKER_STORE), ("policy", policy_ref), ("inner", inner)]
        )
        _comment(endpoints, "tracker_store", "rasa-ethics: queues handoffs; your store is `inner:`")
        kept = "your tracker store" if inner is store else "SQLite rasa.db"
        whats.append(f"set tracker_store to {TRACKER_STORE} around {kept} (handoff queue)")
    return whats + _event_broker_edits(endpoints, policy_ref)


def _event_broker_edits(endpoints: CommentedMap, policy_ref: str) -> List[str]:
    """The audit trail; a bot's own event broker is kept, wrapped as ``inner:``."""
    broker = endpoints.get("event_broker")
    if isinstance(broker, dict) and broker.get("type") == EVENT_BROKER:
        return []
    entry = CommentedMap([("type", EVENT_BROKER), ("policy", policy_ref)])
    if isinstance(broker, dict) and broker:
        inner = broker if isinstance(broker, CommentedMap) else CommentedMap(broker)
        # Rasa takes a broker without `type:` for pika (rasa/core/brokers/broker.py)
        if not inner.get("type"):
            inner.insert(0, "type", "pika")
        entry["inner"] = inner
    endpoints["event_broker"] = entry
    _comment(endpoints, "event_broker", "rasa-ethics: the audit trail; your broker is `inner:`")
    kept = " around your event broker" if "inner" in entry else ""
    return [f"set event_broker to {EVENT_BROKER}{kept} (audit trail in audit/)"]


def _default_inner_store() -> CommentedMap:
    return CommentedMap(DEFAULT_INNER_STORE.items())


def credentials_edits(credentials: CommentedMap) -> List[str]:
    """The agent channel, authenticated by a token from the environment."""
    if AGENT_CHANNEL in credentials:
        return []
    credentials[AGENT_CHANNEL] = CommentedMap([("token_env", AGENT_TOKEN_ENV)])
    _comment(credentials, AGENT_CHANNEL, "rasa-ethics: `rasa-ethics handoff` talks to this channel")
    return [
        f"added channel {AGENT_CHANNEL} (agents' handoff endpoints; token in ${AGENT_TOKEN_ENV})"
    ]


def _fill_auto_config(config: CommentedMap) -> List[str]:
    """Write out Rasa's default pipeline/policies where the bot relies on auto-config.

    Rasa skips auto-config when several importers are configured
    (``CombinedDataImporter.get_config_file_for_auto_config`` in ``rasa/shared/importers``), and
    training then fails on an empty ``pipeline:``.  Writing the defaults out keeps the bot as it
    was.
    """
    whats = []
    defaults = yaml.safe_load(DEFAULT_RASA_CONFIG.read_text(encoding="utf-8"))
    for key in ("pipeline", "policies"):
        if not config.get(key):
            _drop_commented_config(config, key)
            config[key] = CommentedSeq(CommentedMap(item) for item in defaults[key])
            whats.append(f"wrote out Rasa's default {key} (auto-config is off with two importers)")
    return whats


def _drop_commented_config(config: CommentedMap, key: str) -> None:
    """Remove the "# # No configuration ... was provided" block Rasa leaves under an empty key.

    ruamel keeps comments that follow a key with an empty value in a list shared with the next
    key (or in the document's end comments); other lines there, such as the next section's
    header, are kept.
    """
    keys = list(config.keys())
    index = keys.index(key)
    entries = [config.ca.items.get(k) for k in keys[index : index + 2]]
    lists = [e[1] for e in entries if e and isinstance(e[1], list)]
    if index == len(keys) - 1 and config.ca.end:
        lists.append(config.ca.end)
    for tokens in lists:
        kept = [t for t in tokens if not t.value.startswith(("# #", "#  "))]
        if len(kept) != len(tokens) and kept:
            kept.insert(0, CommentToken("\n", CommentMark(0), None))
        tokens[:] = kept


def _name(item: Any) -> Optional[str]:
    if isinstance(item, dict):
        return item.get("name")
    return item if isinstance(item, str) else None
