"""Where the disproportionality sits, by ethnic group: each metric for each Census 2021 high-level group (Asian,
Black, Mixed, Other ethnic group, and White minorities) against the reference group, or for each detailed Census
category (Indian, Pakistani, African, Caribbean...), and either by the value of another column (Black women against
White British women).

The reference (Settings.ethnic_group_reference) is White British staff ("white_british") or all White staff
("white"). A group's figure is the metric counted with that group as the minority-ethnic side and the reference as
the White side, everyone else left out: the records filtered to the group's rows and the reference's, one filter more
(metrics.breakdown's rule), and counted by figures_from_records, so a subgroup's figure is, by construction, the
metric on those rows. Under "white_british" the rows are counted with White minorities as minority ethnic
(Settings.white_minorities_as_bme), so that the White minorities' own subgroup has them on the minority side; the
filter keeps every other group out. Under "white" the White minorities are part of the reference and have no subgroup.

A row's ethnicity is its own (an applicant's, a respondent's, a case's where the case data records it), else its
staff record's, by employee number: the rule the headline figures follow (metrics.records). Rows known to be
minority ethnic with no high-level group (a label the organisation classified only as "bme") are the subgroup
MINORITY_NOT_RECORDED; rows whose ethnicity is not known are in no subgroup, and a note says how many.

With the detailed categories, a category with fewer people counted on its minority side than Settings.min_group_size
is combined with the other small ones of its high-level group ("Other Asian groups (combined)"), per metric, and a
note lists what was combined; crossed with a column, the categories are combined as they are without it, so that
each category is the same people in every value of the column. The adjusted intervals are Bonferroni's over the
subgroups with a value, as for any breakdown.

Pure: no Streamlit, no files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_loaders.comparison import ETHNICITY
from data_loaders.ethnicity import (
    ASIAN,
    BLACK,
    CENSUS_2021_CATEGORIES,
    MIXED,
    OTHER,
    WHITE,
    WHITE_BRITISH,
    WHITE_BRITISH_REFERENCE,
    WHITE_REFERENCE,
    classify_census,
)
from metrics.breakdown import (
    Breakdown,
    assemble,
    breakdown_columns,
    datasets_read,
    label_rows,
    values_found,
)
from metrics.counting.common import staff_rows
from metrics.counts import FigureSet
from metrics.records import assumed_period_end, figures_from_records
from metrics.registry import STANDARDS, MetricDefinition, metrics_of
from metrics.results import MetricResult, compute_results
from metrics.settings import Settings

__all__ = ["COLUMN", "DETAILED_COLUMN", "ETHNIC_GROUP", "ETHNIC_GROUP_DETAILED", "MINORITY_NOT_RECORDED",
           "REFERENCE_PEOPLE", "SUBGROUP_NAMES", "WHITE_MINORITIES", "combined_name", "ethnic_choice",
           "ethnic_group_breakdown",
           "ethnicity_sources"]

# The choices, as the command line's --by spells them.
ETHNIC_GROUP = "ethnic-group"
ETHNIC_GROUP_DETAILED = "ethnic-group-detailed"
# The Breakdown's column: what the subgroups are values of.
COLUMN = "ethnic_group"
DETAILED_COLUMN = "ethnic_group_detailed"

WHITE_MINORITIES = "White minorities"
MINORITY_NOT_RECORDED = "Minority ethnic, group not recorded"
# The high-level groups compared, by their subgroup names, in the Census's order.
SUBGROUP_NAMES: dict[str, str] = {ASIAN: "Asian", BLACK: "Black", MIXED: "Mixed", OTHER: "Other ethnic group",
                                  WHITE: WHITE_MINORITIES}
_COMBINED_NAMES: dict[str, str] = {ASIAN: "Other Asian groups (combined)", BLACK: "Other Black groups (combined)",
                                   MIXED: "Other Mixed groups (combined)", OTHER: "Other ethnic groups (combined)",
                                   WHITE: "Other White groups (combined)"}
_REFERENCE_WORDS = {WHITE_BRITISH_REFERENCE: "White British", WHITE_REFERENCE: "White"}
REFERENCE_PEOPLE = {WHITE_BRITISH_REFERENCE: "White British staff",
                    WHITE_REFERENCE: "all White staff, White minorities included"}

# The columns the filters read: each row's ethnic group (or the reference's mark), and its value of `within`. Not
# columns of any dataset, so they cannot clash with one.
_ETHNIC = "__ethnic_group__"
_WITHIN = "__ethnic_group_within__"
_REFERENCE = "__reference__"


def ethnic_choice(by: str) -> tuple[bool, str | None] | None:
    """(detailed, the column crossed with) when `by` chooses the ethnic groups ('ethnic-group',
    'ethnic-group-detailed,sex', as the command line's --by and the Where it sits chooser spell them); None for a
    column."""
    first, _, within = by.partition(",")
    if first not in (ETHNIC_GROUP, ETHNIC_GROUP_DETAILED):
        return None
    return first == ETHNIC_GROUP_DETAILED, within or None


def combined_name(high_level: str) -> str:
    """The subgroup of a high-level group's small categories, combined: 'Other Asian groups (combined)'."""
    return _COMBINED_NAMES[high_level]


def _not_said_which(high_level: str) -> str:
    return f"{SUBGROUP_NAMES[high_level]} (not said which)"


@dataclass(frozen=True)
class _Labels:
    """Each dataset's rows' ethnic group: high-level and detailed subgroup names (None: in no subgroup), the
    reference marked _REFERENCE; which rows are White but not said to be White British (in no subgroup under White
    British as the reference); each detailed name's high-level group."""

    high: dict[str, np.ndarray]
    detailed: dict[str, np.ndarray]
    white_not_said: dict[str, np.ndarray]
    high_level_of: dict[str, str]


def _own_or_staff(name: str, frame: pd.DataFrame, staff: pd.DataFrame | None) -> np.ndarray | None:
    """Each row's ethnicity as written: its own where the dataset records it and the row has one, else its staff
    record's by employee number (metrics.records' rule); None when the dataset can take neither."""
    own = frame["ethnicity"].astype(object).to_numpy() if "ethnicity" in frame.columns else None
    joinable = (name != "staff" and staff is not None and "employee_id" in frame.columns
                and "employee_id" in staff.columns and "ethnicity" in staff.columns)
    if not joinable:
        return own
    assert staff is not None
    rows = staff_rows(frame["employee_id"], staff["employee_id"])
    theirs = staff["ethnicity"].astype(object).to_numpy()
    values = np.full(len(frame), None, dtype=object) if own is None else own.copy()
    take = (rows >= 0) & pd.isna(pd.Series(values, dtype=object)).to_numpy(dtype=bool)
    values[take] = theirs[rows[take]]
    return values


def ethnicity_sources(datasets: Mapping[str, pd.DataFrame], definition: MetricDefinition) -> str | None:
    """Where each dataset the metric reads takes a row's ethnicity from, in words; None when one cannot (or the
    metric reads no loaded dataset)."""
    staff = datasets.get("staff")
    read = [name for name in datasets_read(definition) if name in datasets]
    if not read:
        return None
    words: list[str] = []
    for name in read:
        frame = datasets[name]
        own = "ethnicity" in frame.columns
        joined = (name != "staff" and staff is not None and "employee_id" in frame.columns
                  and "employee_id" in staff.columns and "ethnicity" in staff.columns)
        dataset = name.replace("_", " ")
        if name == "staff" and own:
            words.append("staff: the staff list's 'ethnicity'")
        elif own and joined:
            words.append(f"{dataset}: the {dataset} data's own 'ethnicity', else the staff list's by employee number")
        elif own:
            words.append(f"{dataset}: the {dataset} data's own 'ethnicity'")
        elif joined:
            words.append(f"{dataset}: the staff list's 'ethnicity', by employee number")
        else:
            return None
    return "; ".join(words)


def _labels(datasets: Mapping[str, pd.DataFrame], settings: Settings) -> _Labels:
    reference = settings.ethnic_group_reference
    staff = datasets.get("staff")
    high: dict[str, np.ndarray] = {}
    detailed: dict[str, np.ndarray] = {}
    white_not_said: dict[str, np.ndarray] = {}
    high_level_of: dict[str, str] = {}
    for name, frame in datasets.items():
        raw = _own_or_staff(name, frame, staff)
        if raw is None:
            continue
        classified = classify_census(pd.Series(raw, dtype=object), overrides=settings.ethnicity_overrides)
        level = classified["high_level"]
        known = classified["group"].ne("unknown").to_numpy(dtype=bool)
        has_level = level.notna().to_numpy(dtype=bool)
        white = known & level.eq(WHITE).fillna(False).to_numpy(dtype=bool)
        in_reference = white & (classified["category"].eq(WHITE_BRITISH).fillna(False).to_numpy(dtype=bool)
                                | (reference == WHITE_REFERENCE))
        white_minority = white & ~in_reference & classified["white_minority"].to_numpy(dtype=bool)
        unsaid = white & ~in_reference & ~white_minority  # "White" alone: perhaps White British, perhaps not
        minority = known & has_level & ~white
        # A category's name without its high-level group ("Indian"); a group named alone, "Asian (not said which)".
        # (Mapped once per distinct label: a column of blanks is no text for .str to split.)
        categories = classified["category"].astype(object)
        short = categories.map({c: c.split(": ", 1)[1] for c in categories.dropna().unique() if ": " in c})
        said = level.astype(object).map({h: _not_said_which(h) for h in level.dropna().unique()})
        detail = short.where(short.notna(), said).to_numpy(dtype=object)
        high_names = np.full(len(frame), None, dtype=object)
        high_names[known & ~has_level] = MINORITY_NOT_RECORDED
        high_names[in_reference] = _REFERENCE
        high_names[white_minority] = WHITE_MINORITIES
        high_names[minority] = level[minority].map(SUBGROUP_NAMES).to_numpy(dtype=object)
        detail_names = high_names.copy()
        named = white_minority | minority
        detail_names[named] = detail[named]
        for h, d in zip(level[named].astype(object), detail[named], strict=True):
            high_level_of[str(d)] = str(h)
        high[name], detailed[name], white_not_said[name] = high_names, detail_names, unsaid
    return _Labels(high, detailed, white_not_said, high_level_of)


def _order(names: set[str], high_level_of: Mapping[str, str]) -> list[str]:
    """Subgroup names in the Census's order: by high-level group, each group's categories in the Census's order (a
    group named alone, then the combined, after them); MINORITY_NOT_RECORDED last."""
    levels = list(SUBGROUP_NAMES)
    categories = {c.split(": ", 1)[1]: i for i, c in enumerate(CENSUS_2021_CATEGORIES)}
    by_high = {v: k for k, v in SUBGROUP_NAMES.items()}
    combined = {v: k for k, v in _COMBINED_NAMES.items()}

    def key(name: str) -> tuple[int, int, str]:
        if name == MINORITY_NOT_RECORDED:
            return (len(levels), 0, name)
        if name in by_high:
            return (levels.index(by_high[name]), 0, name)
        if name in combined:
            return (levels.index(combined[name]), len(categories) + 2, name)
        level = high_level_of.get(name, OTHER)
        return (levels.index(level), categories.get(name, len(categories) + 1), name)

    return sorted(names, key=key)


def _focus_size(result: MetricResult) -> float:
    """The people counted on the minority-ethnic side: the size the detailed categories are combined by."""
    focus = ETHNICITY.focus.key
    if result.overall is not None:
        return float(result.overall.counts.get(focus) or 0)
    if len(result.questions) > 1:
        return max((_focus_size(q) for q in result.questions.values()), default=0.0)
    figures = result.groups.get(focus)
    return float(figures.base or 0) if figures is not None else 0.0


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def ethnic_group_breakdown(datasets: Mapping[str, pd.DataFrame], settings: Settings = Settings(), *,
                           detailed: bool = False, within: str | None = None,
                           filters: Mapping[str, list[str]] | None = None, organisation: str = "",
                           today: dt.date | None = None) -> dict[str, Breakdown]:
    """Each metric of the settings' standard by ethnic group against the reference (Settings.ethnic_group_reference):
    the high-level groups, or with `detailed` the Census categories (small ones combined); with `within`, a column
    breakdown_columns offers (sex, disability...), each group with each value of it against the reference with the
    same value ("Black, Female" against White British women). `filters` as figures_from_records. A metric is broken
    down when every dataset it reads that was loaded has an ethnicity (its own or its staff record's) and, with
    `within`, that column. ValueError, saying what to do, for a standard that does not compare ethnic groups or a
    `within` that is filtered on."""
    comparison = STANDARDS[settings.standard].comparison
    if comparison is not ETHNICITY:
        name = STANDARDS[settings.standard].name
        raise ValueError(f"the metrics by ethnic group need a race equality standard: {name} compares people by "
                         f"{comparison.key}, not by ethnic group; choose the WRES or the SC-WRES")
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    if within is not None and within in filters:
        raise ValueError(f"the figures are filtered by '{within}', so they cannot be broken down by it")
    if settings.period_end is None:
        settings = settings.with_(period_end=assumed_period_end(datasets, today=today).end)
    reference = settings.ethnic_group_reference
    definitions: dict[str, tuple[MetricDefinition, str]] = {}
    for metric_id, definition in metrics_of(settings.standard).items():
        source = ethnicity_sources(datasets, definition)
        if source is None:
            continue
        source = f"ethnicity: {source}"
        if within is not None:
            within_source = breakdown_columns(datasets, definition).get(within)
            if within_source is None:
                continue
            source += f"; {within.replace('_', ' ')}: {within_source}"
        definitions[metric_id] = (definition, source)
    if not definitions:
        return {}

    whole_figures = figures_from_records(datasets, settings, organisation=organisation, filters=filters, today=today)
    whole = compute_results(whole_figures, settings)
    labels = _labels(datasets, settings)
    chosen = labels.detailed if detailed else labels.high
    labelled = {name: frame.assign(**{_ETHNIC: pd.Series(chosen[name], index=frame.index, dtype=object)})
                if name in chosen else frame for name, frame in datasets.items()}
    values: list[str | None] = [None]
    if within is not None:
        labelled = label_rows(labelled, within, into=_WITHIN)
        values = list(values_found(labelled, _WITHIN))
    # White minorities on the minority side of their own subgroup; the filter keeps them out of every other.
    counting = settings.with_(white_minorities_as_bme=reference == WHITE_BRITISH_REFERENCE)
    runs: dict[tuple[frozenset[str], str | None], tuple[FigureSet, dict[str, MetricResult]]] = {}

    def run(members: frozenset[str], value: str | None) -> tuple[FigureSet, dict[str, MetricResult]]:
        if (members, value) not in runs:
            extra = {_ETHNIC: sorted(members | {_REFERENCE})} | ({_WITHIN: [value]} if value is not None else {})
            figures = figures_from_records(labelled, counting, organisation=organisation, filters=filters | extra,
                                           today=today)
            runs[(members, value)] = (figures, compute_results(figures, counting))
        return runs[(members, value)]

    found = {str(v) for array in chosen.values() for v in array if v is not None and v != _REFERENCE}
    names = _order(found, labels.high_level_of)
    column = (DETAILED_COLUMN if detailed else COLUMN) + (f",{within}" if within is not None else "")
    out: dict[str, Breakdown] = {}
    for metric_id, (definition, source) in definitions.items():
        if metric_id not in whole_figures.available:
            continue
        read = [name for name in datasets_read(definition) if name in datasets]
        notes = _notes(labels, read, reference, settings, within)
        groups: list[tuple[str, frozenset[str]]] = [(n, frozenset({n})) for n in names]
        if detailed:
            sizes = {name: _focus_size(found_result) if (found_result := run(members, None)[1].get(metric_id))
                     else 0.0 for name, members in groups}
            groups, combined_note = _combine(groups, labels.high_level_of, settings.min_group_size, sizes)
            notes += combined_note
        parts: list[tuple[str, FigureSet, Mapping[str, MetricResult]]] = []
        for group, members in groups:
            for value in values:
                figures, results = run(members, value)
                if metric_id in results and _focus_size(results[metric_id]) > 0:
                    parts.append((group if value is None else f"{group}, {value}", figures, results))
        out[metric_id] = assemble(metric_id, column, source, whole_figures, whole, parts, counting, notes)
    return out


def _combine(groups: list[tuple[str, frozenset[str]]], high_level_of: Mapping[str, str], minimum: int,
             sizes: Mapping[str, float]) -> tuple[list[tuple[str, frozenset[str]]], list[str]]:
    """The detailed categories for one metric: those with `minimum` people or more on the minority side alone, the
    smaller ones (with anyone) combined per high-level group, and a note listing what was combined."""
    kept: list[tuple[str, frozenset[str]]] = []
    small: dict[str, list[str]] = {}
    for name, members in groups:
        level = high_level_of.get(name)
        if level is None or sizes[name] >= minimum or sizes[name] == 0:
            kept.append((name, members))  # MINORITY_NOT_RECORDED has no group to join; an empty one is dropped later
        else:
            small.setdefault(level, []).append(name)
    notes: list[str] = []
    for level, smaller in small.items():
        name = combined_name(level)
        kept.append((name, frozenset(smaller)))
        listed = ", ".join(f"{m} ({sizes[m]:,.0f})" for m in smaller)
        notes.append(f"{name}: the {SUBGROUP_NAMES[level]} categories with fewer than {minimum} people counted on "
                     f"the minority-ethnic side, combined: {listed}.")
    order = _order({n for n, _ in kept}, high_level_of)
    by_name = dict(kept)
    return [(n, by_name[n]) for n in order], notes


def _notes(labels: _Labels, read: Sequence[str], reference: str, settings: Settings, within: str | None) -> list[str]:
    notes = [f"Each group is compared with {REFERENCE_PEOPLE[reference]}, the reference; everyone else is left out "
             "of its figure."]
    if within is not None:
        words = within.replace("_", " ")
        notes.append(f"A subgroup 'GROUP, VALUE' is the group's people whose {words} is VALUE compared with the "
                     f"{_REFERENCE_WORDS[reference]} people whose {words} is VALUE (Black women with "
                     f"{_REFERENCE_WORDS[reference]} women, say).")
    if reference == WHITE_REFERENCE and settings.white_minorities_as_bme:
        notes.append("The headline figures count White minorities as minority ethnic, but here, with all White staff "
                     "as the reference, they are part of the reference and have no subgroup.")
    unknown = {name: int(sum(1 for v, w in zip(labels.high[name], labels.white_not_said[name], strict=True)
                             if v is None and not w)) for name in read if name in labels.high}
    unknown = {name: n for name, n in unknown.items() if n}
    if unknown:
        listed = ", ".join(f"{_plural(n, 'row', 'rows')} of the {name.replace('_', ' ')} data" for name, n in
                           unknown.items())
        notes.append(f"Rows whose ethnicity is not known (not stated, blank, a label not recognised, or an event "
                     f"matching no staff record) are in no subgroup: {listed}.")
    unsaid = {name: int(labels.white_not_said[name].sum()) for name in read if name in labels.white_not_said}
    unsaid = {name: n for name, n in unsaid.items() if n}
    if unsaid:
        listed = ", ".join(f"{_plural(n, 'row', 'rows')} of the {name.replace('_', ' ')} data" for name, n in
                           unsaid.items())
        notes.append(f"Rows recorded as White without saying whether White British ('White' alone, or a label "
                     f"classified only as white) are neither in a subgroup nor in the reference: {listed}.")
    return notes
