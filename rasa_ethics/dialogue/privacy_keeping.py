"""What is kept, and not to keep it: the notice and opt-out grammar of privacy requests.

See :mod:`rasa_ethics.dialogue.privacy` for what each kind covers; a clause is a tuple of
canonical words (:func:`rasa_ethics.dialogue.privacy.clauses`).
"""

from __future__ import annotations

import re
from typing import FrozenSet, Optional, Sequence, Tuple

from rasa_ethics import constants as c
from rasa_ethics.dialogue.lexicon import words
from rasa_ethics.dialogue.privacy_grammar import (
    ABOUT_ME,
    ERASE_VERBS,
    NOTICE,
    OPT_OUT,
    negated,
    what_i_say,
)

__all__ = ["notice", "opt_out", "reads_chats"]

_KEEP_VERBS = words(
    "keep kept keeping store stored storing save saved saving record recorded recording log "
    "logged collect collecting collected use used using share shared sharing sell selling "
    "access process processed processing hold retain happens happen go goes sold sells "
    "retained retaining monitor monitored monitoring track tracked tracking analyse analysed "
    "analyze analyzed retains held"
)
_NOTICE_DATA = words(
    "data info information messages message chat chats conversation conversations transcript "
    "personal cookie cookies history records logs transcripts convo convos"
)
#: Who answers for the data, and the notice's own right: the privacy notice says.
_NAMED_NOTICE = re.compile(
    r"\bdata controller\b|\bdata protection officer\b|\bdpo\b|\bright to know\b|"
    r"\bright to be informed\b"
)
#: How the data is looked after: "how do you handle my data", "how safe is my data with you".
_CARE_WORDS = words(
    "handle handled handling treat treated protect protected protecting secure secured safe "
    "safeguard safeguarded train trained training seen view viewed private privately "
    "confidential confidentially encrypted encryption anonymous anonymised anonymized"
)
#: Passing on, which asks about third parties only ("do you pass my details to anyone else"):
#: "can you pass this chat to a person?" asks for a handoff.
_PASS_VERBS = words("pass passed passing forward forwarded transfer transferred disclose disclosed")
_THIRD_PARTIES = words("else third parties others companies partners advertisers")
#: Holding, which asks about the customer's own data only: "which of my details do you hold".
_HOLD_VERBS = words("have has got hold holds held know knows")
#: Reading, which asks about people only: "who reads this chat", "does a human read it".
_READ_VERBS = words(
    "read reads reading see sees seen saw review reviews reviewed reviewing check checks checked "
    "checking listen listens listened look looks looked looking monitor monitors monitored "
    "moderate moderated screen screened go goes gone"
)
_READERS = words(
    "who whom human humans anyone anybody someone somebody person people staff employee "
    "employees agents agent team moderators moderator reviewers analysts workers parties "
    "colleagues company"
)
#: Colloquial verbs of keeping, with their particle: "hang on to", "sit on", "keep hold of".
_PHRASAL_KEEPING = {
    "hang": ("on", "onto"),
    "hanging": ("on", "onto"),
    "sit": ("on",),
    "sitting": ("on",),
    "hold": ("onto", "on"),
    "holding": ("onto", "on"),
}

_POLICY = re.compile(
    r"\b(privacy|data|data protection|cookie|cookies) "
    r"(policy|policies|notice|statement|info|information|practices|practice|rules|rights)\b"
)


