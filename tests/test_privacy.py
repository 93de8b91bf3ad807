"""Rasa's Sentry error reporting: stopped when a rasa-ethics component loads, unless allowed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest
import rasa.telemetry
import sentry_sdk

from rasa_ethics.privacy import apply_privacy_policy, error_reporting_active, stop_error_reporting

# Sends would go to a closed loopback port: nothing can leave the machine from these tests.
SINK = "https://k@127.0.0.1:9/2801673"


@pytest.fixture(autouse=True)
def no_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without a Sentry client and leaves Rasa's initialiser as it found it."""
    monkeypatch.setattr(
        rasa.telemetry, "initialize_error_reporting", rasa.telemetry.initialize_error_reporting
    )
    yield
    sentry_sdk.Hub.main.bind_client(None)
    sentry_sdk.Hub.current.bind_client(None)


def policy(allowed: bool) -> SimpleNamespace:
    return SimpleNamespace(privacy=SimpleNamespace(error_reporting=allowed))


def rasas_client() -> None:
    """What rasa.telemetry.initialize_error_reporting sets up (its release name, our sink)."""
    sentry_sdk.init(SINK, release="rasa-3.6.21", default_integrations=False)


class TestStop:
    def test_closes_rasas_client(self) -> None:
        """The client is closed (no transport) and unbound."""
        rasas_client()
        client = sentry_sdk.Hub.current.client
        assert error_reporting_active()
        assert stop_error_reporting() is True
        assert not error_reporting_active()
        assert client.transport is None and sentry_sdk.Hub.current.client is None

    def test_blocks_a_later_start(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Rasa's initialiser does nothing afterwards, even with telemetry on."""
        monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "true")
        monkeypatch.setenv("RASA_EXCEPTION_WRITE_KEY", "k@127.0.0.1:9/x")
        stop_error_reporting()
        rasa.telemetry.initialize_error_reporting()
        assert sentry_sdk.Hub.current.client is None

    def test_leaves_the_hosts_own_client(self) -> None:
        """A Sentry client the host bot set up for itself is none of our business."""
        own = "https://k@127.0.0.1:9/42"
        sentry_sdk.init(own, release="northwind-bot-1.0", default_integrations=False)
        assert stop_error_reporting() is False
        assert sentry_sdk.Hub.current.client is not None


class TestPolicy:
    def test_off_by_default(self) -> None:
        """privacy.error_reporting: false stops it."""
        rasas_client()
        apply_privacy_policy(policy(False))
        assert not error_reporting_active()

    def test_opt_in(self) -> None:
        """privacy.error_reporting: true leaves Rasa's reporting running."""
        rasas_client()
        apply_privacy_policy(policy(True))
        assert error_reporting_active()


class TestEnvironmentSwitch:
    """What Rasa 3.6.21 itself does, checked in a fresh interpreter each time."""

    SCRIPT = (
        "import rasa.telemetry as t, sentry_sdk; t.initialize_error_reporting(); "
        "print(sentry_sdk.Hub.current.client is not None)"
    )

    def run(self, tmp_path: Path, telemetry: str) -> str:
        env = {
            **os.environ,
            "HOME": str(tmp_path),
            "RASA_TELEMETRY_ENABLED": telemetry,
            "RASA_EXCEPTION_WRITE_KEY": "k@127.0.0.1:9/x",
        }
        done = subprocess.run(
            [sys.executable, "-c", self.SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout.strip().splitlines()[-1]

    def test_telemetry_off_means_no_sentry(self, tmp_path: Path) -> None:
        """RASA_TELEMETRY_ENABLED=false: Rasa does not start Sentry at all."""
        assert self.run(tmp_path, "false") == "False"

    def test_telemetry_on_starts_it(self, tmp_path: Path) -> None:
        """Telemetry on (Rasa's default once ~/.config/rasa/global.yml exists): Sentry starts."""
        assert self.run(tmp_path, "true") == "True"
