"""Scripted conversations of the example bot, shared by tests and benchmarks."""

from __future__ import annotations

from typing import List

__all__ = ["ORDINARY"]

#: The example bot's everyday paths (no ethics trigger): the order form with its custom actions,
#: FAQs and small talk.
ORDINARY: List[List[str]] = [
    ["hello", "where is my order?", "jane.doe@example.com", "NW-100234", "no, that's all"],
    ["track my order", "what are your opening hours?", "olivia.m@example.com", "NW-482913"],
    [
        "hi",
        "how are you doing?",
        "what can you help me with?",
        "do you ship internationally?",
        "can I pay with PayPal?",
        "is this jacket waterproof?",
        "thank you",
        "goodbye",
    ],
    ["I need to change my delivery address", "no it hasn't", "thanks a lot"],
    ["has my order shipped yet?", "never mind"],
    ["are you open on Sunday?", "what's your return policy?"],
]
