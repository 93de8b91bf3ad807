"""The log redaction: every record of the process, whichever handler Rasa adds later."""

from __future__ import annotations

import io
import json
import logging
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest
from rasa.utils.common import configure_logging_from_file

from rasa_ethics import logging as log_redaction
from rasa_ethics.context import OWN_NAMES, remember
from rasa_ethics.pii import Span
from rasa_ethics.pii.runtime import KNOWN_VALUES, set_log_config
from rasa_ethics.policy.schema import PIIConfig

REPO = Path(__file__).resolve().parents[2]
LOGGING_YML = Path(log_redaction.__file__).parents[1] / "resources" / "logging.yml"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Each test gets the record factory and root handlers back as they were."""
    factory, handlers = logging.getLogRecordFactory(), logging.root.handlers[:]
    KNOWN_VALUES.clear()
    set_log_config(PIIConfig.parse_obj({}))  # the defaults, whatever another test loaded
    logging.setLogRecordFactory(logging.LogRecord)  # as if no component had installed it yet
    yield
    logging.setLogRecordFactory(factory)
    logging.root.handlers[:] = handlers
    KNOWN_VALUES.clear()


def capture(name: str = "rasa.test") -> "tuple[logging.Logger, io.StringIO]":
    """A logger with a handler added after redaction was installed (as Rasa adds its own)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger, stream


class TestRecords:
    def test_message_and_arguments(self) -> None:
        """%-arguments are formatted, then redacted, for handlers added later too."""
        log_redaction.install()
        logger, out = capture()
        logger.debug("Received user message %r", "mail jane.doe@example.com, call 020 7946 0958")
        assert out.getvalue().strip() == "Received user message 'mail <EMAIL>, call <PHONE>'"

    def test_known_values_in_every_form(self) -> None:
        """A name NLU found is hidden as is, JSON-escaped and URL-encoded."""
        log_redaction.install()
        KNOWN_VALUES.remember("I'm Zoë Müller", [Span(4, 14, "person")])
        logger, out = capture()
        logger.debug(json.dumps({"text": "Zoë Müller"}))
        logger.debug("GET /?q=%s", urllib.parse.quote("Zoë Müller"))
        assert "Zo" not in out.getvalue() and out.getvalue().count("<PERSON>") == 2

    def test_tracebacks(self) -> None:
        """Exception messages and source lines in a traceback are redacted."""
        log_redaction.install()
        logger, out = capture()
        try:
            raise ValueError("bad card 4111 1111 1111 1111")
        except ValueError:
            logger.exception("lookup failed")
        assert (
            "4111" not in out.getvalue() and "ValueError: bad card <CREDIT_CARD>" in out.getvalue()
        )

    def test_loopback_addresses_stay(self) -> None:
        """Server addresses in Rasa's logs identify no one."""
        log_redaction.install()
        logger, out = capture()
        logger.info("Starting server on http://127.0.0.1:5005, client 10.1.2.3")
        assert (
            out.getvalue().strip()
            == "Starting server on http://127.0.0.1:5005, client <IP_ADDRESS>"
        )

    def test_timestamps_stay(self) -> None:
        """Event timestamps in DEBUG dumps are not taken for phone numbers."""
        assert log_redaction.redact_message('"timestamp": 1795751449.2615') == (
            '"timestamp": 1795751449.2615'
        )


class TestTheBotsOwnWords:
    @pytest.fixture(autouse=True)
    def financial_demo(self) -> Iterator[None]:
        """The names of RasaHQ's financial-demo and the Northwind brand, learnt as at start-up."""
        from rasa.shared.core.domain import Domain

        from rasa_ethics.policy import load_policy

        OWN_NAMES.clear()
        domain = Domain.from_dict(
            {
                "entities": ["amount-of-money"],
                "slots": {"amount-of-money": {"type": "any", "mappings": [{"type": "custom"}]}},
                "forms": {"cc_payment_form": {"required_slots": ["amount-of-money"]}},
            }
        )
        OWN_NAMES.learn_domain(domain)
        OWN_NAMES.learn_texts(load_policy(REPO / "policies" / "northwind.yml"))
        yield
        OWN_NAMES.clear()

    @pytest.mark.parametrize(
        "line",
        [
            "previous action name: amount-of-money",
            "previous action name: cc_payment_form",
            "previous action name: Northwind",
        ],
    )
    def test_domain_names_and_brand_stay(self, line: str) -> None:
        """A domain name or the bot's brand where a name could stand is not redacted."""
        assert log_redaction.redact_message(line) == line

    def test_a_customers_name_still_goes(self) -> None:
        """Shielding own names does not shield the rest of the line."""
        line = "previous action name: amount-of-money, mail jane.doe@example.com"
        assert log_redaction.redact_message(line) == (
            "previous action name: amount-of-money, mail <EMAIL>"
        )

    def test_a_part_of_a_found_name(self) -> None:
        """DIET's partial entity value of a name found in the message is hidden too."""
        remember("I'm Wilhelmina Jansen", [Span(4, 21, "person")])
        line = (
            "processor.message.parse parse_data_entities=[{'entity': 'last_name', 'start': 15, "
            "'end': 21, 'value': 'Jansen', 'extractor': 'DIETClassifier'}]"
        )
        assert "Jansen" not in log_redaction.redact_message(line)


class TestConfigurationFile:
    def test_rasa_applies_it(self) -> None:
        """`--logging-config-file` (Rasa's configure_logging_from_file) installs the redaction."""
        assert not log_redaction.installed()
        configure_logging_from_file(str(LOGGING_YML))
        assert log_redaction.installed()

    def test_filter_on_its_own(self) -> None:
        """The filter also redacts a record created before the factory was installed."""
        record = logging.LogRecord(
            "x", logging.INFO, __file__, 1, "to %s", ("jane@example.org",), None
        )
        log_redaction.RedactingFilter().filter(record)
        assert record.getMessage() == "to <EMAIL>"


class TestUncaughtExceptions:
    def test_traceback_is_redacted(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A crash's traceback goes to stderr without the customer's data."""
        import sys

        monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
        err = io.StringIO()
        monkeypatch.setattr(sys, "stderr", err)
        log_redaction.install_excepthook()
        try:
            raise RuntimeError("could not handle 'mail jane.doe@example.com'")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        assert "RuntimeError: could not handle 'mail <EMAIL>'" in err.getvalue()
        assert "jane.doe" not in err.getvalue()
