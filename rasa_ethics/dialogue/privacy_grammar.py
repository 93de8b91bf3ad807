"""The grammar of customers' privacy requests (see :mod:`rasa_ethics.dialogue.privacy`): erasure,
export, and what the kinds share; notice and opt-out are in
:mod:`rasa_ethics.dialogue.privacy_keeping`.

Each function judges one clause, a tuple of lower-case words with typos fixed
(:func:`rasa_ethics.dialogue.privacy.clauses`), and returns (kind, evidence) or None.
"""

from __future__ import annotations

import re
from typing import FrozenSet, Optional, Sequence, Tuple

from rasa_ethics import constants as c
from rasa_ethics.dialogue.lexicon import words

__all__ = [
    "ABOUT_ME",
    "BUSINESS",
    "ERASE_VERBS",
    "ERASE",
    "EXPORT",
    "NEGATIONS",
    "NOTICE",
    "OPT_OUT",
    "TYPOS",
    "about_my_data",
    "erase",
    "export",
    "kept_on_me",
    "negated",
    "owned",
    "what_i_say",
]

ERASE, NOTICE, EXPORT, OPT_OUT = "erase", "notice", "export", "opt_out"

ERASE_VERBS = words(
    "delete deletes deleted deleting deletion erase erases erased erasing erasure wipe wipes "
    "wiped wiping remove removes removed removing removal purge purged clear cleared scrub "
    "scrubbed destroy destroyed forget forgotten forgetting"
)
TYPOS = {
    **dict.fromkeys(("delet", "delte", "deleet", "dlete", "delite"), "delete"),
    **dict.fromkeys(("erse", "earse", "errase"), "erase"),
    "forgt": "forget",
    "dat": "data",
    "infos": "info",
    "infomation": "information",
    "al": "all",
    **dict.fromkeys(("dta", "daat"), "data"),
    **dict.fromkeys(("detials", "deatils", "detail"), "details"),
    **dict.fromkeys(("informaton", "infromation", "informations"), "information"),
    "messeges": "messages",
    **dict.fromkeys(("reviewd", "reveiwed", "reviwed", "rewiewed"), "reviewed"),
    **dict.fromkeys(("acess", "acces", "accesss", "axcess"), "access"),
    **dict.fromkeys(("convos", "convs"), "conversations"),
    # chat shorthand: "r u recording this", "wat do u keep", "ur privacy policy"
    "r": "are",
    "u": "you",
    "ur": "your",
}
_DATA = words(
    "data info information details personal records record history conversation conversations "
    "convo chat chats messages message transcript transcripts everything anything email number "
    "stuff trace traces footprint"
)
_ALL = words("everything anything all")
#: The shop's records: about these a request is the host's, never the chat's data.
BUSINESS = words(
    "order orders ordered purchase purchases item items basket cart trolley account accounts "
    "profile subscription subscriptions card cards wishlist newsletter newsletters mailing "
    "emails login password payment payments invoice invoices receipt receipts refund "
    "booking bookings reservation return returns parcel delivery deliveries marketing "
    "promotions promotional offers notifications sms"
)
NEGATIONS = words("dont not never no")
_KEEPING = words(
    "have has got hold keep kept store stored save saved collect collected know record "
    "recorded gathered"
)
_NAMED_ERASURE = re.compile(
    r"\bright to (be forgotten|erasure|deletion|delete)\b|\barticle 17\b|"
    r"\b(want|like|wish) to be forgotten\b|"
    r"\b(deletion|erasure) request\b|\brequest (for )?(deletion|erasure)\b"
)
#: Erasing without a verb of erasing: "I want my info gone", "take my details off your records".
_GONE = re.compile(
    r"\b(want|like|need)\b.* (gone|wiped out)\b|\b(take|taken|get|got)\b.* off (your|the) "
    r"(records|record|system|systems|servers|server|database|databases|files|books)\b"
)
ABOUT_ME = (("about", "me"), ("on", "me"), ("of", "me"), ("about", "myself"))


