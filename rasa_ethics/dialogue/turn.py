"""What the ethics layer does with the latest customer message: a pure function of the tracker.

Both :class:`~rasa_ethics.dialogue.EthicsPolicy` (which predicts the actions) and
:class:`~rasa_ethics.nlg.EthicsNLG` (which says an ethics text only when EthicsPolicy decided it)
call :func:`analyse_turn`.  It only reads events up to and including the latest user message, so
every prediction step of one turn, and the NLG in between, reach the same decision without sharing
any process-local state.

Each reason to hand off has a kind of evidence, and the policy's ``handoff.when`` says what that
kind does: ``act`` (hand off now), ``ask`` (the confirm question first) or ``off``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationResumed,
    Event,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue import privacy
from rasa_ethics.dialogue.confirm import (
    answer,
    answer_buttons,
    pending_erase_question,
    pending_offer,
)
from rasa_ethics.dialogue.detectors import Detectors, Message, Signals
from rasa_ethics.dialogue.feedback import REASON_FEEDBACK, flagged_turn

__all__ = [
    "BOT_CHALLENGE",
    "COMPLAINT_FILED",
    "CONFIRM",
    "DECLINED",
    "ERASE",
    "ERASE_ASK",
    "ERASE_DECLINED",
    "EXPORT",
    "FEEDBACK",
    "HANDOFF",
    "NOTICE",
    "OPT_OUT",
    "STATUS",
    "analyse_message",
    "TOO_LONG",
    "TurnPlan",
    "actions_since_user",
    "analyse_turn",
    "consecutive_fallbacks",
    "latest_user_message",
    "session_events",
    "starts_session",
]

HANDOFF = "handoff"
BOT_CHALLENGE = "bot_challenge"
CONFIRM = "confirm"  # ask whether to hand off
DECLINED = "declined"  # the customer said no to the offer
TOO_LONG = "too_long"  # over messages.max_message_chars: PIIDetector kept it from NLU
# Redress (see rasa_ethics.dialogue.status and .feedback)
STATUS = "request_status"  # "what is the status of HR-...?": answered from the queue (the NLG)
COMPLAINT_FILED = (
    "complaint_filed"  # a complaint under `when.complaint: ask`: queued, then the offer
)
FEEDBACK = "feedback"  # "that's wrong" right after an answer: flagged, then the offer of a person
# Customers' own privacy requests (see rasa_ethics.dialogue.privacy)
ERASE_ASK = "privacy_erase_ask"  # "delete my data": the erasure question first, always
ERASE = "privacy_erase"  # "yes" to it: erase this conversation (the NLG does it, see nlg/)
ERASE_DECLINED = "privacy_erase_declined"  # "no" to it: nothing is deleted
NOTICE = "privacy_notice"  # "what do you keep about me?": the privacy notice
EXPORT = "privacy_export"  # "send me a copy of my data": file the request (the NLG does it)
OPT_OUT = "privacy_opt_out"  # "don't store this conversation": memory only from now (the NLG)

# Reasons recorded with a handoff, most important first.
REASON_REQUEST = "customer_request"
REASON_COMPLAINT = "complaint"
REASON_FRUSTRATION = "frustration"
REASON_FALLBACKS = "consecutive_fallbacks"
REASON_MISUNDERSTANDING = "misunderstanding"
CONFIRMED = "confirmed"  # in a handoff's signals: the customer said yes to the offer
# Answers by which the ethics layer understood a turn NLU did not: no fallback turn.
_UNDERSTOOD = (c.RESPONSE_BOT_CHALLENGE, c.RESPONSE_REQUEST_STATUS)


@dataclass(frozen=True)
class TurnPlan:
    """What the ethics layer does this turn.

    ``preambles`` are responses said before the main one, e.g. the crisis resources of
    ``utter_ethics_topic_self_harm`` before the handoff text.
    """

    kind: str
    reason: Optional[str] = None
    signals: Tuple[str, ...] = ()
    preambles: Tuple[str, ...] = ()
    detail: Dict[str, str] = field(default_factory=dict)
    answered: Optional[str] = None  # c.STAGE_YES / c.STAGE_NO when the turn answers an offer


def starts_session(event: Event) -> bool:
    """True for the events after which a new session (or a restarted one) begins."""
    return isinstance(event, (SessionStarted, Restarted)) or (
        isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME
    )


def session_events(tracker: DialogueStateTracker) -> List[Event]:
    """The events of the current session (after the latest session start or restart)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if starts_session(events[index]):
            return events[index + 1 :]
    return events


def actions_since_user(tracker: DialogueStateTracker) -> List[str]:
    """Names of the actions run since the latest user message, oldest first."""
    names: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            names.append(event.action_name)
    names.reverse()
    return names


