"""Generate the labelled PII benchmark corpus (JSON lines) with Faker.

Runs in the benchmark's own venv (``bench/.presidio-venv``, which has Faker); ``run.py`` calls it.
Each line is ``{"id", "text", "spans": [{"start", "end", "type"}]}``.  Values come from Faker
(names, e-mails, phones, cards, IBANs, SSNs, IPs, dates, passports, addresses) or, where Faker has
no valid generator (UK NINO, driving licences), from the issuers' published formats.  Values are
written in many shapes (grouping, spacing, case, obfuscation, full-width digits) because customers
do.  Nothing here is read by the detector, which must generalise.

    python make_corpus.py --out bench/out/corpus.jsonl --messages 3000 --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
from collections.abc import Callable
from pathlib import Path

from faker import Faker
from templates import BY_TYPE, CLEAN, CLOSERS, COMBINED, OPENERS

SLOT = re.compile(r"\{(\w+)\}")
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
PII_SHARE = 0.65


class Values:
    """Random PII values in realistic shapes."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.us, self.gb = Faker("en_US"), Faker("en_GB")
        self.others = [Faker(loc) for loc in ("de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT")]
        for i, fake in enumerate([self.us, self.gb, *self.others]):
            fake.seed_instance(seed + i)

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def fake(self) -> Faker:
        return self.us if self.rng.random() < 0.6 else self.gb

    def person(self) -> str:
        fake = self.fake()
        if self.rng.random() < 0.2:
            return fake.name()
        return f"{fake.first_name()} {fake.last_name()}"

    def first_name(self) -> str:
        return self.fake().first_name()

    def email(self) -> str:
        address = self.pick(self.us.email(), self.gb.free_email(), self.us.company_email())
        roll = self.rng.random()
        if roll < 0.08:
            user, domain = address.split("@")
            return f"{user} at {domain.replace('.', ' dot ')}"
        if roll < 0.13:
            user, domain = address.split("@")
            return f"{user}[at]{domain.replace('.', '[dot]')}"
        if roll < 0.16:
            return address.upper()
        if roll < 0.18:
            return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in address)
        return address

    def phone(self) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return self.us.phone_number()
        if roll < 0.7:
            return self.gb.phone_number()
        digits = self.us.numerify("%##%##%###")
        a, b, c = digits[:3], digits[3:6], digits[6:]
        return self.pick(f"({a}) {b}-{c}", f"{a} {b} {c}", f"+1 {a} {b} {c}", f"{a}-{b}-{c}")

    def credit_card(self) -> str:
        kind = self.pick("visa16", "mastercard", "amex", "discover", "visa16")
        number = self.us.credit_card_number(card_type=kind)
        roll = self.rng.random()
        if roll < 0.35:
            return number
        sep = " " if roll < 0.75 else "-"
        if roll > 0.95:
            return " ".join(number)
        groups = [number[i : i + 4] for i in range(0, len(number), 4)]
        if kind == "amex":
            groups = [number[:4], number[4:10], number[10:]]
        return sep.join(groups)

    def iban(self) -> str:
        fake = self.gb if self.rng.random() < 0.4 else self.rng.choice(self.others)
        value = fake.iban()
        if self.rng.random() < 0.5:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def us_ssn(self) -> str:
        value = self.us.ssn()
        roll = self.rng.random()
        if roll < 0.15:
            return value.replace("-", "")
        if roll < 0.3:
            return value.replace("-", " ")
        return value

    def uk_nino(self) -> str:
        first = self.rng.choice("ABCEGHJKLMNOPRSTWXYZ")
        second = self.rng.choice("ABCEGHJKLMNPRSTWXYZ")
        while first + second in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            second = self.rng.choice("ABCEGHJKLMNPRSTWXYZ")
        digits = "".join(self.rng.choice(string.digits) for _ in range(6))
        suffix = self.rng.choice("ABCD")
        if self.rng.random() < 0.5:
            return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        return f"{first}{second}{digits}{suffix}"

    def ip_address(self) -> str:
        roll = self.rng.random()
        if roll < 0.6:
            return self.us.ipv4_public()
        if roll < 0.85:
            return self.us.ipv6()
        return self.us.ipv4_private()

    def date_of_birth(self) -> str:
        born = self.us.date_of_birth(minimum_age=18, maximum_age=90)
        style = self.pick("%d/%m/%Y", "%m/%d/%Y", "%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%b %d %Y",
                          "%d.%m.%Y", "%-d %b %Y")
        return born.strftime(style)

    def passport(self) -> str:
        if self.rng.random() < 0.6:
            return self.us.passport_number()
        return "".join(self.rng.choice(string.digits) for _ in range(9))

    def drivers_license(self) -> str:
        return self.rng.choice([self._us_licence, self._us_licence, self._uk_licence])()

    def _us_licence(self) -> str:
        fmt = self.pick("?#######", "#########", "?############", "########", "?###-###-##-###-#",
                        "?##-###-####", "##?#####", "???##??###??")
        return self.us.bothify(fmt, letters=string.ascii_uppercase)

    def _uk_licence(self) -> str:
        surname = re.sub("[^A-Z]", "", self.gb.last_name().upper())[:5].ljust(5, "9")
        born = self.gb.date_of_birth(minimum_age=18, maximum_age=80)
        month = born.month + (50 if self.rng.random() < 0.5 else 0)
        initials = self.gb.lexify("??", letters=string.ascii_uppercase)
        checks = self.gb.bothify("#??", letters=string.ascii_uppercase)
        year = str(born.year)
        return f"{surname}{year[2]}{month:02d}{born.day:02d}{year[3]}{initials}{checks}"

    def address(self) -> str:
        roll = self.rng.random()
        us = self.us
        if roll < 0.45:
            return f"{us.street_address()}, {us.city()}, {us.state_abbr()} {us.zipcode()}"
        if roll < 0.6:
            return us.street_address()
        if roll < 0.65:
            return f"PO Box {us.building_number()}, {us.city()}, {us.state_abbr()} {us.zipcode()}"
        street = self.gb.street_address().replace("\n", ", ")
        return f"{street}, {self.gb.city()}, {self.gb.postcode()}"


