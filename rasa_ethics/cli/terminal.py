"""Customer text made safe to print on an agent's terminal.

A customer can type ``\\x1b[2K\\r fake: agent approved refund``: printed raw, the escape
sequence erases the line and the rest looks like the CLI's own output.  Bidi overrides
(U+202E) reorder what is shown.  Here escape sequences are dropped whole, and every other control
or bidi formatting character is shown as a visible ``\\u....`` escape, so nothing a customer
wrote can move the cursor, recolour, retitle or reorder the agent's screen.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from typing import Any, Callable, TypeVar

__all__ = ["printable", "printable_json", "without_library_warnings"]

_T = TypeVar("_T")

# ESC [ ... final (CSI), ESC ] ... BEL/ST (OSC), ESC P/X/^/_ ... ST (DCS and friends), ESC x.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
)
# What a terminal acts on besides escape sequences: C0 and C1 controls (category Cc), line and
# paragraph separators, and the bidi embedding, override, isolate and mark characters.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}]")  # JSON escapes C0 controls itself


def _visible(match: "re.Match[str]") -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(value: Any) -> str:
    """``value`` as text that shows as it is on a terminal, on one line."""
    text = _ESCAPE_SEQUENCE.sub("", str(value))
    return _UNSAFE.sub(_visible, text)


def printable_json(value: Any) -> str:
    """Indented JSON that keeps non-ASCII letters but escapes what a terminal would act on."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    # JSON already escapes C0 controls; C1 controls (U+009B is a CSI) and bidi marks it does not.
    # Outside strings JSON is ASCII, so escaping these characters keeps the document valid.
    return _UNSAFE_IN_JSON.sub(_visible, text)


def without_library_warnings(operation: Callable[[], _T]) -> _T:
    """Run ``operation`` without the deprecation warnings Rasa 3.6 and its dependencies
    (pkg_resources, SQLAlchemy 1.4's legacy API) print on import: not for operators, and not
    theirs to fix."""
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return operation()
