"""Sheets in, canonical frames and a report out: the loading behind pipeline.api.read_sources and read_paths."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pandas as pd

from data_loaders.errors import InputError
from data_loaders.report import LoadedData, RawSheet, SheetReport
from data_loaders.schema import CASE_TYPES, SCHEMAS, normalise_heading
from data_loaders.tables import AMBIGUOUS, SheetError, SheetTable, canonical_dtype, read_table


def load_sheets(
    sheets: list[RawSheet],
    *,
    dataset: str | None = None,
    mapping: dict[str, str] | None = None,
    mappings: Mapping[str, Mapping[str, str]] | None = None,
    required: tuple[tuple[str, ...], ...] | None = None,
) -> LoadedData:
    """Recognise and read every sheet; sheets of the same dataset are put together.

    `dataset` says what every sheet holds (otherwise each sheet's name or headings say);
    `mapping` ({canonical column: heading as written}) overrides the headings recognised
    and needs `dataset`; `mappings` does the same per dataset ({dataset: mapping}), for
    sheets whose dataset is recognised. `required`, with `dataset`, replaces the columns the
    dataset requires (the pay gaps read a payroll export as staff data with no ethnicity).
    """
    if required is not None and dataset is None:
        raise ValueError("the required columns can only be changed for a dataset that is given")
    _check_dataset(dataset)
    if mapping and dataset is None:
        raise ValueError("a mapping of columns needs the dataset it is for")
    per_dataset = dict(mappings or {})
    for name in per_dataset:
        _check_dataset(name)
    if dataset and mapping:
        per_dataset[dataset] = mapping
    tables, warnings = _read_sheets(sheets, dataset, per_dataset, required)
    return _assemble(tables, warnings)


def _check_dataset(dataset: str | None) -> None:
    if dataset is not None and dataset not in SCHEMAS:
        raise ValueError(f"unknown dataset {dataset!r}; the datasets are {tuple(SCHEMAS)}")


def _read_sheets(
    sheets: list[RawSheet], dataset: str | None, mappings: Mapping[str, Mapping[str, str]],
    required: tuple[tuple[str, ...], ...] | None = None,
) -> tuple[list[SheetTable], list[str]]:
    """Read one file's sheets. Raises the first error that leaves a dataset unusable."""
    if not sheets:
        raise InputError("there are no sheets to read", advice="Check that the right file was chosen.")
    read: list[SheetTable | SheetError] = []
    for sheet in sheets:
        try:
            read.append(read_table(sheet, dataset=dataset, mappings=mappings, required=required))
        except SheetError as error:
            read.append(error)
    loaded = {t.dataset for t in read if isinstance(t, SheetTable) and t.frame is not None}
    tables: list[SheetTable] = []
    warnings: list[str] = []
    for sheet, outcome in zip(sheets, read, strict=True):
        if isinstance(outcome, SheetTable):
            tables.append(outcome)
            if outcome.frame is None and (outcome.report.ignored or "").startswith(AMBIGUOUS):
                warnings.append(f"{outcome.report.label}: not used: {outcome.report.ignored}.")
            continue
        # A second sheet that fails (a summary beside the list, an empty template sheet for
        # data the council does not keep) must not stop the data that did load.
        spare = outcome.dataset in loaded or (outcome.no_rows and loaded and dataset is None)
        if not spare:
            raise outcome
        report = SheetReport(sheet.file, sheet.name, dataset=outcome.dataset, ignored=outcome.problem)
        tables.append(SheetTable(None, None, report))
        warnings.append(f"{report.label}: not used: {outcome.message}")
    if not loaded:
        reasons = "; ".join(f"'{t.report.sheet}': {t.report.ignored}" for t in tables)
        raise InputError(
            f"no sheet holds data that could be recognised ({reasons})",
            file=sheets[0].file,
            advice=(
                "Each sheet of data needs one row of headings above its rows, such as 'Employee ID', "
                "'Ethnicity' and 'Pay Band'; or choose the dataset and which column holds what."
            ),
        )
    return tables, warnings


def _assemble(tables: list[SheetTable], warnings: list[str]) -> LoadedData:
    frames: dict[str, list[pd.DataFrame]] = {}
    sources: dict[str, list[str]] = {}
    for table in tables:
        if table.dataset is not None and table.frame is not None:
            for dataset, frame in split_case_log(table.dataset, table.frame, table.report.notes):
                frames.setdefault(dataset, []).append(frame)
                sources.setdefault(dataset, []).append(table.report.label)
    if len(sources.get("staff", [])) > 1:
        warnings.append(
            f"staff rows from {len(sources['staff'])} sheets were put together ({'; '.join(sources['staff'])}): "
            "if they are snapshots at different dates, load them one at a time"
        )
    datasets = {name: _concat(name, parts) for name, parts in frames.items()}
    return LoadedData(datasets=datasets, sheets=[t.report for t in tables], warnings=warnings)


def _concat(dataset: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    # A column one sheet lacks is blank for its rows, in the column's canonical dtype.
    columns = [c for c in SCHEMAS[dataset].column_names if any(c in frame.columns for frame in frames)]
    aligned = [
        frame.assign(**{
            c: pd.Series(index=frame.index, dtype=canonical_dtype(dataset, c)) for c in columns if c not in frame
        })[columns]
        for frame in frames
    ]
    return concat_records(aligned)


def concat_records(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of one dataset, one after another. A categorical column stays categorical, over
    every frame's labels: pandas would otherwise fall back to object when the labels differ."""
    categorical = {c for frame in frames for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)}
    unions: dict[Hashable, pd.CategoricalDtype] = {}
    for column in categorical:
        labels = [frame[column].cat.categories if isinstance(frame[column].dtype, pd.CategoricalDtype)
                  else pd.Index(frame[column].dropna().astype("str").unique())
                  for frame in frames if column in frame.columns]
        unions[column] = pd.CategoricalDtype(pd.Index(pd.unique(pd.concat([pd.Series(i, dtype="str") for i in labels])),
                                                      dtype="str"))
    recast = [frame.astype({c: unions[c] for c in unions if c in frame.columns}) for frame in frames]
    return pd.concat(recast, ignore_index=True)


# --- an employee relations case log, split by case type ------------------------------------------------------


def case_log_dataset(case_type: object) -> tuple[str | None, str]:
    """The dataset a case type is of (CASE_TYPES), or None, and the words after the type's own ("Capability - Ill
    Health": "capability", "Ill Health"), which say the reason where the log has none of its own."""
    if not isinstance(case_type, str):
        return None, ""
    key = normalise_heading(case_type)
    for dataset, types in CASE_TYPES.items():
        for known in sorted(types, key=len, reverse=True):
            if key == known or key.startswith(known + " "):
                return dataset, key[len(known):].strip()
    return None, ""


def split_case_log(dataset: str, frame: pd.DataFrame, notes: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """The datasets a sheet's rows are: its own; or, for a disciplinary or capability list with a case type column
    (an employee relations case log), the rows of each type in the dataset it is of (disciplinary cases in the
    disciplinary data, capability cases in the capability data), and a note in `notes` saying how many rows went
    to each and how many were of neither (grievances, a blank type), which are not used. A capability case whose
    reason is blank takes the reason its type gives ("Capability - Ill Health"), and the note says how many."""
    if dataset not in CASE_TYPES or "case_type" not in frame.columns:
        return [(dataset, frame)]
    types = frame["case_type"].astype("str")
    read = {value: case_log_dataset(value) for value in types.dropna().unique()}
    of = types.map(lambda value: read[value][0] if isinstance(value, str) else None)
    parts: list[tuple[str, pd.DataFrame]] = []
    said: list[str] = []
    for name in CASE_TYPES:
        rows = (of == name).to_numpy(dtype=bool)
        words = SCHEMAS[name].short_title.lower()
        if not rows.any():
            said.append(f"none of a {name} type, so it gives no {words.split(' ', 1)[1]}")
            continue
        part = frame[rows].reset_index(drop=True)
        if name == "capability":
            part = _reason_from_type(part, {value: rest for value, (_, rest) in read.items()}, notes)
        parts.append((name, part))
        said.append(f"{int(rows.sum()):,} {words}")
    neither = of.isna().to_numpy(dtype=bool)
    if neither.any():
        kinds = types[neither].fillna("(blank)").value_counts(sort=True)
        shown = ", ".join(f"{kind} {count:,}" for kind, count in kinds.items())
        said.append(f"{int(neither.sum()):,} of other types ({shown}), not used")
    notes.insert(0, f"a case log of {len(frame):,} rows, split by its case type: " + "; ".join(said))
    return parts


def _reason_from_type(cases: pd.DataFrame, rest: dict[str, str], notes: list[str]) -> pd.DataFrame:
    """Capability cases with a blank reason given the reason their type says, where it says one."""
    reason = cases["reason"].astype("str") if "reason" in cases.columns else pd.Series(pd.NA, index=cases.index,
                                                                                         dtype="str")
    said = cases["case_type"].astype("str").map(lambda value: rest.get(value, "") if isinstance(value, str) else "")
    fill = reason.isna() & said.ne("")
    if not fill.any():
        return cases
    notes.append(f"{int(fill.sum()):,} capability cases with no reason of their own take it from their case type "
                 "(e.g. 'Capability - Ill Health' is ill health)")
    return cases.assign(reason=reason.mask(fill, said).astype("category"))