def erase(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    """An erasure request: a verb of erasing with the customer's data, or a named right."""
    joined = " ".join(clause)
    if _NAMED_ERASURE.search(joined):
        return ERASE, "grammar:named_right"
    if clause[:2] == ("how", "long") or clause[0] == "when":
        return None  # "how long until my data is deleted": a question about keeping
    verbs = [i for i, w in enumerate(clause) if w in ERASE_VERBS or _get_rid(clause, i)]
    verbs = [i for i in verbs if not negated(clause, i) and not _unsubscribes(clause, i)]
    if _GONE.search(joined) and about_my_data(clause) and not NEGATIONS.intersection(clause):
        return ERASE, "grammar:erase_my_data"
    if not verbs:
        return None
    if any(_data_object(clause, i) for i in verbs):
        return ERASE, "grammar:erase_my_data"
    if intent == c.PRIVACY_ERASE_INTENT:
        return ERASE, f"intent:{intent}"
    return None


def _unsubscribes(clause: Sequence[str], i: int) -> bool:
    """ "remove me from your system", "clear me off the list": taking the customer off a list,
    which the host answers, whatever the classifier's intent (served, DIET gave it erasure)."""
    return clause[i].startswith(("remov", "clear")) and clause[i + 1 : i + 2] == ("me",)


def _get_rid(clause: Sequence[str], i: int) -> bool:
    return clause[i] == "get" and tuple(clause[i + 1 : i + 3]) == ("rid", "of")


def negated(clause: Sequence[str], i: int) -> bool:
    before = clause[max(0, i - 2) : i]
    return bool(NEGATIONS.intersection(before)) and "want" not in before


def _data_object(clause: Sequence[str], verb: int) -> bool:
    """The customer's data is what is to be erased (anywhere in the clause but "forget"), or
    the customer ("delete me"), what they said ("what I wrote"), what is kept on them."""
    if _DATA.intersection(clause) or what_i_say(clause) or kept_on_me(clause):
        return True
    rest = clause[verb + 1 :]
    if rest[:2] in (("about", "me"), ("about", "myself")):
        return True
    if rest[:1] == ("me",):  # "delete me", "erase me" ("remove me from ..." is no verb here)
        return True
    if clause[verb].startswith("forget") and rest[:1] in (("about",), ("what",)):
        return rest[1:2] in (("what",), ("everything",), ("all",), ("my",), ("i",), ("you",))
    if _ALL.intersection(clause) and _mine(clause):
        return True
    return False


def about_my_data(clause: Sequence[str]) -> bool:
    """The clause names the customer's data, this chat, what they said, or "about me"."""
    pairs = set(zip(clause, clause[1:], strict=False))
    return bool(_DATA.intersection(clause) or pairs.intersection(ABOUT_ME) or what_i_say(clause))


def kept_on_me(clause: Sequence[str]) -> bool:
    """ "what you keep about me", "the data you hold on me": what is kept on the customer."""
    pairs = set(zip(clause, clause[1:], strict=False))
    return bool(pairs.intersection(ABOUT_ME)) and any(
        (a == "you" or a == "youve") and b in _KEEPING for a, b in pairs
    )


def owned(clause: Sequence[str]) -> bool:
    """The data is the customer's or this chat's: "my", "I", "about me", "this conversation";
    not "me" alone ("email me the details of the product" asks about a product)."""
    pairs = set(zip(clause, clause[1:], strict=False))
    if pairs.intersection(ABOUT_ME) or words("i my myself id ive im ill").intersection(clause):
        return True
    return any(a in ("this", "our", "these") and b in _DATA for a, b in pairs)


def _mine(clause: Sequence[str]) -> bool:
    """The clause is about what the customer gave or what is kept on them."""
    pairs = set(zip(clause, clause[1:], strict=False))
    return bool(pairs.intersection(ABOUT_ME)) or bool(words("i me my myself").intersection(clause))


#: A copy, or the data in a form to take away: "my data in a file", "as a spreadsheet".
_COPY_WORDS = words(
    "copy copies cpy export exported download downloaded file csv pdf spreadsheet printout "
    "portable portability"
)
_SEND_VERBS = words(
    "send sned sent email emailed mail mailed give provide forward forwarded grant show"
)
#: What may stand before an imperative: "please provide the data you hold about me".
_POLITE = words("please pls plz kindly can could would will you u just")
#: Asking to have it, with the customer as the one who gets it: "may I see the data you have on
#: me", "could I receive ...", "I'd like to request my data", "I wish to access my information".
_HAVE_IT_VERBS = words("see view receive get access request obtain have")
_CHANGE = words(
    "update updated updating change changed changing correct corrected fix fixed edit edited "
    "amend amended"
)
_YES_NO = words("are do does is did have has")
_INBOX = (("email",), ("inbox",), ("address",), ("phone",))
_MAY_I = (("can", "i"), ("could", "i"), ("may", "i"), ("might", "i"))
_I = words("i id im ive ill")  # "I'd like to", "I'm asking to" without their apostrophes
_NAMED_ACCESS = re.compile(
    r"\b(subject )?access request\b|\brequesting access to my\b|\bright (of|to) access\b|"
    r"\bdata portability\b|\bdsars?\b|\bsars?\b|\barticle 15\b"
)
_EXPORT_DATA = words(
    "data info information details personal records history messages transcripts conversation "
    "conversations chat chats convos transcript logs everything anything all"
)
#: What the customer said here, kept as records: "my chat history", "the conversations I've had".
_CHAT_RECORDS = words(
    "history transcript transcripts conversations chats convos messages logs records copy"
)
#: May stand between a wanting verb and the records: "all the messages", "our past chats".
_RECORD_MODIFIERS = words("my our the a all full whole complete past previous old earlier of")


def export(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    """An export request: a copy, or sending, of the customer's data to them; a named right."""
    joined = " ".join(clause)
    if _NAMED_ACCESS.search(joined):
        return EXPORT, "grammar:access_request"
    data = bool(_EXPORT_DATA.intersection(clause)) or kept_on_me(clause)
    if not (data and owned(clause)):
        return None
    asks_if_kept = clause[0] in _YES_NO and not _SEND_VERBS.intersection(clause)
    if _COPY_WORDS.intersection(clause) and not asks_if_kept:  # "are you keeping a copy": notice
        return EXPORT, "grammar:copy_of_my_data"
    if any(_sent_to_me(clause, i) for i, w in enumerate(clause) if w in _SEND_VERBS):
        return EXPORT, "grammar:send_me_my_data"
    if "hand over" in joined or "get hold of" in joined or _i_have_it(clause) or _wants(clause):
        return EXPORT, "grammar:let_me_have_my_data"
    if intent == c.PRIVACY_EXPORT_INTENT:
        return EXPORT, f"intent:{intent}"
    return None


def _wants(clause: Sequence[str]) -> bool:
    """A wanting verb whose object is the customer's chat records: "I'd like my chat history",
    "i want the transcripts of my chats" (not "I want the chat to stop": records only)."""
    for i, word in enumerate(clause):
        if word not in ("want", "wanna", "like", "need") or negated(clause, i):
            continue
        rest = list(clause[i + 1 : i + 6])
        while rest and rest[0] in _RECORD_MODIFIERS | {"chat"}:
            rest.pop(0)
        if rest and rest[0] in _CHAT_RECORDS and rest[0] != "copy":
            return True
    return False


def _sent_to_me(clause: Sequence[str], i: int) -> bool:
    """The sending verb ``i`` sends to the customer: "send me", "sent to me", "sent over", or
    an imperative ("please provide the data you hold about me"); not a report ("you sent me the
    wrong size")."""
    if clause[i] in ("sent", "emailed", "mailed") and clause[i - 1 : i] in (("you",), ("u",)):
        return False
    if clause[i + 1 : i + 2] in (("me",), ("it",), ("over",)) or clause[-2:] == ("to", "me"):
        return True
    if clause[i + 1 : i + 3] == ("to", "my") and clause[i + 3 : i + 4] in _INBOX:
        return True  # "sent to my email"
    to_others = any(w == "to" and clause[j + 1 : j + 2] != ("me",) for j, w in enumerate(clause))
    if to_others or NEGATIONS.intersection(clause):  # "send my details to the courier"
        return False
    return all(w in _POLITE for w in clause[:i])


def _i_have_it(clause: Sequence[str]) -> bool:
    """A verb of having it with "I" just before it ("may I see", "I'd like to request", "I wish
    to access"), of the customer's own data ("my", "on me", what "you have"): the customer is
    to get the data, not asking who sees it ("can I see the details of the jacket" is not)."""
    pairs = set(zip(clause, clause[1:], strict=False))
    kept = bool(pairs & {("you", "have"), ("you", "hold"), ("you", "keep"), ("you", "store")})
    if not ("my" in clause or pairs.intersection(ABOUT_ME) or kept or what_i_say(clause)):
        return False
    if _CHANGE.intersection(clause):  # "can I get my details changed": the host's business
        return False
    for i, word in enumerate(clause):
        if word in _HAVE_IT_VERBS and not negated(clause, i) and _I.intersection(clause[:i][-4:]):
            if word == "have":  # "can I have my data", not "what rights do I have"
                return clause[i - 2 : i] in _MAY_I or clause[i - 1 : i] == ("to",)
            return word != "get" or "copy" in clause or clause[i + 1 : i + 2] == ("my",)
    return False


_SAY_VERBS: FrozenSet[str] = words("write type say tell told typed wrote said give gave")


def what_i_say(clause: Sequence[str]) -> bool:
    """ "what I write here", "the details I give you", "the messages I've sent": the customer's
    own messages ("you sent me the wrong size" is not)."""
    return any(
        clause[i] in ("i", "u", "you")
        and clause[i + 1] in _SAY_VERBS
        or clause[i] in ("i", "ive")
        and clause[i + 1] in ("sent", "typed", "written", "said")
        for i in range(len(clause) - 1)
    )
