"""Policy files: validation, positions of errors, inheritance and live reloading."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasa_ethics.policy import LivePolicy, PolicyError, bundled_policy_path, load_policy

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def only_issue(path: Path):
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert len(caught.value.issues) == 1, caught.value.issues
    return caught.value.issues[0]


class TestShippedPolicies:
    @pytest.mark.parametrize("name", ["default.yml", "northwind.yml"])
    def test_valid(self, name: str) -> None:
        """Every policy in policies/ validates."""
        policy = load_policy(REPO / "policies" / name)
        assert policy.disclosure.text
        assert len(policy.version_hash) == 16

    def test_bundled_default_is_the_designers_file(self) -> None:
        """The package ships exactly policies/default.yml."""
        shipped = bundled_policy_path().read_bytes()
        assert shipped == (REPO / "policies" / "default.yml").read_bytes()

    def test_env_var_selects_the_policy(self, monkeypatch, tmp_path: Path) -> None:
        """RASA_ETHICS_POLICY is used when no explicit path is given."""
        path = write(tmp_path, "p.yml", "name: from-env\n")
        monkeypatch.setenv("RASA_ETHICS_POLICY", str(path))
        assert load_policy().name == "from-env"


class TestErrorPositions:
    def test_unknown_key(self, tmp_path: Path) -> None:
        """A misspelt key is reported at the key, with its full path."""
        path = write(
            tmp_path,
            "p.yml",
            """
            handoff:
              text: hello
              txet: typo
            """,
        )
        issue = only_issue(path)
        assert (issue.line, issue.column, issue.key_path) == (3, 3, "handoff.txet")
        assert "unknown key" in issue.message

    def test_wrong_type(self, tmp_path: Path) -> None:
        """A value of the wrong type is reported at the value."""
        path = write(
            tmp_path,
            "p.yml",
            """
            handoff:
              signals:
                consecutive_fallbacks: many
            """,
        )
        issue = only_issue(path)
        assert (issue.line, issue.column) == (3, 28)
        assert issue.key_path == "handoff.signals.consecutive_fallbacks"
        assert "integer" in issue.message

    def test_wrong_type_in_list(self, tmp_path: Path) -> None:
        """A bad list item is reported at that item."""
        path = write(
            tmp_path,
            "p.yml",
            """
            handoff:
              phrases:
                - talk to a human
                - {nested: map}
            """,
        )
        issue = only_issue(path)
        assert (issue.line, issue.column, issue.key_path) == (4, 7, "handoff.phrases.1")

    def test_bad_indentation(self, tmp_path: Path) -> None:
        """A YAML syntax error gives the line, column and the nearest key path."""
        path = write(tmp_path, "p.yml", "handoff:\n  text: hi\n bad: 1\n")
        issue = only_issue(path)
        assert (issue.line, issue.column) == (3, 2)
        assert issue.key_path == "handoff.bad"
        assert "invalid YAML" in issue.message

    def test_cross_field_rule_shows_the_fix(self, tmp_path: Path) -> None:
        """An intent listed for two concerns is refused with YAML that fixes it."""
        path = write(
            tmp_path,
            "p.yml",
            """
            disclosure:
              bot_challenge_intents: [human]
            handoff:
              intents: [human]
            """,
        )
        issue = only_issue(path)
        assert "handoff:\n    intents: [human]" in issue.message

    def test_top_level_must_be_a_mapping(self, tmp_path: Path) -> None:
        """A list at the top level is refused."""
        issue = only_issue(write(tmp_path, "p.yml", "- a\n- b\n"))
        assert (issue.line, issue.column) == (1, 1)

    def test_several_errors_sorted_by_line(self, tmp_path: Path) -> None:
        """All problems are reported, in file order."""
        path = write(tmp_path, "p.yml", "audit:\n  fsync: sometimes\nzzz: 1\n")
        with pytest.raises(PolicyError) as caught:
            load_policy(path)
        assert [i.line for i in caught.value.issues] == [2, 3]

    def test_str_is_file_line_col_key_message(self, tmp_path: Path) -> None:
        """The error text starts with FILE:LINE:COL: key.path: message."""
        path = write(tmp_path, "p.yml", "pii:\n  nlu_input: maybe\n")
        with pytest.raises(PolicyError) as caught:
            load_policy(path)
        first = str(caught.value).splitlines()[0]
        assert first.endswith("p.yml:2:14: pii.nlu_input: must be 'raw' or 'redacted'")


class TestExtends:
    def test_child_overrides_parent(self, tmp_path: Path) -> None:
        """A child changes only what it lists; the rest comes from the parent."""
        write(tmp_path, "base.yml", "handoff:\n  text: base\n  resumed_text: back\n")
        child = write(tmp_path, "child.yml", "extends: base.yml\nhandoff:\n  text: child\n")
        policy = load_policy(child)
        assert (policy.handoff.text, policy.handoff.resumed_text) == ("child", "back")
        assert [p.name for p in policy.files] == ["child.yml", "base.yml"]

    def test_missing_parent(self, tmp_path: Path) -> None:
        """A missing parent file is reported at the extends value."""
        issue = only_issue(write(tmp_path, "c.yml", "name: x\nextends: nope.yml\n"))
        assert (issue.line, issue.column, issue.key_path) == (2, 10, "extends")
        assert "not found" in issue.message

    def test_cycle(self, tmp_path: Path) -> None:
        """Files that extend each other are refused."""
        write(tmp_path, "a.yml", "extends: b.yml\n")
        issue = only_issue(write(tmp_path, "b.yml", "extends: a.yml\n"))
        assert "cycle" in issue.message

    def test_error_in_parent_names_the_parent(self, tmp_path: Path) -> None:
        """An unknown key inherited from a parent is reported in the parent file."""
        write(tmp_path, "base.yml", "audit:\n  pathh: x\n")
        issue = only_issue(write(tmp_path, "child.yml", "extends: base.yml\n"))
        assert issue.file.endswith("base.yml") and issue.line == 2

    def test_extends_must_be_a_string(self, tmp_path: Path) -> None:
        """extends takes one file name."""
        issue = only_issue(write(tmp_path, "c.yml", "extends: [a.yml]\n"))
        assert issue.key_path == "extends"


class TestVersionHash:
    def test_same_content_same_hash(self, tmp_path: Path) -> None:
        """Formatting and comments do not change the version hash; content does."""
        a = load_policy(write(tmp_path, "a.yml", "handoff: {text: hi}\n"))
        b = load_policy(write(tmp_path, "b.yml", "# comment\nhandoff:\n  text: 'hi'\n"))
        c = load_policy(write(tmp_path, "c.yml", "handoff: {text: hello}\n"))
        assert a.version_hash == b.version_hash != c.version_hash


class TestLivePolicy:
    def test_edit_applies_and_broken_edit_is_ignored(self, tmp_path: Path) -> None:
        """A valid edit is picked up; an invalid one keeps the last good policy."""
        path = write(tmp_path, "p.yml", "handoff: {text: one}\n")
        live = LivePolicy(path, check_every=0)
        assert live.current.handoff.text == "one"
        path.write_text("handoff: {text: two}\n", encoding="utf-8")
        assert live.refresh().handoff.text == "two" == live.current.handoff.text
        path.write_text("handoff: {text: [broken\n", encoding="utf-8")
        assert live.refresh().handoff.text == "two" == live.current.handoff.text


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_policy_or_a_positioned_error(tmp_path_factory, text: str) -> None:
    """Arbitrary input never crashes the loader: it loads or raises PolicyError with a position."""
    path = tmp_path_factory.mktemp("fuzz") / "p.yml"
    path.write_text(text, encoding="utf-8")
    try:
        load_policy(path)
    except PolicyError as exc:
        assert exc.issues and all(i.line >= 1 and i.column >= 1 for i in exc.issues)
