"""Policy edits are safe: bounded parsing, no empty files, `extends:` confined, nothing echoed.

Issue 9, rows 3, 4, 6 and 12.  Each hostile file is rejected with a FILE:LINE:COL error in well
under a second, whatever it holds; the timings are printed.
"""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path
from typing import Callable, List

import pytest

from rasa_ethics.policy import PolicyError, load_policy

REPO = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-Agent-Token-0123456789"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def rejected(path: Path) -> "tuple[PolicyError, float]":
    """The error load_policy raises for ``path``, and how long it took."""
    started = time.perf_counter()
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    return caught.value, time.perf_counter() - started


def environment_entries() -> List[str]:
    """This process's environment as /proc/self/environ holds it (what `extends:` could read)."""
    raw = Path("/proc/self/environ").read_bytes().decode("utf-8", "replace").split("\0")
    return [entry for entry in raw if "=" in entry and len(entry.split("=", 1)[1]) >= 8]


def alias_bomb(levels: int = 9) -> str:
    """A 'billion laughs' document: about 300 bytes that expand to 9**levels values."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "handoff:\n  x: &top\n" + "".join(f"    {line}\n" for line in lines)


def merge_bomb(levels: int = 30) -> str:
    """Merge keys (``<<``) that double a mapping at every level."""
    lines = ["m0: &m0 {k0: 1}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: 1}}")
    return "handoff:\n" + "".join(f"  {line}\n" for line in lines)


HOSTILE: "dict[str, Callable[[], str]]" = {
    "alias-bomb": alias_bomb,
    "merge-bomb": merge_bomb,
    "deep-list": lambda: "handoff:\n  phrases: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep-mapping": lambda: "handoff:\n  phrases: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
    "recursive-alias": lambda: "handoff:\n  phrases: &loop [*loop]\n",
    "huge-integer": lambda: "handoff:\n  transcript_turns: " + "9" * 200_000 + "\n",
    "sexagesimal": lambda: "handoff:\n  transcript_turns: " + ":".join(["59"] * 60_000) + "\n",
}


class TestBoundedParsing:
    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    def test_hostile_file_is_a_positioned_error_within_a_second(
        self, tmp_path: Path, kind: str
    ) -> None:
        """Bombs, deep nesting, recursion and giant numbers: a clean error, in under 1 s."""
        path = write(tmp_path, "p.yml", HOSTILE[kind]())
        error, seconds = rejected(path)
        print(f"\n{kind}: {len(path.read_bytes())} bytes rejected in {seconds * 1000:.0f} ms")
        assert seconds < 1.0
        issue = error.issues[0]
        assert issue.file.endswith("p.yml") and issue.line >= 1 and issue.column >= 1
        assert "Error" not in issue.message  # no exception class names, no traceback text

    def test_deep_nesting_names_the_place_and_the_limit(self, tmp_path: Path) -> None:
        """The error points at the first value that is too deep and names limits.max_depth."""
        path = write(tmp_path, "p.yml", "handoff:\n  phrases: " + "[" * 30 + "]" * 30 + "\n")
        error, _ = rejected(path)
        [issue] = error.issues
        assert (issue.line, issue.column) == (2, 30)  # the first value 21 levels deep
        assert "limits.max_depth" in issue.message

    def test_fifty_megabytes_are_refused_unread(self, tmp_path: Path) -> None:
        """A 50 MB file is refused from its size alone, at once."""
        path = tmp_path / "big.yml"
        with path.open("wb") as handle:
            handle.truncate(50 * 1024 * 1024)
        error, seconds = rejected(path)
        print(f"\n50 MB file rejected in {seconds * 1000:.1f} ms")
        assert seconds < 0.5
        assert "bytes" in error.issues[0].message and "limit" in error.issues[0].message

    def test_default_size_limit(self, tmp_path: Path) -> None:
        """Past 256 KB a file is refused unless its limits: section allows more."""
        phrases = "".join(f"    - talk to person number {i}\n" for i in range(12_000))
        big = write(tmp_path, "big.yml", "handoff:\n  phrases:\n" + phrases)
        assert big.stat().st_size > 256 * 1024
        error, _ = rejected(big)
        assert "limits.max_file_bytes" in error.issues[0].message
        allowed = write(
            tmp_path, "allowed.yml", "limits:\n  max_file_bytes: 1000000\nhandoff:\n  phrases:\n"
            + phrases,
        )
        assert len(load_policy(allowed).handoff.phrases) == 12_000

    def test_a_policy_cannot_raise_its_limits_past_the_hard_cap(self, tmp_path: Path) -> None:
        """limits: values above the hard caps are schema errors at their position."""
        from rasa_ethics.policy.schema_limits import HARD_MAX_FILE_BYTES

        path = write(tmp_path, "p.yml", f"limits:\n  max_file_bytes: {HARD_MAX_FILE_BYTES + 1}\n")
        error, _ = rejected(path)
        [issue] = error.issues
        assert (issue.line, issue.key_path) == (2, "limits.max_file_bytes")

    def test_aliases_are_counted(self, tmp_path: Path) -> None:
        """A few anchors are fine; more aliases than limits.max_aliases are refused."""
        ok = write(tmp_path, "ok.yml", "handoff:\n  phrases: &p [human]\n  intents: *p\n")
        assert load_policy(ok).handoff.intents == ["human"]
        many = "handoff:\n  phrases: &p [human]\n  x: [" + ", ".join(["*p"] * 101) + "]\n"
        error, _ = rejected(write(tmp_path, "many.yml", many))
        assert "limits.max_aliases" in error.issues[0].message


class TestEmptyFile:
    @pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "{}\n", "---\n"])
    def test_empty_policy_is_an_error(self, tmp_path: Path, text: str) -> None:
        """An empty file never silently becomes the bundled defaults."""
        path = tmp_path / "p.yml"
        path.write_text(text, encoding="utf-8")
        error, _ = rejected(path)
        [issue] = error.issues
        assert (issue.line, issue.column) == (1, 1) and "empty" in issue.message


class TestExtendsConfined:
    def test_only_yaml_files(self, tmp_path: Path) -> None:
        """extends: /proc/self/environ is refused, and nothing in it is ever printed."""
        path = write(tmp_path, "p.yml", "extends: /proc/self/environ\n")
        error, _ = rejected(path)
        leaked = [entry for entry in environment_entries() if entry in str(error)]
        assert not leaked, f"{len(leaked)} entries of the environment are in the error"
        [issue] = error.issues
        assert (issue.line, issue.column, issue.key_path) == (1, 10, "extends")
        assert ".yml" in issue.message

    def test_outside_the_policy_folder(self, tmp_path: Path) -> None:
        """A parent outside the policy's folder is refused, even a real policy."""
        write(tmp_path, "shared/base.yml", "name: base\n")
        child = write(tmp_path, "bot/p.yml", "extends: ../shared/base.yml\n")
        error, _ = rejected(child)
        assert "outside" in error.issues[0].message and "extends_dirs" in error.issues[0].message

    def test_allowed_folders(self, tmp_path: Path) -> None:
        """extends_dirs (in the loaded file) lets the chain use another folder."""
        write(tmp_path, "shared/base.yml", "name: base\nhandoff: {text: from base}\n")
        child = write(
            tmp_path, "bot/p.yml", "extends_dirs: [../shared]\nextends: ../shared/base.yml\n"
        )
        assert load_policy(child).handoff.text == "from base"
        subfolder = write(tmp_path, "bot/variants/v.yml", "extends: ../p.yml\n")
        assert "outside" in rejected(subfolder)[0].issues[0].message

    def test_a_parent_cannot_widen_the_folders(self, tmp_path: Path) -> None:
        """Only the file that is loaded may list extends_dirs."""
        write(tmp_path, "bot/base.yml", "extends_dirs: [/]\nname: base\n")
        child = write(tmp_path, "bot/p.yml", "extends: base.yml\n")
        error, _ = rejected(child)
        assert error.issues[0].key_path == "extends_dirs"

    def test_symlink_to_a_non_policy_file(self, tmp_path: Path) -> None:
        """A .yml name that links to another file is judged by its target."""
        secret = tmp_path / "outside" / "credentials"
        secret.parent.mkdir()
        secret.write_text(f"rest:\n{SECRET}: 1\n")
        write(tmp_path, "bot/p.yml", "extends: link.yml\n")
        (tmp_path / "bot" / "link.yml").symlink_to(secret)
        error, _ = rejected(tmp_path / "bot" / "p.yml")
        assert SECRET not in str(error)

    def test_a_parent_that_is_not_a_policy_is_not_echoed(self, tmp_path: Path) -> None:
        """A YAML file of other keys (say credentials.yml) gives one line, none of its keys."""
        write(tmp_path, "credentials.yml", f"rest:\nsocketio:\n  {SECRET}: 1\n{SECRET}: x\n")
        child = write(tmp_path, "p.yml", "extends: credentials.yml\n")
        error, _ = rejected(child)
        assert SECRET not in str(error) and "rest" not in str(error)
        assert "not a rasa-ethics policy" in error.issues[0].message

    def test_syntax_error_never_echoes_a_line(self, tmp_path: Path) -> None:
        """The best-effort key path of a broken file only ever holds key-like names."""
        path = tmp_path / "p.yml"
        path.write_bytes(f"PATH=/usr/bin:/bin\x00TOKEN={SECRET}:x\x00".encode())
        error, _ = rejected(path)
        assert SECRET not in str(error) and "/usr/bin" not in str(error)


def test_shipped_policies_still_load() -> None:
    """northwind extends default in its own folder: allowed."""
    assert load_policy(REPO / "policies" / "northwind.yml").name == "northwind"
    assert os.path.getsize(REPO / "policies" / "default.yml") < 256 * 1024
