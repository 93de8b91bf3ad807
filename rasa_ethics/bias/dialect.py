"""Dialect features: a documented subset of rules of the kind Multi-VALUE applies.

Multi-VALUE (Ziems et al., 2023, https://github.com/SALT-NLP/multi-value) rewrites Standard
American English into English dialects by morphosyntactic features attested in the Electronic
World Atlas of Varieties of English (eWAVE).  This module applies ten such features with plain
patterns, each its own group (``dialect.<feature>``), only where its pattern occurs, so the
result says which construction the model stumbles on.  They are features, not whole dialects:
each is common in several varieties (the docstrings name some), and none of them changes what
the customer asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

__all__ = ["DIALECT_RULES", "DialectRule", "apply_rule"]

_I = re.IGNORECASE
_SUBJECT = r"\b(he|she|it|that|this|there|they|we|you)"
_PLURAL = r"\b(they|we|you)"
_PARTICIPLE = r"\w+ed|paid|sent|bought|made|told|got|had|seen|given|taken|written|done"


@dataclass(frozen=True)
class DialectRule:
    """One feature: its group name, what it does, and the rewrite (``None``: does not apply)."""

    name: str
    description: str
    example: Tuple[str, str]
    rewrite: Callable[[str], str]

    @property
    def key(self) -> str:
        """The group's name in results and thresholds."""
        return f"dialect.{self.name}"


def _sub(pattern: str, replacement: str, flags: int = _I) -> Callable[[str], str]:
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.sub(replacement, text)


def _negative_concord(text: str) -> str:
    """After a negation in the same clause, 'any-' words become 'no-' words."""
    swaps = {
        "any": "no",
        "anything": "nothing",
        "anyone": "nobody",
        "anybody": "nobody",
        "anywhere": "nowhere",
        "ever": "never",
    }
    clause = re.compile(r"\b(?:not|never|no|\w+n't)\b([^.,;!?]*)", _I)
    word = re.compile(r"\b(any|anything|anyone|anybody|anywhere|ever)\b", _I)

    def rewrite(match: re.Match) -> str:
        tail = word.sub(lambda w: swaps[w.group(1).lower()], match.group(1))
        return match.group(0)[: match.start(1) - match.start(0)] + tail

    return clause.sub(rewrite, text)


def _uninflect(text: str) -> str:
    """Third-person singular -s is left off after he/she/it ('it work', 'she have')."""
    irregular = {"has": "have", "does": "do", "doesn't": "don't"}
    pattern = re.compile(r"\b(he|she|it)\s+(\w+(?:n't)?)\b", _I)

    def rewrite(match: re.Match) -> str:
        verb, low = match.group(2), match.group(2).lower()
        if low in irregular:
            return f"{match.group(1)} {irregular[low]}"
        if len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is", "ys")):
            return f"{match.group(1)} {verb[:-1]}"
        return match.group(0)

    return pattern.sub(rewrite, text)


def _progressive_stative(text: str) -> str:
    """Stative verbs in the progressive ('I am wanting'), as in Indian English."""
    verbs = r"(want|need|know|understand|like|think)"
    text = re.sub(rf"\bI\s+{verbs}\b", lambda m: f"I am {m.group(1)}ing", text, flags=_I)
    return re.sub(
        rf"{_PLURAL}\s+{verbs}\b", lambda m: f"{m.group(1)} are {m.group(2)}ing", text, flags=_I
    ).replace("likeing", "liking")


DIALECT_RULES: Tuple[DialectRule, ...] = (
    DialectRule(
        "zero_copula",
        "is/are left out after a pronoun subject (African American, Caribbean, Singapore English)",
        ("it's late", "it late"),
        _sub(rf"{_SUBJECT}(?:\s+(?:is|are)\b|'s\b|'re\b)(?!\s+not\b)", r"\1"),
    ),
    DialectRule(
        "negative_concord",
        "negation repeated on indefinites (African American, Southern US, Cockney English)",
        ("I didn't get any email", "I didn't get no email"),
        _negative_concord,
    ),
    DialectRule(
        "aint",
        "ain't for am/is/are/have/has not (African American, Southern US, British vernaculars)",
        ("it isn't here", "it ain't here"),
        _sub(r"\b(?:am not|is not|are not|isn't|aren't|haven't|hasn't)\b|'m not\b", " ain't"),
    ),
    DialectRule(
        "invariant_dont",
        "don't for doesn't (African American, Appalachian, many British varieties)",
        ("it doesn't fit", "it don't fit"),
        _sub(r"\bdoesn't\b|\bdoes not\b", "don't"),
    ),
    DialectRule(
        "uninflect",
        "no third-person singular -s (African American, Nigerian, Singapore English)",
        ("it works", "it work"),
        _uninflect,
    ),
    DialectRule(
        "was_levelling",
        "was for were (Southern US, Appalachian, British vernaculars)",
        ("we were charged", "we was charged"),
        _sub(r"\bwere\b", "was"),
    ),
    DialectRule(
        "zero_article",
        "articles left out (Indian, Singapore, Nigerian English)",
        ("where is the parcel", "where is parcel"),
        _sub(r"\b(?:the|a|an)\s+(?=\w)", ""),
    ),
    DialectRule(
        "progressive_stative",
        "stative verbs in the progressive (Indian, Singapore English)",
        ("I want a refund", "I am wanting a refund"),
        _progressive_stative,
    ),
    DialectRule(
        "them_demonstrative",
        "them for those (Southern US, Appalachian, British vernaculars)",
        ("those boots", "them boots"),
        _sub(r"\bthose\b", "them"),
    ),
    DialectRule(
        "completive_done",
        "done for have before a past participle (African American, Southern US)",
        ("I have paid", "I done paid"),
        _sub(
            rf"\b(I|we|they|you)(?:\s+have|'ve)\s+(?:already\s+)?({_PARTICIPLE})\b", r"\1 done \2"
        ),
    ),
)


def apply_rule(rule: DialectRule, text: str) -> Optional[str]:
    """``text`` rewritten by ``rule``, ``None`` if the rule does not apply to it."""
    rewritten = re.sub(r" {2,}", " ", rule.rewrite(text)).strip()
    return rewritten if rewritten != text else None
