"""Markdown for the style benchmark, written into its own section of docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks import docs_section

SECTION = "style"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
_SHOWN_PER_KEY = 2


def percent(value: float | None) -> str:
    """A rate as a percentage with one decimal, "–" when undefined."""
    return "–" if value is None else f"{100 * value:.1f} %"


def _fraction(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "–"


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _project_table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    header = [
        "project",
        "files",
        "not governed",
        "held out",
        "conventions committed",
        "accuracy",
        "coverage",
        "false alarms (whole file)",
        "false alarms (20-line window)",
        "recall",
        "recall where enforced",
        "baseline accuracy",
        "baseline false alarms",
        "baseline recall",
    ]
    lines = [_row(header), _row(["---"] * len(header))]
    for row in rows:
        name = (
            row["project"] if row["project"] == "overall" else f"{row['project']} {row['version']}"
        )
        lines.append(
            _row(
                [
                    f"**{name}**" if row["project"] == "overall" else name,
                    row["files"],
                    sum(row.get("skipped", {}).values()),
                    row["heldout"],
                    row["conventions_committed"],
                    percent(row["accuracy"]),
                    percent(row["coverage"]),
                    percent(row["false_alarm_rate"]),
                    percent(row["window_false_alarm_rate"]),
                    percent(row["recall"]),
                    percent(row["recall_enforced"]),
                    percent(row["baseline"]["accuracy"]),
                    percent(row["baseline"]["false_alarm_rate"]),
                    percent(row["baseline"]["recall"]),
                ]
            )
        )
    return lines


def _injector_table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    injectors = sorted({i for row in rows for i in row["per_injector"]})
    lines = [_row(["project", *injectors]), _row(["---"] * (len(injectors) + 1))]
    for row in rows:
        cells = []
        for name in injectors:
            entry = row["per_injector"].get(name)
            if entry is None or not entry["injected"]:
                cells.append("–")
                continue
            enforced = _fraction(entry["detected_enforced"], entry["injected_enforced"])
            cells.append(f"{_fraction(entry['detected'], entry['injected'])} ({enforced})")
        lines.append(_row([row["project"], *cells]))
    return lines


def _convention_table(overall: Mapping[str, Any]) -> list[str]:
    header = [
        "convention",
        "files observed",
        "committed",
        "coverage",
        "accuracy",
        "unmodified files flagged",
        "baseline accuracy",
        "baseline files flagged",
    ]
    lines = [_row(header), _row(["---"] * len(header))]
    for name, entry in overall["per_convention"].items():
        lines.append(
            _row(
                [
                    f"`{name}`",
                    entry["observed"],
                    entry["committed"],
                    percent(entry["coverage"]),
                    percent(entry["accuracy"]),
                    entry["files_with_findings"],
                    percent(entry["baseline_accuracy"]),
                    entry["baseline_files_flagged"],
                ]
            )
        )
    return lines


def _pick(records: Sequence[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    """The first `_SHOWN_PER_KEY` records for each value of `key`, grouped by it."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        group = groups.setdefault(str(record[key]), [])
        if len(group) < _SHOWN_PER_KEY:
            group.append(record)
    return [record for name in sorted(groups) for record in groups[name]]


def _alarm_line(alarm: Mapping[str, Any]) -> str:
    return (
        f"- {alarm['project']} `{alarm['path']}:{alarm['line']}` `{alarm['convention']}`"
        f" (expected {alarm['expected'] or '?'}, found {alarm['found'] or '?'}):"
        f" `{alarm['text']}`"
    )


def _examples(overall: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    alarms = _pick(overall["examples"]["alarms"], "convention")
    if alarms:
        lines += ["", "False alarms on unmodified files (examples; all in the JSON):", ""]
        for alarm in alarms:
            lines.append(_alarm_line(alarm))
    in_window = _pick(overall["examples"].get("window_alarms", []), "convention")
    if in_window:
        lines += ["", "False alarms inside a random 20-line window of an unmodified file:", ""]
        for alarm in in_window:
            lines.append(_alarm_line(alarm))
    misses = _pick(overall["examples"]["misses"], "injector")
    if misses:
        lines += ["", "Injected deviations not reported:", ""]
        for miss in misses:
            lines.append(
                f"- {miss['project']} `{miss['path']}` {miss['injector']}"
                f" on lines {miss['lines'][:6]}"
                f" (profile {miss['profile']}, enforced {miss['enforced']}): `{miss['text']}`"
            )
    return lines


def render(
    rows: Sequence[Mapping[str, Any]], overall: Mapping[str, Any], *, command: str, note: str
) -> str:
    """The whole style section (the heading and markers live in docs/benchmarks.md)."""
    everything = [*rows, overall]
    lines = [
        f"Reproduce: `{command}` (sdists are pinned in `benchmarks/style_eval_projects.py`"
        " and cached in `benchmarks/.work/`; full numbers in `benchmarks/.work/style_eval.json`).",
        "",
        note,
        "",
        "Targets: accuracy ≥ 98 % where the profile commits; unmodified files with any"
        " finding ≤ 1 %; recall on injected deviations ≥ 90 %. Baseline: majority vote per"
        " convention over raw occurrence counts at a 0.98 threshold (no margin, scopes or"
        " exceptions); it flags a file on any deviating occurrence. Recall counts every"
        ' injection where the profile commits to the convention; "where enforced" only'
        " those where the profile also enforces it (the checker reports nothing else).",
        "",
        *_project_table(everything),
        "",
        "Recall per injector (detected / injected where the convention is committed;"
        " in brackets: detected / injected where it is also enforced):",
        "",
        *_injector_table(everything),
        "",
        "Per convention, all projects:",
        "",
        *_convention_table(overall),
        "",
        "Files not held out because the profiler does not govern them (all projects): "
        + (", ".join(f"{n} {why}" for why, n in overall.get("skipped", {}).items()) or "none")
        + ".",
        *_examples(overall),
    ]
    return "\n".join(lines) + "\n"


def write_section(body: str, docs: Path = DOCS, name: str = SECTION) -> None:
    """Replace (or append) this benchmark's marked section; other sections stay as they are."""
    docs_section.write_section(name, body, docs)