class Clean:
    """Values for PII-free messages: order numbers, dates, amounts, places, products."""

    def __init__(self, values: Values) -> None:
        self.v = values
        self.fake = values.us

    def fill(self, slot: str) -> str:
        fake, rng = self.fake, self.v.rng
        makers: dict[str, Callable[[], str]] = {
            "order": lambda: fake.numerify("#" * rng.randint(6, 10)),
            "date": lambda: fake.date_this_year().strftime(
                self.v.pick("%d/%m/%Y", "%B %d", "%Y-%m-%d")
            ),
            "amount": lambda: f"{rng.randint(5, 2000)}.{rng.randint(0, 99):02d}",
            "country": fake.country,
            "city": fake.city,
            "company": fake.company,
            "tracking": lambda: fake.bothify("1Z###??##########", letters=LETTERS),
            "version": lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            "small": lambda: fake.numerify("#####"),
            "sku": lambda: fake.bothify("??-####", letters="ABCDEFGHJKLMNPQRSTUVWXYZ"),
            "product": lambda: self.v.pick("coffee machine", "Galaxy S21", "AirPods", "blender",
                                           "ThinkPad", "vacuum cleaner", "Kindle"),
            "flight": lambda: fake.bothify("??###", letters="ABCDEFGHJKLMNPQRSTUVWXYZ"),
        }
        return makers[slot]()


def render(template: str, fill: Callable[[str], tuple[str, str]]) -> tuple[str, list[dict]]:
    """Fill ``template``; ``fill(slot)`` returns ``(value, pii_type or "")``."""
    parts: list[str] = []
    spans: list[dict] = []
    pos = 0
    length = 0
    for match in SLOT.finditer(template):
        literal = template[pos : match.start()]
        parts.append(literal)
        length += len(literal)
        value, kind = fill(match.group(1))
        if kind:
            spans.append({"start": length, "end": length + len(value), "type": kind})
        parts.append(value)
        length += len(value)
        pos = match.end()
    parts.append(template[pos:])
    return "".join(parts), spans


def message(values: Values, clean: Clean) -> tuple[str, list[dict]]:
    rng = values.rng
    if rng.random() >= PII_SHARE:
        return render(rng.choice(CLEAN), lambda slot: (clean.fill(slot), ""))
    if rng.random() < 0.25:
        template = rng.choice(COMBINED)
    else:
        template = rng.choice(BY_TYPE[rng.choice(sorted(BY_TYPE))])
    template = rng.choice(OPENERS) + template + rng.choice(CLOSERS)

    def fill(slot: str) -> tuple[str, str]:
        return getattr(values, slot)(), "person" if slot == "first_name" else slot

    text, spans = render(template, fill)
    if rng.random() < 0.08:
        text = text.lower()
    return text, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/out/corpus.jsonl"))
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    values = Values(args.seed)
    clean = Clean(values)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for i in range(args.messages):
            text, spans = message(values, clean)
            row = {"id": i, "text": text, "spans": spans}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {args.messages} messages to {args.out}")


if __name__ == "__main__":
    main()
