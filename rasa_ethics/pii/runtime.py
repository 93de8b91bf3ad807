"""PII engines shared by one Rasa process, and the values they recently found.

The NLU component, the tracker-store redaction, the NLG and the log filter all need a
:class:`~rasa_ethics.pii.PIIEngine`.  Building one compiles every recognizer and loading spaCy takes
about a second and tens of megabytes, so there is one engine per policy version and one spaCy
pipeline per process.

:class:`KnownValues` remembers, for a short while, the values found in what customers wrote (by
the NLU component, or by the tracker store for messages that bypassed it) and the values the vault
gave back.  Rasa logs a user message *after* NLU has run on it, so the log filter can hide a name
that only spaCy recognised in the message, even where the log line itself gives spaCy nothing to
go on (a JSON dump, a slot listing).  Bot texts do not feed it: spaCy's guesses there ("I'm
Northwind's assistant") would then be hidden in every log line.  The values live in process
memory; with several replicas they are also shared, encrypted, through the database
(:mod:`rasa_ethics.stores.known_shared`, which hooks :attr:`KnownValues.on_new`).
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, Optional

from rasa_ethics.pii import PIIEngine, Span
from rasa_ethics.pii.operators import placeholder
from rasa_ethics.policy.schema import PIIConfig

__all__ = [
    "KNOWN_VALUES",
    "KnownValues",
    "engine_for",
    "log_engine",
    "set_log_config",
    "variants",
]

_engines: dict[tuple[str, bool], PIIEngine] = {}
_lock = threading.Lock()
_MAX_ENGINES = 8  # policy versions kept; a designer's edits rarely produce more in one run
_log_config: list[PIIConfig] = []
# Addresses that identify no one but fill Rasa's logs (servers, action endpoints).
_LOG_ALLOW = ("127.0.0.1", "0.0.0.0", "::1")


def engine_for(policy: Any, ner: bool = True) -> PIIEngine:
    """The engine for a loaded policy (cached per policy version); ``ner=False``: patterns only.

    Raises :class:`~rasa_ethics.pii.PIIConfigError` when the ``pii:`` section cannot apply, so a
    caller at start-up fails closed.
    """
    key = (str(getattr(policy, "version_hash", id(policy))), ner)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _build(policy.pii, ner)
            if len(_engines) >= _MAX_ENGINES:
                _engines.pop(next(iter(_engines)))
            _engines[key] = engine
        return engine


def _build(config: PIIConfig, ner: bool) -> PIIEngine:
    return PIIEngine(config, nlp_loader=_shared_nlp if ner else _NoNer)


def _shared_nlp() -> object:
    """One spaCy pipeline for every engine (``load_english`` caches per pipe set)."""
    from rasa_ethics.pii.spacy_model import load_english

    return load_english(("ner",))


class _NoDoc:
    ents: tuple[()] = ()


class _NoNer:
    """A stand-in spaCy pipeline that finds nothing: the patterns-only engine of the log filter."""

    def __call__(self, text: str) -> _NoDoc:
        return _NoDoc()

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> list[_NoDoc]:
        return [_NoDoc() for _ in texts]


def set_log_config(config: PIIConfig) -> None:
    """Make the log filter follow this ``pii:`` section (called when a component loads)."""
    with _lock:
        _log_config[:] = [config]


def log_engine() -> Optional[PIIEngine]:
    """The patterns-only engine the log filter uses; None when PII redaction is switched off."""
    with _lock:
        config = _log_config[0] if _log_config else PIIConfig.parse_obj({})
    if not config.enabled:
        return None
    key = (f"log:{config.json()}", False)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            allowed = [*config.allow_list, *_LOG_ALLOW]
            engine = _engines[key] = _build(config.copy(update={"allow_list": allowed}), ner=False)
        return engine


def variants(value: str) -> set[str]:
    """The forms a value takes in logs and files: as is, JSON-escaped, URL-encoded."""
    forms = {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value, safe=""),
        repr(value)[1:-1],
    }
    return {form for form in forms if form}


class KnownValues:
    """Recently detected values and their placeholders, bounded in number and age (thread-safe)."""

    def __init__(self, max_values: int = 2048, ttl_seconds: float = 3600.0, min_chars: int = 3):
        """Keep at most ``max_values`` values, each for ``ttl_seconds`` after it was last seen."""
        self.max_values = max_values
        self.ttl_seconds = ttl_seconds
        self.min_chars = min_chars
        self._values: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._pattern: Optional[re.Pattern[str]] = None
        self._replacements: dict[str, str] = {}
        #: Called with the ``(value, pii type)`` pairs :meth:`add` kept, to share them (replicas).
        self.on_new: Optional[Callable[[list[tuple[str, str]]], None]] = None

    def __len__(self) -> int:
        return len(self._values)

    def remember(self, text: str, spans: Iterable[Span]) -> None:
        """Remember the values ``spans`` mark in ``text``."""
        self.add((text[s.start : s.end], s.type) for s in spans)

    def add(self, values: Iterable[tuple[str, str]], share: bool = True) -> None:
        """Remember ``(value, pii type)`` pairs; ``share=False``: they came from another replica."""
        expires = time.monotonic() + self.ttl_seconds
        kept: list[tuple[str, str]] = []
        with self._lock:
            for value, kind in values:
                value = value.strip()
                if len(value) < self.min_chars:
                    continue
                kept.append((value, kind))
                fresh = value not in self._values
                self._values[value] = (placeholder(kind), expires)
                self._values.move_to_end(value)
                if fresh:
                    self._pattern = None
            while len(self._values) > self.max_values:
                self._values.popitem(last=False)
                self._pattern = None
        share_with = self.on_new
        if share and kept and share_with is not None:
            share_with(kept)

    def redact(self, text: str, keep: str = "") -> str:
        """``text`` with every remembered value (in any of its :func:`variants`) replaced.

        Values that also occur in ``keep`` (e.g. a response template) are left alone.
        """
        if not self._values:
            return text
        pattern, replacements = self._compiled()
        if pattern is None:
            return text

        def replace(match: re.Match[str]) -> str:
            value = match.group(0)
            return value if keep and value in keep else replacements[value]

        return pattern.sub(replace, text)

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._values.clear()
            self._pattern = None

    def _compiled(self) -> tuple[Optional[re.Pattern[str]], dict[str, str]]:
        with self._lock:
            self._expire()
            if self._pattern is None and self._values:
                replacements = {
                    form: token
                    for value, (token, _) in self._values.items()
                    for form in variants(value)
                }
                ordered = sorted(replacements, key=len, reverse=True)
                # Whole words only: a name must not eat into "action_listen" or "Marianne".
                alternatives = "|".join(map(re.escape, ordered))
                self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
                self._replacements = replacements
            return self._pattern, self._replacements

    def _expire(self) -> None:
        now = time.monotonic()
        while self._values:
            value, (_, expires) = next(iter(self._values.items()))
            if expires > now:
                break
            self._values.popitem(last=False)
            self._pattern = None


#: The values found by this process's engines, used by :mod:`rasa_ethics.logging`.
KNOWN_VALUES = KnownValues()
