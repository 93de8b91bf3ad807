"""Tracker-store wrappers: ``rasa_ethics.stores.RedactingTrackerStore``."""

from __future__ import annotations

from rasa_ethics.stores.tracker_store import RedactingTrackerStore

__all__ = ["RedactingTrackerStore"]
