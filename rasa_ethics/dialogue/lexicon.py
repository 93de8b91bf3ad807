"""The word lists of the handoff grammar (:mod:`rasa_ethics.dialogue.grammar`).

Canonical tokens (see :mod:`rasa_ethics.dialogue.tokens`) are lower-case words with typos fixed,
inflections of the contact verbs reduced ("talking" -> "talk"), multi-word roles joined
("customer service" -> ``customer_service``), and two markers: ``NAMED`` for a person's name and
``MAYBE_BOT`` for an "assistant" who may be the bot itself.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Tuple

__all__ = [
    "BARE",
    "BOT_NOUNS",
    "CALL_VERBS",
    "COMPLAINT_CUES",
    "CONTACT_VERBS",
    "FILLERS",
    "FUZZY_TARGETS",
    "HANDOVER_VERBS",
    "HUMANS",
    "IDENTITY_NOUNS",
    "IDENTITY_OPENERS",
    "INFLECTIONS",
    "INTERJECTIONS",
    "MAYBE_BOT",
    "MULTIWORD",
    "NAMED",
    "NEGATIONS",
    "NOT_PEOPLE",
    "NOT_TO_VERBS",
    "PROFANITY",
    "RELATIVE",
    "REQUEST_VERBS",
    "STAFF_WORDS",
    "THIRD_PARTY",
    "TITLES",
    "TO_VERBS",
    "words",
]


def words(text: str) -> FrozenSet[str]:
    """A frozen set of the whitespace-separated words of ``text``."""
    return frozenset(text.split())


NAMED = "named_person"  # "Maria Lopez", "Mrs Thompson": a person, only as the object of a contact
MAYBE_BOT = "assistant_maybe_bot"  # "the assistant": may be the bot the customer is talking to

HUMANS = words(
    "human humans person persons people agent agents operator operators representative "
    "representatives rep reps someone somebody anyone anybody staff advisor adviser advisors "
    "advisers colleague colleagues manager managers supervisor supervisors employee employees "
    "team customer_service customer_support customer_care live_chat live_support support_team "
    "helpdesk member_of_staff assistant assistants ceo director directors boss owner "
    "technician technicians specialist specialists expert experts consultant consultants clerk "
    "salesperson associate associates department dept desk head_of"
)
# Request verbs: the verb's object decides ("talk to a person" yes, "talk about my order" no).
REQUEST_VERBS = words(
    "talk speak chat connect transfer put reach contact escalate hand pass route forward switch "
    "word want need get give gimme prefer bring deal"
)
# Verbs after which a person's name counts as a person ("speak with Maria"); not "get to Leeds".
CONTACT_VERBS = words(
    "talk speak chat connect transfer put reach contact hand pass route forward word call ring "
    "phone touch deal"
)
CALL_VERBS = words("call ring phone callback")
INFLECTIONS: Dict[str, str] = {
    form: verb
    for verb, forms in {
        # Present forms and "be transferred" only: "I spoke to someone yesterday" reports.
        "talk": "talking",
        "speak": "speaking",
        "chat": "chatting",
        "contact": "contacting",
        "reach": "reaching",
        "connect": "connecting",
        "transfer": "transferring transfered transferred",
        "get": "getting",
        "call": "calling",
        "put": "putting",
        "want": "wanna",
        "let": "lemme",
        # too short for the typo fixer, and at the heart of "are you a bot"
        "you": "yuo yu yoy ypu",
        "else": "elses",  # "someone else's order": someone else's, not a person to talk to
    }.items()
    for form in forms.split()
}
PROFANITY = words(
    "damn damned dammit goddamn goddam god fucking fuckin fking fkn fcking fuckn effing f ing "
    "cking freaking frigging friggin flipping flippin bloody sodding bleeping bleep stupid "
    "bleedin bleeding"
)
# Words that may stand between a request verb and its person ("put me through to a real one").
FILLERS = (
    words(
        "to with me us through over on a an the some any your our one of real actual actually "
        "live human proper another in charge member members please just now right here back "
        "touch from mr mrs ms miss dr"
    )
    | PROFANITY
)
TITLES = words("mr mrs ms miss dr")
# Words a bare call for a person may contain besides the person ("no bot. human now please").
BARE = (
    words(
        "please pls plz now asap thanks thx thank you help support needed required urgently "
        "right away immediately lol ok okay no not stop bot robot machine just enough a an the "
        "real actual live proper i want need escalate"
    )
    | PROFANITY
)
RELATIVE = words("i we can could to who that actually really just")
THIRD_PARTY = words(
    "my your his her their its our the this that these those which whose many few other"
)
# Nouns a role word can qualify without meaning a person ("human rights", "agent code").
NOT_PEOPLE = words(
    "resources resource rights error errors nature race code codes number numbers id fee fees "
    "commission license licence manual mode sized size discount discounts jackets jacket "
    "member_card rate hair body anatomy"
)
# "do you have staff", "are there people working": words that make a presence question about
# the company's people rather than about the bot.
STAFF_WORDS = words(
    "work works working available online free around employ employed answer answering there "
    "here today now team company staff customer_service customer_support department"
)
IDENTITY_NOUNS = words(
    "bot bots robot ai human humans person machine computer program chatbot automated automatic "
    "automation real alive virtual gpt chatgpt algorithm script artificial"
)
IDENTITY_OPENERS = words("am are is r u ur you youre who what was were")
INTERJECTIONS = words("wait so ok okay honestly hey hi hello um tell me be honest seriously")
HANDOVER_VERBS = words("transfer connect escalate")  # "transfer me", "escalate this"
NEGATIONS = words("dont not no stop enough")
BOT_NOUNS = words("bot bots robot chatbot machine ai automated")
COMPLAINT_CUES = words(
    "complain complaint complaints complaining complained dissatisfied unhappy unacceptable "
    "appalling disappointed disappointing disgraceful outrageous ombudsman"
)
MULTIWORD: Dict[Tuple[str, ...], str] = {
    ("customer", "service"): "customer_service",
    ("customer", "services"): "customer_service",
    ("customer", "support"): "customer_support",
    ("customer", "care"): "customer_care",
    ("live", "chat"): "live_chat",
    ("live", "support"): "live_support",
    ("support", "team"): "support_team",
    ("help", "desk"): "helpdesk",
    ("member", "of", "staff"): "member_of_staff",
    ("head", "of"): "head_of",
    ("id", "like"): "want",
    ("would", "like"): "want",
}
# Words of 5+ letters only: short ones have too many real neighbours (stuff/staff, call/all).
FUZZY_TARGETS = words(
    "human humans person people agent operator representative someone somebody anyone anybody "
    "customer service services supervisor connect transfer escalate complaint complain real "
    "please assistant assistants speak"
)
TO_VERBS = ("talk", "speak", "chat")
NOT_TO_VERBS = words("walk take tell back task that what hat")
