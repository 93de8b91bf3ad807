"""The host's test stories for reused intents, brought in line with what the bot now says.

Reused without kept flows, a host intent is answered by EthicsPolicy: "are you a bot?" gets the
policy's ``utter_ethics_bot_challenge`` instead of the host's ``utter_iamabot``, and a request for a
person gets ``utter_ethics_handoff`` (then a pause) instead of the host's transfer actions.  The
host's test stories that expect the old answer would fail on purpose, so ``init --reuse`` rewrites
the action steps right after that intent, marking each new step with a comment that names what
it replaced, and leaves every other line as it was.  Only outside forms, and only where the
plugin's answer does not depend on the time of day (a handoff with opening hours is left alone:
its answer may be ``utter_ethics_handoff_unavailable``).  With kept host flows nothing changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from rasa_ethics import constants as c
from rasa_ethics.adoption.host_data import Flow, HostData
from rasa_ethics.adoption.reuse import BOT_CHALLENGE, COMPLAINT, HANDOFF, Reuse
from rasa_ethics.adoption.yaml_edit import Change, load
from rasa_ethics.policy.schema import PolicyDocument

__all__ = ["plugin_answers", "test_story_edits"]


def plugin_answers(document: PolicyDocument) -> Dict[str, Tuple[str, ...]]:
    """The actions EthicsPolicy runs for each concern, where they are always the same."""
    answers: Dict[str, Tuple[str, ...]] = {BOT_CHALLENGE: (c.RESPONSE_BOT_CHALLENGE,)}
    availability = document.handoff.availability
    if not availability.hours and availability.agents_online:  # always open: one answer
        answers[HANDOFF] = answers[COMPLAINT] = (c.RESPONSE_HANDOFF,)
    return answers


def test_story_edits(
    bot_dir: Path, host: HostData, reuses: Sequence[Reuse], document: PolicyDocument
) -> List[Change]:
    """Rewrite the host's test stories of ``reuses`` to expect the plugin's answer."""
    answers = plugin_answers(document)
    stale: Dict[str, List[Tuple[str, Flow, Tuple[str, ...]]]] = {}
    for reuse in reuses:
        expected = answers.get(reuse.concern)
        for flow in host.tests_of(reuse.intent) if expected else []:
            if expected is not None and flow.actions != expected and not flow.in_form:
                stale.setdefault(flow.source, []).append((reuse.intent, flow, expected))
    changes: List[Change] = []
    for source, flows in stale.items():
        path = bot_dir / source
        if path.is_file():
            changes += [Change(source, what) for what in _rewrite(path, flows)]
    return changes


def _rewrite(path: Path, flows: List[Tuple[str, Flow, Tuple[str, ...]]]) -> List[str]:
    """Edit the lines of the stale steps in place: every other byte of the file stays as it was.

    ruamel's round trip would rewrite other lines (``requested_slot: null`` loses its ``null``),
    so it only finds the steps and their line numbers here.
    """
    text = path.read_text(encoding="utf-8")
    doc = load(path).data
    lines = text.splitlines(keepends=True)
    edits: List[Tuple[int, int, List[str]]] = []
    whats = []
    for intent, flow, expected in flows:
        steps = _steps_of(doc, flow.block)
        found = _answer_lines(steps, intent, flow.actions, lines) if steps is not None else None
        if found is None:
            continue
        first, last = found
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        ending = "\r\n" if lines[last].endswith("\r\n") else "\n"
        note = f"  # rasa-ethics: was {', '.join(flow.actions)}"
        new = [f"{indent}- action: {name}{note if i == 0 else ''}{ending}"
               for i, name in enumerate(expected)]
        edits.append((first, last, new))
        whats.append(
            f"test story '{flow.block}' expects {', '.join(expected)} now "
            f"(was {', '.join(flow.actions)})"
        )
    for first, last, new in sorted(edits, reverse=True):
        lines[first : last + 1] = new
    if edits:
        path.write_text("".join(lines), encoding="utf-8")
    return whats


def _steps_of(doc: CommentedMap, block: str) -> Optional[CommentedSeq]:
    for story in doc.get("stories") or []:
        if isinstance(story, CommentedMap) and story.get("story") == block:
            steps = story.get("steps")
            return steps if isinstance(steps, CommentedSeq) else None
    return None


def _answer_lines(
    steps: CommentedSeq, intent: str, old: Tuple[str, ...], lines: List[str]
) -> Optional[Tuple[int, int]]:
    """First and last line of the one-line action steps ``old`` right after ``intent``'s step."""
    for index, step in enumerate(steps):
        if not (isinstance(step, CommentedMap) and step.get("intent") == intent):
            continue
        after = []
        for following in steps[index + 1 :]:
            if not (isinstance(following, CommentedMap) and list(following) == ["action"]):
                break
            after.append(following)
        if tuple(str(s["action"]) for s in after) != old:
            continue
        numbers = [steps.lc.item(steps.index(s))[0] for s in after]
        one_line_each = all(
            f"action: {name}" in lines[n] for n, name in zip(numbers, old, strict=True)
        )
        if one_line_each and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return numbers[0], numbers[-1]
    return None
