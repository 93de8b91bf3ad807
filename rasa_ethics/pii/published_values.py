"""Published test and documentation values: in a message that says it is a test, no one's data.

Payment providers publish test card numbers (Stripe's 4242 4242 4242 4242, Visa's 4111 1111 1111
1111), the IBAN standard prints example IBANs, the US Social Security Administration voided the
Woolworth card's 078-05-1120, RFC 5737 reserves 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24
for documentation, RFC 2606 reserves example.com, .test and .invalid, and US numbers 555-0100 to
555-0199 are fictional.  Customers and developers
quote them when they report a failing checkout ("the test card 4242 ... is declined in staging").

A value counts as a test value only when both hold: it is one of these AND the message says it is
a test (a word such as "test", "sandbox", "example", "dummy").  Without that word the value is
redacted as usual: "my card is 4111 1111 1111 1111" may be a real customer's typing, and a
privacy filter errs on the side of redacting.
"""

from __future__ import annotations

import re

__all__ = ["is_test_value", "says_test"]

_CARDS = frozenset(
    """
    4242424242424242 4000056655665556 5555555555554444 2223003122003222 5200828282828210
    5105105105105100 378282246310005 371449635398431 6011111111111117 6011000990139424
    3056930009020004 36227206271667 3566002020360505 3530111333300000 6200000000000005
    4111111111111111 4012888888881881 4222222222222 5431111111111111 4000000000000002
    4000000000009995 4000000000000077 4000000000003220 4000002500003155 4000000000000341
    4917610000000000 4988438843884305 4166676667666746 5500000000000004 4005519200000004
    4009348888881881 2720992593319364 6759649826438453 6799990100000000019
    """.split()
)
_IBANS = frozenset(
    """
    gb82west12345698765432 de89370400440532013000 gb29nwbk60161331926819
    fr1420041010050500013m02606 nl91abna0417164300 be68539007547034 ch9300762011623852957
    es9121000418450200051332 it60x0542811101000000123456
    """.split()
)
_SSNS = frozenset({"078051120", "219099999", "123456789", "457555462"})
# RFC 2606 and RFC 6761: domains reserved for documentation and testing.
_EMAIL = re.compile(r"@(?:[\w-]+\.)*(?:example\.(?:com|net|org)|[\w-]+\.(?:test|example|invalid))$")
_IP = re.compile(r"^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$")
_PHONE = re.compile(r"^(?:1)?\d{3}5550[01]\d{2}$|^5550[01]\d{2}$")
# Words of the message itself, not parts of an address ("support.test@example.io", "example.com").
_TEST_WORDS = re.compile(
    r"(?i)(?<![\w@./-])(?:test(?:s|ing|ed)?|sandbox|staging|example|sample|dummy|demo|fake|"
    r"placeholder|docs|documentation|fictional|made[ -]up)(?![\w@/-]|\.\w)"
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def says_test(text: str) -> bool:
    """True when ``text`` says it is about a test, an example or a demo."""
    return _TEST_WORDS.search(text) is not None


def is_test_value(entity: str, value: str) -> bool:
    """True when ``value`` (of type ``entity``) is one of the published test values."""
    compact = _NOT_ALNUM.sub("", value.casefold())
    if entity == "credit_card":
        known = compact in _CARDS
    elif entity == "iban":
        known = compact in _IBANS
    elif entity in ("us_ssn", "national_id"):
        known = compact in _SSNS
    elif entity == "email":
        known = _EMAIL.search(value.casefold().strip()) is not None
    elif entity == "ip_address":
        known = _IP.match(re.sub(r"\s", "", value)) is not None
    elif entity == "phone":
        known = _PHONE.match(compact) is not None
    else:
        return False
    return known
