"""Customers' own privacy requests in the chat: "delete my data", "what do you keep about me?".

What the message says decides, as in :mod:`rasa_ethics.dialogue.grammar`, not the intent alone:

* an **erasure** request is a verb of erasing ("delete", "erase", "wipe", "forget", "get rid
  of", their typos and forms) with the customer's data as its object ("my data", "my details",
  "this chat", "everything you have on me", "forget **me**"), or a named right ("right to be
  forgotten", "right to erasure");
* a **notice** request asks what is kept or how it is used: a verb of keeping or using ("keep",
  "store", "save", "use", "share", "see"), of looking after ("handle", "protect", "pass on",
  "how safe"), of holding with "my" or "about me" ("what have you got about me"), or of reading
  with a reader ("who reads this chat"), with the customer's data or "about me"; or the words
  "privacy policy" / "privacy notice" / "data policy";
* an **export** request asks for a copy of the customer's data: "copy", "export", "download"
  or "send me" with the customer's data ("send me a copy of my data", "export my data",
  "email me everything you have on me"), or a named request ("subject access request");
* an **opt-out** asks that this conversation no longer be stored, or the customer's data no
  longer be used: a negated verb of keeping ("don't store", "do not save", "I don't want ...
  recorded") or "stop" with one ("stop using", "stop storing"), with the customer's data or this
  chat as its object ("this conversation", "my data", "what I say", "this"), or a named right
  ("opt out", "withdraw my consent", "I object to the processing", "off the record");
* a message about the shop's records (orders, the basket, the account, a saved card, the
  mailing list) is never a request about the chat's data: "delete my order", "cancel my
  account", "remove the item from my basket", "I want to remove my account and all my data" are
  the host bot's, which knows how to close accounts.  The erasure itself only ever follows a
  "yes" to its question, so a request the grammar mistakes costs a question, never data;
* a negated verb ("don't delete my data") asks for nothing.

The classifier's ``ethics_privacy_*`` intent counts only together with the verb of its kind (an
erasure intent with "delete", a notice intent with "keep" or "use", an opt-out intent with a
negated or stopped verb of keeping), never alone.
"""

from __future__ import annotations

import re
from typing import FrozenSet, List, Optional, Sequence, Tuple

from rasa_ethics import constants as c
from rasa_ethics.dialogue.lexicon import words

__all__ = ["ERASE", "EXPORT", "NOTICE", "OPT_OUT", "privacy_request"]

ERASE, NOTICE, EXPORT, OPT_OUT = "erase", "notice", "export", "opt_out"

_ERASE_VERBS = words(
    "delete deletes deleted deleting deletion erase erases erased erasing erasure wipe wipes "
    "wiped wiping remove removes removed removing removal purge purged clear cleared scrub "
    "scrubbed destroy destroyed forget forgotten forgetting"
)
_TYPOS = {
    **dict.fromkeys(("delet", "delte", "deleet", "dlete", "delite"), "delete"),
    **dict.fromkeys(("erse", "earse", "errase"), "erase"),
    "forgt": "forget",
    "dat": "data",
    "infos": "info",
    "infomation": "information",
    "al": "all",
}
_DATA = words(
    "data info information details personal records record history conversation conversations "
    "convo chat chats messages message transcript transcripts everything anything email number"
)
_ALL = words("everything anything all")
_KEEP_VERBS = words(
    "keep kept keeping store stored storing save saved saving record recorded recording log "
    "logged collect collecting collected use used using share shared sharing sell selling see "
    "sees access process processed processing hold retain happens happen go goes"
)
_NOTICE_DATA = words(
    "data info information messages message chat chats conversation conversations transcript "
    "personal"
)
#: How the data is looked after: "how do you handle my data", "how safe is my data with you".
_CARE_WORDS = words(
    "handle handled handling treat treated protect protected protecting secure secured safe "
    "safeguard safeguarded train trained training seen view viewed"
)
#: Passing on, which asks about third parties only ("do you pass my details to anyone else"):
#: "can you pass this chat to a person?" asks for a handoff.
_PASS_VERBS = words("pass passed passing forward forwarded transfer transferred disclose disclosed")
_THIRD_PARTIES = words("else third parties others companies partners advertisers")
#: Holding, which asks about the customer's own data only: "which of my details do you hold".
_HOLD_VERBS = words("have has got hold holds held")
#: Reading, which asks about people only: "who reads this chat", "does a human read it".
_READ_VERBS = words("read reads reading")
_READERS = words("who whom human humans anyone anybody someone somebody person people staff")
#: The shop's records: about these a request is the host's, never the chat's data.
_BUSINESS = words(
    "order orders ordered purchase purchases item items basket cart trolley account accounts "
    "profile subscription subscriptions card cards wishlist newsletter newsletters mailing "
    "emails login password system payment payments invoice invoices receipt receipts refund "
    "booking bookings reservation return returns parcel delivery deliveries marketing "
    "promotions promotional offers notifications sms"
)
_NEGATIONS = words("dont not never no")
_ABOUT_ME = (("about", "me"), ("on", "me"), ("of", "me"), ("about", "myself"))
_SPLIT = re.compile(r"[.!?;]+")
_WORD = re.compile(r"[a-z0-9]+")


