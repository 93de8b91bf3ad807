"""``rasa-ethics validate`` and ``rasa-ethics schema``: check policy files, describe their keys."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Dict, List, Optional

from rasa_ethics.policy import PolicyError, load_policy
from rasa_ethics.policy.schema import PolicyDocument


def register(subparsers: Any) -> None:
    """Add the ``validate`` and ``schema`` sub-commands."""
    validate = subparsers.add_parser(
        "validate",
        help="check policy files",
        description="Validate policy files. Prints FILE:LINE:COL: key.path: message per problem.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="policy YAML files")
    validate.set_defaults(handler=run_validate)
    schema = subparsers.add_parser("schema", help="describe every policy key")
    schema.set_defaults(handler=run_schema)


def run_validate(args: argparse.Namespace) -> int:
    """Validate each file; exit 1 if any is invalid."""
    failed = 0
    for path in args.files:
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            failed += 1
            for issue in exc.issues:
                print(issue, file=sys.stderr)
            continue
        print(f"{path}: ok (policy '{policy.name}', version {policy.version_hash})")
    return 1 if failed else 0


def run_schema(args: argparse.Namespace) -> int:
    """Print every key with its type, default and description."""
    for line in describe(PolicyDocument.schema()):
        print(line)
    return 0


def describe(schema: Dict[str, Any]) -> List[str]:
    """Flatten a pydantic JSON schema into ``key.path (type, default): description`` lines."""
    definitions = schema.get("definitions", {})
    lines: List[str] = []

    def section_of(prop: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        ref = prop.get("$ref") or (prop.get("allOf") or [{}])[0].get("$ref")
        section = definitions.get(ref.split("/")[-1]) if ref else None
        return section if section and "properties" in section else None

    def walk(node: Dict[str, Any], prefix: str) -> None:
        for key, prop in node.get("properties", {}).items():
            path = f"{prefix}{key}"
            section = section_of(prop)
            if section:
                lines.append(f"{path}: {prop.get('description') or section.get('description', '')}")
                walk(section, f"{path}.")
                continue
            kind = prop.get("type", "object")
            default = prop.get("default", "")
            lines.append(f"{path} ({kind}, default {default!r}): {prop.get('description', '')}")

    walk(schema, "")
    return lines
