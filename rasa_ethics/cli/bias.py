"""``rasa-ethics bias MODEL [--data DATA]``: does the model's NLU treat every group alike?"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Optional

__all__ = ["register", "run"]

FORMATS = ("text", "json", "junit")


def register(subparsers: Any) -> None:
    """Add the ``bias`` sub-command."""
    parser = subparsers.add_parser(
        "bias",
        help="invariance tests of a model's NLU: names, pronouns, dialect features, typos",
        description="Counterfactual variants of the bot's own NLU examples (names of eight "
        "cultures by gender, he/she swapped, dialect features, keyboard typos), parsed by "
        "MODEL in this process: per group, how often the predicted intent flips and how much "
        "confidence it loses, with bootstrap intervals. Exit 1 when a group exceeds the "
        "policy's bias: thresholds. Run it from the bot folder, like rasa.",
    )
    parser.add_argument(
        "model", type=Path, help="a trained model archive, or a folder: its newest *.tar.gz"
    )
    parser.add_argument(
        "--data", type=Path, default=Path("data"), help="NLU file or folder (default: data)"
    )
    parser.add_argument(
        "--policy",
        type=Path,
        help="the policy with the bias: thresholds (default: $RASA_ETHICS_POLICY, else the one "
        "config.yml names for the plugin's components, else the bundled default)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        help="vary at most this many examples, drawn with the policy's seed (a quick CI run)",
    )
    parser.add_argument("--html", type=Path, help="also write the HTML report to FILE")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--output", type=Path, help="write the output to FILE instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the invariance tests, print them in the format asked, exit 1 if a group failed."""
    from rasa_ethics import bias
    from rasa_ethics.cli.errors import CLIError
    from rasa_ethics.policy import load_policy

    if args.limit is not None and args.limit < 1:
        raise CLIError("--limit must be at least 1")
    chosen = policy_file(args.policy, Path.cwd())
    if chosen is not None and args.policy is None:
        print(f"rasa-ethics bias: thresholds from {chosen} (config.yml)", file=sys.stderr)
    policy = load_policy(chosen)
    try:
        result = bias.run_bias(args.model, args.data, policy.bias, args.limit)
    except bias.BiasError as exc:
        raise CLIError(str(exc)) from None
    text = {
        "text": lambda: bias.format_text(result),
        "json": lambda: bias.format_json(result),
        "junit": lambda: bias.format_junit(result),
    }[args.format]()
    if args.output:
        _write(args.output, text)
        print(bias.summary_line(result))
    else:
        print(text)
    if args.html:
        from rasa_ethics.bias.html import render_html

        _write(args.html, render_html(result))
    for group in result.failed:
        print(
            f"rasa-ethics bias: FAIL: {group.group}: {'; '.join(group.failures)}", file=sys.stderr
        )
    return 1 if result.failed else 0


def policy_file(given: Optional[Path], bot: Path) -> Optional[Path]:
    """The policy to read: ``--policy``; else None when $RASA_ETHICS_POLICY is set (the loader
    reads it); else the file config.yml names for the plugin's components (the EthicsPolicy's
    first), relative to ``bot``; else None (the bundled default)."""
    if given is not None or os.environ.get("RASA_ETHICS_POLICY"):
        return given
    from rasa_ethics.conformance.bot import read_bot

    refs = read_bot(bot).plugin_policy_refs()
    ref = refs.get("config.yml policies: rasa_ethics.EthicsPolicy") or next(
        (r for where, r in refs.items() if where.startswith("config.yml")), None
    )
    return None if ref is None else bot / ref


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
