"""The web chat and agent console pages shipped in rasa_ethics/channels/static (no browser)."""

from __future__ import annotations

import configparser
import fnmatch
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Set, Tuple
from urllib.parse import urljoin

import pytest

from rasa_ethics.constants import HANDOFF_INTENT

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "rasa_ethics" / "channels" / "static"
SCRIPTS = ("chat.js", "widget.js", "console.js")
PAGES = ("chat.html", "console.html")
FILES = PAGES + SCRIPTS + ("chat.css", "console.css")
# Where the server serves each page and its static files (docs/web-chat.md).
ROUTES = {
    "chat.html": ("http://bot/webhooks/ethics_chat/", "http://bot/webhooks/ethics_chat/static/"),
    "console.html": (
        "http://bot/webhooks/ethics_agent/console",
        "http://bot/webhooks/ethics_agent/console/static/",
    ),
}
HTML_SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")


def read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def without_comments(name: str) -> str:
    """The file without /* */ and <!-- --> comments and without lines that are // comments."""
    text = re.sub(r"/\*.*?\*/|<!--.*?-->", "", read(name), flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", text)


class Page(HTMLParser):
    """What the tests need from a page: references, form fields, labels, lang and title."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.references: List[str] = []
        self.fields: List[Tuple[str, Dict[str, str], bool]] = []  # tag, attributes, inside <label>
        self.label_for: Set[str] = set()
        self.lang = ""
        self.title = ""
        self._labels = 0
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        self.references += [attributes[key] for key in ("src", "href") if key in attributes]
        if tag == "html":
            self.lang = attributes.get("lang", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "label":
            self._labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "textarea", "select"):
            self.fields.append((tag, attributes, self._labels > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels -= 1
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def unlabelled(self) -> List[str]:
        """Form fields with no <label for>, no wrapping <label> and no aria-label(ledby)."""
        return [
            f"<{tag} id={attributes.get('id')!r}>"
            for tag, attributes, wrapped in self.fields
            if attributes.get("type") not in ("hidden", "submit", "button")
            and not wrapped
            and attributes.get("id") not in self.label_for
            and not (attributes.get("aria-label") or attributes.get("aria-labelledby"))
        ]


class TestShipped:
    @pytest.mark.parametrize("name", FILES)
    def test_file_exists(self, name: str) -> None:
        """Every page, script and stylesheet is in the package and not empty."""
        assert read(name).strip(), name

    @pytest.mark.parametrize("name", FILES)
    def test_file_is_package_data(self, name: str) -> None:
        """setup.cfg's package_data puts the file into the wheel."""
        config = configparser.ConfigParser()
        config.read(REPO / "setup.cfg")
        patterns = [p.strip() for p in config["options.package_data"]["rasa_ethics"].split(",")]
        relative = f"channels/static/{name}"
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), patterns


class TestNothingExternal:
    @pytest.mark.parametrize("name", FILES)
    def test_no_absolute_urls(self, name: str) -> None:
        """No http(s) or protocol-relative URL outside comments: nothing loads from elsewhere."""
        code = without_comments(name)
        assert not re.search(r"https?:|[\"'(]//", code, flags=re.I), name

    @pytest.mark.parametrize("name", ("chat.css", "console.css"))
    def test_stylesheets_import_nothing(self, name: str) -> None:
        """No @import, url() or web font in the stylesheets."""
        assert not re.search(r"@import|url\(|@font-face", without_comments(name)), name

    @pytest.mark.parametrize("name", PAGES)
    def test_page_assets_are_served_static_files(self, name: str) -> None:
        """Each src/href is relative and, resolved against the page's route, names a file here."""
        page_url, static_url = ROUTES[name]
        references = Page(read(name)).references
        assert references
        for reference in references:
            assert not re.match(r"[a-z]+:|/", reference, flags=re.I), reference
            resolved = urljoin(page_url, reference)
            assert resolved.startswith(static_url), (reference, resolved)
            assert (STATIC / resolved[len(static_url) :]).is_file(), resolved


class TestScripts:
    @pytest.mark.parametrize("name", SCRIPTS)
    def test_no_html_sinks(self, name: str) -> None:
        """Server texts go in with textContent: no innerHTML, document.write or eval."""
        code = read(name)
        assert [sink for sink in HTML_SINKS if sink in code] == [], name

    def test_handoff_payload(self) -> None:
        """The "Talk to a human" button sends the handoff intent as a payload."""
        assert f'"/{HANDOFF_INTENT}"' in read("chat.js")

    @pytest.mark.parametrize("name", SCRIPTS)
    def test_strict_and_readable(self, name: str) -> None:
        """Each script runs in strict mode and stays small enough to read."""
        code = read(name)
        assert '"use strict";' in code
        assert len(code.splitlines()) < 380, name


class TestPages:
    @pytest.mark.parametrize("name", PAGES)
    def test_every_field_is_labelled(self, name: str) -> None:
        """Every <input>, <textarea> and <select> has a label."""
        page = Page(read(name))
        assert page.fields
        assert page.unlabelled() == []

    @pytest.mark.parametrize("name", PAGES)
    def test_language_and_title(self, name: str) -> None:
        """The page says its language and has a title."""
        page = Page(read(name))
        assert page.lang == "en" and page.title.strip()

    @pytest.mark.parametrize("name", PAGES)
    def test_no_inline_script_or_style(self, name: str) -> None:
        """No inline <script>, style attribute or event handler: a strict CSP can serve the page."""
        text = without_comments(name)
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", text), name

    def test_chat_regions(self) -> None:
        """The conversation is a polite log and the status a polite live region."""
        text = read("chat.html")
        assert re.search(r'id="log"[^>]*role="log"[^>]*aria-live="polite"', text)
        assert re.search(r'id="status"[^>]*role="status"', text)
