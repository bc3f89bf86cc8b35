"""Survey questions: of the respondents who answered each of the metric's questions, those who said yes (a
question asked in parts: those who answered any part, and said yes to any); and scores (WDES 9a): each group's
mean score, its standard deviation and how many respondents gave one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_loaders.values import ADJUSTMENTS_NOT_NEEDED, ADJUSTMENTS_YES
from metrics.counting.common import Context, counted, flag, group_codes, per_group
from metrics.registry import MetricDefinition, Question
from metrics.results import MEAN_ITEM, SD_ITEM


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
        _say_not_needed(context, definition, question, survey, codes)


def answers_to(question: Question, survey: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Which respondents answered the question and which said yes; None when the survey does not ask it. A
    question the survey asks in parts (Question.any_of) is answered by answering any part and yes by yes to any,
    unless the survey has a column for it of its own, which wins. An adjustments answer (yes / no / not needed) is
    answered by yes or no: "not needed" is left out of the base."""
    parts = [question.column] if question.column in survey.columns else [
        column for column in question.any_of if column in survey.columns]
    if not parts:
        return None
    answered = np.zeros(len(survey), dtype=bool)
    yes = np.zeros(len(survey), dtype=bool)
    for column in parts:
        values = survey[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # yes / no / not needed
            given = (values.notna() & (values != ADJUSTMENTS_NOT_NEEDED)).to_numpy(dtype=bool)
            answered |= given
            yes |= given & (values == ADJUSTMENTS_YES).to_numpy(dtype=bool)
            continue
        given = values.notna().to_numpy()
        answered |= given
        yes |= given & flag(values)
    return answered, yes


def _say_not_needed(context: Context, definition: MetricDefinition, question: Question, survey: pd.DataFrame,
                    codes: np.ndarray) -> None:
    """How many of the metric's group said they needed no adjustments, left out of its base."""
    values = survey.get(question.column)
    if values is None or not isinstance(values.dtype, pd.CategoricalDtype):
        return
    not_needed = (values == ADJUSTMENTS_NOT_NEEDED).to_numpy(dtype=bool)
    group = definition.numerator_group(context.settings.standard)
    comparison = context.comparison
    if group not in comparison.keys:
        group = comparison.focus.key
    how_many = int(per_group(codes, not_needed)[comparison.keys.index(group)])
    if how_many:
        one = how_many == 1
        who = comparison.group(group).people or (
            f"{comparison.adjective(group)} {'respondent' if one else 'respondents'}")
        context.notes.append(f"Metric {definition.number}: {how_many:,} {who} said they have not needed "
                             f"adjustments (not applicable), so {'they are' if not one else 'that answer is'} left "
                             "out of the base.")


def count_scores(context: Context, definition: MetricDefinition) -> None:
    """Each group's mean score, standard deviation (n - 1) and respondents with a score: items MEAN_ITEM and
    SD_ITEM, each with the respondents as its base. A score the loader could not read (outside the scale, not a
    number) is blank here, and the loader's note says how many."""
    survey = context.frames.get(definition.counting.events)
    if survey is None:
        return
    codes = group_codes(survey)
    for question in definition.questions:
        if question.column not in survey.columns:
            continue
        scores = pd.to_numeric(survey[question.column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = ~np.isnan(scores)
        means: dict[str, tuple[float, float]] = {}
        sds: dict[str, tuple[float, float]] = {}
        for i, g in enumerate(context.comparison.keys):
            values = scores[given & (codes == i)]
            n = float(len(values))
            # To ten places: far finer than any score is given, and a figure that survives a spreadsheet's and a
            # database's round trip unchanged (the last bit of a float does not).
            mean = round(float(values.mean()), 10) if len(values) else 0.0
            sd = round(float(values.std(ddof=1)), 10) if len(values) > 1 else 0.0
            means[g], sds[g] = (mean, n), (sd, n)
        context.add(definition.id, means, [(survey, given)], item=MEAN_ITEM)
        context.add(definition.id, sds, [(survey, given)], item=SD_ITEM)
