"""Keep what the plugin writes into the bot folder out of the host's git.

The vault key file (``<database>.vault-key``) and the audit signing key are secrets (a generated
signing key lives in the audit folder); the audit trail and the conversation database hold
(redacted) customer conversations.  None of them belongs in a repository.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import List, Optional

from rasa_ethics.adoption.yaml_edit import Change
from rasa_ethics.policy.loader import LoadedPolicy

__all__ = ["HEADER", "gitignore_edits", "plugin_files"]

HEADER = "# rasa-ethics: keys, the audit trail and conversation data stay out of git"
VAULT_KEYS = "*.vault-key"


def plugin_files(policy: LoadedPolicy, sqlite_db: Optional[str]) -> List[str]:
    """The ``.gitignore`` patterns for what the plugin writes into the bot folder.

    ``sqlite_db`` is the tracker store's SQLite file when init chose it (the host's own store is
    the host's business).
    """
    patterns = [VAULT_KEYS]
    audit = _relative_file(policy.audit.path)
    if audit is not None:
        folder = audit.parent
        patterns.append(f"{folder}/" if str(folder) != "." else f"{audit.name}*")
    store = policy.handoff.store_url or ""
    if store.startswith("sqlite:///"):
        handoffs = _relative_file(store[len("sqlite:///") :])
        if handoffs is not None:
            patterns.append(str(handoffs))
    signing_key = _relative_file(policy.audit.signing_key_file or "")
    if signing_key is not None:
        patterns += [str(signing_key), f"{signing_key}.pub"]
    if sqlite_db and _relative_file(sqlite_db) is not None:
        patterns.append(sqlite_db)
    return patterns


def gitignore_edits(bot_dir: Path, patterns: List[str]) -> List[Change]:
    """Add the patterns ``.gitignore`` lacks, under one comment line; nothing if none is missing."""
    path = bot_dir / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [p for p in patterns if p not in present and f"/{p}" not in present]
    if not missing:
        return []
    lines = ([] if HEADER in present else [HEADER]) + missing
    if text and not text.endswith("\n"):
        text += "\n"
    if text.strip() and HEADER not in present:
        text += "\n"
    path.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return [Change(".gitignore", f"added {', '.join(missing)}")]


def _relative_file(path: str) -> Optional[PurePosixPath]:
    """``path`` if it lies inside the bot folder (relative, not climbing out), else None."""
    posix = PurePosixPath(path.replace("\\", "/"))
    if not path or posix.is_absolute() or ".." in posix.parts or "$" in path:
        return None
    return posix