def privacy_request(text: str, intent: Optional[str] = None) -> Optional[Tuple[str, str]]:
    """(kind, evidence) of a privacy request in ``text``, or None.

    ``intent`` is the classifier's confident intent; the evidence never contains user text.
    """
    found: List[Tuple[str, str]] = []
    for clause in _clauses(text):
        if _BUSINESS.intersection(clause):
            continue
        kind = (
            _erase(clause, intent)
            or _export(clause, intent)
            or _opt_out(clause, intent)
            or _notice(clause, intent)
        )
        if kind is not None:
            found.append(kind)
    erase = [f for f in found if f[0] == ERASE]
    return (erase or found)[0] if found else None


def _clauses(text: str) -> List[Tuple[str, ...]]:
    text = text.casefold().replace("\u2019", "'").replace("'", "")
    parts = []
    for part in _SPLIT.split(text):
        tokens = tuple(_TYPOS.get(w, w) for w in _WORD.findall(part))
        if tokens:
            parts.append(tokens)
    return parts


def _erase(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    joined = " ".join(clause)
    if "right to be forgotten" in joined or "right to erasure" in joined:
        return ERASE, "grammar:named_right"
    if re.search(r"\b(want|like|wish) to be forgotten\b", joined):
        return ERASE, "grammar:named_right"
    verbs = [i for i, w in enumerate(clause) if w in _ERASE_VERBS or _get_rid(clause, i)]
    verbs = [i for i in verbs if not _negated(clause, i)]
    if not verbs:
        return None
    if any(_data_object(clause, i) for i in verbs):
        return ERASE, "grammar:erase_my_data"
    if intent == c.PRIVACY_ERASE_INTENT:
        return ERASE, f"intent:{intent}"
    return None


def _get_rid(clause: Sequence[str], i: int) -> bool:
    return clause[i] == "get" and tuple(clause[i + 1 : i + 3]) == ("rid", "of")


def _negated(clause: Sequence[str], i: int) -> bool:
    before = clause[max(0, i - 2) : i]
    return bool(_NEGATIONS.intersection(before)) and "want" not in before


def _data_object(clause: Sequence[str], verb: int) -> bool:
    """The customer's data is what is to be erased (anywhere in the clause but "forget")."""
    if _DATA.intersection(clause):
        return True
    rest = clause[verb + 1 :]
    if clause[verb].startswith("forget") and rest[:1] in (("me",), ("about",), ("what",)):
        return not rest[:2] == ("about", "it")
    if _ALL.intersection(clause) and _mine(clause):
        return True
    return False


def _mine(clause: Sequence[str]) -> bool:
    """The clause is about what the customer gave or what is kept on them."""
    pairs = set(zip(clause, clause[1:], strict=False))
    return bool(pairs.intersection(_ABOUT_ME)) or bool(words("i me my myself").intersection(clause))


_COPY_WORDS = words("copy copies cpy export exported download downloaded")
_SEND_VERBS = words("send sned email mail give provide forward grant show")
#: Asking to have it, with the customer as the one who gets it: "may I see the data you have on
#: me", "could I receive ...", "I'd like to request my data", "I wish to access my information".
_HAVE_IT_VERBS = words("see view receive get access request obtain")
_CHANGE = words(
    "update updated updating change changed changing correct corrected fix fixed edit edited "
    "amend amended"
)
_I = words("i id im ive ill")  # "I'd like to", "I'm asking to" without their apostrophes
_EXPORT_DATA = words(
    "data info information details personal records conversation chat transcript everything "
    "anything all"
)


def _export(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    joined = " ".join(clause)
    if re.search(r"\b(subject )?access request\b|\brequesting access to my\b", joined):
        return EXPORT, "grammar:access_request"
    data = bool(_EXPORT_DATA.intersection(clause)) and _mine(clause)
    if not data:
        return None
    if _COPY_WORDS.intersection(clause):
        return EXPORT, "grammar:copy_of_my_data"
    sending = [i for i, w in enumerate(clause) if w in _SEND_VERBS]
    if any(clause[i + 1 : i + 2] in (("me",), ("it",)) for i in sending) or (
        sending and clause[-2:] == ("to", "me")
    ):
        return EXPORT, "grammar:send_me_my_data"
    if "hand over" in joined or "get hold of" in joined or _i_have_it(clause):
        return EXPORT, "grammar:let_me_have_my_data"
    if intent == c.PRIVACY_EXPORT_INTENT:
        return EXPORT, f"intent:{intent}"
    return None


def _i_have_it(clause: Sequence[str]) -> bool:
    """A verb of having it with "I" just before it ("may I see", "I'd like to request", "I wish
    to access"), of the customer's own data ("my", "on me", what "you have"): the customer is
    to get the data, not asking who sees it ("can I see the details of the jacket" is not)."""
    pairs = set(zip(clause, clause[1:], strict=False))
    kept = bool(pairs & {("you", "have"), ("you", "hold"), ("you", "keep"), ("you", "store")})
    if not ("my" in clause or pairs.intersection(_ABOUT_ME) or kept):
        return False
    if _CHANGE.intersection(clause):  # "can I get my details changed": the host's business
        return False
    for i, word in enumerate(clause):
        if word in _HAVE_IT_VERBS and not _negated(clause, i) and _I.intersection(clause[:i][-4:]):
            return word != "get" or "copy" in clause
    return False


_POLICY = re.compile(
    r"\b(privacy|data|data protection) (policy|policies|notice|statement|info|information)\b"
)


def _notice(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    joined = " ".join(clause)
    if _POLICY.search(joined) and not re.search(r"\bdata (info|information)\b", joined):
        return NOTICE, "grammar:privacy_notice"
    if joined in ("privacy", "gdpr", "data protection"):
        return NOTICE, "grammar:privacy_notice"
    if not any(_notice_verb(clause, i) for i in range(len(clause))):
        return None
    pairs = set(zip(clause, clause[1:], strict=False))
    about_me = bool(pairs.intersection(_ABOUT_ME))
    mine = ("my", "details") in pairs or ("your", "details") in pairs
    data = bool(_NOTICE_DATA.intersection(clause)) or mine or _what_i_say(clause)
    question = _is_question(clause)
    if (data or about_me) and question:
        return NOTICE, "grammar:what_is_kept"
    if intent == c.PRIVACY_NOTICE_INTENT and (data or about_me):
        return NOTICE, f"intent:{intent}"
    return None


_SAY_VERBS: FrozenSet[str] = words("write type say tell told typed wrote said give gave")
_QUESTION_OPENERS: FrozenSet[str] = words(
    "what how who where whom do does did is are am can could will would tell when which"
)


def _notice_verb(clause: Sequence[str], i: int) -> bool:
    """Clause word ``i`` asks what is done with data: keeping, using, looking after; holding
    only with "my" or "about me", reading only with a reader ("who", "a human")."""
    word = clause[i]
    if _negated(clause, i):
        return False
    if word in _KEEP_VERBS or word in _CARE_WORDS:
        return True
    if word in ("do", "does", "doing", "done", "did") and "with" in clause[i + 1 :]:
        return True  # "what do you do with my data", "what is done with my details"
    if word in _PASS_VERBS:
        return bool(_THIRD_PARTIES.intersection(clause))
    if word in _HOLD_VERBS:
        return "my" in clause or bool(set(zip(clause, clause[1:], strict=False)) & set(_ABOUT_ME))
    return word in _READ_VERBS and bool(_READERS.intersection(clause))


def _what_i_say(clause: Sequence[str]) -> bool:
    """ "what I write here", "the details I give you": the customer's own messages."""
    return any(
        clause[i] in ("i", "u", "you") and clause[i + 1] in _SAY_VERBS
        for i in range(len(clause) - 1)
    )


def _is_question(clause: Sequence[str]) -> bool:
    return clause[0] in _QUESTION_OPENERS or (len(clause) > 1 and clause[1] in _QUESTION_OPENERS)


_STORE_VERBS = words(
    "store stored storing save saved saving keep kept keeping record recorded recording log "
    "logged logging collect collected collecting use used using process processed processing "
    "retain retained retaining track tracked tracking"
)
_STOP_VERBS = words("stop stopped quit cease no")
_OPT_OUT_NEGATIONS = words("dont not never cant")
#: Words that may stand between a negation and its verb: "I don't want this chat recorded".
_BETWEEN = words(
    "want wanna you u to please pls this that my our the any conversation chat data info "
    "information messages details personal need like anymore ever be being get"
)
_OPT_OUT_DATA = words(
    "data info information details personal records record history conversation conversations "
    "convo chat chats messages message transcript transcripts this me"
)


def _opt_out(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    joined = " ".join(clause)
    if re.search(
        r"\bopt (me )?out\b|\boptout\b|\b(withdraw|revoke)\w* (my )?consent\b|"
        r"\bi object to\b|\boff the record\b",
        joined,
    ):
        return OPT_OUT, "grammar:named_right"
    verbs = [i for i, w in enumerate(clause) if w in _STORE_VERBS]
    refused = [i for i in verbs if _refused(clause, i)]
    if not refused:
        return None
    if _OPT_OUT_DATA.intersection(clause) or _what_i_say(clause):
        return OPT_OUT, "grammar:dont_store"
    if intent == c.PRIVACY_OPT_OUT_INTENT:
        return OPT_OUT, f"intent:{intent}"
    return None


def _refused(clause: Sequence[str], verb: int) -> bool:
    """ "don't store", "can you not save", "I don't want it recorded", "stop using", "no saving"."""
    if verb > 0 and clause[verb - 1] in _STOP_VERBS:
        return clause[verb - 1] != "no" or clause[verb].endswith("ing")
    for i in range(verb - 1, max(-1, verb - 6), -1):
        if clause[i] in _OPT_OUT_NEGATIONS:
            return True
        if clause[i] not in _BETWEEN:
            return False
    return False
