"""Selection: of the applicants shortlisted in the year, those appointed."""

from __future__ import annotations

from metrics.counting.common import Context, counted, events_in_period, flag, group_codes, per_group
from metrics.registry import MetricDefinition


def count_selection(context: Context, definition: MetricDefinition) -> None:
    name = definition.counting.events
    applicants = context.frames.get(name)
    if applicants is None:
        return
    within = events_in_period(name, definition, applicants, context.period, context.notes)
    if "shortlisted" not in applicants.columns:
        return
    codes = group_codes(applicants)
    shortlisted = within & flag(applicants["shortlisted"])
    appointed = shortlisted & flag(applicants["appointed"]) if "appointed" in applicants.columns else shortlisted
    context.add(definition.id, counted(per_group(codes, appointed), per_group(codes, shortlisted), context.comparison),
                [(applicants, shortlisted)])
    withdrawn = int((within & applicants["shortlisted"].isna().to_numpy()).sum())
    if withdrawn:
        context.notes.append(f"{withdrawn} applicants have no shortlisting outcome (for example withdrawn before "
                             f"shortlisting) and are left out of metric {definition.number}.")
