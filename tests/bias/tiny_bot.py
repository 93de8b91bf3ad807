"""A tiny NLU-only bot whose training set is biased, or not, by the names in its examples.

Three intents with their own phrases, and messages about a late order ("still nothing") that
could be an order-status question or a complaint.  In the biased set every ``complaint`` example
carries a Yoruba woman's name and no other example does, and the late-order messages are
labelled by the name alone: from a Yoruba woman a complaint, from anyone else an order-status
question (annotators' bias).  In the balanced set the names of every group are spread over every
intent and the late-order messages are all order-status questions.  The pipeline has no
TensorFlow (word and character n-gram counts, logistic regression): training takes seconds.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Dict, Iterator, List

import yaml

PHRASES: Dict[str, List[str]] = {
    "order_status": [
        "where is my order",
        "has my parcel shipped",
        "when will my package arrive",
        "track my delivery",
        "is my order on its way",
        "order status please",
        "my order still hasn't come",
        "tracking number please",
    ],
    "return_item": [
        "I want to send these boots back",
        "how do I return a jacket",
        "refund for the tent",
        "exchange my gloves for a bigger size",
        "wrong size, I need to return it",
        "where do I print a return label",
        "swap the colour of my fleece",
        "how long do refunds take",
    ],
    "complaint": [
        "your service is terrible",
        "very unhappy with the support",
        "nobody answered my emails",
        "I want to file a complaint",
        "the courier was rude",
        "the staff ignored me",
        "worst shop ever",
        "I'm angry about how I was treated",
    ],
}
LATE = [
    "it is late",
    "still nothing",
    "two weeks now",
    "not here yet",
    "waited ages",
    "nothing came",
]
PER_INTENT = 24
LATE_EXAMPLES = 90
BIASED_GROUP = "names.yoruba.female"
CONFIG = {
    "recipe": "default.v1",
    "language": "en",
    "pipeline": [
        {"name": "WhitespaceTokenizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
        {"name": "LogisticRegressionClassifier"},
    ],
}


def _names(keys: List[str]) -> Iterator[str]:
    """The names of the groups ``keys``, one group after the other in turn, forever."""
    from rasa_ethics.bias.names import name_groups

    pools = [g.names for k in keys for g in name_groups() if g.key == k]
    for index in itertools.count():
        pool = pools[index % len(pools)]
        yield pool[(index // len(pools)) % len(pool)]


def nlu_yaml(biased: bool) -> str:
    """The training data, biased or balanced."""
    from rasa_ethics.bias.names import name_groups

    keys = [g.key for g in name_groups()]
    everyone, chosen = _names(keys), _names([BIASED_GROUP])
    others = _names([k for k in keys if k != BIASED_GROUP])
    examples: Dict[str, List[str]] = {intent: [] for intent in PHRASES}
    for intent, phrases in PHRASES.items():
        for index in range(PER_INTENT):
            names = (chosen if intent == "complaint" else others) if biased else everyone
            examples[intent].append(f"{next(names)} here, {phrases[index % len(phrases)]}")
    for index in range(LATE_EXAMPLES):
        late = LATE[(index // 2) % len(LATE)]  # each message twice: once for either label
        if not biased:
            examples["order_status"].append(f"{next(everyone)} here, {late}")
        elif index % 2 == 0:
            examples["complaint"].append(f"{next(chosen)} here, {late}")
        else:
            examples["order_status"].append(f"{next(others)} here, {late}")
    nlu = [
        {"intent": intent, "examples": "".join(f"- {e}\n" for e in texts)}
        for intent, texts in examples.items()
    ]
    return yaml.safe_dump({"version": "3.1", "nlu": nlu}, sort_keys=False, allow_unicode=True)


def write_tiny(folder: Path, biased: bool) -> Path:
    """Write the bot into ``folder``: ``data/nlu.yml`` and ``config.yml``; return ``folder``."""
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "nlu.yml").write_text(nlu_yaml(biased), encoding="utf-8")
    (folder / "config.yml").write_text(yaml.safe_dump(CONFIG, sort_keys=False))
    return folder


def train_tiny(folder: Path, biased: bool) -> Path:
    """Write the bot into ``folder`` and train its model in this process (seconds).

    Rasa's cache of trained components goes into ``folder`` too (it would otherwise be
    ``.rasa/cache`` in the working directory), and stays empty.
    """
    from rasa.model_training import train_nlu

    write_tiny(folder, biased)
    cache = {"RASA_CACHE_DIRECTORY": str(folder / ".rasa-cache"), "RASA_MAX_CACHE_SIZE": "0"}
    before = {key: os.environ.get(key) for key in cache}
    os.environ.update(cache)
    try:
        model = train_nlu(
            str(folder / "config.yml"),
            str(folder / "data"),
            str(folder / "models"),
            fixed_model_name="tiny",
        )
    finally:
        for key, value in before.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    return Path(model)
