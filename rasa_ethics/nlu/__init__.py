"""NLU components: ``rasa_ethics.nlu.PIIDetector`` (also ``rasa_ethics.PIIDetector``)."""

from rasa_ethics.nlu.pii_detector import PIIDetector

__all__ = ["PIIDetector"]
