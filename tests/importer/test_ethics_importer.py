"""EthicsImporter merges the ethics data into host bots without duplicating their intents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rasa.cli
from rasa.shared.importers.importer import TrainingDataImporter

from rasa_ethics import constants as c
from rasa_ethics.adoption import adopt

REPO = Path(__file__).resolve().parents[2]
RASA_INIT_PROJECT = Path(rasa.cli.__file__).parent / "initial_project"


def combined_importer(bot: Path) -> TrainingDataImporter:
    """The importer Rasa itself builds for `rasa train` in that folder."""
    return TrainingDataImporter.load_from_config(
        str(bot / "config.yml"), str(bot / "domain.yml"), [str(bot / "data")]
    )


@pytest.fixture
def rasa_init_bot(tmp_path: Path, monkeypatch) -> Path:
    """The project `rasa init --no-prompt` creates, with rasa-ethics switched on."""
    bot = tmp_path / "bot"
    shutil.copytree(RASA_INIT_PROJECT, bot, ignore=shutil.ignore_patterns("__pycache__"))
    adopt(bot)
    monkeypatch.chdir(bot)
    return bot


class TestRasaInitBot:
    def test_domain_gains_the_ethics_intents_and_responses(self, rasa_init_bot: Path) -> None:
        """The merged domain has the host's intents plus the ethics ones and their responses."""
        domain = combined_importer(rasa_init_bot).get_domain()
        assert {"greet", "bot_challenge", "mood_great"} <= set(domain.intents)
        assert {c.HANDOFF_INTENT, c.BOT_CHALLENGE_INTENT, c.COMPLAINT_INTENT} <= set(domain.intents)
        for name in (c.RESPONSE_DISCLOSURE, c.RESPONSE_HANDOFF, c.RESPONSE_HANDOFF_UNAVAILABLE):
            assert domain.responses[name][0]["text"]
        for name in (c.RESPONSE_CONFIRM, c.RESPONSE_OUTAGE, c.RESPONSE_COMPLAINT_FILED):
            titles = [b["title"] for b in domain.responses[name][0]["buttons"]]
            assert titles == ["Yes, connect me", "No, carry on"]
        assert "{reference}" in domain.responses[c.RESPONSE_REQUEST_STATUS][0]["text"]
        assert domain.responses["utter_iamabot"]  # the host's own responses survive

    def test_nlu_gains_the_handoff_examples(self, rasa_init_bot: Path) -> None:
        """At least 60 handoff phrasings are merged next to the host's examples."""
        nlu = combined_importer(rasa_init_bot).get_nlu_data()
        counts = nlu.number_of_examples_per_intent
        assert counts[c.HANDOFF_INTENT] >= 60
        assert counts["greet"] >= 5

    def test_no_rules_are_added(self, rasa_init_bot: Path) -> None:
        """No rule answers an ethics intent (EthicsPolicy alone decides); the host's are kept."""
        stories = combined_importer(rasa_init_bot).get_stories()
        names = {step.block_name for step in stories.story_steps}
        assert not [name for name in names if name.startswith("rasa-ethics")]
        assert "Say 'I am a bot' anytime the user challenges" in names

    def test_host_intent_listed_in_policy_is_reused(self, rasa_init_bot: Path) -> None:
        """The host's own bot_challenge intent replaces ethics_bot_challenge."""
        policy = rasa_init_bot / "ethics_policy.yml"
        policy.write_text(
            policy.read_text().replace(
                "bot_challenge_intents: [ethics_bot_challenge]",
                "bot_challenge_intents: [bot_challenge, ethics_bot_challenge]",
            )
        )
        importer = combined_importer(rasa_init_bot)
        domain, nlu = importer.get_domain(), importer.get_nlu_data()
        assert c.BOT_CHALLENGE_INTENT not in domain.intents
        assert c.BOT_CHALLENGE_INTENT not in nlu.intents

    def test_response_texts_come_from_the_policy(self, rasa_init_bot: Path) -> None:
        """Editing the policy text changes the imported response."""
        policy = rasa_init_bot / "ethics_policy.yml"
        text = policy.read_text()
        old = text.split("\n  text: ", 1)[1].split("\n", 1)[0]
        policy.write_text(text.replace(old, '"Robot here, hello."', 1))
        domain = combined_importer(rasa_init_bot).get_domain()
        assert domain.responses[c.RESPONSE_DISCLOSURE][0]["text"] == "Robot here, hello."


class TestExampleBot:
    def test_merges_into_the_example_bot(self, monkeypatch) -> None:
        """The example bot's importer chain yields its own intents plus the ethics ones."""
        bot = REPO / "example_bot"
        monkeypatch.chdir(bot)
        importer = combined_importer(bot)
        domain = importer.get_domain()
        assert c.HANDOFF_INTENT in domain.intents
        assert len(set(domain.intents) - {c.HANDOFF_INTENT, c.BOT_CHALLENGE_INTENT}) >= 8
        assert importer.get_nlu_data().number_of_examples_per_intent[c.HANDOFF_INTENT] >= 60
        assert domain.responses[c.RESPONSE_DISCLOSURE][0]["text"].startswith("Hi! I'm Northwind")
