"""Keep crash reports on the machine: stop the Sentry error reporting that Rasa starts.

What Rasa 3.6.21 does (``rasa/__main__.py`` and ``rasa/telemetry.py``): every ``rasa`` command calls
``telemetry.initialize_error_reporting()`` before it runs.  That function is guarded by
``@ensure_telemetry_enabled``, so with ``RASA_TELEMETRY_ENABLED=false`` it does nothing; without the
variable it follows ``metrics.enabled`` in ``~/.config/rasa/global.yml``, which Rasa itself writes
as ``true`` on the first run.  Then ``sentry_sdk.init`` is called with the key shipped in
``rasa/keys``, and from then on:

* an uncaught exception (``ExcepthookIntegration``) sends the exception message and stack trace to
  ``o251570.ingest.sentry.io``; exception messages can quote customer text;
* every structlog event at INFO or above is kept as a breadcrumb and sent along with the next
  report (``structlog_sentry.SentryProcessor`` in ``rasa/utils/log_utils.py``).

:func:`apply_privacy_policy` runs when a rasa-ethics component loads in the Rasa process.  Unless
the policy opts in (``privacy.error_reporting: true``) it closes Rasa's Sentry client (its
transport is shut down, so nothing queued or later captured is sent), unbinds it, and turns later
calls of ``initialize_error_reporting`` into no-ops.  A Sentry client the host bot set up itself
(any release not named ``rasa-*``) is left alone.  The environment-level switch, which also stops
Rasa's usage telemetry and acts before anything is loaded, is ``RASA_TELEMETRY_ENABLED=false``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, List, Optional

__all__ = [
    "apply_privacy_policy",
    "error_reporting_active",
    "protect_process",
    "stop_error_reporting",
]

logger = logging.getLogger(__name__)

_RASA_RELEASE_PREFIX = "rasa-"  # telemetry.initialize_error_reporting: release=f"rasa-{version}"
_RASA_SENTRY_PROJECT = "/2801673"  # ... and this project id in the DSN
_MARK = "__rasa_ethics_blocked__"


def protect_process(policy: Any) -> None:
    """What every rasa-ethics component does when it loads in a Rasa process.

    Stops Rasa's error reporting (unless the policy allows it) and, with PII redaction on, makes
    every log record of the process, and the traceback of an uncaught exception, redacted
    (:mod:`rasa_ethics.logging`) with the policy's ``pii:`` settings.
    """
    from rasa_ethics import logging as log_redaction
    from rasa_ethics.pii.runtime import set_log_config

    apply_privacy_policy(policy)
    if policy.pii.enabled:
        set_log_config(policy.pii)
        log_redaction.install()
        if not policy.privacy.error_reporting:  # else Sentry's hook must stay in place
            log_redaction.install_excepthook()


def apply_privacy_policy(policy: Any) -> None:
    """Stop Rasa's error reporting unless ``policy.privacy.error_reporting`` allows it."""
    if getattr(policy.privacy, "error_reporting", False):
        logger.info("rasa-ethics: Rasa's error reporting is allowed by the policy (privacy)")
        return
    if stop_error_reporting():
        logger.info("rasa-ethics: stopped Rasa's Sentry error reporting (privacy.error_reporting)")


def stop_error_reporting() -> bool:
    """Close and unbind Rasa's Sentry client, and block re-initialisation; True if one was open."""
    _block_initialisation()
    try:
        import sentry_sdk
    except ImportError:  # pragma: no cover - Rasa 3.6 depends on it
        return False
    stopped = False
    for hub in _hubs(sentry_sdk):
        client = hub.client
        if client is not None and _is_rasas(client):
            client.close(timeout=0)  # timeout 0: drop queued events instead of sending them
            hub.bind_client(None)
            stopped = True
    return stopped


def error_reporting_active() -> bool:
    """True when a Sentry client set up by Rasa can still send (for tests and diagnostics)."""
    try:
        import sentry_sdk
    except ImportError:  # pragma: no cover
        return False
    return any(
        h.client is not None and _is_rasas(h.client) and h.client.transport is not None
        for h in _hubs(sentry_sdk)
    )


def _hubs(sentry_sdk: Any) -> List[Any]:
    hubs = [sentry_sdk.Hub.main, sentry_sdk.Hub.current]
    return [h for i, h in enumerate(hubs) if h not in hubs[:i]]


def _is_rasas(client: Any) -> bool:
    release = str(client.options.get("release") or "")
    dsn = str(client.options.get("dsn") or "")
    return release.startswith(_RASA_RELEASE_PREFIX) or dsn.endswith(_RASA_SENTRY_PROJECT)


def _block_initialisation() -> None:
    """Make later calls of ``rasa.telemetry.initialize_error_reporting`` do nothing."""
    import rasa.telemetry

    current: Optional[Callable[[], None]] = getattr(
        rasa.telemetry, "initialize_error_reporting", None
    )
    if current is None or getattr(current, _MARK, False):
        return

    def initialize_error_reporting() -> None:
        logger.debug("rasa-ethics: Rasa's error reporting stays off (privacy.error_reporting)")

    setattr(initialize_error_reporting, _MARK, True)
    initialize_error_reporting.__wrapped__ = current  # type: ignore[attr-defined]
    rasa.telemetry.initialize_error_reporting = initialize_error_reporting  # type: ignore[assignment]
