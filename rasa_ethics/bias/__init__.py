"""``rasa-ethics bias``: invariance tests of a bot's NLU model on counterfactual variants of its
own training examples (names by culture and gender, pronouns, dialect features, keyboard typos),
flip rates with bootstrap intervals, a CI gate on the policy's ``bias:`` thresholds, and an HTML
report.  See docs/testing.md."""

from rasa_ethics.bias.errors import BiasError
from rasa_ethics.bias.gate import apply_gate, failed
from rasa_ethics.bias.report import format_json, format_junit, format_text, summary_line
from rasa_ethics.bias.run import BiasRun, run_bias

__all__ = [
    "BiasError",
    "BiasRun",
    "apply_gate",
    "failed",
    "format_json",
    "format_junit",
    "format_text",
    "run_bias",
    "summary_line",
]
