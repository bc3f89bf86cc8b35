"""Survey questions: of the respondents who answered each of the metric's questions, those who said yes (a
question asked in parts: those who answered any part, and said yes to any)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.counting.common import Context, counted, flag, group_codes, per_group
from metrics.registry import MetricDefinition, Question


def count_survey(context: Context, definition: MetricDefinition) -> None:
    survey = context.frames.get(definition.counting.events)
    if survey is None:
        return
    codes = group_codes(survey)
    for question in definition.questions:
        answers = answers_to(question, survey)
        if answers is None:
            continue
        answered, yes = answers
        context.add(definition.id, counted(per_group(codes, yes), per_group(codes, answered), context.comparison),
                    [(survey, answered)], item=question.key)


def answers_to(question: Question, survey: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Which respondents answered the question and which said yes; None when the survey does not ask it. A
    question the survey asks in parts (Question.any_of) is answered by answering any part and yes by yes to any,
    unless the survey has a column for it of its own, which wins."""
    parts = [question.column] if question.column in survey.columns else [
        column for column in question.any_of if column in survey.columns]
    if not parts:
        return None
    answered = np.zeros(len(survey), dtype=bool)
    yes = np.zeros(len(survey), dtype=bool)
    for column in parts:
        given = survey[column].notna().to_numpy()
        answered |= given
        yes |= given & flag(survey[column])
    return answered, yes
