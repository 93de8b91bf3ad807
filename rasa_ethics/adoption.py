"""``rasa-ethics init``: switch the plugin on in an existing Rasa bot with idempotent edits.

Files are edited with ruamel.yaml's round-trip mode, so comments and layout survive, and a file is
only written when its content really changes: a second run leaves every file byte-identical.

What it switches on:

* ``config.yml``: the importer (``importers:``), ``rasa_ethics.PIIDetector`` first in
  ``pipeline:`` and ``rasa_ethics.EthicsPolicy`` (``policies:``);
* ``endpoints.yml``: ``nlg: rasa_ethics.EthicsNLG``, ``tracker_store:
  rasa_ethics.RedactingTrackerStore`` (wrapping the bot's own store as ``inner:``, or SQLite) and
  ``event_broker: rasa_ethics.AuditEventBroker`` (wrapping the bot's own broker, if any);
* ``credentials.yml``: ``rasa_ethics.AgentChannel`` with its token in ``$RASA_ETHICS_AGENT_TOKEN``.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, List, Optional

import rasa.engine.recipes
import yaml
from rasa.shared.exceptions import RasaException
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from rasa_ethics.policy import bundled_policy_path

__all__ = ["AdoptionError", "Change", "STARTER_POLICY", "adopt"]

STARTER_POLICY = "ethics_policy.yml"
IMPORTER = "rasa_ethics.EthicsImporter"
POLICY = "rasa_ethics.EthicsPolicy"
PII_DETECTOR = "rasa_ethics.PIIDetector"
NLG = "rasa_ethics.EthicsNLG"
TRACKER_STORE = "rasa_ethics.RedactingTrackerStore"
EVENT_BROKER = "rasa_ethics.AuditEventBroker"
AGENT_CHANNEL = "rasa_ethics.AgentChannel"
AGENT_TOKEN_ENV = "RASA_ETHICS_AGENT_TOKEN"
DEFAULT_RASA_CONFIG = (
    Path(rasa.engine.recipes.__file__).parent / "config_files" / "default_config.yml"
)


class AdoptionError(RasaException):
    """The folder cannot be adopted, with what to do about it."""


@dataclass
class Change:
    """One thing ``init`` did, for the report it prints."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


@dataclass
class _YamlFile:
    path: Path
    yaml: YAML
    data: Any
    original: str
    changes: List[str] = field(default_factory=list)
    prefix: str = ""  # a file of comments only loads as nothing: keep its text in front

    def dump(self) -> str:
        buffer = io.StringIO()
        if self.data:
            self.yaml.dump(self.data, buffer)
        if self.prefix and buffer.getvalue():
            return self.prefix.rstrip("\n") + "\n\n" + buffer.getvalue()
        return buffer.getvalue() or self.original


def adopt(bot_dir: Path, policy: Optional[str] = None) -> List[Change]:
    """Edit ``config.yml`` (and copy a starter policy) so the bot uses rasa-ethics."""
    bot_dir = bot_dir.resolve()
    _require_rasa_project(bot_dir)
    changes: List[Change] = []
    policy_ref = policy or STARTER_POLICY
    if policy is None and not (bot_dir / STARTER_POLICY).exists():
        shutil.copyfile(bundled_policy_path(), bot_dir / STARTER_POLICY)
        changes.append(Change(STARTER_POLICY, "created from the bundled default policy"))
    elif policy is not None and not (bot_dir / policy).is_file():
        msg = f"policy file '{policy}' not found relative to {bot_dir}"
        raise AdoptionError(msg)
    changes += _edit(bot_dir / "config.yml", lambda doc: _config_edits(doc, policy_ref))
    changes += _edit(bot_dir / "endpoints.yml", lambda doc: _endpoints_edits(doc, policy_ref))
    changes += _edit(bot_dir / "credentials.yml", _credentials_edits)
    return changes


def _require_rasa_project(bot_dir: Path) -> None:
    if not bot_dir.is_dir():
        msg = f"'{bot_dir}' is not a folder"
        raise AdoptionError(msg)
    missing = [name for name in ("config.yml", "domain.yml") if not (bot_dir / name).exists()]
    if missing and not ((bot_dir / "config.yml").exists() and (bot_dir / "domain").is_dir()):
        msg = (
            f"'{bot_dir}' is not a Rasa project: {', '.join(missing)} missing. "
            "Run `rasa init` to create one, or pass the folder that holds config.yml."
        )
        raise AdoptionError(msg)


def _edit(path: Path, editor: Callable[[Any], List[str]]) -> List[Change]:
    handle = _load(path)
    whats = editor(handle.data)
    text = handle.dump()
    if not whats or text == handle.original:
        return []
    path.write_text(text, encoding="utf-8")
    return [Change(path.name, what) for what in whats]


def _load(path: Path) -> _YamlFile:
    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]  # ruamel's annotations say None
    yaml.width = 4096  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=4, offset=2)
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    data = yaml.load(original) if original.strip() else None
    prefix = original if data is None else ""
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        msg = f"{path}: expected a YAML mapping at the top level"
        raise AdoptionError(msg)
    return _YamlFile(path, yaml, data, original, prefix=prefix)


def _config_edits(config: CommentedMap, policy_ref: str) -> List[str]:
    whats = _fill_auto_config(config)
    importers = config.get("importers")
    if importers is None:
        # Without `importers:` Rasa uses RasaFileImporter alone; keep it, then add ours.
        importers = CommentedSeq([CommentedMap(name="RasaFileImporter")])
        config["importers"] = importers
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
    """The PII detector, first: it must see the message before any tokenizer does."""
    if any(_name(item) == PII_DETECTOR for item in pipeline):
        return []
    pipeline.insert(0, CommentedMap([("name", PII_DETECTOR), ("policy", policy_ref)]))
    return [f"added {PII_DETECTOR} first in the pipeline (PII detected once per message)"]


def _endpoints_edits(endpoints: CommentedMap, policy_ref: str) -> List[str]:
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


def _comment(mapping: CommentedMap, key: str, text: str) -> None:
    """A blank line and a comment line above a key that init added."""
    mapping.yaml_set_comment_before_after_key(key, before=f"\n{text}")


def _default_inner_store() -> CommentedMap:
    return CommentedMap([("type", "sql"), ("dialect", "sqlite"), ("db", "rasa.db")])


def _credentials_edits(credentials: CommentedMap) -> List[str]:
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


def _append(items: CommentedSeq, item: CommentedMap) -> None:
    """Append to a block sequence, moving the blank lines/comments that trailed the old last item.

    ruamel attaches what follows a sequence (e.g. the blank line before the next key) to its last
    element; without this the new item would land after that gap.
    """
    last = items[-1] if items else None
    if isinstance(last, CommentedMap) and last:
        last_key = list(last.keys())[-1]
        entry = last.ca.items.get(last_key)
        if entry and len(entry) > 2 and entry[2] is not None:
            trailer, entry[2] = entry[2], None
            items.append(item)
            item.ca.items[list(item.keys())[-1]] = [None, None, trailer, None]
            return
    items.append(item)


def _name(item: Any) -> Optional[str]:
    if isinstance(item, dict):
        return item.get("name")
    return item if isinstance(item, str) else None
