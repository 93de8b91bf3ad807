"""Generate the public labelled corpus: Presidio-research's synthetic PII sentences.

Runs in ``bench/.presidio-venv`` with the unzipped presidio-evaluator 0.2.5 wheel on ``sys.path``
(``environment.ensure_evaluator``).  It calls that package's own ``PresidioSentenceFaker`` with
its own 209 sentence templates and its FakeNameGenerator.com records (people, streets and phone
numbers of many countries), with the settings of Presidio-research's ``1_Generate_data``
notebook, which made its published ``synth_dataset_v2.json``: 1,500 sentences, locale ``en_US``,
5% lower-cased, seed 42.  Nothing in this project wrote those templates or records.

The generator labels each value with the template placeholder that produced it
(``first_name``, ``street_name``, ``zipcode``, ...).  They are kept as ``source_type``, with the
Presidio type they are published under (``presidio_type``), and mapped to rasa-ethics types in
``OURS``; placeholders of ``IGNORED`` are kept as ``ignore`` spans: not scored, and neutral for
character precision (masking a city is neither a hit nor a false alarm).

    python public_corpus.py --evaluator bench/out/presidio-evaluator --out bench/out/public.jsonl
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from pathlib import Path

PERSON = (
    "person", "name", "first_name", "last_name", "name_female", "name_male", "first_name_male",
    "first_name_female", "first_name_nonbinary", "last_name_male", "last_name_female",
)
# Placeholder -> rasa-ethics type.  Postcodes, flat numbers and building numbers are parts of a
# street address (Presidio labels them STREET_ADDRESS too).
OURS = {
    **dict.fromkeys(PERSON, "person"),
    **dict.fromkeys(
        ("address", "street_name", "building_number", "secondary_address", "postcode"), "address"
    ),
    "credit_card_number": "credit_card", "credit_card": "credit_card",
    "phone_number": "phone", "email": "email", "iban": "iban", "ssn": "us_ssn",
    "ip_address": "ip_address", "us_driver_license": "drivers_license",
    "date_of_birth": "date_of_birth", "birthday": "date_of_birth",
}
# Not personal data on their own, or not a type rasa-ethics claims to detect: places (city,
# country, state), US zip codes alone, organisations, domain names, dates and years that are not
# birth dates, ages, titles and jobs, nationalities.
IGNORED = (
    "city", "country", "state", "state_abbr", "zipcode", "organization", "url", "date_time",
    "day_of_week", "year", "age", "prefix", "prefix_male", "prefix_female", "job", "nationality",
    "nation_woman", "nation_man", "nation_plural",
)


def _no_network() -> None:
    """The generator may only read what the wheel ships: any connection attempt fails loudly."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network access is disabled while generating the public corpus")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]


def templates() -> list[str]:
    """The package's templates, read the way its published data set was made.

    ``templates.txt`` writes line breaks inside a template as ``\\n``.  The package's older reader
    (``PresidioDataGenerator.read_template_file``) turned them into line breaks, and the published
    ``synth_dataset_v2.json`` has real line breaks; ``PresidioSentenceFaker``'s own reader leaves
    the two characters in, which would glue "\\n" to the next word.  Same count and order, so
    the same seed picks the same templates.
    """
    from presidio_evaluator.data_generator import presidio_templates_file_path

    lines = presidio_templates_file_path.read_text(encoding="utf-8").splitlines()
    return [line.strip().replace("\\n", "\n") for line in lines]


def generate(samples: int, seed: int) -> list:
    """The generator's samples, each span labelled with its template placeholder."""
    from presidio_evaluator.data_generator import PresidioSentenceFaker
    from presidio_evaluator.data_generator import presidio_sentence_faker as psf

    # HospitalProvider queries WikiData when it is built, and no template uses it.
    providers = [p for p in psf.presidio_additional_entity_providers
                 if p.__name__ != "HospitalProvider"]
    identity = {name: name for name in (*OURS, *IGNORED)}
    # Building the faker already draws random numbers (load_fake_person_df picks which names get
    # a middle initial) before it seeds itself: seed first, or each run differs.
    PresidioSentenceFaker.seed(seed)
    faker = PresidioSentenceFaker(
        "en_US", lower_case_ratio=0.05, sentence_templates=templates(),
        entity_providers=providers, entity_type_mapping=identity, random_seed=seed,
    )
    return faker.generate_new_fake_sentences(num_samples=samples)


def to_row(index: int, sample: object) -> dict:
    """One JSON-lines row in the benchmark's format."""
    from presidio_evaluator.data_generator.presidio_sentence_faker import PresidioSentenceFaker

    published = PresidioSentenceFaker.ENTITY_TYPE_MAPPING
    spans, ignore = [], []
    for span in sample.spans:  # type: ignore[attr-defined]
        source = span.entity_type
        if source not in OURS and source not in IGNORED:
            sys.exit(f"unmapped placeholder {source!r}: add it to OURS or IGNORED")
        label = {"start": span.start_position, "end": span.end_position,
                 "type": OURS.get(source, source), "source_type": source,
                 "presidio_type": published.get(source, source.upper())}
        (spans if source in OURS else ignore).append(label)
    return {"id": f"p{index:04d}", "text": sample.full_text,  # type: ignore[attr-defined]
            "spans": spans, "ignore": ignore,
            "template_id": sample.template_id}  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluator", type=Path, required=True, help="unzipped wheel folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    _no_network()
    sys.path.insert(0, str(args.evaluator))
    rows = [to_row(i, s) for i, s in enumerate(generate(args.samples, args.seed))]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} sentences to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
