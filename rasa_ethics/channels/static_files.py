"""The web chat's and the agent console's files, shipped in the package and served by Rasa.

Only the files listed in :data:`FILES` are served, read once from ``rasa_ethics/channels/static``
(nothing from a CDN, nothing from the working directory).  Every answer carries a strict Content
Security Policy: the pages load scripts, styles and data from their own server only.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Dict

from sanic import response
from sanic.response import HTTPResponse

__all__ = ["FILES", "serve", "security_headers"]

FILES: Dict[str, str] = {
    "chat.html": "text/html; charset=utf-8",
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
    "console.html": "text/html; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}

_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {frames}"
)


def security_headers(embeddable: bool) -> Dict[str, str]:
    """Headers for a page or file: ``embeddable`` lets other sites frame it (the chat widget)."""
    return {
        "Content-Security-Policy": _POLICY.format(frames="*" if embeddable else "'none'"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def serve(name: str, embeddable: bool = False) -> HTTPResponse:
    """The shipped file ``name`` (404 for any other name)."""
    if name not in FILES:
        return response.json({"error": f"no file {name!r}"}, status=404)
    headers = security_headers(embeddable)
    if name == "widget.js":
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # other sites load it
    return response.raw(_read(name), content_type=FILES[name], headers=headers)


@lru_cache(maxsize=None)
def _read(name: str) -> bytes:
    return resources.files("rasa_ethics.channels").joinpath("static", name).read_bytes()
