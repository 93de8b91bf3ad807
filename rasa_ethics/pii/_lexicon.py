"""Common English words that are capitalised only because they start a sentence or are shouted.

Used to skip spaCy on messages with no candidate name, and to reject "I'm Sorry" or "This is
Urgent" as names.  General English vocabulary only: no names, places or test data.
"""

from __future__ import annotations

__all__ = ["COMMON_WORDS", "is_common"]

COMMON_WORDS = frozenset(
    """
    a about above account actually after afternoon again against ago all almost already also
    although always am an and another any anybody anyone anything anyway are aren't around as ask
    at available away back bad be because been before being below best better between both bot
    but by bye call can can't cancel cannot card cheers could couldn't customer dear delivery
    did didn't do does doesn't doing don't done down during each either else email enough even
    evening ever every everyone everything excuse fine first for from further get give glad go
    going good goodbye got great had hadn't happy has hasn't have haven't having he hello help
    her here hers herself hey hi him himself his hmm how however i i'd i'll i'm i've if in info
    information into is isn't it it's its itself just kind kindly last later let let's like look
    looking lot made make many may maybe me mine more morning most much must my myself need
    never new next nice no nobody none nope nor not nothing now number of off oh ok okay on once
    one only or order other our ours ourselves out over own payment perfect phone please pls
    probably problem quick quite rather re really refund regards regarding right same see she
    should shouldn't since so some somebody someone something sorry still such sure thank thanks
    thx than that that's the their theirs them themselves then there there's these they they're
    thing this those though through thus to today tomorrow too two under unfortunately until up
    urgent us very via want was wasn't we we're well were weren't what what's when where whether
    which while who whom whose why will with within without won't would wouldn't yeah yes yet you
    you're your yours yourself yourselves monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    ai assistant agent human person support team service help desk store shop website app
    account address amount app basket billing booking cart charge charged checkout code
    confirm courier credit debit delivered deliver details device discount driver error
    hours invoice item issue login logout message name note notice parcel package password
    plan price product purchase receipt reply request reset return returned shipping ship
    sign status subscription ticket total tracking transfer transaction update upgrade user
    username verify warranty welcome order orders call calling called send sent still also
    yesterday tonight week month year hour minute day morning night weekend
    new old big small best free premium standard express
    add ask bring buy change check contact find forward keep leave pay pick put reach read
    remove ring send show speak take talk tell text try use write
    live lives living lived moved move moving stay staying located reside based shipped shipping
    """.split()
)


def is_common(word: str) -> bool:
    """True when ``word`` (any case, trailing punctuation ignored) is a common English word."""
    return word.lower().strip(".,;:!?'\"") in COMMON_WORDS
