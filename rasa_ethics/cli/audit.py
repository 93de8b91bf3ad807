"""``rasa-ethics audit verify|report|keygen``: check and summarise trails, make signing keys."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasa_ethics.audit.files import HEAD_SUFFIX, discover_trails

if TYPE_CHECKING:  # the verifier (and its JSON schema) loads when a command needs it
    from rasa_ethics.audit.verify import VerifyResult

__all__ = ["register", "run_keygen", "run_report", "run_verify"]


def register(subparsers: Any) -> None:
    """Add ``audit`` with its ``verify`` and ``report`` sub-commands."""
    audit = subparsers.add_parser(
        "audit", help="verify and summarise audit trails", description="Audit trail tools."
    )
    commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND")
    audit.set_defaults(handler=lambda _args: audit.print_help() or 2)
    _add_verify(commands)
    _add_keygen(commands)
    report = commands.add_parser("report", help="summarise trails (text, optionally HTML)")
    _add_files(report)
    report.add_argument(
        "--html", metavar="OUT", type=Path, help="also write a self-contained HTML report"
    )
    report.set_defaults(handler=run_report)


def _add_verify(commands: Any) -> None:
    verify = commands.add_parser(
        "verify",
        help="check that a trail is intact",
        description="Exit 0 if every trail is intact; otherwise print the first bad record as "
        "FILE:LINE: seq N: what is wrong, and exit 1.",
    )
    _add_files(verify)
    verify.add_argument(
        "--fast",
        action="store_true",
        help="skip the canonical-form check (hashes and links are still checked)",
    )
    verify.add_argument(
        "--allow-missing-start",
        action="store_true",
        help="accept a trail whose oldest files were archived on purpose",
    )
    verify.add_argument(
        "--anchor",
        metavar="HASH",
        help="a hash noted earlier; fail unless the trail still contains it",
    )
    verify.add_argument(
        "--public-key",
        metavar="PEM",
        type=Path,
        help="pin the public key that must have signed the checkpoints (default: the .pub file "
        "beside the trail, which is reported as not pinned)",
    )
    verify.set_defaults(handler=run_verify)


def _add_keygen(commands: Any) -> None:
    keygen = commands.add_parser(
        "keygen",
        help="create a signing key for the trail's checkpoints",
        description="Write a new Ed25519 private key to FILE (mode 0600) and its public key to "
        "FILE.pub. Point audit.signing_key_file at FILE, or put its content into "
        "$RASA_ETHICS_AUDIT_SIGNING_KEY; keep FILE.pub where verify can be given it.",
    )
    keygen.add_argument("file", type=Path, metavar="FILE", help="the private key file to create")
    keygen.set_defaults(handler=run_keygen)


def _add_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="audit file, its directory, or rotated files; rotated files of an "
        "active file are found next to it",
    )


def _trails(paths: list[Path]) -> dict[Path, list[Path]]:
    """The trails named, with their existing files (none, when only the head is left)."""
    trails = {
        name: [path for path in files if path.exists()]
        for name, files in discover_trails(paths).items()
    }
    missing = [str(name) for name, files in trails.items() if not files and not _head(name)]
    if missing or not trails:
        from rasa_ethics.cli.errors import CLIError

        msg = f"no audit files found at {', '.join(missing or [str(p) for p in paths])}"
        raise CLIError(msg)
    return trails


def _head(active: Path) -> bool:
    return active.with_name(active.name + HEAD_SUFFIX).exists()


def _check(trails: dict[Path, list[Path]], **options: Any) -> list[tuple[Path, VerifyResult]]:
    from rasa_ethics.audit.verify import verify_trail

    return [(name, verify_trail(files, active=name, **options)) for name, files in trails.items()]


def run_verify(args: argparse.Namespace) -> int:
    """Verify every trail named; exit 1 at the first bad record of any of them."""
    if args.public_key is not None and not args.public_key.is_file():
        from rasa_ethics.cli.errors import CLIError

        raise CLIError(f"--public-key: {args.public_key} is not a file")
    results = _check(
        _trails(args.files),
        strict=not args.fast,
        allow_missing_start=args.allow_missing_start,
        anchor=args.anchor,
        public_key=args.public_key,
    )
    failed = 0
    for name, result in results:
        if result.problem is not None:
            failed += 1
            print(f"{result.problem}", file=sys.stderr)
            print(
                f"{name}: TAMPERED or damaged ({result.records} records intact before it)",
                file=sys.stderr,
            )
        else:
            print(
                f"{name}: ok ({len(result.files)} file(s), {result.records} records, "
                f"head seq {result.head_seq} hash {result.head_hash})"
            )
            _print_signing(result)
    return 1 if failed else 0


def _print_signing(result: VerifyResult) -> None:
    signing = result.signing
    pinned = "pinned" if signing.pinned else "NOT pinned"
    head = "head file matches" if signing.head_checked else "head not checked (a rotated file)"
    print(
        f"  signed: {signing.checkpoints} checkpoint(s), the last at seq "
        f"{signing.last_checkpoint_seq}; {head}; key {signing.key_id} "
        f"(key_source: {', '.join(signing.key_sources)}), {pinned}: {signing.public_key}"
    )
    if signing.unsigned_tail:
        print(
            f"  note: the last {signing.unsigned_tail} record(s) are not signed yet (a running "
            "writer signs them within seconds; a crash leaves them unsigned)"
        )
    for warning in signing.warnings:
        print(f"  warning: {warning}")


def run_keygen(args: argparse.Namespace) -> int:
    """Create a private signing key (mode 0600) and its ``.pub`` file."""
    from rasa_ethics.audit.signing import SigningKeyError, generate_key_file
    from rasa_ethics.cli.errors import CLIError

    try:
        key = generate_key_file(args.file)
    except (SigningKeyError, OSError) as exc:
        raise CLIError(f"audit keygen: {exc}") from None
    print(f"wrote {args.file} (private, mode 0600) and {args.file}.pub; key {key.public.key_id}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """Print the summary of the trails; write the HTML report if asked."""
    from rasa_ethics.audit.html import render_html
    from rasa_ethics.audit.report import format_text, read_records, summarise

    trails = _trails(args.files)
    results = _check(trails)
    bad = [result for _, result in results if result.problem is not None]
    records = sum(result.records for _, result in results)
    integrity = (
        f"NOT intact: {bad[0].problem}"
        if bad
        else f"chain intact ({records:,} records in {len(results)} trail(s))"
    )
    summary = summarise(read_records(list(trails.values())))
    print(format_text(summary, integrity))
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(summary, integrity, intact=not bad), encoding="utf-8")
        print(f"HTML report written to {args.html}")
    return 0
