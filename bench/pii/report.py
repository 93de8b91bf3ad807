"""Markdown tables of a benchmark report (``run.py`` builds the report)."""

from __future__ import annotations

__all__ = ["print_report"]

SPEEDS = (
    ("**msg/s one at a time** (wall)", "single_mps"),
    ("**msg/s bulk** (wall)", "bulk_mps"),
    ("msg per CPU-second, one at a time", "single_cpu_mps"),
    ("msg per CPU-second, bulk", "bulk_cpu_mps"),
    ("msg/s `rasa-ethics redact` command, start-up included (wall)", "cli_mps"),
)


def _num(value: float | None, fmt: str = "{:.3f}") -> str:
    return "n/a" if value is None else fmt.format(value)


def _ratio(ours: float | None, theirs: float | None) -> str:
    return f"{ours / theirs:.2f}x" if ours is not None and theirs else "n/a"


def _row(label: str, ours: float | None, theirs: float | None, fmt: str = "{:.3f}") -> str:
    return f"| {label} | {_num(ours, fmt)} | {_num(theirs, fmt)} | {_ratio(ours, theirs)} |"


def _pair(label: str, ours: tuple, theirs: tuple) -> str:
    left = " / ".join(_num(v) for v in ours)
    right = " / ".join(_num(v) for v in theirs)
    return f"| {label} | {left} | {right} | {_ratio(ours[0], theirs[0])} |"


def corpus_table(name: str, entry: dict) -> list[str]:
    """Per-type recall, the headline accuracy figures and the speeds of one corpus."""
    ours, them = entry["ours"], entry["presidio"]
    free = "tuning-free" if entry["tuning_free"] else "NOT tuning-free"
    lines = [f"\n### {name}: {entry['messages']} messages ({free})\n",
             "| metric | rasa-ethics | Presidio | ratio |", "| --- | ---: | ---: | ---: |"]
    for kind in sorted(ours["recall"]):
        label = f"recall {kind} (n={ours['support'][kind]}), ≥80% / 100%"
        lines.append(_pair(label, (ours["recall"][kind], ours["recall_strict"][kind]),
                           (them["recall"].get(kind, 0.0), them["recall_strict"].get(kind, 0.0))))
    lines.append(_pair("**direct-identifier recall**, ≥80% / 100%",
                       (ours["direct_recall"], ours["direct_recall_strict"]),
                       (them["direct_recall"], them["direct_recall_strict"])))
    lines.append(_row("**character precision**", ours["char_precision"], them["char_precision"]))
    for variant in sorted(ours["caught"]):
        n = ours["in_scope_messages"][variant]
        label = f"in-scope messages caught, {variant} (n={n})"
        lines.append(_row(label, ours["caught"][variant], them["caught"][variant]))
    label = f"negatives with a false alarm (n={ours['negative_messages']})"
    lines.append(_row(label, ours["false_alarm"], them["false_alarm"]))
    for label, key in SPEEDS:
        lines.append(_row(label, ours.get(key), them.get(key), "{:.0f}"))
    return lines


def kind_table(entry: dict) -> list[str]:
    """Caught share (in-scope kinds) or left-alone share (``neg/*`` kinds) per kind."""
    ours, them = entry["ours"]["by_kind"], entry["presidio"]["by_kind"]
    lines = ["\n| kind | n | rasa-ethics | Presidio |", "| --- | ---: | ---: | ---: |"]
    for kind in sorted(ours):
        lines.append(f"| {kind} | {ours[kind]['n']} | {ours[kind]['ok']:.3f} | "
                     f"{them[kind]['ok']:.3f} |")
    return lines


def answers_table(entry: dict) -> list[str]:
    """Messages that answer the bot's question: caught with and without the conversation."""
    answers = entry["answers"]

    def cell(value: dict | None) -> str:
        return "n/a (engine takes no context)" if value is None else _num(value.get("all"))

    return [
        f"\nAnswers to the bot's question (n={answers['messages']}), caught:\n",
        "| input | rasa-ethics | Presidio |", "| --- | ---: | ---: |",
        f"| text only | {cell(answers['ours_text_only'])} | "
        f"{cell(answers['presidio_text_only'])} |",
        f"| with the question as context | {cell(answers['ours_with_context'])} | "
        f"{cell(answers['presidio_with_context'])} |",
    ]


def print_report(report: dict) -> None:
    """All tables, corpus by corpus."""
    print(f"\nPII benchmark, {report['date']}: medians of {report['repeat']} run(s), "
          f"Presidio threshold {report['presidio_threshold']}")
    for name, entry in report["corpora"].items():
        lines = corpus_table(name, entry)
        if any(k.startswith("neg/") for k in entry["ours"]["by_kind"]):
            lines += kind_table(entry)
        if "answers" in entry:
            lines += answers_table(entry)
        print("\n".join(lines))
        for tool in ("ours", "presidio"):
            differ = [m for m, same in entry[tool]["agrees_with_single"].items() if not same]
            if differ:
                print(f"\nwarning: {tool} found other spans in mode(s) {', '.join(differ)} "
                      "than one at a time")
    print(f"\nbench time {report['bench_seconds']:.0f} s")
