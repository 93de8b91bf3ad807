"""Edits of the bot's policy file: reused host intents, and the host flows it keeps.

The file is the designers' (a copy of the bundled default, or their own ``--policy``), so it is
edited in its own style like the host's Rasa files, and a value is only written when it differs
from what the policy (``extends:`` included) already says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from rasa_ethics.adoption.reuse import BOT_CHALLENGE, HANDOFF, POLICY_KEYS, Reuse
from rasa_ethics.policy.schema import KEEP, PolicyDocument

__all__ = ["KeptFlow", "policy_edits"]

# Where a kept flow goes: (section, mode key, actions key, what it is).
_KEPT_KEYS = {
    HANDOFF: ("handoff", "host_flow", "host_flow_actions", "intents"),
    BOT_CHALLENGE: (
        "disclosure",
        "bot_challenge_host_response",
        "bot_challenge_host_actions",
        "bot_challenge_intents",
    ),
}
_KEPT_COMMENT = {
    HANDOFF: "rasa-ethics init: your own handoff flow runs; the bot still pauses, queues, audits",
    BOT_CHALLENGE: "rasa-ethics init: your own answer to 'are you a bot?' runs, forms included",
}


@dataclass(frozen=True)
class KeptFlow:
    """A host flow the policy keeps: for which concern, and its actions in order."""

    concern: str
    actions: Tuple[str, ...]


def policy_edits(
    data: CommentedMap,
    document: PolicyDocument,
    reuses: Sequence[Reuse],
    kept: Sequence[KeptFlow],
    indent: int,
) -> List[str]:
    """List the reused intents and write the kept flows; one line per change."""
    whats = []
    for reuse in reuses:
        if _list_intent(data, document, reuse):
            whats.append(f"reused {reuse.intent} ({reuse.policy_key})")
    for flow in kept:
        if _keep_flow(data, document, flow, indent):
            section, mode, actions, _ = _KEPT_KEYS[flow.concern]
            shown = ", ".join(flow.actions)
            whats.append(f"kept your own flow: {section}.{mode}: keep, {actions}: [{shown}]")
    return whats


def _list_intent(data: CommentedMap, document: PolicyDocument, reuse: Reuse) -> bool:
    """Put ``reuse.intent`` in its list, dropping the ethics_* default it replaces."""
    *path, key = POLICY_KEYS[reuse.concern]
    current = list(_value(document, POLICY_KEYS[reuse.concern]))
    wanted = [name for name in current if not name.startswith("ethics_")]
    if reuse.intent not in wanted:
        wanted.append(reuse.intent)
    if wanted == current:
        return False
    _set(_section(data, path), key, _flow_list(wanted))
    return True


def _keep_flow(data: CommentedMap, document: PolicyDocument, flow: KeptFlow, indent: int) -> bool:
    section_name, mode_key, actions_key, after = _KEPT_KEYS[flow.concern]
    settings = getattr(document, section_name)
    same = tuple(getattr(settings, actions_key)) == flow.actions
    if getattr(settings, mode_key) == KEEP and same:
        return False
    section = _section(data, [section_name])
    fresh = mode_key not in section
    _set(section, mode_key, KEEP, after=after)
    _set(section, actions_key, _flow_list(flow.actions), after=mode_key)
    if fresh:
        section.yaml_set_comment_before_after_key(
            mode_key, before=_KEPT_COMMENT[flow.concern], indent=indent
        )
    return True


def _value(document: PolicyDocument, keys: Sequence[str]) -> Any:
    value: Any = document
    for key in keys:
        value = getattr(value, key)
    return value


def _section(data: CommentedMap, path: Sequence[str]) -> CommentedMap:
    """The nested mapping at ``path``, created if the file does not have it (``extends:``)."""
    node = data
    for key in path:
        child = node.get(key)
        if not isinstance(child, CommentedMap):
            child = CommentedMap()
            node[key] = child
        node = child
    return node


def _set(section: CommentedMap, key: str, value: Any, after: Optional[str] = None) -> None:
    """Set ``key``, in place if it exists, else right after ``after`` (or at the end)."""
    if key in section or after not in section:
        section[key] = value
        return
    section.insert(list(section.keys()).index(after) + 1, key, value)


def _flow_list(names: Sequence[str]) -> CommentedSeq:
    """``[a, b]`` on one line, as the policy writes its intent lists."""
    seq = CommentedSeq(names)
    seq.fa.set_flow_style()
    return seq
