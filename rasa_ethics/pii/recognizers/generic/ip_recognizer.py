"""IPv4 and IPv6 addresses, validated with the standard library's ``ipaddress``."""

from __future__ import annotations

import ipaddress
import re
from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer
from rasa_ethics.pii.spans import Span

__all__ = ["IpRecognizer"]

# "version 1.0.4.2", "build 10.2.0.1": a dotted quad after these words is a version number.
_VERSION_BEFORE = re.compile(
    r"(?i:\b(?:version|ver|v|build|release|firmware|fw|update|patch|rev|revision)\.?[ :]{0,2}v?)$"
)


class IpRecognizer(PatternRecognizer):
    """Dotted-quad IPv4 and colon-hex IPv6 (with ``::`` compression and an IPv4 tail).

    A dotted quad typed with spaces ("1 0 .0 .4 .2 2") counts next to a word such as "ip".
    """

    ENTITY = "ip_address"
    PRECHECK = r"\d|:"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("ipv4", r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)", 0.6),
        Pattern(
            "ipv6",
            r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
            r"(?![\w:])",
            0.6,
        ),
        Pattern(
            "ipv4_spaced",
            r"(?<![\w.])\d(?:[ ]?\d){0,2}(?:[ ]{0,2}\.[ ]{0,2}\d(?:[ ]?\d){0,2}){3}(?![\w]|\.\d)",
            0.3,
        ),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "ip", "ip address", "ipv4", "ipv6", "server", "host", "router", "gateway", "dns",
    )

    def score(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        """A dotted quad right after "version" or "build" is a version number, not an address."""
        if _VERSION_BEFORE.search(text, max(0, start - 16), start):
            return None
        if pattern.name == "ipv4_spaced" and " " not in text[start:end]:
            return None  # the plain pattern has it
        return super().score(text, start, end, pattern)

    def validate_result(self, value: str) -> bool | None:
        """A parseable address is certain; ``0.0.0.0``, ``::`` and version strings are not IPs.

        A spaced one is only possible: it keeps its pattern score, so it needs context.
        """
        try:
            address = ipaddress.ip_address(value.replace(" ", ""))
        except ValueError:
            return False
        if address.is_unspecified:
            return False
        return None if " " in value else True
