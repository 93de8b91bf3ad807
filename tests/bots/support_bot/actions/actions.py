"""Sparrow Broadband's custom actions."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionTransferToAgent(Action):
    """Hand the conversation to the support team (here: tell the customer it is on its way)."""

    def name(self) -> Text:
        return "action_transfer_to_agent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text="A member of our support team will reply here shortly.")
        return []
