"""Write the PII detector's own tuning set: conversational templates filled with Faker values.

    make pii-tuning      # or: <faker venv>/bin/python scripts/pii/make_tuning.py --out FILE

This is the only data the detector is tuned on.  It never reads ``bench/pii`` (whose held-out
sets must stay unseen).  Each output line is ``{"text", "labels": [{"start", "end", "type"}],
"group"}``; values come from Faker's locale providers (names and addresses of many countries) or
from the generators below, and some carry the noise customers and filter-dodgers add: zero-width
and bidi characters, NUL, odd spacing, full-width digits, homoglyphs, lower case.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
from pathlib import Path

from faker import Faker
from tuning_templates import (
    ADDRESS,
    ADDRESS_PARTS,
    CARD,
    NEGATIVE,
    NUMBERS,
    PERSON,
    PERSON_RECORDS,
    PHONE,
    SLOT_TYPES,
    TECH,
    TEST_VALUES,
)

LOCALES = (
    "en_US en_GB en_IE en_AU en_CA en_NZ en_IN de_DE de_AT de_CH fr_FR fr_CA fr_CH it_IT es_ES "
    "es_MX es_AR pt_PT pt_BR nl_NL nl_BE pl_PL hu_HU cs_CZ sk_SK sv_SE da_DK no_NO fi_FI ro_RO "
    "hr_HR sl_SI tr_TR lt_LT lv_LV et_EE ru_RU uk_UA el_GR"
).split()
CARD_TYPES = (
    "visa16",
    "visa13",
    "visa19",
    "mastercard",
    "amex",
    "discover",
    "jcb15",
    "jcb16",
    "diners",
    "maestro",
)
# Published test card numbers (Stripe, Adyen, Braintree, PayPal sandbox documentation).
TEST_CARDS = (
    "4242 4242 4242 4242", "4242424242424242", "4000 0566 5566 5556", "5555 5555 5555 4444",
    "5200828282828210", "3782 822463 10005", "6011 1111 1111 1117", "4111 1111 1111 1111",
    "4111-1111-1111-1111", "5105 1051 0510 5100", "3530 1113 3330 0000", "4000000000000002",
)
# Documentation values: RFC 5737 addresses, 555-01xx numbers, the Woolworth SSN, RFC 2606 mail.
TEST_OTHER = (
    "192.0.2.1", "198.51.100.23", "203.0.113.7", "555-0123", "(555) 555-0199", "078-05-1120",
    "123-45-6789", "GB82 WEST 1234 5698 7654 32", "DE89 3704 0044 0532 0130 00",
)
SLOT = re.compile(r"\{(\w+)\}")
NOISE = ("\u200b", "\u200d", "\u202e", "\u2066", "\u0000", "\u00ad", "\x07")
HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"}


class Values:
    """Generated values, one method per slot."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fakers = {loc: Faker(loc) for loc in LOCALES}
        for i, fake in enumerate(self.fakers.values()):
            fake.seed_instance(rng.randrange(1 << 30) + i)

    def fake(self) -> Faker:
        return self.fakers[self.rng.choice(LOCALES)]

    def person(self) -> str:
        fake = self.fake()
        name = fake.name() if self.rng.random() < 0.5 else f"{fake.first_name()} {fake.last_name()}"
        return name.lower() if self.rng.random() < 0.2 else name

    def first(self) -> str:
        name = self.fake().first_name()
        return name.lower() if self.rng.random() < 0.3 else name

    first2 = first3 = first

    def person2(self) -> str:
        return self.person()

    def last(self) -> str:
        return self.fake().last_name()

    def address(self) -> str:
        return self.fake().address()

    def street(self) -> str:
        return self.fake().street_address()

    def building(self) -> str:
        return self.fake().building_number()

    def street_name(self) -> str:
        return self.fake().street_name()

    def secondary(self) -> str:
        fake = self.fake()
        if hasattr(fake, "secondary_address") and self.rng.random() < 0.6:
            return fake.secondary_address()
        word = self.rng.choice(["Apt", "Apt.", "Flat", "Unit", "Suite", "int.", "m.", "Wohnung"])
        return f"{word} {self.rng.randrange(1, 400)}"

    def postcode(self) -> str:
        return self.fake().postcode()

    def city(self) -> str:
        return self.fake().city()

    def test_card(self) -> str:
        return self.rng.choice(TEST_CARDS)

    def test_value(self) -> str:
        return self.rng.choice(TEST_OTHER)

    def card(self, typo: bool = False) -> str:
        digits = self._card_digits()
        if typo:
            i = self.rng.randrange(len(digits))
            digits = (
                digits[:i]
                + str((int(digits[i]) + self.rng.randrange(1, 10)) % 10)
                + digits[i + 1 :]
            )
        sep = self.rng.choice([" ", " ", "-", ".", "/", ""])
        groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
        return self._noisy(sep.join(groups))

    def card_typo(self) -> str:
        return self.card(typo=True)

    def _card_digits(self) -> str:
        if self.rng.random() < 0.3:  # schemes Faker lacks: UnionPay 62, Maestro 6304, JCB 2131
            prefix = self.rng.choice(["62", "6304", "6759", "2131", "1800", "5018", "60"])
            length = self.rng.choice([12, 16, 17, 18, 19]) if prefix[0] in "56" else 15
            body = prefix + "".join(
                self.rng.choice(string.digits) for _ in range(length - len(prefix) - 1)
            )
            return body + _luhn_digit(body)
        return self.fakers["en_US"].credit_card_number(self.rng.choice(CARD_TYPES))

    def phone(self) -> str:
        return self._noisy(self.fake().phone_number())

    def national_phone(self) -> str:
        shape = self.rng.choice(
            [
                "2 6",
                "3 2 3",
                "2 2 2 2 2",
                "4 7",
                "3 3 4",
                "3-3 2 2",
                "(4)-6",
                "2 3 2 2",
                "3 4",
                "4 3 3",
            ]
        )
        out = re.sub(
            r"\d",
            lambda m: "".join(self.rng.choice(string.digits) for _ in range(int(m.group()))),
            shape,
        )
        if self.rng.random() < 0.4:
            out = "0" + out[1:] if out[0].isdigit() else out
        return self._noisy(out)

    def email(self) -> str:
        value = self.fake().email()
        if self.rng.random() < 0.3:
            local, domain = value.split("@")
            name, tld = domain.rsplit(".", 1)
            cut = self.rng.randrange(1, len(name)) if len(name) > 2 else 1
            value = self.rng.choice(
                [
                    f"{local}@{name[:cut]} {name[cut:]} .{tld}",
                    f"{local} @ {domain}",
                    f"{local}@{name} . {tld}",
                    f"{local}@ {domain}",
                ]
            )
        elif self.rng.random() < 0.1:
            value = "".join(HOMOGLYPHS.get(c, c) if self.rng.random() < 0.3 else c for c in value)
        return self._noisy(value)

    def ip(self) -> str:
        value = self.fakers["en_US"].ipv4()
        if self.rng.random() < 0.3:
            value = (
                " ".join(value).replace(" . ", " .")
                if self.rng.random() < 0.5
                else value.replace(".", ". ")
            )
        return self._noisy(value)

    def national_id(self) -> str:
        fake = self.fake()
        value = fake.ssn() if hasattr(fake, "ssn") else ""
        if not value or self.rng.random() < 0.4:
            value = "".join(
                self.rng.choice(string.digits) for _ in range(self.rng.choice([8, 9, 10, 11]))
            )
        return value

    def bank_account(self) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(self.rng.randrange(8, 13)))

    def routing(self) -> str:
        return self.fakers["en_US"].aba()

    def dl(self) -> str:
        letters, digits = string.ascii_uppercase, string.digits
        shape = self.rng.choice(
            [
                "L DL DDD DD",
                "LDDDDDDD",
                "LDDD-DDDD-DDDD",
                "DDDDDDDDD",
                "LL DDDDDD",
                "DDD DDD DDD",
                "LDDDDDDDDDDDD",
            ]
        )
        return "".join(
            self.rng.choice(letters) if c == "L" else self.rng.choice(digits) if c == "D" else c
            for c in shape
        )

    def iban(self) -> str:
        value = self.fake().iban()
        return (
            " ".join(value[i : i + 4] for i in range(0, len(value), 4))
            if self.rng.random() < 0.5
            else value
        )

    def _noisy(self, value: str) -> str:
        if self.rng.random() < 0.12 and len(value) > 2:
            i = self.rng.randrange(1, len(value) - 1)
            value = value[:i] + self.rng.choice(NOISE) + value[i:]
        if self.rng.random() < 0.05:
            value = value.translate({ord(d): 0xFF10 + int(d) for d in string.digits})
        return value


