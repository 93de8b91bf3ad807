"""PII detection and redaction: find personal data once, redact it at every exit.

The integration points (NLU component, tracker store, NLG, logging filter) call this API:

- :class:`PIIEngine` — ``PIIEngine.from_policy(policy)``; ``analyze(text)``, ``redact(text)``,
  ``redact_many(texts)``, ``anonymize(text, spans)`` for spans detected earlier.
- :class:`Span` / :class:`RedactionResult` — offsets always index the ORIGINAL text;
  ``Span.to_dict()`` / ``Span.from_dict()`` store spans in message metadata.
- :class:`PIIConfigError` — raised at start-up when the ``pii:`` section cannot apply.
"""

from rasa_ethics.pii.engine import PIIEngine
from rasa_ethics.pii.errors import PIIConfigError
from rasa_ethics.pii.normalize import Normalized, normalize
from rasa_ethics.pii.recognizer import SCORE_THRESHOLD, Pattern, PatternRecognizer, Recognizer
from rasa_ethics.pii.recognizers import RECOGNIZERS
from rasa_ethics.pii.spans import RedactionResult, Span

__all__ = [
    "PIIConfigError",
    "PIIEngine",
    "Normalized",
    "Pattern",
    "PatternRecognizer",
    "RECOGNIZERS",
    "Recognizer",
    "RedactionResult",
    "SCORE_THRESHOLD",
    "Span",
    "normalize",
]
