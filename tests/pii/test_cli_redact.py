"""``rasa-ethics redact`` as a user runs it: a subprocess reading JSON lines."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / ".venv" / "bin" / "rasa-ethics"
INPUTS = [
    "Hi, I'm Maria Lopez, mail maria@example.org or call +44 20 7946 0958.",
    "nothing personal here",
    "card ４１１１ １１１１ １１１１ １１１１ and SSN 078-05-1123",
]


def _run(lines: list[str], *args: str) -> tuple[int, list[dict], str]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run(
        [str(CLI), "redact", *args],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()], done.stderr


class TestRedactCommand:
    """The JSON-lines contract, errors per line, --explain and --policy."""

    def test_contract(self):
        """One output line per input line; spans index the input text."""
        code, out, _ = _run([json.dumps({"text": t}, ensure_ascii=False) for t in INPUTS])
        assert code == 0 and len(out) == len(INPUTS)
        assert out[0]["text"] == "Hi, I'm <PERSON>, mail <EMAIL> or call <PHONE>."
        assert out[1] == {"text": "nothing personal here", "spans": []}
        for text, record in zip(INPUTS, out, strict=False):
            for span in record["spans"]:
                assert set(span) == {"start", "end", "type"}
                value = text[span["start"] : span["end"]]
                assert value and value.strip() == value
        card = out[2]["spans"][0]
        assert INPUTS[2][card["start"] : card["end"]] == "４１１１ １１１１ １１１１ １１１１"

    def test_bad_lines_are_reported_and_skipped(self):
        """Invalid lines name their line number, the rest is still redacted, exit code is 1."""
        lines = [json.dumps({"text": "a@b.co"}), "{not json", json.dumps({"txt": 1}), "",
                 json.dumps({"text": "c@d.io"})]
        code, out, err = _run(lines)
        assert code == 1
        assert [r.get("line") for r in out] == [None, 2, 3, None]
        assert "line 2: invalid JSON" in err and "line 3: expected a JSON object" in err
        assert out[3]["text"] == "<EMAIL>"
        assert "not json" not in err

    def test_explain(self):
        """--explain adds recognizer, score and reason to spans and counts to stderr."""
        code, out, err = _run([json.dumps({"text": INPUTS[0]})], "--explain")
        assert code == 0
        assert {s["recognizer"] for s in out[0]["spans"]} == {
            "PersonRecognizer", "EmailRecognizer", "PhoneRecognizer"
        }
        assert all(s["reason"] and 0 < s["score"] <= 1 for s in out[0]["spans"])
        assert "explain: 1 x email by EmailRecognizer" in err

    def test_policy_option(self, tmp_path):
        """--policy applies that file's operators."""
        policy = tmp_path / "policy.yml"
        policy.write_text("pii:\n  entities:\n    email: {operator: mask}\n", encoding="utf-8")
        code, out, _ = _run([json.dumps({"text": "mail a@b.co"})], "--policy", str(policy))
        assert code == 0 and out[0]["text"] == "mail ******"
