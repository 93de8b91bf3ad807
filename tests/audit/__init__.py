"""Tests for the audit trail (rasa_ethics.audit)."""
