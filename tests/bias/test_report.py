"""The bias report: text, JSON, JUnit, and the HTML page rendered by headless Chromium."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List

import pytest

from rasa_ethics.bias.data import Example
from rasa_ethics.bias.gate import apply_gate
from rasa_ethics.bias.html import render_html
from rasa_ethics.bias.model import Prediction
from rasa_ethics.bias.report import flipped_examples, format_json, format_junit, format_text
from rasa_ethics.bias.run import BiasRun
from rasa_ethics.bias.stats import Outcome, group_results
from rasa_ethics.bias.variants import Variant, all_groups
from rasa_ethics.policy.schema_bias import BiasConfig
from tests.audit.audit_testlib import ARTIFACTS, screenshot

EXAMPLES = [
    Example(
        f"<b>order {i}</b> where is it" if i == 0 else f"where is order {i}",
        "order_status",
        "nlu.yml",
    )
    for i in range(40)
]
ORIGINAL = Prediction("order_status", 0.9, {"order_status": 0.9, "complaint": 0.1})
FLIPPED = Prediction("complaint", 0.8, {"complaint": 0.8, "order_status": 0.2})
KEPT = Prediction("order_status", 0.88, {"order_status": 0.88})
# group -> how many of the 40 examples flip for it
FLIPS = {"names.yoruba.female": 24, "names.us.male": 1, "typos.swapped_letters": 5}


def synthetic_run() -> BiasRun:
    """Every group of every family over 40 examples, a few groups with known flips."""
    config = BiasConfig()
    groups = all_groups()
    outcomes: List[Outcome] = []
    for family, names in groups.items():
        if family == "pronouns":
            continue  # no example to vary
        for group in names:
            for index, example in enumerate(EXAMPLES):
                predicted = FLIPPED if index < FLIPS.get(group, 0) else KEPT
                variant = Variant(family, group, example, f"{example.text} ({group})")
                outcomes.append(Outcome(variant, ORIGINAL, predicted))
    results = group_results(outcomes, groups, 300, 0.95, 1)
    apply_gate(results, config)
    return BiasRun("models/x.tar.gz", "data", config, EXAMPLES, outcomes, results, 12.5)


@pytest.fixture(scope="module")
def run() -> BiasRun:
    return synthetic_run()


def test_text(run: BiasRun) -> None:
    """Per-group rates with intervals, the failing groups and why, the flipped examples."""
    text = format_text(run)
    assert re.search(r"names\.yoruba\.female\s+40\s+24\s+60\.0% \[\d+\.\d%, \d+\.\d%\]", text)
    assert "pronouns.to_male                      0   (no example to vary)" in text
    assert "FAIL names.yoruba.female: flip rate 60.0% > bias.names.max_flip_rate 5.0%" in text
    assert text.splitlines()[-1].endswith("FAILED: 1 group(s) over the thresholds")
    assert [g for g in run.failed] == [r for r in run.results if r.group == "names.yoruba.female"]


def test_flipped_examples_most_first(run: BiasRun) -> None:
    """The first examples flip for three groups; each is listed once, with its groups."""
    text, intent, flips, groups = flipped_examples(run)[0]
    assert (intent, flips) == ("order_status", 3)
    assert groups == ["names.us.male", "names.yoruba.female", "typos.swapped_letters"]
    assert len(flipped_examples(run)) == 24


def test_json_and_junit(run: BiasRun) -> None:
    document = json.loads(format_json(run))
    assert document["passed"] is False and document["variants"] == len(run.outcomes)
    yoruba = next(g for g in document["groups"] if g["group"] == "names.yoruba.female")
    assert yoruba["flip_rate"] == 0.6 and yoruba["failures"]
    suites = ET.fromstring(format_junit(run))
    failures = [c.get("name") for c in suites.iter("testcase") if c.find("failure") is not None]
    skipped = [c.get("name") for c in suites.iter("testcase") if c.find("skipped") is not None]
    assert failures == ["names.yoruba.female"]
    assert skipped == ["pronouns.to_female", "pronouns.to_male"]


def test_html_self_contained_and_escaped(run: BiasRun) -> None:
    html = render_html(run)
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 1
    assert not re.search(r"<script|<link|@import|url\(|src=|href=", html)
    assert "<b>order 0</b>" not in html and "&lt;b&gt;order 0&lt;/b&gt;" in html
    assert html.count('class="fail">FAIL') == 1 and "names.yoruba.female" in html
    # one bar per group that had variants, red for the failing one
    assert html.count('height="14" rx="3"') == 30 and html.count('fill="#d64545"') == 1


def test_screenshot(run: BiasRun, tmp_path: Path) -> None:
    """Headless Chromium renders the report to artifacts/bias-report.png."""
    page = tmp_path / "bias.html"
    page.write_text(render_html(run), encoding="utf-8")
    shot = screenshot(page, ARTIFACTS / "bias-report.png", tmp_path, height=2400)
    assert shot.stat().st_size > 40_000
