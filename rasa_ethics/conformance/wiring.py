"""Static checks of ``config.yml``, ``endpoints.yml`` and ``credentials.yml``: every component is
there and imports.

Several of Rasa's loaders fall back silently when a class does not import: a tracker store
becomes ``InMemoryTrackerStore`` with a warning (``rasa/core/tracker_store.py``
``_load_from_module_name_in_endpoint_config``), an event broker is dropped with a warning
(``rasa/core/brokers/broker.py``), and an importer is skipped with ``Importer '...' not found``
(``rasa/shared/importers/importer.py`` ``_importer_from_dict``).  Each would leave the bot running
without redaction, audit or the ethics intents, so here each is a failure that names the cause.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

from rasa_ethics.conformance.bot import BotFiles, importable
from rasa_ethics.conformance.results import FAIL, PASS, WARN, Result

__all__ = ["wiring_results"]

ART50, SB1001 = "EU AI Act Art. 50", "California SB 1001"
ART5, ART17, ART22 = "GDPR Art. 5", "GDPR Art. 17", "GDPR Art. 22"

IMPORTER, POLICY = "rasa_ethics.EthicsImporter", "rasa_ethics.EthicsPolicy"
PII_DETECTOR, GUARD = "rasa_ethics.PIIDetector", "rasa_ethics.EthicsIntentGuard"
NLG, STORE = "rasa_ethics.EthicsNLG", "rasa_ethics.RedactingTrackerStore"
BROKER, CHANNEL = "rasa_ethics.AuditEventBroker", "rasa_ethics.AgentChannel"
#: Importers Rasa knows by their bare name.
RASA_IMPORTERS = ("RasaFileImporter", "MultiProjectImporter")
#: Store and broker types Rasa builds itself (``type:``, case-insensitive).
RASA_STORES = ("sql", "redis", "mongod", "dynamo", "in_memory")
RASA_BROKERS = ("pika", "sql", "file", "kafka")
RASA_LOCK_STORES = ("redis", "in_memory")


def wiring_results(bot: BotFiles, replicas: int = 1) -> List[Result]:
    """One result per component, in the order a request meets them."""
    files = [_file(bot, name) for name in ("config.yml", "endpoints.yml", "credentials.yml")]
    return [r for r in files if r] + [
        _importers(bot),
        _components(bot, "pipeline", [PII_DETECTOR, GUARD], [ART5]),
        _components(bot, "policies", [POLICY], [ART50, SB1001, ART22]),
        _nlg(bot),
        _tracker_store(bot),
        _event_broker(bot),
        _lock_store(bot, replicas),
        _channel(bot),
    ]


def _file(bot: BotFiles, name: str) -> Optional[Result]:
    problem = bot.problems.get(name)
    if problem is None:
        return None
    return Result(name, FAIL, [ART5], f"{name} is {problem}", f"Run `rasa-ethics init {bot.root}`")


def _importers(bot: BotFiles) -> Result:
    """The EthicsImporter is listed, and every importer imports (Rasa skips one that does not)."""
    check, cites = "config.importers", [ART50, SB1001, ART22]
    names = [str(i.get("name")) for i in bot.entries("importers")]
    broken = [
        f"'{n}': {why}" for n in names if n not in RASA_IMPORTERS for why in [importable(n)] if why
    ]
    if broken:
        message = f'importer {broken[0]}; Rasa only logs "Importer not found" and trains without it'
        return Result(check, FAIL, cites, message, _fix_name(names, IMPORTER))
    if IMPORTER not in names:
        message = (
            f"{IMPORTER} is missing from importers: the model gets no ethics intents, "
            "responses or handoff examples"
        )
        hint = f"Add under importers:\n  - name: {IMPORTER}\n    policy: <your policy file>"
        return Result(check, FAIL, cites, message, hint)
    return Result(check, PASS, cites, f"importers {', '.join(names)} all import")


def _components(bot: BotFiles, section: str, wanted: Sequence[str], cites: List[str]) -> Result:
    """The plugin's components are in ``section`` and every dotted custom component imports."""
    check = f"config.{section}"
    names = [str(i.get("name")) for i in bot.entries(section)]
    broken = [f"'{n}': {why}" for n in names if "." in n for why in [importable(n)] if why]
    if broken:
        return Result(check, FAIL, cites, f"component {broken[0]}", _fix_name(names, *wanted))
    missing = [w for w in wanted if w not in names]
    if missing:
        hint = f"Run `rasa-ethics init {bot.root}`, which adds them where they belong."
        return Result(check, FAIL, cites, f"{', '.join(missing)} missing from {section}", hint)
    if section == "pipeline" and names[0] != PII_DETECTOR:
        message = f"{PII_DETECTOR} is not first in the pipeline: '{names[0]}' sees raw PII first"
        return Result(check, FAIL, cites, message, "Move it to the top of pipeline:")
    return Result(check, PASS, cites, f"{', '.join(wanted)} in {section}")


def _nlg(bot: BotFiles) -> Result:
    check, cites = "endpoints.nlg", [ART50, SB1001]
    entry = bot.endpoint("nlg") or {}
    kind = str(entry.get("type") or "")
    if kind != NLG:
        why = f"nlg type is '{kind}'" if kind else "no nlg in endpoints.yml"
        message = f"{why}: no AI disclosure in the first message, texts not from the policy"
        hint = f"nlg:\n  type: {NLG}\n  policy: <your policy file>"
        return Result(check, FAIL, cites, message, hint)
    return _imports(check, cites, kind, "the NLG")


