"""The bias: section of the policy: defaults, thresholds, and errors with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasa_ethics.policy import PolicyError, load_policy


def load(tmp_path: Path, text: str):
    path = tmp_path / "bias.yml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def issue(tmp_path: Path, text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        load(tmp_path, text)
    return str(caught.value.issues[0])


def test_defaults(tmp_path: Path) -> None:
    """Without a bias: section every family is varied, names held tighter than typos."""
    bias = load(tmp_path, "name: plain\n").bias
    assert bias.families == ["names", "pronouns", "dialect", "typos"]
    assert (bias.names.max_flip_rate, bias.names.max_flip_rate_gap) == (0.05, 0.05)
    assert (bias.typos.max_flip_rate, bias.typos.max_flip_rate_gap) == (0.15, None)
    assert bias.bootstrap_samples == 1000 and bias.confidence_level == 0.95


def test_thresholds_are_read(tmp_path: Path) -> None:
    text = "bias:\n  families: [names]\n  names:\n    max_flip_rate: 0.4\n"
    text += "    max_flip_rate_gap: null\n"
    bias = load(tmp_path, text).bias
    assert bias.families == ["names"]
    assert bias.names.max_flip_rate == 0.4 and bias.names.max_flip_rate_gap is None
    assert bias.names.max_confidence_drop == 0.05  # the field's default, not the family's


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bias:\n  names:\n    max_flip: 0.1\n", "bias.yml:3:5: bias.names.max_flip: unknown key"),
        ("bias:\n  dialects: []\n", "bias.yml:2:3: bias.dialects: unknown key"),
        (
            "bias:\n  typos:\n    max_flip_rate: 2\n",
            "bias.yml:3:20: bias.typos.max_flip_rate: ensure this value is less than or equal",
        ),
        ("bias:\n  families: [names, accents]\n", "bias.yml:2:13: bias.families: unknown family"),
        ("bias:\n  name_template: '{name}'\n", "bias.yml:2:18: bias.name_template: needs {name}"),
        ("bias:\n  name_template: '{name} {x} {text}'\n", "bias.name_template: only {name}"),
    ],
    ids=[
        "unknown-threshold",
        "unknown-key",
        "out-of-range",
        "unknown-family",
        "template",
        "template-field",
    ],
)
def test_invalid(tmp_path: Path, text: str, expected: str) -> None:
    """A designer's typo is an error naming the file, line, column and key."""
    assert expected in issue(tmp_path, text)


def test_schema_command_lists_the_section() -> None:
    """`rasa-ethics schema` (and so docs/policy.md) describes the bias keys."""
    from rasa_ethics.cli.validate import describe
    from rasa_ethics.policy.schema import PolicyDocument

    lines = describe(PolicyDocument.schema())
    keys = [line.split(" ")[0].rstrip(":") for line in lines]
    assert {"bias.names.max_flip_rate", "bias.typos.max_confidence_drop", "bias.seed"} <= set(keys)
    documented = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text()
    assert all(line in documented for line in lines if line.startswith("bias"))
