"""Run spaCy's named-entity recogniser only where it can matter, in bounded chunks.

spaCy costs milliseconds per message, the regexes microseconds.  So spaCy runs only on texts that
could hold a name or a place (:func:`needs_ner`: a capitalised word that is not a common English
word), only its ``ner`` pipe is loaded, and long texts are cut into chunks of at most
:data:`CHUNK_CHARS` characters at whitespace, so memory and time stay linear in the text length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from rasa_ethics.pii._letters import LOWER, UPPER
from rasa_ethics.pii._lexicon import is_common
from rasa_ethics.pii.names import gazetteer
from rasa_ethics.pii.recognizer import NerEntity

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["CHUNK_CHARS", "NER_LABELS", "NerRunner", "chunks", "needs_ner"]

CHUNK_CHARS = 2000
NER_LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC"})
_CAPITALISED = re.compile(rf"(?<![\w'’])[{UPPER}][{LOWER}'’.-]{{1,30}}")
_MAX_CAPITALISED_CHECKS = 64


def needs_ner(text: str, covered: Sequence[tuple[int, int]] = ()) -> bool:
    """True when ``text`` has a capitalised word that no one has explained yet.

    Explained are common English words, words the name gazetteer knows (it has judged them
    already) and words inside ``covered``: sorted, disjoint ranges already detected ("my name
    is Maria Lopez", a full street address).  spaCy would add nothing there.
    """
    starts = [start for start, _ in covered]
    names = gazetteer()
    for count, match in enumerate(_CAPITALISED.finditer(text)):
        i = bisect_right(starts, match.start()) - 1
        inside = i >= 0 and covered[i][1] >= match.end()
        word = match.group().rstrip(".'’")
        if inside or is_common(word) or word.lower() in names or _lone_opener(text, match):
            continue
        return True
        if count >= _MAX_CAPITALISED_CHECKS:  # a long text of common words: let spaCy decide
            return True
    return False


_OPENER_BEFORE = re.compile(r"(?:^|[.!?\n]\s{0,3})$")
_LOWER_AFTER = re.compile(rf"[ ][{LOWER}]")


def _lone_opener(text: str, match: re.Match[str]) -> bool:
    """A capitalised word that opens a sentence and is followed by a lower-case one ("Invoice
    address", "Hlavná 1"): capitalised for the sentence, not as a name."""
    before = text[max(0, match.start() - 4) : match.start()]
    if _OPENER_BEFORE.search(before) is None or (match.start() > 4 and not before.strip(" ")):
        return False
    return _LOWER_AFTER.match(text, match.end()) is not None or match.end() == len(text)


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, cut at the last whitespace before ``size``."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            half = start + size // 2
            cut = max(text.rfind(" ", half, end), text.rfind("\n", half, end))
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


class NerRunner:
    """Turns texts into PERSON/GPE/LOC/FAC entities with a lazily loaded spaCy pipeline."""

    def __init__(self, load: Callable[[], Language], batch_size: int = 64) -> None:
        self._load = load
        self._nlp: Language | None = None
        self.batch_size = batch_size

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline, loaded on first use."""
        if self._nlp is None:
            self._nlp = self._load()
        return self._nlp

    def entities(self, text: str) -> list[NerEntity]:
        """Entities of one text."""
        return self.entities_many([text])[0]

    def entities_many(self, texts: Sequence[str]) -> list[list[NerEntity]]:
        """Entities of many texts, with all their chunks batched through ``nlp.pipe``."""
        results: list[list[NerEntity]] = [[] for _ in texts]
        jobs = [(i, off, piece) for i, text in enumerate(texts) for off, piece in chunks(text)]
        if not jobs:
            return results
        docs = self._docs([piece for _, _, piece in jobs])
        for (index, offset, _piece), doc in zip(jobs, docs, strict=False):
            results[index].extend(
                NerEntity(offset + e.start_char, offset + e.end_char, e.label_)
                for e in doc.ents
                if e.label_ in NER_LABELS
            )
        return results

    def _docs(self, pieces: list[str]) -> list[Doc]:
        nlp = self.nlp
        if len(pieces) == 1:  # nlp() skips pipe()'s batching overhead for one short text
            return [nlp(pieces[0])]
        return list(nlp.pipe(pieces, batch_size=self.batch_size))
