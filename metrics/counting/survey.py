"""Survey questions: of the respondents who answered each of the metric's questions, those who said yes."""

from __future__ import annotations

from metrics.counting.common import Context, counted, flag, group_codes, per_group
from metrics.registry import MetricDefinition


def count_survey(context: Context, definition: MetricDefinition) -> None:
    survey = context.frames.get(definition.counting.events)
    if survey is None:
        return
    codes = group_codes(survey)
    for question in definition.questions:
        if question.column not in survey.columns:
            continue
        answered = survey[question.column].notna().to_numpy()
        yes = answered & flag(survey[question.column])
        context.add(definition.id, counted(per_group(codes, yes), per_group(codes, answered), context.comparison),
                    [(survey, answered)], item=question.key)
