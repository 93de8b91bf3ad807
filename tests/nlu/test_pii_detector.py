"""PIIDetector: spans attached once per message, NLU input raw or redacted as the policy says."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ethics.nlu import PIIDetector
from rasa_ethics.nlu.pii_detector import shift_offset
from rasa_ethics.pii import Span
from rasa_ethics.pii.runtime import KNOWN_VALUES

REPO = Path(__file__).resolve().parents[2]
NORTHWIND = REPO / "policies" / "northwind.yml"


def policy_file(tmp_path: Path, pii: str) -> str:
    path = tmp_path / "policy.yml"
    text = f"extends_dirs: [{NORTHWIND.parent}]\nextends: {NORTHWIND}\npii:\n{pii}"
    path.write_text(text, encoding="utf-8")
    return str(path)


def detector(tmp_path: Path, **config: Any) -> PIIDetector:
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(graph_schema=None, model_id="m")  # type: ignore[arg-type]
    merged: Dict[str, Any] = {**PIIDetector.get_default_config(), **config}
    return PIIDetector.create(merged, storage, Resource("pii"), context)


class TestProcess:
    def test_spans_in_the_parse_data(self, tmp_path: Path) -> None:
        """Spans (type and offsets, no values) are an output property; the text is unchanged."""
        message = Message.build(text="mail jane.doe@example.com")
        detector(tmp_path, policy=str(NORTHWIND)).process([message])
        assert message.get("text") == "mail jane.doe@example.com"
        output = message.as_dict(only_output_properties=True)
        assert output["ethics_pii"] == [{"start": 5, "end": 25, "type": "email"}]

    def test_values_are_remembered_for_the_log_filter(self, tmp_path: Path) -> None:
        """What NLU found, the log filter can hide later."""
        KNOWN_VALUES.clear()
        detector(tmp_path, policy=str(NORTHWIND)).process(
            [Message.build(text="my name is Maria Lopez")]
        )
        assert KNOWN_VALUES.redact('{"user": "Maria Lopez"}') == '{"user": "<PERSON>"}'

    def test_redacted_nlu_input(self, tmp_path: Path) -> None:
        """With nlu_input: redacted the following components see placeholders."""
        path = policy_file(tmp_path, "  nlu_input: redacted\n")
        message = Message.build(text="mail jane.doe@example.com")
        detector(tmp_path, policy=path).process([message])
        assert message.get("text") == "mail <EMAIL>"

    def test_allow_list(self, tmp_path: Path) -> None:
        """The shop's own address (northwind allow_list) is not personal data."""
        message = Message.build(text="write to support@northwind.example")
        detector(tmp_path, policy=str(NORTHWIND)).process([message])
        assert message.get("ethics_pii") == []

    def test_misconfiguration_fails_at_start_up(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A hash operator without its key stops the component from being built."""
        monkeypatch.delenv("RASA_ETHICS_PII_KEY", raising=False)
        path = policy_file(tmp_path, "  entities:\n    email: {operator: hash}\n")
        with pytest.raises(RasaException, match="RASA_ETHICS_PII_KEY"):
            detector(tmp_path, policy=path)


class TestWhatNLUSees:
    """Issue 9, rows 1 and 8: unsafe characters and huge messages are dealt with before NLU."""

    def test_unsafe_characters_are_replaced(self, tmp_path: Path) -> None:
        """Lone surrogates, NUL and escape sequences never reach the components after it."""
        message = Message.build(text="hi\x00 \x1b[2K mail jane.doe@example.com\ud800")
        detector(tmp_path, policy=str(NORTHWIND)).process([message])
        assert message.get("text") == "hi\ufffd \ufffd[2K mail jane.doe@example.com\ufffd"
        output = message.as_dict(only_output_properties=True)
        assert output["ethics_pii"] == [{"start": 14, "end": 34, "type": "email"}]

    def test_a_message_over_the_limit_is_marked_not_analysed(self, tmp_path: Path) -> None:
        """1 MB of digit groups: NLU gets an empty text, the parse data the mark, in a blink."""
        text = "4111 1111 1111 1111 " * 52_429
        component = detector(tmp_path, policy=str(NORTHWIND))
        message = Message.build(text=text)
        started = time.process_time()
        component.process([message])
        seconds = time.process_time() - started
        print(f"\nPIIDetector on {len(text):,} characters: {seconds * 1000:.1f} ms CPU")
        output = message.as_dict(only_output_properties=True)
        assert message.get("text") == "" and output["ethics_too_long"] == len(text)
        assert "ethics_pii" not in output and seconds < 0.1

    def test_the_limit_comes_from_the_policy(self, tmp_path: Path) -> None:
        """messages.max_message_chars: a message of exactly that length still goes to NLU."""
        path = tmp_path / "policy.yml"
        text = f"extends_dirs: [{NORTHWIND.parent}]\nextends: {NORTHWIND}\n"
        path.write_text(text + "messages:\n  max_message_chars: 5\n", encoding="utf-8")
        component = detector(tmp_path, policy=str(path))
        short, long = Message.build(text="hello"), Message.build(text="hello!")
        component.process([short, long])
        assert short.get("text") == "hello" and short.get("ethics_too_long") is None
        assert long.get("text") == "" and long.get("ethics_too_long") == 6


class TestTrainingData:
    def test_raw_mode_leaves_training_data_alone(self, tmp_path: Path) -> None:
        """nlu_input: raw (the default) trains on the examples as written."""
        example = Message.build(text="mail jane.doe@example.com", intent="inform")
        data = detector(tmp_path, policy=str(NORTHWIND)).process_training_data(
            TrainingData([example])
        )
        assert data.training_examples[0].get("text") == "mail jane.doe@example.com"

    def test_redacted_mode_moves_entities(self, tmp_path: Path) -> None:
        """Examples are redacted like messages; annotations move with the text."""
        text = "mail jane.doe@example.com or call me on order NW-123456"
        entities = [
            {"entity": "email", "start": 5, "end": 25, "value": "jane.doe@example.com"},
            {"entity": "order_number", "start": 46, "end": 55, "value": "NW-123456"},
        ]
        example = Message.build(text=text, intent="inform", entities=entities)
        path = policy_file(tmp_path, "  nlu_input: redacted\n")
        detector(tmp_path, policy=path).process_training_data(TrainingData([example]))
        redacted = example.get("text")
        assert redacted == "mail <EMAIL> or call me on order NW-123456"
        spans = [(e["start"], e["end"]) for e in example.get("entities")]
        assert [redacted[a:b] for a, b in spans] == ["<EMAIL>", "NW-123456"]


class TestShiftOffset:
    @pytest.mark.parametrize(
        ("offset", "is_end", "expected"),
        [
            (0, False, 0),
            (5, False, 5),
            (7, False, 5),
            (10, True, 8),
            (12, False, 10),
            (15, True, 13),
        ],
    )
    def test_table(self, offset: int, is_end: bool, expected: int) -> None:
        """Offsets before, inside and after a 5-character value replaced by 3 characters."""
        pieces = [(Span(5, 10, "email"), "<E>")]
        assert shift_offset(pieces, offset, is_end) == expected


class TestTheQuestionBefore:
    """The reply to the bot's question is read as that type's answer (PIIDetector's tracker)."""

    @staticmethod
    def asked(slot: str) -> Any:
        from rasa.shared.core.domain import Domain
        from rasa.shared.core.events import ActiveLoop, BotUttered, SlotSet
        from rasa.shared.core.trackers import DialogueStateTracker

        domain = Domain.from_dict(
            {
                "slots": {slot: {"type": "text", "mappings": [{"type": "from_text"}]}},
                "forms": {"details_form": {"required_slots": [slot]}},
            }
        )
        events = [
            ActiveLoop("details_form"),
            SlotSet("requested_slot", slot),
            BotUttered("?", metadata={"utter_action": f"utter_ask_{slot}"}),
        ]
        return DialogueStateTracker.from_events("c", events, domain.slots)

    @pytest.mark.parametrize(
        ("slot", "reply", "expected"),
        [
            ("name", "Chloe", [{"start": 0, "end": 5, "type": "person"}]),
            (
                "delivery_address",
                "22 acacia avenue springfield",
                [{"start": 0, "end": 28, "type": "address"}],
            ),
            ("order_number", "Chloe", []),
        ],
    )
    def test_bare_answers(self, tmp_path: Path, slot: str, reply: str, expected: list) -> None:
        """A bare first name or address answering a form's question is found; other slots not."""
        message = Message.build(text=reply)
        detector(tmp_path, policy=str(NORTHWIND)).process([message], self.asked(slot))
        output = message.as_dict(only_output_properties=True)
        assert output["ethics_pii"] == expected
        expected_type = {"name": "person", "delivery_address": "address"}.get(slot)
        assert output.get("ethics_pii_expected") == expected_type

    def test_without_a_tracker(self, tmp_path: Path) -> None:
        """No tracker (end-to-end featurization, /model/parse): no context, a bare name stays."""
        message = Message.build(text="Chloe")
        detector(tmp_path, policy=str(NORTHWIND)).process([message])
        assert message.get("ethics_pii") == []

    def test_the_brand_is_not_a_name(self, tmp_path: Path) -> None:
        """The bot's own brand (in the policy's texts) is never detected, nor remembered."""
        KNOWN_VALUES.clear()
        message = Message.build(text="does Northwind ship to Canada")
        detector(tmp_path, policy=str(NORTHWIND)).process([message])
        assert message.get("ethics_pii") == []
        assert KNOWN_VALUES.redact("Northwind") == "Northwind"
