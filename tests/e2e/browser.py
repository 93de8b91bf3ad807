"""Debian's chromium, headless, driven by Playwright, for the web chat and the agent console.

Playwright drives the system's chromium (``/usr/bin/chromium``, installed by ``make
system-deps``); it downloads no browser.  axe-core comes with ``axe-playwright-python``.
"""

from __future__ import annotations

import contextlib
import shutil
from typing import Any, Dict, Iterator, List

import pytest

__all__ = ["CHROMIUM_ARGS", "axe_problems", "chromium"]

#: Chromium's own network features off: this machine's network is closed (and tests need none).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium (Playwright ``Browser``); the test fails when it is not installed."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("chromium is not installed: `make system-deps` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_problems(page: Any) -> List[Dict[str, Any]]:
    """axe-core's serious and critical violations on ``page``, as ``{id, impact, nodes}``."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n.get("target") for n in v.get("nodes", [])][:5],
        }
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
