"""Static checks of the policy a bot runs with: it validates, and it keeps the promises on.

The disclosure and the handoff must be on; retention set, PII redacted, the form slots that
collect personal data vaulted rather than stored in clear; the bot's own bot-challenge and
handoff intents listed (found by the plugin's own detectors over the host's NLU examples, as
``rasa-ethics init`` does), so no request is answered by a second, unlisted intent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa_ethics.adoption.reuse import BOT_CHALLENGE, COMPLAINT, HANDOFF, suggest
from rasa_ethics.conformance.bot import BotFiles
from rasa_ethics.conformance.results import FAIL, PASS, SKIP, WARN, Result
from rasa_ethics.policy import LoadedPolicy, PolicyError, load_policy
from rasa_ethics.vault import ENV_KEY as VAULT_KEY_ENV

__all__ = ["form_pii_slots", "policy_results", "resolve_policy"]

ART50, SB1001 = "EU AI Act Art. 50", "California SB 1001"
ART5, ART17, ART21, ART22 = "GDPR Art. 5", "GDPR Art. 17", "GDPR Art. 21", "GDPR Art. 22"


def resolve_policy(bot: BotFiles) -> Tuple[Optional[LoadedPolicy], Result]:
    """The policy every plugin entry names (they must agree), loaded and validated."""
    check, cites = "policy.valid", [ART50, ART5]
    refs = bot.plugin_policy_refs()
    paths = {where: (bot.root / ref).resolve() for where, ref in refs.items()}
    distinct = sorted(set(paths.values()))
    if len(distinct) > 1:
        shown = "; ".join(f"{w}: {refs[w]}" for w in paths)
        message = "the plugin's entries name different policy files, so parts disagree"
        return None, Result(check, FAIL, cites, message, shown)
    path = distinct[0] if distinct else None
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        issues = "\n".join(str(i) for i in exc.issues[:5])
        return None, Result(check, FAIL, cites, f"the policy does not validate: {path}", issues)
    where = str(path) if path else "the bundled default"
    message = f"{where} validates (policy '{policy.name}', version {policy.version_hash})"
    return policy, Result(check, PASS, cites, message)


def policy_results(bot: BotFiles, policy: LoadedPolicy, replicas: int = 1) -> List[Result]:
    """The promises the policy keeps on, and what several replicas need."""
    return [
        _switch(
            policy.disclosure.enabled,
            "policy.disclosure",
            [ART50, SB1001],
            "the AI disclosure is on",
            "disclosure.enabled is false: customers are not told they talk to an AI",
            "disclosure:\n  enabled: true",
        ),
        _switch(
            policy.handoff.enabled,
            "policy.handoff",
            [ART22],
            "customers can reach a person",
            "handoff.enabled is false: nobody can reach a person",
            "handoff:\n  enabled: true",
        ),
        _switch(
            policy.pii.enabled,
            "policy.pii",
            [ART5],
            "PII is detected and redacted",
            "pii.enabled is false: personal data is stored and logged in clear",
            "pii:\n  enabled: true",
        ),
        _switch(
            policy.audit.enabled,
            "policy.audit",
            [ART5],
            "the audit trail is on",
            "audit.enabled is false: no record of what the bot decided",
            "audit:\n  enabled: true",
        ),
        _retention(policy),
        _switch(
            policy.privacy.chat.enabled,
            "policy.privacy_chat",
            [ART17, ART21],
            "customers can ask in the chat for erasure and a copy",
            "privacy.chat.enabled is "
            "false: customers must find another way to exercise their rights",
            "privacy:\n  chat:\n    enabled: true",
            missing=WARN,
        ),
        _vault_slots(bot, policy),
        _keys(bot, policy, replicas),
        *_host_intents(bot, policy),
    ]


def _switch(
    on: bool, check: str, cites: List[str], good: str, bad: str, hint: str, missing: str = FAIL
) -> Result:
    return Result(check, PASS, cites, good) if on else Result(check, missing, cites, bad, hint)


def _retention(policy: LoadedPolicy) -> Result:
    days = policy.privacy.retention_days
    if days is None:
        message = "privacy.retention_days is unset: conversations are kept without a limit"
        hint = "privacy:\n  retention_days: 180\nthen run `rasa-ethics privacy purge` daily"
        return Result("policy.retention", WARN, [ART5], message, hint)
    message = f"conversations older than {days} days are purged (`rasa-ethics privacy purge`)"
    return Result("policy.retention", PASS, [ART5], message)


def form_pii_slots(domain: Dict[str, Any], policy: LoadedPolicy) -> Dict[str, Dict[str, str]]:
    """``form -> {slot: PII type}`` for the form slots that collect personal data.

    A slot collects personal data when the policy's context table names a PII type for it
    (``pii.context.slots``, e.g. ``email``, ``name``) or a mapping fills it from an entity whose
    name is a PII type.
    """
    types = policy.pii.context.slot_types()
    known = set(policy.pii.ENTITY_TYPES)
    slots = domain.get("slots") or {}
    found: Dict[str, Dict[str, str]] = {}
    for form, spec in (domain.get("forms") or {}).items():
        for slot in (spec or {}).get("required_slots") or []:
            kind = types.get(slot) or _entity_type(slots.get(slot) or {}, known)
            if kind:
                found.setdefault(form, {})[slot] = kind
    return found


def _entity_type(slot: Dict[str, Any], known: set) -> Optional[str]:
    for mapping in slot.get("mappings") or []:
        entity = mapping.get("entity") if isinstance(mapping, dict) else None
        if mapping.get("type") == "from_entity" and entity in known:
            return str(entity)
    return None


def _vault_slots(bot: BotFiles, policy: LoadedPolicy) -> Result:
    check, cites = "policy.vault_slots", [ART5]
    domain = _domain(bot.root)
    if domain is None:
        return Result(check, SKIP, cites, "no domain found beside config.yml")
    forms = form_pii_slots(domain, policy)
    wanted = {slot: kind for slots in forms.values() for slot, kind in slots.items()}
    missing = sorted(set(wanted) - set(policy.pii.vault_slots))
    if missing and policy.pii.enabled:
        listed = ", ".join(f"{s} ({wanted[s]})" for s in missing)
        message = (
            f"form slots that collect personal data are not vaulted: {listed}; they are stored "
            "redacted, so the form's actions see a placeholder"
        )
        slots = ", ".join(sorted(set(policy.pii.vault_slots) | set(missing)))
        hint = f"pii:\n  vault_slots: [{slots}]"
        return Result(check, FAIL, cites, message, hint)
    shown = ", ".join(sorted(wanted)) or "none"
    return Result(check, PASS, cites, f"form slots with personal data ({shown}) are vaulted")


def _domain(root: Path) -> Optional[Dict[str, Any]]:
    """The domain as one mapping (domain.yml, or every file of domain/ merged by Rasa)."""
    path = root / "domain.yml" if (root / "domain.yml").exists() else root / "domain"
    if not path.exists():
        return None
    from rasa.shared.core.domain import Domain

    return Domain.load(str(path)).as_dict()


def _keys(bot: BotFiles, policy: LoadedPolicy, replicas: int) -> Result:
    """Keys every replica must share, and stores a single machine cannot share."""
    check, cites = "replicas.keys_and_stores", [ART5]
    needs = [policy.audit.pseudonym_key_env]
    store = bot.endpoint("tracker_store") or {}
    inner = store.get("inner")
    inner = inner if isinstance(inner, dict) else {}
    kind = str(inner.get("type", "in_memory")).lower()
    sqlite = kind == "in_memory" or str(inner.get("dialect", "")).lower() == "sqlite"
    if policy.pii.vault_slots and not sqlite:
        needs.append(VAULT_KEY_ENV)
    if policy.privacy.subject_types and not sqlite:
        needs.append(policy.privacy.subject_key_env)
    unset = [name for name in needs if not os.environ.get(name)]
    problems = []
    if sqlite:
        problems.append("the tracker store is SQLite (or in memory): one machine only")
    broker = bot.endpoint("event_broker") or {}
    path = str(broker.get("path") or policy.audit.path)
    if replicas > 1 and "${" not in path:
        problems.append(
            f"every replica would write the one audit file '{path}' (use ${{HOSTNAME}})"
        )
    if unset:
        problems.append(f"not set here: ${', $'.join(unset)} (each replica needs the same value)")
    hint = f"Set {', '.join('$' + n for n in needs)} alike on every replica."
    if not problems:
        return Result(check, PASS, cites, f"shared stores; {', '.join(needs)} set", hint)
    return Result(check, FAIL if replicas > 1 else WARN, cites, "; ".join(problems), hint)


def _host_intents(bot: BotFiles, policy: LoadedPolicy) -> List[Result]:
    """The host's own bot-challenge and handoff intents are listed in the policy (init reuses
    them): an unlisted one competes with the plugin's intent for the same requests."""
    from rasa_ethics.adoption.host_data import read_host_data

    cites = {BOT_CHALLENGE: [ART50, SB1001], HANDOFF: [ART22], COMPLAINT: [ART22]}
    try:
        examples = read_host_data(bot.root.resolve()).examples
    except Exception as exc:  # an unreadable NLU file: say so rather than stop the run
        return [
            Result("policy.host_intents", SKIP, [ART50, ART22], f"host NLU data unreadable: {exc}")
        ]
    found = suggest(policy.document, examples)
    results = []
    for concern in (BOT_CHALLENGE, HANDOFF, COMPLAINT):
        reuses = [r for r in found if r.concern == concern]
        check = f"policy.host_intents.{concern}"
        unlisted = [r for r in reuses if not r.listed]
        if unlisted:
            status = WARN if concern == COMPLAINT else FAIL
            why = "; ".join(r.why for r in unlisted)
            message = f"your own intents not listed in {unlisted[0].policy_key}: {why}"
            key = unlisted[0].policy_key
            hint = f"Run `rasa-ethics init {bot.root} --reuse`, or list them under {key}"
            results.append(Result(check, status, cites[concern], message, hint))
        else:
            listed = ", ".join(r.intent for r in reuses) or "none found among your intents"
            results.append(Result(check, PASS, cites[concern], f"listed: {listed}"))
    return results
