"""The auditor: a determined reader of a publication-safe output, with a spreadsheet and a solver.

It reads the output as published (the command line's JSON text, numbers as printed), not the engine's
objects, and sets up every linear relation a reader could use: counts are whole and never negative; a
band's groups add up to the band, the bands to the workforce; a percentage pins its count to its total
within the precision it is printed at; a rate pins events to base; the people with an event are among
the base (but leavers are not among an average headcount); the disciplinary, CPD and senior-management
bases are all the staff in post, whom the pay bands count; the regulated professionals are among them; an
average headcount is at least half the headcount at the end of the year; a data-quality line's total and
unknown are the metric's base and its unknown group's base. Then, for each withheld count, it solves for
the smallest and largest value it can take (linear programming, scipy's HiGHS). `narrow` lists those it
can pin to fewer than `threshold` values.

It shares no code with metrics.disclosure, which decides what to hide: one is checked against the other.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

GROUPS = ("bme", "white", "unknown")
# The WDES's groups (focus, reference, unknown, as the race standards' above): an output whose metrics are counted
# by them is read in them.
DISABILITY_GROUPS = ("disabled", "non_disabled", "not_declared")
STAFF_BASES = ("M3", "M5", "M9")  # "Headcount": the staff in post at the period end


@dataclass(frozen=True)
class _Roles:
    """Which metric of an output plays which part: the pay bands, the rates, the board; and its groups."""

    groups: tuple[str, str, str]
    bands: str
    staff_bases: tuple[str, ...]
    rates: tuple[tuple[str, bool], ...]  # (metric, whether its events are among its base)
    board: str
    surveys: tuple[str, ...]
    # Metrics of mean scores (WDES 9a): each group's respondents are counts, its mean and deviation go with them.
    scores: tuple[str, ...] = ()


RACE = _Roles(GROUPS, "M1", STAFF_BASES, (("M2", True), ("M4", True), ("M8", False)), "W9", ("M6", "M7"))
# The WDES: D1 the pay bands (as M1), D2 appointment (as M2), D8 adjustments (a rate: disabled respondents' yes over
# those who answered), D9A engagement (respondents by group), D10 the board (as W9).
WDES = _Roles(DISABILITY_GROUPS, "D1", (), (("D2", True), ("D8", True)), "D10", (), ("D9A",))


def _roles(published: dict) -> _Roles:
    return WDES if any(metric.startswith("D") for metric in published) else RACE


@dataclass
class Number:
    """A figure as printed: its value and how precisely the text gives it."""

    text: str

    @property
    def value(self) -> float:
        return float(self.text)

    @property
    def half_unit(self) -> float:
        """Half the last printed digit: the figure could be anything rounding to what is printed. A whole number
        printed as 47.0 may be a percentage rounded to a whole one."""
        decimals = self.text.split(".")[1].rstrip("0") if "." in self.text else ""
        return 0.5 * 10.0 ** -len(decimals) if decimals else 0.5


def _read(text: str) -> dict:
    return json.loads(text, parse_float=Number, parse_int=lambda s: Number(s))


@dataclass
class Reader:
    names: list[str] = field(default_factory=list)
    equal: list[tuple[dict[int, float], float]] = field(default_factory=list)
    at_most: list[tuple[dict[int, float], float]] = field(default_factory=list)
    # Each withheld count, by where it was printed, as a sum of the reader's unknowns.
    withheld: dict[str, dict[int, float]] = field(default_factory=dict)
    # Each count printed, by where: the primary rule is checked on these.
    shown: dict[str, float] = field(default_factory=dict)
    # Which output is being read ("" for one alone, else "Adults", "all services"...), and every count cell of
    # each by where it is printed, withheld or not: the services are tied to the whole through these.
    scope: str = ""
    cells: dict[str, dict[str, dict[int, float]]] = field(default_factory=dict)
    # False while reading the people in no service, whom no output prints: nothing of theirs is audited.
    auditing: bool = True
    # The groups the output is counted in.
    groups: tuple[str, str, str] = GROUPS

    def unknown(self, name: str) -> dict[int, float]:
        self.names.append(f"{self.scope} {name}".strip())
        return {len(self.names) - 1: 1.0}

    def count(self, where: str, printed: Number | None, terms: dict[int, float]) -> None:
        self.cells.setdefault(self.scope, {})[where] = terms
        named = f"{self.scope}: {where}" if self.scope else where
        if printed is None:
            if self.auditing:
                self.withheld[named] = terms
        else:
            self.equal.append((terms, printed.value))
            self.shown[named] = printed.value

    def same(self, one: dict[int, float], other: dict[int, float]) -> None:
        self.equal.append((_sub(one, other), 0.0))

    def share(self, part: dict[int, float], whole: dict[int, float], printed: Number | None, scale: float) -> None:
        """`printed` is part / whole * scale, rounded: (p - h) whole <= scale part <= (p + h) whole."""
        if printed is None:
            return
        low, high = printed.value - printed.half_unit, printed.value + printed.half_unit
        self.at_most.append((_sub(_scaled(whole, low), _scaled(part, scale)), 0.0))
        self.at_most.append((_sub(_scaled(part, scale), _scaled(whole, high)), 0.0))

    def knows(self, where: str, value: float) -> None:
        """A count the reader knows from outside the publication (a board's size, from the organisation's website):
        the sum of the cells printed at `where` ("W9 voting", for its groups' events) is `value`."""
        cells = self.cells.get(self.scope, {})
        self.equal.append((_sum(*(cells[f"{where} {g} events"] for g in self.groups)), value))

    def rounded(self, terms: dict[int, float], printed: float, step: int = 10) -> None:
        """`terms` printed rounded to the nearest `step` (halves up; never 0 for people): anything that rounds to it,
        halves included (an average headcount)."""
        if printed <= 0:
            low, high = 0.0, 0.0
        else:
            low, high = max(printed - step / 2, 0.5), printed + step / 2 - 0.5
        self.at_most.append((terms, high))
        self.at_most.append((_scaled(terms, -1.0), -low))

    def not_more(self, smaller: dict[int, float], larger: dict[int, float]) -> None:
        self.at_most.append((_sub(smaller, larger), 0.0))

    def ranges(self) -> dict[str, tuple[int, int | None]]:
        width = len(self.names)
        a_eq, b_eq = _rows(self.equal, width)
        a_ub, b_ub = _rows(self.at_most, width)
        out: dict[str, tuple[int, int | None]] = {}
        for where, terms in self.withheld.items():
            objective = _rows([(terms, 0.0)], width)[0][0]
            low = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            high = linprog(-objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None),
                           method="highs")
            assert low.status == 0, f"the published figures contradict the reader's relations: {low.message}"
            top = None if high.status == 3 else math.floor(-high.fun + 1e-6)
            out[where] = (math.ceil(low.fun - 1e-6), top)
        return out

    def narrow(self, threshold: int) -> dict[str, tuple[int, int | None]]:
        return {where: found for where, found in self.ranges().items()
                if found[1] is not None and found[1] - found[0] < threshold}


