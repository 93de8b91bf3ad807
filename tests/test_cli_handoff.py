"""`rasa-ethics handoff`: clear errors without a traceback (round trips are end-to-end tests)."""

from __future__ import annotations

from rasa_ethics.cli import main
from tests.harness import free_port


class TestHandoffCommand:
    def test_needs_a_token(self, monkeypatch, capsys) -> None:
        """Without --token or $RASA_ETHICS_AGENT_TOKEN it says what to do."""
        monkeypatch.delenv("RASA_ETHICS_AGENT_TOKEN", raising=False)
        assert main(["handoff", "list"]) == 1
        assert "RASA_ETHICS_AGENT_TOKEN" in capsys.readouterr().err

    def test_unreachable_bot(self, capsys) -> None:
        """A bot that is not running is reported in one line."""
        url = f"http://127.0.0.1:{free_port()}"
        assert main(["handoff", "--url", url, "--token", "t", "show", "x"]) == 1
        err = capsys.readouterr().err
        assert "cannot reach the bot" in err and "Traceback" not in err
