"""IPv4 and IPv6 addresses, validated with the standard library's ``ipaddress``."""

from __future__ import annotations

import ipaddress
from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["IpRecognizer"]


class IpRecognizer(PatternRecognizer):
    """Dotted-quad IPv4 and colon-hex IPv6 (with ``::`` compression and an IPv4 tail)."""

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
    )

    def validate_result(self, value: str) -> bool | None:
        """A parseable address is certain; ``0.0.0.0``, ``::`` and version strings are not IPs."""
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        if address.is_unspecified:
            return False
        return True
