"""One result of ``rasa-ethics check``, the obligations results serve, and the three outputs.

Each result names the obligation it serves, so a CI report reads as a list of promises kept or
broken.  A ``warn`` result is a risk worth reading that does not fail the run (``--strict``
makes it fail); ``skip`` says a check could not run here and why.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Dict, Iterable, List, Sequence

__all__ = [
    "FAIL",
    "OBLIGATIONS",
    "PASS",
    "SKIP",
    "WARN",
    "Result",
    "failed",
    "format_json",
    "format_junit",
    "format_text",
]

PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"

#: The obligations results cite, with what each requires of a chatbot.
OBLIGATIONS: Dict[str, str] = {
    "EU AI Act Art. 50": "people are told they are interacting with an AI system",
    "California SB 1001": "a bot discloses that it is a bot (Bus. & Prof. Code 17941)",
    "GDPR Art. 5": "data minimisation, storage limitation, integrity and accountability",
    "GDPR Art. 17": "erasure of a customer's data reaches every store",
    "GDPR Art. 21": "a customer can object to the processing of their data",
    "GDPR Art. 22": "a person can be reached instead of an automated decision",
}


@dataclass(frozen=True)
class Result:
    """One check: its name, outcome, the obligations it serves and what was found."""

    check: str
    status: str
    obligations: Sequence[str]
    message: str
    hint: str = ""
    kind: str = "static"  # "static" (the bot's files) or "live" (a running bot)

    def as_dict(self) -> dict:
        """JSON-ready."""
        data = asdict(self)
        data["obligations"] = list(self.obligations)
        return data


def failed(results: Iterable[Result], strict: bool = False) -> List[Result]:
    """The results that fail the run (warnings too when ``strict``)."""
    bad = (FAIL, WARN) if strict else (FAIL,)
    return [r for r in results if r.status in bad]


def _counts(results: Sequence[Result]) -> str:
    counts = Counter(r.status for r in results)
    return ", ".join(f"{counts[s]} {s}" for s in (PASS, WARN, FAIL, SKIP) if counts[s])


def format_text(results: Sequence[Result]) -> str:
    """One line per result (``FAIL  tracker_store  [GDPR Art. 5]  message``), hints indented."""
    lines = []
    for r in results:
        cited = f"  [{'; '.join(r.obligations)}]" if r.obligations else ""
        lines.append(f"{r.status.upper():<5} {r.check}{cited}: {r.message}")
        if r.hint and r.status != PASS:
            lines.extend(f"      {line}" for line in r.hint.splitlines())
    lines.append(f"rasa-ethics check: {_counts(results)}")
    return "\n".join(lines)


def format_json(results: Sequence[Result]) -> str:
    """``{"results": [...], "summary": {...}, "obligations": {...}}``."""
    summary = dict(Counter(r.status for r in results))
    document = {
        "results": [r.as_dict() for r in results],
        "summary": summary,
        "obligations": {o: OBLIGATIONS[o] for o in _cited(results)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _cited(results: Sequence[Result]) -> List[str]:
    return sorted({o for r in results for o in r.obligations})


def format_junit(results: Sequence[Result], strict: bool = False) -> str:
    """JUnit XML: one ``testsuite`` per kind, one ``testcase`` per result.

    ``fail`` (and ``warn`` when ``strict``) is a ``<failure>``, ``skip`` a ``<skipped>``; a
    warning that does not fail shows in ``<system-out>``.  The obligations are ``properties``.
    """
    suites = ET.Element("testsuites", name="rasa-ethics check")
    for kind in ("static", "live"):
        cases = [r for r in results if r.kind == kind]
        if cases:
            _suite(suites, kind, cases, strict)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _suite(parent: ET.Element, kind: str, cases: Sequence[Result], strict: bool) -> None:
    bad = {id(r) for r in failed(cases, strict)}
    suite = ET.SubElement(
        parent,
        "testsuite",
        name=f"rasa-ethics.{kind}",
        tests=str(len(cases)),
        failures=str(len(bad)),
        skipped=str(sum(r.status == SKIP for r in cases)),
        errors="0",
    )
    for result in cases:
        case = ET.SubElement(suite, "testcase", classname=f"rasa-ethics.{kind}", name=result.check)
        properties = ET.SubElement(case, "properties")
        for obligation in result.obligations:
            ET.SubElement(properties, "property", name="obligation", value=obligation)
        text = result.message + (f"\n{result.hint}" if result.hint else "")
        if id(result) in bad:
            ET.SubElement(case, "failure", message=result.message, type=result.status).text = text
        elif result.status == SKIP:
            ET.SubElement(case, "skipped", message=result.message)
        elif result.status == WARN:
            ET.SubElement(case, "system-out").text = f"warning: {text}"