def notice(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    """A notice request: what is kept, how it is used and looked after; the privacy notice."""
    joined = " ".join(clause)
    if _POLICY.search(joined) and not re.search(r"\bdata (info|information)\b", joined):
        return NOTICE, "grammar:privacy_notice"
    if _NAMED_NOTICE.search(joined):
        return NOTICE, "grammar:privacy_notice"
    if joined in ("privacy", "gdpr", "data protection"):
        return NOTICE, "grammar:privacy_notice"
    if reads_chats(clause):
        return NOTICE, "grammar:who_reads"
    if not any(_notice_verb(clause, i) for i in range(len(clause))):
        return None
    pairs = set(zip(clause, clause[1:], strict=False))
    about_me = bool(pairs.intersection(ABOUT_ME))
    mine = ("my", "details") in pairs or ("your", "details") in pairs
    data = bool(_NOTICE_DATA.intersection(clause)) or mine or what_i_say(clause)
    question = _is_question(clause)
    if (data or about_me) and question:
        return NOTICE, "grammar:what_is_kept"
    if question and _RECORDING.search(joined):
        return NOTICE, "grammar:is_this_recorded"  # "are you recording this", "is this logged"
    if intent == c.PRIVACY_NOTICE_INTENT and (data or about_me):
        return NOTICE, f"intent:{intent}"
    return None


_RECORDING = re.compile(
    r"\b(record|recording|monitor|monitoring|log|logging|track|tracking) (this|me|us|our)\b"
    r"(?! (out|in|up)\b)|\b(this|it|chat|conversation|call) (is |being |getting |been )*"
    r"(recorded|monitored|logged|tracked)\b"
)
_WONDER = words(
    "know wondering wonder curious tell explain understand ask asking clarify confirm find learn"
)
_WH = words("what how whether if who where why when which")
_QUESTION_OPENERS: FrozenSet[str] = words(
    "what how who where whom do does did is are am can could will would tell when which"
)


def _notice_verb(clause: Sequence[str], i: int) -> bool:
    """Clause word ``i`` asks what is done with data: keeping, using, looking after; holding
    only with "my" or "about me", reading only with a reader ("who", "a human")."""
    word = clause[i]
    if negated(clause, i):
        return False
    if word in _KEEP_VERBS or word in _CARE_WORDS:
        return True
    if word in ("do", "does", "doing", "done", "did") and "with" in clause[i + 1 :]:
        return True  # "what do you do with my data", "what is done with my details"
    if clause[i + 1 : i + 2] and clause[i + 1] in _PHRASAL_KEEPING.get(word, ()):
        return True  # "how long do you hang on to chat logs", "do you sit on my data"
    if word in ("end", "ends", "ended") and clause[i + 1 : i + 2] == ("up",):
        return True  # "where do my messages end up"
    if word in ERASE_VERBS and (clause[:2] == ("how", "long") or clause[0] == "when"):
        return True  # "how long until my data is deleted", "when do you delete chats"
    if word in _PASS_VERBS:
        return bool(_THIRD_PARTIES.intersection(clause))
    if word in _HOLD_VERBS and clause[i + 1 : i + 2] != ("to",):  # not "do I have to"
        return "my" in clause or bool(set(zip(clause, clause[1:], strict=False)) & set(ABOUT_ME))
    return word in _READ_VERBS and reads_chats(clause)


def reads_chats(clause: Sequence[str]) -> bool:
    """A question whether people read, review or see the customer's chats ("are these chats
    reviewed by real people", "does anyone at the company see my messages"): a notice, not the
    bot challenge ("am I talking to a real person") nor a request for a person."""
    if not (_READERS.intersection(clause) and _READ_VERBS.intersection(clause)):
        return False
    if _CONTACTING.intersection(clause):
        return False  # "can someone look at this chat and call me back": a person is wanted
    pairs = set(zip(clause, clause[1:], strict=False))
    data = bool(_NOTICE_DATA.intersection(clause)) or what_i_say(clause)
    return (data or ("this", "stuff") in pairs) and _is_question(clause)


#: Asking a person to act: the clause asks for a person, whatever it asks of the chats.
_CONTACTING = words(
    "talk speak call ring phone contact connect transfer email reply respond answer help fix "
    "sort callback touch"
)


def _is_question(clause: Sequence[str]) -> bool:
    """A question in its first three words ("just curious do you save these chats"), or one
    asked indirectly ("I'd like to know what you keep", "tell me how you use ...")."""
    if _QUESTION_OPENERS.intersection(clause[:3]):
        return True
    return any(
        word in _WONDER and _WH.intersection(clause[i + 1 : i + 7]) for i, word in enumerate(clause)
    )


_STORE_VERBS = words(
    "store stored storing save saved saving keep kept keeping record recorded recording log "
    "logged logging collect collected collecting use used using process processed processing "
    "retain retained retaining track tracked tracking share shared sharing sell selling sold "
    "hold hang monitor monitored monitoring profile profiled profiling"
)
_DATA_STEMS = (
    "data",
    "stor",
    "collect",
    "track",
    "process",
    "shar",
    "sell",
    "sale",
    "record",
    "cookie",
    "profil",
    "personal",
    "this",
    "my",
    "info",
    "keep",
    "sav",
    "us",
    "having",
    "being",
)
#: Verbs whose object is the customer even unsaid: "I don't want to be tracked".
_WATCHING = words("track tracked tracking monitor monitored monitoring profiled profiling")
_STOP_VERBS = words("stop stopped quit cease no")
_OPT_OUT_NEGATIONS = words(
    "dont not never cant didnt wont wouldnt shouldnt none nothing wasnt isnt arent werent"
)
#: Words that may stand between a negation and its verb: "I don't want this chat recorded".
_BETWEEN = words(
    "want wanna you u to please pls this that my our the any conversation chat data info "
    "information messages details personal need like anymore ever be being get any all of "
    "stuff should is are was gets here i say said write wrote type typed"
)
_OPT_OUT_DATA = words(
    "data info information details personal records record history conversation conversations "
    "convo chat chats messages message transcript transcripts this me stuff logs"
)


def opt_out(clause: Sequence[str], intent: Optional[str]) -> Optional[Tuple[str, str]]:
    """An opt-out: a refused verb of keeping with the customer's data or this chat, or a
    named right ("opt out", "withdraw my consent", "I object to", "off the record")."""
    joined = " ".join(clause)
    if re.search(
        r"\boptout\b|\b(withdraw|revoke)\w* (my |your )?consent\b|"
        r"\bi object to\b|\boff the record\b|\b(dont|do not|not|no) consent\b|"
        r"\bright to object\b|\b(limit|restrict)\w* (the )?(use|processing|sharing|sale)\b|"
        r"\barticle 21\b|\bunsubscribe (me )?from (the )?(data|tracking|processing|profiling)\b",
        joined,
    ):
        return OPT_OUT, "grammar:named_right"
    if _opts_out(clause):
        return OPT_OUT, "grammar:named_right"
    verbs = [i for i, w in enumerate(clause) if w in _STORE_VERBS]
    refused = [i for i in verbs if _refused(clause, i)]
    if not refused:
        return None
    if _OPT_OUT_DATA.intersection(clause) or what_i_say(clause):
        return OPT_OUT, "grammar:dont_store"
    if any(clause[i] in _WATCHING for i in refused):
        return OPT_OUT, "grammar:dont_store"  # "I don't want to be tracked": the customer is
    if intent == c.PRIVACY_OPT_OUT_INTENT:
        return OPT_OUT, f"intent:{intent}"
    return None


def _opts_out(clause: Sequence[str]) -> bool:
    """ "opt out", "opt me out", "opt out of data collection"; not "opt out of the loyalty
    scheme" (what follows "of" must be the data or what is done with it)."""
    for i, word in enumerate(clause):
        rest = clause[i + 1 :]
        if word != "opt" or rest[:1] != ("out",) and rest[:2] != ("me", "out"):
            continue
        after = rest[rest.index("out") + 1 :]
        if after[:1] != ("of",):
            return True
        return any(w.startswith(_DATA_STEMS) for w in after[1:5])
    return False


def _refused(clause: Sequence[str], verb: int) -> bool:
    """ "don't store", "can you not save", "I don't want it recorded", "stop using", "no saving"."""
    if verb > 0 and clause[verb - 1] in _STOP_VERBS:
        return clause[verb - 1] != "no" or clause[verb].endswith("ing")
    for i in range(verb - 1, max(-1, verb - 8), -1):
        if clause[i] in _OPT_OUT_NEGATIONS:
            return True
        if clause[i] not in _BETWEEN:
            return False
    return False
