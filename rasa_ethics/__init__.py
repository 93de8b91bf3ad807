"""rasa-ethics: ethics compliance for Rasa 3.6 bots."""
__version__ = "0.1.0"