def _scaled(terms: dict[int, float], factor: float) -> dict[int, float]:
    return {i: c * factor for i, c in terms.items()}


def _sub(a: dict[int, float], b: dict[int, float]) -> dict[int, float]:
    out = dict(a)
    for i, c in b.items():
        out[i] = out.get(i, 0.0) - c
    return out


def _sum(*parts: dict[int, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for part in parts:
        for i, c in part.items():
            out[i] = out.get(i, 0.0) + c
    return out


def _rows(rows: list[tuple[dict[int, float], float]], width: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    if not rows:
        return None, None
    matrix = np.zeros((len(rows), width))
    for n, (terms, _) in enumerate(rows):
        for i, c in terms.items():
            matrix[n, i] = c
    return matrix, np.array([bound for _, bound in rows])


def _bands(reader: Reader, metric: dict, metric_id: str = "M1") -> dict[str, dict[int, float]]:
    groups = reader.groups
    columns: dict[str, dict[int, float]] = {g: {} for g in groups}
    for row in metric["bands"]:
        cells = {g: reader.unknown(f"{metric_id} {row['band']} {g}") for g in groups}
        total = _sum(*cells.values())
        for g in groups:
            reader.count(f"{metric_id} {row['band']} {g}", row[g], cells[g])
            reader.share(cells[g], total, row[f"{g}_pct"], 100.0)
            columns[g] = _sum(columns[g], cells[g])
        if "total" in row:  # the board pack prints each band's total
            reader.count(f"{metric_id} {row['band']} total", row["total"], total)
    everyone = _sum(*columns.values())
    overall = metric["overall"]
    for g in groups:
        reader.count(f"{metric_id} overall {g}", overall[g], columns[g])
        reader.share(columns[g], everyone, overall[f"{g}_pct"], 100.0)
    _quality(reader, metric_id, metric["data_quality"], everyone, columns[groups[2]])
    return columns


def _quality(reader: Reader, where: str, quality: dict, everyone: dict[int, float] | None,
             unknown: dict[int, float] | None) -> None:
    total_terms = everyone if everyone is not None else reader.unknown(f"{where} people")
    unknown_terms = unknown if unknown is not None else reader.unknown(f"{where} unknown people")
    if "total" in quality:
        reader.count(f"{where} data quality total", quality["total"], total_terms)
    if "unknown" in quality:
        reader.count(f"{where} data quality unknown", quality["unknown"], unknown_terms)
    reader.share(unknown_terms, total_terms, quality.get("unknown_pct"), 100.0)
    if "declared" in quality:  # the WDES's declaration rate: those declared, and their share
        reader.count(f"{where} data quality declared", quality["declared"], _sub(total_terms, unknown_terms))
        reader.share(_sub(total_terms, unknown_terms), total_terms, quality.get("declaration_rate"), 100.0)


def _groups(reader: Reader, where: str, groups: dict, bases: dict[str, dict[int, float]] | None,
            events_among_base: bool) -> tuple[dict[str, dict[int, float]], dict[str, dict[int, float]]]:
    made_bases: dict[str, dict[int, float]] = {}
    events: dict[str, dict[int, float]] = {}
    for g in reader.groups:
        figures = groups[g]
        base = bases[g] if bases is not None else reader.unknown(f"{where} {g} base")
        event = reader.unknown(f"{where} {g} events")
        reader.count(f"{where} {g} base", figures["base"], base)
        reader.count(f"{where} {g} events", figures["events"], event)
        reader.share(event, base, figures.get("rate"), 1.0)
        reader.share(event, base, figures.get("rate_pct"), 100.0)  # the board pack prints rates as % to 0.1
        if events_among_base:
            reader.not_more(event, base)
        made_bases[g], events[g] = base, event
    return made_bases, events


def reader_of(text: str) -> Reader:
    """Everything a reader can set up from one published JSON output of `python -m metrics --json --suppress`."""
    reader = Reader()
    published = _read(text)["metrics"]
    reader.groups = _roles(published).groups
    _read_scope(reader, published)
    return reader


def _withheld_copy(value: object) -> object:
    """The same output with every figure withheld: the shape of what nobody prints."""
    if isinstance(value, dict):
        return {k: v if k == "band" else _withheld_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_withheld_copy(v) for v in value]
    return None if isinstance(value, Number) else value


def _metrics_of(output: str | dict) -> dict:
    return _read(output)["metrics"] if isinstance(output, str) else output


def reader_of_together(whole: str | dict, services: dict[str, str] | dict[str, dict], *,
                       exhaustive: bool = False, sizes: dict[str, dict[str, Number | None]] | None = None) -> Reader:
    """A reader holding the whole organisation's output and each service's: a printed count of the whole is
    the sum of the same count in the services and in the people of no service (unknown to the reader, but
    related among themselves as any output's counts are). `exhaustive` when the parts are a breakdown's subgroups,
    which add up to the whole with nobody left over (the blanks are a subgroup, "Not recorded"); `sizes`, each
    part's printed size of each metric (rounded to 10: its base within the bounds that rounding allows)."""
    reader = Reader()
    reader.scope = "all services"
    reader.groups = _roles(_metrics_of(whole)).groups
    _read_scope(reader, _metrics_of(whole))
    for name, output in services.items():
        reader.scope = name
        _read_scope(reader, _metrics_of(output))
    # The people in no service, for the metrics the services print (the board pack prints only leaving by
    # service): for the others the whole stands alone.
    printed = {m for output in services.values() for m, figures in _metrics_of(output).items() if figures}
    reader.scope, reader.auditing = "no service", False
    _read_scope(reader, {m: f if m in printed else {} for m, f in _withheld_copy(_metrics_of(whole)).items()})
    parts = [n for n in [*services, *([] if exhaustive else ["no service"])]]
    for where, terms in reader.cells["all services"].items():
        if any(where in reader.cells.get(n, {}) for n in parts):
            reader.same(terms, _sum(*(reader.cells[n].get(where, {}) for n in parts)))
    for name, by_metric in (sizes or {}).items():
        for metric_id, size in by_metric.items():
            if size is not None:
                for terms in _size_terms(reader.cells.get(name, {}), metric_id, reader.groups):
                    reader.rounded(terms, size.value)
    return reader


def _size_terms(cells: dict[str, dict[int, float]], metric_id: str, groups: tuple[str, ...]) -> list[dict[int, float]]:
    """The counts a subgroup's size adds up: its groups' bases (each question's, for a survey of several, the size
    being the largest of them; the pay bands' staff in post)."""
    if f"{metric_id} overall {groups[0]}" in cells:
        return [_sum(*(cells[f"{metric_id} overall {g}"] for g in groups))]
    prefixes = {where[: -len(f" {groups[0]} base")] for where in cells
                if where.startswith(f"{metric_id} ") and where.endswith(f" {groups[0]} base")}
    return [_sum(*(cells[f"{prefix} {g} base"] for g in groups)) for prefix in sorted(prefixes)]


def subgroups_of_breakdown(output: str | dict) -> tuple[dict, dict[str, dict], dict[str, dict[str, Number | None]]]:
    """A published breakdown (the command line's `--json --by COLUMN --suppress N`) read as a reader would: the
    whole's figures, each subgroup's counts in the same shape (what its breakdown entries print), and each
    subgroup's printed sizes by metric."""
    published = _read(output) if isinstance(output, str) else output
    metrics = published["metrics"]
    roles = _roles(metrics)
    whole = {m: {k: v for k, v in figures.items() if not k.startswith("breakdown")} for m, figures in metrics.items()}
    subgroups: dict[str, dict] = {}
    sizes: dict[str, dict[str, Number | None]] = {}
    for metric_id, figures in metrics.items():
        for entry in figures.get("breakdown") or []:
            name = str(entry["subgroup"])
            shape = subgroups.setdefault(name, {m: {} for m in metrics})
            sizes.setdefault(name, {})[metric_id] = entry.get("size")
            counts = entry.get("counts") or {}
            asked = list(whole[metric_id].get("questions") or {})
            if entry.get("questions"):
                questions = {key: {"groups": q["counts"]} for key, q in entry["questions"].items()}
                shape[metric_id] = {"questions": questions, "data_quality": {}}
            elif counts and len(asked) == 1 and metric_id in roles.surveys:  # a survey of one question: its counts
                shape[metric_id] = {"questions": {asked[0]: {"groups": counts}}, "data_quality": {}}
            elif metric_id == roles.bands:
                row = {g: counts[g]["staff"] for g in roles.groups}
                pct = {f"{g}_pct": None for g in roles.groups}
                shape[metric_id] = {"bands": [{"band": "All staff", **row, **pct}], "overall": row | pct,
                                    "data_quality": {}}
            elif counts and metric_id == roles.board:
                shape[metric_id] = {"items": {"": {"groups": counts}}, "data_quality": {}}
            elif counts:
                shape[metric_id] = {"groups": counts, "data_quality": {}}
    return whole, subgroups, sizes


def reader_of_breakdown(output: str | dict) -> Reader:
    """A reader holding a published breakdown: the whole and every subgroup together, the subgroups adding up to
    the whole (nobody left over), each printed size bounding its subgroup's counts."""
    whole, subgroups, sizes = subgroups_of_breakdown(output)
    return reader_of_together(whole, subgroups, exhaustive=True, sizes=sizes)


def _read_scope(reader: Reader, published: dict) -> None:
    roles = _roles(published)
    groups = reader.groups = roles.groups
    focus, reference, unknown = groups
    pay = published.get(roles.bands) or {}
    staff = _bands(reader, pay, roles.bands) if pay.get("bands") else None
    headcount: dict[str, dict[int, float]] | None = None
    for metric_id in roles.staff_bases:  # one headcount, whichever metric prints it
        metric = published[metric_id]
        if metric.get("groups"):
            headcount = headcount or {g: reader.unknown(f"headcount {g}") for g in groups}
            bases, events = _groups(reader, metric_id, metric["groups"], headcount, True)
            _quality(reader, metric_id, metric["data_quality"], _sum(*bases.values()), bases[unknown])
            if metric_id == "M9":  # the minority-ethnic shares of senior managers and of the workforce
                reader.share(events["bme"], _sum(events["bme"], events["white"]), metric.get("senior_bme_pct"), 100.0)
                reader.share(bases["bme"], _sum(bases["bme"], bases["white"]), metric.get("workforce_bme_pct"), 100.0)
    if staff is not None and headcount is not None:
        for g in groups:
            reader.not_more(staff[g], headcount[g])  # the pay bands count staff in post
    for metric_id, among in roles.rates:
        metric = published[metric_id]
        if not metric.get("groups"):
            continue
        bases, events = _groups(reader, metric_id, metric["groups"], None, among)
        if metric.get("unit") == "percent":  # one group's percentage, printed as the headline value
            group = metric["group"]
            reader.share(events[group], bases[group], metric.get("value"), 100.0)
        if metric_id == "M4" and headcount is not None:
            for g in groups:
                reader.not_more(bases[g], headcount[g])  # regulated professionals are staff
        if metric_id == "M8" and headcount is not None:
            for g in groups:  # the average of the start and end headcounts: the start is not negative
                reader.not_more(headcount[g], _scaled(bases[g], 2.0))
        linked = metric_id != "M8"  # leaving's data quality counts the staff list's rows, not the average
        _quality(reader, metric_id, metric["data_quality"], _sum(*bases.values()) if linked else None,
                 bases[unknown] if linked else None)
    board_id = roles.board
    board = published.get(board_id) or {}
    items = board.get("items") or ({"": board} if board.get("groups") else {})
    workforce: dict[str, dict[int, float]] | None = None
    for key, item in items.items():
        if not item.get("groups"):
            continue
        # The board's workforce: staff in post (without bank workers under a standard that leaves them out of the
        # pay bands), so at most the headcount and at least the pay bands' staff.
        workforce = workforce or {g: reader.unknown(f"{board_id} workforce {g}") for g in groups}
        where = f"{board_id} {key}".strip()
        _, events = _groups(reader, where, item["groups"], workforce, False)
        reader.share(events[focus], _sum(events[focus], events[reference]), item.get(f"senior_{focus}_pct"), 100.0)
        reader.share(workforce[focus], _sum(workforce[focus], workforce[reference]),
                     item.get(f"workforce_{focus}_pct"), 100.0)
    if workforce is not None:
        _quality(reader, board_id, board.get("data_quality") or {}, _sum(*workforce.values()), workforce[unknown])
        for g in groups:
            if headcount is not None:
                reader.not_more(workforce[g], headcount[g])
            if staff is not None:
                reader.not_more(staff[g], workforce[g])
    for metric_id in roles.scores:
        metric = published.get(metric_id) or {}
        if not metric.get("groups"):
            continue
        respondents = {g: reader.unknown(f"{metric_id} {g} respondents") for g in groups}
        for g in groups:
            reader.count(f"{metric_id} {g} respondents", metric["groups"][g]["respondents"], respondents[g])
        everyone = _sum(*respondents.values())
        reader.count(f"{metric_id} overall respondents", (metric.get("overall") or {}).get("respondents"), everyone)
        _quality(reader, metric_id, metric.get("data_quality") or {}, everyone, respondents[unknown])
    for metric_id in roles.surveys:
        metric = published[metric_id]
        for key, question in (metric.get("questions") or {}).items():
            if question.get("groups"):
                _groups(reader, f"{metric_id} {key}", question["groups"], None, True)
        # The survey's data-quality line counts everyone who answered any question, not one question's base.
        _quality(reader, metric_id, metric.get("data_quality") or {}, None, None)


# --- the board pack's workbook, as published -------------------------------------------------------------

WITHHELD = "withheld"
_GROUP_ROWS = {"White": "white", "Unknown": "unknown"}  # anything else in the Group column is the BME label


def _number(value: object) -> Number | None:
    if value is None or value == WITHHELD:
        return None
    if isinstance(value, float) and value.is_integer():
        return Number(str(int(value)))
    return Number(repr(value) if isinstance(value, float) else str(value))


def _tables(rows: list[tuple]) -> list[tuple[list[str], list[tuple]]]:
    """Each table of a sheet: a header row of strings, then rows until a blank or a one-cell row."""
    out = []
    n = 0
    while n < len(rows):
        row = [v for v in rows[n] if v is not None]
        if len(row) >= 3 and all(isinstance(v, str) for v in row):
            body = []
            n += 1
            while n < len(rows) and len([v for v in rows[n] if v is not None]) >= 2:
                body.append(rows[n])
                n += 1
            out.append(([str(v) for v in rows[n - len(body) - 1] if v is not None], body))
        else:
            n += 1
    return out


def _group(label: object) -> str:
    return _GROUP_ROWS.get(str(label), "bme")


def _rate_table(header: list[str], body: list[tuple], base: str, events: str, rate: str) -> dict:
    at = {name: header.index(name) for name in (base, events, rate)}
    groups = {}
    for row in body:
        groups[_group(row[header.index("Group")])] = {"base": _number(row[at[base]]),
                                                     "events": _number(row[at[events]]),
                                                     "rate_pct": _number(row[at[rate]])}
    return groups


def structures_of_workbook(path: str) -> tuple[dict, dict[str, dict]]:
    """The board pack's workbook read as the command line's JSON shape: the whole organisation's figures, and
    each service's where the pack prints them (the leaving table, by service)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    whole: dict = {m: {} for m in ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9")}
    services: dict[str, dict] = {}
    for sheet in book.worksheets:
        metric = sheet.title.split(" ")[0]
        if metric not in whole:
            continue
        for header, body in _tables(list(sheet.iter_rows(values_only=True))):
            if header[0] == "Pay band":
                bands = []
                for row in body:
                    cells = dict(zip(header, row, strict=False))
                    entry = {"band": cells["Pay band"]}
                    for g, label in zip(GROUPS, header[1:4], strict=True):
                        entry[g] = _number(cells[label])
                    entry["total"] = _number(cells[header[4]])
                    for g, label in zip(GROUPS, header[5:8], strict=True):
                        entry[f"{g}_pct"] = _number(cells[label])
                    bands.append(entry)
                overall = next(b for b in bands if b["band"] == "All staff")
                whole["M1"] = {"bands": [b for b in bands if b is not overall],
                               "overall": {k: v for k, v in overall.items() if k not in ("band", "total")},
                               "data_quality": {"total": overall["total"]}}
            elif header[:2] == ["Group", header[1]] and len(header) == 4 and header[0] == "Group":
                whole[metric] = {"groups": _rate_table(header, body, header[1], header[2], header[3]),
                                 "data_quality": {}}
            elif header[0] == "Question":
                questions: dict = {}
                for row in body:
                    question = questions.setdefault(str(row[0]), {"groups": {}, "data_quality": {}})
                    question["groups"] |= _rate_table(header, [row], "Respondents", "Said yes", "% saying yes")
                whole[metric] = {"questions": questions, "data_quality": {}}
            elif header[0] == "Service":
                for name in dict.fromkeys(str(row[0]) for row in body):
                    groups = _rate_table(header, [r for r in body if str(r[0]) == name], "Average headcount",
                                         "Leavers", "Leaving rate (%)")
                    if name == "All services":
                        whole["M8"] = {"groups": groups, "data_quality": {}}
                    else:
                        services.setdefault(name, {m: {} for m in whole})["M8"] = {"groups": groups,
                                                                                  "data_quality": {}}
    return whole, services


WHERE_IT_SITS = "Where it sits"


def structures_of_where_it_sits(path: str) -> tuple[dict[str, dict], dict[str, dict[str, Number | None]]]:
    """The board pack's "Where it sits" sheet read as a reader would: each subgroup's counts by metric in the
    command line's JSON shape (a survey's by question label, as the metric sheets print them), and each subgroup's
    printed size by metric. Empty when the pack has no such sheet."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    # "Where it sits by service": the sheet is named for the column it breaks the metrics down by.
    name = next((n for n in book.sheetnames if n.startswith(WHERE_IT_SITS)), None)
    if name is None:
        return {}, {}
    metrics = ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9")
    subgroups: dict[str, dict] = {}
    sizes: dict[str, dict[str, Number | None]] = {}
    metric = ""
    rows = [tuple(None if v == "" else v for v in row) for row in book[name].iter_rows(values_only=True)]
    n = 0
    while n < len(rows):
        row = rows[n]
        first = row[0] if row else None
        if isinstance(first, str) and first.split(" ")[0] in metrics and all(v is None for v in row[1:]):
            metric = first.split(" ")[0]  # a metric's heading: "M2 Appointment from shortlisting by service"
        elif metric and len(row) > 1 and row[1] in ("Size", "Group", "Question"):  # a table's header
            header = [str(v) for v in row if v is not None]
            body = []
            n += 1
            while n < len(rows) and any(v is not None for v in rows[n]):
                body.append(rows[n])
                n += 1
            _where_table(metric, header, body, subgroups, sizes)
            continue
        n += 1
    return subgroups, sizes


def _where_table(metric: str, header: list[str], body: list[tuple], subgroups: dict[str, dict],
                 sizes: dict[str, dict[str, Number | None]]) -> None:
    at = {name: header.index(name) for name in header}
    name = ""
    if "Size" in at:  # the figures table: each subgroup's size (on its first row; a survey's other questions' blank)
        for row in body:
            name = str(row[0]) if row[0] not in (None, "") else name
            if row[at["Size"]] not in (None, ""):
                sizes.setdefault(name, {})[metric] = _number(row[at["Size"]])
        return
    for row in body:
        name = str(row[0])
        shape = subgroups.setdefault(name, {m: {} for m in ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9")})
        group = _group(row[at["Group"]])
        if "Staff in post" in at:
            count = _number(row[at["Staff in post"]])
            entry = shape[metric] or {"bands": [{"band": "All staff"}], "overall": {}, "data_quality": {}}
            entry["bands"][0] |= {group: count, f"{group}_pct": None}
            entry["overall"] |= {group: count, f"{group}_pct": None}
            shape[metric] = entry
            continue
        base, events = header[-2], header[-1]
        figures = {"base": _number(row[at[base]]), "events": _number(row[at[events]])}
        if "Question" in at:
            entry = shape[metric] or {"questions": {}, "data_quality": {}}
            question = entry["questions"].setdefault(str(row[at["Question"]]), {"groups": {}, "data_quality": {}})
            question["groups"][group] = figures
        else:
            entry = shape[metric] or {"groups": {}, "data_quality": {}}
            entry["groups"][group] = figures
        shape[metric] = entry


def _merge(one: object, other: object) -> object:
    """Two readings of the same figures (the leaving table by service and the Where it sits sheet): what either
    prints."""
    if isinstance(one, dict) and isinstance(other, dict):
        return {k: _merge(one.get(k), other.get(k)) for k in dict.fromkeys([*one, *other])}
    return one if one is not None else other


def _questions_as(whole: dict, metric: dict) -> dict:
    """A subgroup's survey figures keyed by the whole's question labels (the sheets capitalise them differently)."""
    asked = {key.lower(): key for key in (whole.get("questions") or {})}
    mine = metric.get("questions") or {}
    if not mine or not asked:
        return metric
    if len(mine) == 1 and len(asked) == 1:  # one question: the same, however labelled
        return metric | {"questions": {next(iter(asked.values())): next(iter(mine.values()))}}
    return metric | {"questions": {asked.get(key.lower(), key): q for key, q in mine.items()}}


def structures_of_pack(path: str) -> tuple[dict, dict[str, dict], dict[str, dict[str, Number | None]], bool]:
    """The published board pack's workbook as a reader holds it: the whole organisation's figures, each part's
    (the leaving table's services and the Where it sits sheet's subgroups, one reading where they are the same),
    each part's printed sizes, and whether the parts are a breakdown (adding up to the whole, nobody left over)."""
    whole, services = structures_of_workbook(path)
    subgroups, sizes = structures_of_where_it_sits(path)
    parts: dict[str, dict] = {}
    for name in dict.fromkeys([*services, *subgroups]):
        merged = _merge(services.get(name) or {}, subgroups.get(name) or {})
        assert isinstance(merged, dict)
        parts[name] = {m: _questions_as(whole.get(m) or {}, f or {}) for m, f in merged.items()}
    return whole, parts, sizes, bool(subgroups)
