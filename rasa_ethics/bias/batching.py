"""DIET's intent classification run on a whole batch of messages in one TensorFlow call.

``DIETClassifier.process`` (``rasa/nlu/classifiers/diet_classifier.py``) runs the model once per
message, about 10 ms each on these cores: thousands of variants would take minutes.  Its model
already predicts in bulk (``RasaModel.run_inference`` takes a batch), so for a DIET node that
only classifies intents this module gives the graph node a function that builds one model input
for all its messages and reads each message's scores from its row.  Padding a batch must not
change a score; each graph run compares the first messages against the per-message path and
falls back to that path for good if any confidence differs by more than ``TOLERANCE``.
A DIET that also extracts entities keeps the per-message path.
"""

from __future__ import annotations

import logging
from typing import Any, List

__all__ = ["TOLERANCE", "batch_diet_nodes"]

logger = logging.getLogger(__name__)

TOLERANCE = 1e-4
_CHECKED = 8
_BATCH = 64


def batch_diet_nodes(runner: Any) -> int:
    """Give every intent-only DIET node of ``runner`` (a DaskGraphRunner) the batched process;
    how many there were."""
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    from rasa.nlu.selectors.response_selector import ResponseSelector
    from rasa.utils.tensorflow.constants import ENTITY_RECOGNITION, INTENT_CLASSIFICATION

    count = 0
    for node in getattr(runner, "_instantiated_nodes", {}).values():
        component = getattr(node, "_component", None)
        if (
            isinstance(component, DIETClassifier)
            and not isinstance(component, ResponseSelector)
            and getattr(node, "_fn_name", None) == "process"
            and component.component_config.get(INTENT_CLASSIFICATION)
            and not component.component_config.get(ENTITY_RECOGNITION)
        ):
            node._fn = _BatchedProcess(node._fn)
            count += 1
    return count


class _BatchedProcess:
    """``DIETClassifier.process`` for a batch; the original is kept for the check and fallback."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.trusted = True

    def __call__(self, component: Any, messages: List[Any]) -> List[Any]:
        if not self.trusted or not messages or component.model is None:
            return self.original(component, messages)
        scores = _scores(component, messages)
        if scores is None or not self._agrees(component, messages[:_CHECKED], scores):
            return self.original(component, messages)
        for message, row in zip(messages, scores, strict=True):
            _set_intent(component, message, row)
        return messages

    def _agrees(self, component: Any, messages: List[Any], scores: Any) -> bool:
        """The per-message path gives the same confidences for the first messages."""
        import numpy as np

        for message, row in zip(messages, scores, strict=False):
            single = component._predict(message)
            if single is None or np.abs(single["i_scores"].flatten() - row).max() > TOLERANCE:
                logger.warning("batched DIET scores differ from single ones; not batching")
                self.trusted = False
                return False
        return True


def _scores(component: Any, messages: List[Any]) -> Any:
    """The intent scores of every message, one row each; ``None`` if the batch cannot be built."""
    model_data = component._create_model_data(messages, training=False)
    if model_data.is_empty() or model_data.number_of_examples() != len(messages):
        return None
    out = component.model.run_inference(
        model_data, batch_size=_BATCH, output_keys_expected=["i_scores"]
    )
    scores = out.get("i_scores")
    if scores is None or len(scores) != len(messages):
        return None
    return scores.reshape(len(messages), -1)


def _set_intent(component: Any, message: Any, row: Any) -> None:
    from rasa.shared.nlu.constants import INTENT

    label, ranking = component._predict_label({"i_scores": row.reshape(1, -1)})
    message.set(INTENT, label, add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
