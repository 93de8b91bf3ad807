"""``rasa_ethics.PIIDetector``: find personal data once per message, first in the NLU pipeline.

Add it to ``config.yml`` before the tokenizer (``rasa-ethics init`` does)::

    pipeline:
      - name: rasa_ethics.PIIDetector
        policy: ethics_policy.yml
      - name: WhitespaceTokenizer
      ...

It attaches the spans it finds to the parse data under ``ethics_pii`` (``[{"type", "start",
"end"}]``, offsets into the message text, never the values), where the tracker-store redaction
reuses them (detect once) and the audit broker counts their types.  With ``pii.nlu_input:
redacted`` the components after it see ``<EMAIL>`` instead of the address; training examples are
redacted the same way so that training and inference see the same kind of text.

It is also where every message is checked before NLU: lone surrogates, NUL and control
characters are replaced (:func:`rasa_ethics.inputs.safe_text`, offsets unchanged), and a message
longer than the policy's ``messages.max_message_chars`` is not analysed at all.  The components
after it see an empty text (DIET and regexes cost far more than linear time on huge texts), and
the parse data carries ``ethics_too_long`` (the length), on which
:class:`~rasa_ethics.dialogue.EthicsPolicy` answers with the policy's ``too_long_text``.

The conversation is evidence too: ``process`` takes the tracker (the default recipe hands a
``tracker`` parameter Rasa's tracker placeholder, ``rasa/engine/recipes/default_recipe.py``), and
the reply to the form's question for slot ``name`` or to a response asking for an address is
analysed as that type's answer (:mod:`rasa_ethics.context.answers`); the type is noted in
``ethics_pii_expected``.  Values that are the bot's own (its brand, its domain's names) are
dropped (:mod:`rasa_ethics.context.own_names`).

Why a featurizer-type component: the default recipe (``rasa/engine/recipes/default_recipe.py``)
runs only tokenizers and featurizers on the training data and in front of end-to-end policies;
registered as an extractor it would see neither.  Rasa builds the stored ``UserUttered.text`` from
the raw message (``rasa/core/processor.py``), so changing the text here never changes what is
stored: that is the tracker store's job (:mod:`rasa_ethics.stores.redaction`).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ethics import constants as c
from rasa_ethics.context import OWN_NAMES, Asked, answer_types, remember
from rasa_ethics.inputs import is_safe_text, safe_text
from rasa_ethics.pii import PIIConfigError, PIIEngine, Span
from rasa_ethics.pii.runtime import engine_for
from rasa_ethics.policy import LivePolicy
from rasa_ethics.privacy import protect_process

__all__ = ["PIIDetector"]

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class PIIDetector(GraphComponent):
    """Detects personal data in each message and attaches the spans; may redact the NLU input."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The defaults; set them under the component in ``config.yml``."""
        return {
            # The policy file (relative to where Rasa runs); None: $RASA_ETHICS_POLICY or the
            # bundled default.  Its `pii:` section says what is detected and what NLU sees.
            "policy": None,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Load the policy and build the engine now, so a misconfiguration fails at start-up."""
        try:
            self.live = LivePolicy(config.get("policy"))
            policy = self.live.current
            engine_for(policy).warm_up()
            OWN_NAMES.learn_texts(policy)
        except PIIConfigError as exc:
            msg = f"rasa_ethics.PIIDetector cannot start: {exc}"
            raise RasaException(msg) from None
        protect_process(policy)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PIIDetector:
        """Build the component (training and inference alike: it has nothing to persist)."""
        return cls(config)

    def process(
        self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None
    ) -> List[Message]:
        """Attach ``ethics_pii`` spans to each message; redact its text if NLU must not see PII.

        ``tracker``: the conversation before the message (None where Rasa has none, e.g. the
        end-to-end featurization); what the bot just asked tells what the message may hold.
        A message over ``messages.max_message_chars`` is marked ``ethics_too_long`` instead,
        and NLU gets an empty text.
        """
        policy = self.live.current
        engine = engine_for(policy)
        limit = policy.messages.max_message_chars
        expected = expected_type(policy, tracker)
        texts = [_checked(m, limit) for m in messages]
        todo = [i for i, text in enumerate(texts) if isinstance(text, str) and text]
        found = engine.analyze_many([texts[i] for i in todo], [expected] * len(todo))
        for index, spans in zip(todo, found, strict=True):
            message, text = messages[index], texts[index]
            spans = OWN_NAMES.keep(text, spans)
            message.set(c.META_PII, [s.to_dict() for s in spans], add_to_output=True)
            if expected is not None:
                message.set(c.META_PII_EXPECTED, expected, add_to_output=True)
            remember(text, spans)
            if spans and policy.pii.nlu_input == "redacted":
                message.set(TEXT, engine.anonymize(text, spans).text)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Redact training examples too when NLU sees redacted text (entity offsets follow)."""
        policy = self.live.current
        if policy.pii.nlu_input != "redacted":
            return training_data
        engine = engine_for(policy)
        for example in training_data.training_examples:
            _redact_example(engine, example)
        return training_data


def expected_type(policy: Any, tracker: Optional[DialogueStateTracker]) -> Optional[str]:
    """The PII type the bot's last question asks for in ``tracker``, or None."""
    if tracker is None or not policy.pii.enabled:
        return None
    return answer_types(policy.pii.context).expected(Asked.from_tracker(tracker))


def _checked(message: Message, limit: int) -> Any:
    """The message's text made safe for NLU, or None for a text over ``limit`` (marked)."""
    text = message.get(TEXT)
    if not isinstance(text, str):
        return text
    if len(text) > limit:
        message.set(c.META_TOO_LONG, len(text), add_to_output=True)
        message.set(TEXT, "")
        return None
    if not is_safe_text(text):
        text = safe_text(text)
        message.set(TEXT, text)
    return text


def _redact_example(engine: PIIEngine, example: Message) -> None:
    """Redact one training example's text and move its entity annotations with the text."""
    text = example.get(TEXT)
    if not isinstance(text, str) or not text:
        return
    spans = OWN_NAMES.keep(text, engine.analyze(text))  # as at inference
    if not spans:
        return
    pieces = [(s, _replacement(engine, text, s)) for s in spans]
    example.set(TEXT, engine.anonymize(text, spans).text)
    for entity in example.get(ENTITIES) or []:
        start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
        if isinstance(start, int) and isinstance(end, int):
            entity[ENTITY_ATTRIBUTE_START] = shift_offset(pieces, start, is_end=False)
            entity[ENTITY_ATTRIBUTE_END] = shift_offset(pieces, end, is_end=True)


def _replacement(engine: PIIEngine, text: str, span: Span) -> str:
    """What the policy's operator makes of one value (operators are deterministic)."""
    value = text[span.start : span.end]
    return engine.anonymize(value, [Span(0, len(value), span.type)]).text


def shift_offset(pieces: Sequence[Tuple[Span, str]], offset: int, is_end: bool) -> int:
    """Where ``offset`` of a text lies after each ``(span, replacement)`` was applied to it.

    An offset inside a replaced value moves to the start of its replacement (or, for an end
    offset, to its end), so an annotation around a value ends up around the placeholder.
    """
    delta = 0
    for span, replacement in pieces:
        if offset <= span.start:
            break
        if offset < span.end or (is_end and offset == span.end):
            return span.start + delta + (len(replacement) if is_end else 0)
        delta += len(replacement) - (span.end - span.start)
    return offset + delta