def latest_user_message(tracker: DialogueStateTracker) -> Optional[UserUttered]:
    """The latest ``UserUttered`` of the current session, if any."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return event
        if isinstance(event, (SessionStarted, Restarted)):
            return None
    return None


def analyse_turn(
    tracker: DialogueStateTracker,
    detectors: Detectors,
    available_actions: Optional[Iterable[str]] = None,
) -> Optional[TurnPlan]:
    """What to do about the latest user message, or None to leave the turn to the host bot."""
    user = latest_user_message(tracker)
    if user is None or (user.text is None and not user.intent_name):
        return None
    if (user.parse_data or {}).get(c.META_TOO_LONG):
        # NLU saw nothing of it, and the detectors' phrases must not scan a megabyte either.
        return TurnPlan(kind=TOO_LONG, detail={"chars": str(user.parse_data[c.META_TOO_LONG])})
    message = Message.from_parse_data(user.text, user.parse_data or {})
    erasure = _answer_to_erase_question(tracker, user, detectors, available_actions)
    if erasure is not None:
        return erasure
    answered = _answer_to_offer(tracker, user, detectors)
    if answered is not None:
        return answered
    signals = detectors.inspect(message)
    when = detectors.document.handoff.when
    reasons = [(r, kind) for r, kind in _reasons(signals) if getattr(when, kind) != "off"]
    if signals.misunderstanding and _misunderstandings(tracker, detectors) >= _repeats(detectors):
        reasons.append((REASON_MISUNDERSTANDING, "misunderstanding"))
    understood = bool(signals.status)  # a status question, whatever NLU made of it
    if not reasons and signals.low_confidence and not understood:
        needed = detectors.document.handoff.signals.consecutive_fallbacks
        if needed and detectors.document.handoff.enabled:
            if consecutive_fallbacks(tracker, detectors) >= needed:
                reasons = [(REASON_FALLBACKS, "consecutive_fallbacks")]
    after_answer = bool(signals.feedback) and flagged_turn(tracker) is not None
    return _plan(signals, reasons, detectors, available_actions, after_answer)


def analyse_message(message: Message, detectors: Detectors) -> Optional[TurnPlan]:
    """What the ethics layer would do with ``message`` alone, whatever came before it."""
    signals = detectors.inspect(message)
    return _plan(signals, _reasons(signals), detectors, None)


def _plan(
    signals: Signals,
    reasons: List[Tuple[str, str]],
    detectors: Detectors,
    available_actions: Optional[Iterable[str]],
    after_answer: bool = False,
) -> Optional[TurnPlan]:
    """Act on the reasons the policy acts on, else answer a status question or a privacy
    request, else file a complaint or ask about the reasons the policy asks about.

    ``after_answer``: the message came right after a bot answer, so its feedback flags it.
    """
    when = detectors.document.handoff.when
    acting = [reason for reason, kind in reasons if getattr(when, kind) == "act"]
    asking = [reason for reason, kind in reasons if getattr(when, kind) == "ask"]
    if acting:
        return TurnPlan(
            kind=HANDOFF,
            reason=acting[0],
            signals=tuple(acting),
            preambles=_preambles(signals, detectors, available_actions),
            detail=_detail(signals),
        )
    known = None if available_actions is None else set(available_actions)
    if signals.status and (known is None or c.RESPONSE_REQUEST_STATUS in known):
        return TurnPlan(kind=STATUS, reason=STATUS, detail=_detail(signals))
    request = _privacy_plan(signals, available_actions)
    if request is not None:
        return request
    if REASON_COMPLAINT in asking and (known is None or c.RESPONSE_COMPLAINT_FILED in known):
        # A complaint is queued with its reference even when a person is only offered.
        ordered = [REASON_COMPLAINT] + [r for r in asking if r != REASON_COMPLAINT]
        return TurnPlan(
            kind=COMPLAINT_FILED,
            reason=REASON_COMPLAINT,
            signals=tuple(ordered),
            detail=_detail(signals),
        )
    if signals.feedback and after_answer:
        reasons_asked = (REASON_FEEDBACK, *asking)
        return TurnPlan(
            kind=FEEDBACK, reason=REASON_FEEDBACK, signals=reasons_asked, detail=_detail(signals)
        )
    if asking:
        return TurnPlan(
            kind=CONFIRM, reason=asking[0], signals=tuple(asking), detail=_detail(signals)
        )
    if signals.bot_challenge:
        return TurnPlan(kind=BOT_CHALLENGE, detail=_detail(signals))
    return None


def _privacy_plan(
    signals: Signals, available_actions: Optional[Iterable[str]]
) -> Optional[TurnPlan]:
    """The plan of a privacy request, if the model has its responses (older models do not)."""
    if signals.privacy is None:
        return None
    kind, response = {
        privacy.ERASE: (ERASE_ASK, c.RESPONSE_ERASE_CONFIRM),
        privacy.NOTICE: (NOTICE, c.RESPONSE_PRIVACY_NOTICE),
        privacy.EXPORT: (EXPORT, c.RESPONSE_EXPORT_FILED),
        privacy.OPT_OUT: (OPT_OUT, c.RESPONSE_OPTED_OUT),
    }[signals.privacy]
    if available_actions is not None and response not in set(available_actions):
        return None
    return TurnPlan(kind=kind, reason=signals.privacy, detail=_detail(signals))


def _answer_to_erase_question(
    tracker: DialogueStateTracker,
    user: UserUttered,
    detectors: Detectors,
    available_actions: Optional[Iterable[str]],
) -> Optional[TurnPlan]:
    """Yes erases, no keeps everything; anything else is a new message."""
    chat = detectors.document.privacy.chat
    if not chat.enabled or not pending_erase_question(tracker):
        return None
    if available_actions is not None and c.RESPONSE_ERASED not in set(available_actions):
        return None
    said = answer_buttons(user.text, chat.erase_yes_button, chat.erase_no_button)
    if said is None:
        return None
    if said:
        return TurnPlan(kind=ERASE, reason=privacy.ERASE, answered=c.STAGE_YES)
    return TurnPlan(kind=ERASE_DECLINED, reason=privacy.ERASE, answered=c.STAGE_NO)


def _answer_to_offer(
    tracker: DialogueStateTracker, user: UserUttered, detectors: Detectors
) -> Optional[TurnPlan]:
    """Yes hands off, no goes back to the host; anything else is a new message."""
    offer = pending_offer(tracker)
    if offer is None or not detectors.document.handoff.enabled:
        return None
    said = answer(user.text, detectors.document.handoff.confirm)
    if said is None:
        return None
    if said:
        return TurnPlan(
            kind=HANDOFF,
            reason=offer.reason,
            signals=(offer.reason, CONFIRMED),
            answered=c.STAGE_YES,
        )
    return TurnPlan(kind=DECLINED, reason=offer.reason, answered=c.STAGE_NO)


def _reasons(signals: Signals) -> List[Tuple[str, str]]:
    """(reason, kind of evidence) of each handoff trigger of one message."""
    reasons = [(f"topic:{topic}", "sensitive_topic") for topic in signals.topics]
    if signals.handoff_request and signals.handoff_kind:
        reasons.append((REASON_REQUEST, signals.handoff_kind))
    if signals.complaint:
        reasons.append((REASON_COMPLAINT, "complaint"))
    if signals.frustration:
        reasons.append((REASON_FRUSTRATION, "frustration"))
    return reasons


def _repeats(detectors: Detectors) -> int:
    return detectors.document.handoff.signals.misunderstanding_repeats


def _misunderstandings(tracker: DialogueStateTracker, detectors: Detectors) -> int:
    """User messages of this session saying the bot got it wrong, since the last handoff."""
    count = 0
    for event in session_events(tracker):
        if isinstance(event, ConversationResumed) or (
            isinstance(event, ActionExecuted) and event.action_name in c.HANDOFF_RESPONSES
        ):
            count = 0
        elif isinstance(event, UserUttered):
            message = Message.from_parse_data(event.text, event.parse_data or {})
            count += bool(detectors.inspect(message).misunderstanding)
    return count


def _preambles(
    signals: Signals, detectors: Detectors, available_actions: Optional[Iterable[str]]
) -> Tuple[str, ...]:
    """Topic responses (e.g. crisis resources) said before the handoff text, if trained."""
    topics = detectors.document.handoff.signals.sensitive_topics
    names = [c.topic_response(t) for t in signals.topics if topics[t].text]
    if available_actions is not None:
        known = set(available_actions)
        names = [name for name in names if name in known]
    return tuple(names)


def _detail(signals: Signals) -> Dict[str, str]:
    """Which intent or phrase fired each trigger; the values never contain user text."""
    found = {
        "handoff_request": signals.handoff_request,
        "bot_challenge": signals.bot_challenge,
        "complaint": signals.complaint,
        "frustration": signals.frustration,
        "misunderstanding": signals.misunderstanding,
        "evidence": signals.handoff_kind,
        "privacy": signals.privacy_evidence,
        "status": signals.status,
        "feedback": signals.feedback,
    }
    return {key: value for key, value in found.items() if value}


def consecutive_fallbacks(tracker: DialogueStateTracker, detectors: Detectors) -> int:
    """How many of the latest user turns in a row NLU did not understand.

    A turn that arrives while a form is active is not counted: the form validates it (its
    ``from_text`` slots take free text on purpose).  The count restarts after a handoff or when an
    agent hands the conversation back.
    """
    events = session_events(tracker)
    last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=-1)
    turns: List[Tuple[UserUttered, bool]] = []  # (message, understood regardless of NLU)
    loop: Optional[str] = None
    for event in events[: last_user + 1]:  # this turn's own actions must not reset the count
        if isinstance(event, ActiveLoop):
            loop = event.name
        elif isinstance(event, UserUttered):
            if not (event.parse_data or {}).get(c.META_TOO_LONG):  # NLU never saw it
                turns.append((event, loop is not None))
        elif isinstance(event, ConversationResumed) or (
            isinstance(event, ActionExecuted) and event.action_name in c.HANDOFF_RESPONSES
        ):
            turns.clear()
        elif isinstance(event, ActionExecuted) and event.action_name in _UNDERSTOOD:
            if turns:  # answered by the backstop: that turn was understood after all
                turns[-1] = (turns[-1][0], True)
    count = 0
    for user, understood in reversed(turns):
        message = Message.from_parse_data(user.text, user.parse_data or {})
        if understood or not detectors.is_low_confidence(message):
            break
        count += 1
    return count