def _tracker_store(bot: BotFiles) -> Result:
    check, cites = "endpoints.tracker_store", [ART5, ART17]
    entry = bot.endpoint("tracker_store") or {}
    kind = str(entry.get("type") or "")
    if kind != STORE:
        why = kind and importable(kind) if "." in kind else None
        found = f"tracker_store type '{kind}'" if kind else "no tracker_store in endpoints.yml"
        message = f"{found}: conversations are stored unredacted and erasure cannot reach them"
        if why:
            message = (
                f"tracker_store type '{kind}' does not import ({why}); Rasa only warns and falls "
                "back to InMemoryTrackerStore"
            )
        hint = f"tracker_store:\n  type: {STORE}\n  inner: <your store>"
        return Result(check, FAIL, cites, message, _fix_name([kind], STORE) if why else hint)
    result = _imports(check, cites, kind, "the tracker store", fallback="InMemoryTrackerStore")
    if result.status != PASS:
        return result
    inner = entry.get("inner")
    inner_kind = str((inner or {}).get("type") or "") if isinstance(inner, dict) else ""
    problem = _unknown_type(inner_kind, RASA_STORES)
    if problem:
        return Result(check, FAIL, cites, f"tracker_store.inner: {problem}")
    shown = inner_kind or "in_memory"
    return Result(check, PASS, cites, f"{STORE} imports, around a '{shown}' store")


def _event_broker(bot: BotFiles) -> Result:
    check, cites = "endpoints.event_broker", [ART5]
    entry = bot.endpoint("event_broker") or {}
    kind = str(entry.get("type") or "")
    if kind != BROKER:
        found = f"event_broker type '{kind}'" if kind else "no event_broker in endpoints.yml"
        why = importable(kind) if "." in kind else None
        message = f"{found}: no audit trail of what the bot decided"
        if why:
            message = (
                f"event_broker type '{kind}' does not import ({why}); Rasa only warns "
                '"Not using any event broker"'
            )
        hint = f"event_broker:\n  type: {BROKER}\n  policy: <your policy file>"
        return Result(check, FAIL, cites, message, hint)
    result = _imports(check, cites, kind, "the event broker", fallback="no event broker at all")
    if result.status != PASS:
        return result
    inner = entry.get("inner")
    inner_kind = str(inner.get("type") or "pika") if isinstance(inner, dict) else ""
    problem = _unknown_type(inner_kind, RASA_BROKERS) if inner_kind else None
    if problem:
        return Result(check, FAIL, cites, f"event_broker.inner: {problem}")
    around = f", around '{inner_kind}'" if inner_kind else ""
    return Result(check, PASS, cites, f"{BROKER} imports{around}")


def _lock_store(bot: BotFiles, replicas: int) -> Result:
    """In-memory locks are per process: two replicas could handle one conversation at once."""
    check, cites = "endpoints.lock_store", [ART5]
    entry = bot.endpoint("lock_store") or {}
    kind = str(entry.get("type") or "in_memory")
    problem = _unknown_type(kind, RASA_LOCK_STORES)
    if problem:
        return Result(check, FAIL, cites, f"lock_store: {problem}")
    if kind.lower() == "in_memory":
        message = "in-memory lock store: fine for one Rasa process, unsafe behind a load balancer"
        hint = "lock_store:\n  type: redis\n  url: <redis host>"
        return Result(check, FAIL if replicas > 1 else WARN, cites, message, hint)
    return Result(check, PASS, cites, f"lock store '{kind}' is shared by every replica")


def _channel(bot: BotFiles) -> Result:
    check, cites = "credentials.agent_channel", [ART22]
    if CHANNEL not in bot.credentials:
        message = f"{CHANNEL} missing: agents cannot take over a handed-off conversation"
        hint = f"{CHANNEL}:\n  token_env: RASA_ETHICS_AGENT_TOKEN"
        return Result(check, FAIL, cites, message, hint)
    return _imports(check, cites, CHANNEL, "the agent channel")


def _imports(check: str, cites: List[str], kind: str, what: str, fallback: str = "") -> Result:
    why = importable(kind)
    if why:
        silent = f"; Rasa only warns and uses {fallback}" if fallback else ""
        return Result(check, FAIL, cites, f"{what} '{kind}' does not import ({why}){silent}")
    return Result(check, PASS, cites, f"{kind} imports")


def _unknown_type(kind: str, known: Sequence[str]) -> Optional[str]:
    if not kind or kind.lower() in known:
        return None
    if "." not in kind:
        return f"unknown type '{kind}' (Rasa knows {', '.join(known)}, or give module.Class)"
    why = importable(kind)
    return f"type '{kind}' does not import ({why})" if why else None


def _fix_name(names: Sequence[Any], *wanted: str) -> str:
    """A hint naming the plugin class a misspelled name was probably meant to be."""
    import difflib

    for name in names:
        close = difflib.get_close_matches(str(name), wanted, n=1, cutoff=0.7)
        if close and close[0] != name:
            return f"Did you mean '{close[0]}'?"
    return "Check the spelling and that the package is installed in the bot's environment."
