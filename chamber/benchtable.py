"""The one benchmark table (issue 11): every bench command records its figures here, and
`manage.py bench_table` prints the latest result of each figure.

`record()` appends one JSON line per figure to `var/bench/results.jsonl` (the setting
`BENCH_RESULTS`, or `VAR_DIR / "bench" / "results.jsonl"`; `var/` is not versioned). The
file only grows: a figure measured again gets a new line, and the table takes the last one,
so a run of a single bench command updates its rows and leaves the others as they were.
Each line carries when, on which machine, at what load and on which database it was
measured, because the figures of this VM vary with its host's load (docs/benchmarks.md).
"""
import datetime
import json
import math
import os
import sys
from pathlib import Path

from django.conf import settings

MET, MISSED, NO_VERDICT = "MET", "MISSED", "—"


def results_path(path=None):
    """The results file: `path` when given, else the setting, else var/bench/results.jsonl."""
    if path is not None:
        return Path(path)
    configured = getattr(settings, "BENCH_RESULTS", None)
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "bench" / "results.jsonl"


def summarize_queries(queries):
    """An int, or "min–max" when the requests of a figure ran different numbers of queries."""
    if queries is None or isinstance(queries, (int, str)):
        return queries
    values = sorted(set(queries))
    if not values:
        return None
    return values[0] if len(values) == 1 else f"{values[0]}–{values[-1]}"


def _ms(value):
    if value is None:
        return None
    value = float(value)
    return round(value, 2) if math.isfinite(value) else None


def _command():
    """The management command being run (`manage.py bench_x …` → "bench_x")."""
    argv = sys.argv
    for i, arg in enumerate(argv[:-1]):
        if os.path.basename(arg) in ("manage.py", "django-admin"):
            return argv[i + 1]
    return os.path.basename(argv[0]) if argv else ""


def _database():
    from django.db import connection

    return f"{connection.vendor} {connection.settings_dict.get('NAME')}"


def record(figure, p50_ms=None, p95_ms=None, queries=None, target="", met=None, note="", *, command=None, path=None):
    """Append one measured figure to the results file and return the record written.

    `queries` is the number of queries per request (an int, or the counts seen: "8–9");
    `target` says the target in words ("p50 ≤ 25 ms"); `met` is True / False, or None for a
    figure without a target. The machine, its load average and the database come with it.
    """
    from chamber import bench

    entry = {
        "figure": str(figure),
        "p50_ms": _ms(p50_ms),
        "p95_ms": _ms(p95_ms),
        "queries": summarize_queries(queries),
        "target": target or "",
        "met": None if met is None else bool(met),
        "note": note or "",
        "command": command or _command(),
        "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": bench.machine_description(),
        "load": bench.load_average(),
        "database": _database(),
    }
    file = results_path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return entry


def read(path=None):
    """Every record of the results file, oldest first (lines that do not parse are skipped)."""
    file = results_path(path)
    if not file.exists():
        return []
    records = []
    with open(file, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("figure"):
                records.append(entry)
    return records


def latest(records):
    """The last record of each figure, in the order the figures first appeared."""
    order, last = [], {}
    for entry in records:
        figure = entry["figure"]
        if figure not in last:
            order.append(figure)
        last[figure] = entry
    return [last[figure] for figure in order]


def verdict(entry):
    met = entry.get("met")
    return NO_VERDICT if met is None else MET if met else MISSED


def format_ms(value):
    if value is None:
        return "—"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


HEADER = ("figure", "p50 ms", "p95 ms", "queries/request", "target", "verdict", "note")
NUMERIC = {1, 2, 3}


def rows(entries):
    return [
        (e["figure"], format_ms(e.get("p50_ms")), format_ms(e.get("p95_ms")),
         "—" if e.get("queries") in (None, "") else str(e["queries"]), e.get("target") or "—", verdict(e),
         e.get("note") or "")
        for e in entries
    ]


def machine_lines(entries):
    """Where and when the figures were measured: one line per machine (and database)."""
    groups = {}
    for e in entries:
        groups.setdefault((e.get("machine", "?"), e.get("database", "?")), []).append(e)
    lines = []
    for (machine, database), group in groups.items():
        loads = sorted(float(e["load"]) for e in group if _is_number(e.get("load")))
        load = ("load " + (f"{loads[0]:.2f}" if loads[0] == loads[-1] else f"{loads[0]:.2f}–{loads[-1]:.2f}")) if loads else "load ?"
        times = sorted(e.get("at", "") for e in group)
        when = times[0] if times[0] == times[-1] else f"{times[0]} … {times[-1]}"
        lines.append(f"Machine: {machine}; {load}; database {database}; measured {when} ({len(group)} figures)")
    return lines


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def width(text):
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def text_table(entries):
    """The aligned plain-text table, then the machine lines."""
    table = [HEADER, *rows(entries)]
    widths = [max(width(row[i]) for row in table) for i in range(len(HEADER))]

    def line(row):
        cells = [(" " * (widths[i] - width(cell)) + cell) if i in NUMERIC else (cell + " " * (widths[i] - width(cell)))
                 for i, cell in enumerate(row)]
        return "  ".join(cells).rstrip()

    out = [line(HEADER), "  ".join("-" * w for w in widths), *(line(row) for row in table[1:])]
    return "\n".join([*out, "", *machine_lines(entries)])


def markdown_table(entries):
    """The same table in Markdown, for docs/benchmarks.md."""
    def cell(text):
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(HEADER) + " |",
           "| " + " | ".join("---:" if i in NUMERIC else "---" for i in range(len(HEADER))) + " |"]
    for row in rows(entries):
        row = list(row)
        if row[5] in (MET, MISSED):
            row[5] = f"**{row[5]}**"
        out.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join([*out, "", *("- " + line for line in machine_lines(entries))])
