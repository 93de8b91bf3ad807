"""What the plugin adds to the HTTP server Rasa runs (``rasa run``): two request middlewares.

* :func:`~rasa_ethics.serving.api_view.mark_api_request`: Rasa's HTTP API gets the stored view of
  a conversation, never the vault's values;
* :func:`~rasa_ethics.serving.rest_guard.check_rest_request`: malformed REST messages get a 400
  that says why, good ones reach ``RestInput`` with safe ids and texts.

``RedactingTrackerStore`` installs them when it is built (:func:`install_in_running_server`).
Under ``rasa run`` that happens in a ``before_server_start`` listener, after Rasa created its
Sanic app (``rasa/core/run.py``: ``configure_app``, then ``load_agent_on_start``), and Sanic
21.12 reads its middleware list on every request.  Without a Sanic app (``rasa shell``, tests
that drive an ``Agent``) there is no HTTP API to protect.
"""

from __future__ import annotations

import logging

from sanic import Sanic
from sanic.exceptions import SanicException

from rasa_ethics.serving.api_view import mark_api_request, stored_view_only
from rasa_ethics.serving.rest_guard import check_rest_request

__all__ = ["RASA_APP_NAMES", "install", "install_in_running_server", "stored_view_only"]

logger = logging.getLogger(__name__)

#: The names Rasa 3.6 gives its Sanic app, with and without ``--enable-api``.
RASA_APP_NAMES = ("rasa_server", "rasa_core_no_api")
_INSTALLED = "rasa_ethics_middleware"


def install(app: Sanic) -> None:
    """Add the middlewares to ``app`` once; the API mark runs first."""
    if getattr(app.ctx, _INSTALLED, False):
        return
    app.register_middleware(mark_api_request, "request")
    app.register_middleware(check_rest_request, "request")
    setattr(app.ctx, _INSTALLED, True)
    logger.debug("rasa-ethics: request middleware installed on %s", app.name)


def install_in_running_server() -> bool:
    """Install into Rasa's Sanic app, if this process has one; True if it did.

    An app of another name is used when it is the only one (a later Rasa may rename its app):
    the API must never get the vault's values because a name changed.
    """
    apps = []
    for name in RASA_APP_NAMES:
        try:
            apps.append(Sanic.get_app(name))
        except SanicException:
            continue
    if not apps:
        try:
            apps.append(Sanic.get_app())
        except SanicException:  # no app (shell, tests driving an Agent), or several unknown ones
            return False
    for app in apps:
        install(app)
    return True
