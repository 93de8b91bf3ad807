"""A trained model's NLU, loaded in this process and run on many texts at once.

Only the part of the prediction graph that NLU needs is built
(``GraphSchema.minimal_graph_schema`` of the model's NLU target), so the dialogue policies are
never loaded and no tracker store, broker or server is involved.  Rasa's graph takes a list of
messages per run (``rasa/core/processor.py`` passes a list of one), so a batch of texts costs one
graph run, and DIET classifies the batch in one TensorFlow call (:mod:`.batching`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence

__all__ = ["NLUModel", "Prediction"]


@dataclass(frozen=True)
class Prediction:
    """The intent a text got, its confidence, and the confidence of every ranked intent."""

    intent: str
    confidence: float
    ranking: Dict[str, float] = field(default_factory=dict, compare=False)

    def confidence_of(self, intent: str) -> float:
        """The confidence this prediction gives ``intent`` (0 if it is not ranked)."""
        if intent == self.intent:
            return self.confidence
        return self.ranking.get(intent, 0.0)


class NLUModel:
    """The NLU of the model archive ``path``.  Use it as a context manager, or call close().

    ``batched``: DIET classifies a whole batch in one call (see :mod:`.batching`).
    """

    def __init__(self, path: Path, batched: bool = True) -> None:
        from rasa.engine.graph import ExecutionContext
        from rasa.engine.runner.dask import DaskGraphRunner
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        self._storage = tempfile.TemporaryDirectory(prefix="rasa-ethics-bias-")
        storage, metadata = LocalModelStorage.from_model_archive(
            storage_path=Path(self._storage.name), model_archive_path=path
        )
        if not metadata.nlu_target:
            self.close()
            from rasa_ethics.bias.errors import BiasError

            raise BiasError(f"'{path}' has no NLU model")
        self._target = metadata.nlu_target
        schema = metadata.predict_schema.minimal_graph_schema([self._target])
        self._runner = DaskGraphRunner.create(
            graph_schema=schema,
            model_storage=storage,
            execution_context=ExecutionContext(graph_schema=schema, model_id=metadata.model_id),
        )
        if batched:
            from rasa_ethics.bias.batching import batch_diet_nodes

            batch_diet_nodes(self._runner)

    def parse(self, texts: Sequence[str], batch: int = 256) -> List[Prediction]:
        """The prediction of each of ``texts``, in order."""
        return [p for chunk in _chunks(texts, batch) for p in self._parse_batch(chunk)]

    def _parse_batch(self, texts: Sequence[str]) -> List[Prediction]:
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
        from rasa.shared.core.trackers import DialogueStateTracker

        tracker = DialogueStateTracker("rasa-ethics-bias", slots=[])
        messages = [UserMessage(text, sender_id="rasa-ethics-bias") for text in texts]
        inputs = {PLACEHOLDER_MESSAGE: messages, PLACEHOLDER_TRACKER: tracker}
        parsed = self._runner.run(inputs=inputs, targets=[self._target])[self._target]
        return [_prediction(message.as_dict()) for message in parsed]

    def close(self) -> None:
        """Remove the unpacked model."""
        self._storage.cleanup()

    def __enter__(self) -> "NLUModel":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _prediction(data: Dict[str, Any]) -> Prediction:
    intent = data.get("intent") or {}
    ranking = {r["name"]: float(r["confidence"]) for r in data.get("intent_ranking") or []}
    return Prediction(str(intent.get("name")), float(intent.get("confidence") or 0.0), ranking)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