def _luhn_digit(body: str) -> str:
    total = 0
    for i, char in enumerate(reversed(body)):
        d = int(char) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def fill(template: str, values: Values, one_line: bool) -> tuple[str, list[dict]]:
    """The template with every slot filled, and the labels of the filled values."""
    parts: list[str] = []
    labels: list[dict] = []
    pos = 0
    length = 0
    for match in SLOT.finditer(template):
        literal = template[pos : match.start()]
        parts.append(literal)
        length += len(literal)
        value = getattr(values, match.group(1))()
        if one_line:
            value = value.replace("\n", values.rng.choice([", ", " ", ", "]))
        parts.append(value)
        if SLOT_TYPES[match.group(1)] != "none":
            labels.append(
                {"start": length, "end": length + len(value), "type": SLOT_TYPES[match.group(1)]}
            )
        length += len(value)
        pos = match.end()
    parts.append(template[pos:])
    return "".join(parts), labels


def main() -> None:
    """Write the tuning set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--messages", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    values = Values(rng)
    families = [
        ("person", PERSON, 6),
        ("address", ADDRESS, 6),
        ("card", CARD, 2),
        ("phone", PHONE, 2),
        ("numbers", NUMBERS, 2),
        ("tech", TECH, 2),
        ("negative", NEGATIVE, 4),
        ("address_parts", ADDRESS_PARTS, 4),
        ("person_records", PERSON_RECORDS, 4),
        ("test_values", TEST_VALUES, 2),
    ]
    weighted = [(g, t) for g, templates, w in families for t in templates for _ in range(w)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for _ in range(args.messages):
            group, template = rng.choice(weighted)
            text, labels = fill(
                template, values, one_line="\n" not in template and rng.random() < 0.8
            )
            if rng.random() < 0.08:
                text = text.lower()
            out.write(
                json.dumps({"text": text, "labels": labels, "group": group}, ensure_ascii=False)
                + "\n"
            )
    print(f"{args.out}: {args.messages} messages")


if __name__ == "__main__":
    main()
