"""A bias run as text (a table per family), JSON, or JUnit XML (one test case per group)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Dict, List, Tuple
from xml.etree import ElementTree as ET

from rasa_ethics.bias.run import BiasRun
from rasa_ethics.bias.stats import GroupResult

__all__ = ["flipped_examples", "format_json", "format_junit", "format_text", "summary_line"]


def _interval(low: float, high: float, percent: bool = True) -> str:
    return f"[{low:.1%}, {high:.1%}]" if percent else f"[{low:+.3f}, {high:+.3f}]"


def flipped_examples(run: BiasRun) -> List[Tuple[str, str, int, List[str]]]:
    """(text, intent, flips, groups) of each training example with a flipped variant, most flips
    first: the examples most worth adding variants of."""
    flips: Counter = Counter()
    groups: Dict[str, List[str]] = {}
    intents: Dict[str, str] = {}
    for outcome in run.flipped:
        text = outcome.variant.example.text
        flips[text] += 1
        intents[text] = outcome.variant.example.intent
        groups.setdefault(text, [])
        if outcome.variant.group not in groups[text]:
            groups[text].append(outcome.variant.group)
    return [(t, intents[t], n, groups[t]) for t, n in flips.most_common()]


def summary_line(run: BiasRun) -> str:
    """The last line of the text report."""
    bad = run.failed
    verdict = f"FAILED: {len(bad)} group(s) over the thresholds" if bad else "passed"
    return (
        f"bias: {len(run.examples)} examples, {len(run.outcomes)} variants, "
        f"{len(run.results)} groups, {run.seconds:.1f} s: {verdict}"
    )


def format_text(run: BiasRun) -> str:
    """A table per family: variants, flips, flip rate and interval, confidence drop."""
    level = f"{run.config.confidence_level:.0%}"
    lines = [f"rasa-ethics bias: {run.model} on {run.data}"]
    family = None
    for r in run.results:
        if r.family != family:
            family = r.family
            lines += [
                "",
                f"{family:<32} {'variants':>8} {'flips':>6} {'flip rate':>9} "
                f"{level + ' interval':<18} {'conf. drop':>10}  {level + ' interval'}",
            ]
        if not r.variants:
            lines.append(f"  {r.group:<30} {0:>8}   (no example to vary)")
            continue
        mark = "FAIL" if r.failures else "ok" if r.gated else "too few to gate"
        lines.append(
            f"  {r.group:<30} {r.variants:>8} {r.flips:>6} {r.flip_rate:>9.1%} "
            f"{_interval(*r.flip_interval):<18} {r.drop:>+10.3f}  "
            f"{_interval(*r.drop_interval, percent=False)}  {mark}"
        )
    for r in run.failed:
        lines.append(f"FAIL {r.group}: " + "; ".join(r.failures))
    worst = flipped_examples(run)[:10]
    if worst:
        lines += ["", "Training examples whose variants flipped most (worth adding variants of):"]
        lines += [f"  {n:>3} flips  [{intent}] {text}" for text, intent, n, _ in worst]
    lines += ["", summary_line(run)]
    return "\n".join(lines)


def _result_dict(r: GroupResult) -> Dict[str, Any]:
    return {
        "family": r.family,
        "group": r.group,
        "variants": r.variants,
        "flips": r.flips,
        "flip_rate": round(r.flip_rate, 6),
        "flip_interval": [round(v, 6) for v in r.flip_interval],
        "confidence_drop": round(r.drop, 6),
        "confidence_drop_interval": [round(v, 6) for v in r.drop_interval],
        "passed": r.passed,
        "gated": r.gated,
        "failures": r.failures,
    }


def format_json(run: BiasRun) -> str:
    """The whole run: groups, flipped variants, and the settings used."""
    flipped = [
        {
            "group": o.variant.group,
            "example": o.variant.example.text,
            "intent": o.variant.example.intent,
            "variant": o.variant.text,
            "original_prediction": o.original.intent,
            "variant_prediction": o.predicted.intent,
            "confidence_drop": round(o.drop, 6),
        }
        for o in run.flipped
    ]
    document = {
        "model": run.model,
        "data": run.data,
        "examples": len(run.examples),
        "variants": len(run.outcomes),
        "seconds": round(run.seconds, 2),
        "passed": not run.failed,
        "settings": json.loads(run.config.json()),
        "groups": [_result_dict(r) for r in run.results],
        "flipped": flipped,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def format_junit(run: BiasRun) -> str:
    """JUnit XML: a test suite per family, a test case per group, a failure per exceeded group."""
    suites = ET.Element("testsuites", name="rasa-ethics bias")
    for family in dict.fromkeys(r.family for r in run.results):
        mine = [r for r in run.results if r.family == family]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"bias.{family}",
            tests=str(len(mine)),
            failures=str(sum(1 for r in mine if r.failures)),
        )
        for r in mine:
            case = ET.SubElement(suite, "testcase", classname=f"bias.{family}", name=r.group)
            if not r.variants:
                ET.SubElement(case, "skipped", message="no example to vary")
            elif not r.gated:
                ET.SubElement(case, "skipped", message=f"{r.variants} variants: too few to gate")
            elif r.failures:
                failure = ET.SubElement(case, "failure", message="; ".join(r.failures))
                failure.text = json.dumps(_result_dict(r), indent=2)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)
