"""The NHS Staff Survey's question codes, by survey year: which code is which of the survey columns the standards
count (data_loaders.schema, the "survey" dataset).

The NHS Staff Survey renumbers its questions when the questionnaire changes, so a code means a question only in a
given year's survey. A results file says its year in a "Survey year" cell or column; otherwise the year chosen
(`--survey-year` on the command line), otherwise DEFAULT_SURVEY_YEAR.

What is known (docs/standards.md, "NHS Staff Survey question codes"):

- 2024: found in a third party's transcription of the 2024 questionnaire and of the national organisational
  results workbook (docs/standards.md, source S17).
- 2021 to 2023: the same codes, as the tool has always assumed (the questionnaire was redesigned for 2021 around
  the People Promise); NOT checked against those years' questionnaires, and a note says so when one is read.
- Any other year (2020 and before, whose questionnaire numbered these questions differently, and 2025 on): not
  known. No code is guessed for them: a file of such a year is refused with advice to map its questions by hand
  (`--column survey.COLUMN=CODE`, or the Data page's column choices).

WDES metric 8 (adjustments) and 9a (engagement) are not here: their questions' codes were not found.

Only the standard library: the loaders and the pipeline both import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The year whose codes are read when nothing says which: the codes the schema's headings carry.
DEFAULT_SURVEY_YEAR = 2024


@dataclass(frozen=True)
class SurveyYear:
    """One survey year's codes for the questions the standards count."""

    year: int
    # Code as compared (lower case, "q14a") -> the survey column it asks (data_loaders.schema, "survey").
    codes: dict[str, str]
    # Whether the codes were checked against that year's questionnaire (docs/standards.md says where).
    verified: bool
    source: str

    def code_of(self, column: str) -> str | None:
        """The code that asks `column` in this year's survey, or None."""
        return next((code for code, asked in self.codes.items() if asked == column), None)


# The 2021 questionnaire's numbering, held to 2024 (see the module's docstring).
_CODES_2021_TO_2024: dict[str, str] = {
    "q4b": "valued_work",             # satisfied with the extent the organisation values my work (WDES 7)
    "q11e": "pressure_to_work",       # pressure from the manager to come to work when unwell (WDES 6)
    "q14a": "harassment_public",      # harassment, bullying or abuse from patients / the public (WRES 5, WDES 4a)
    "q14b": "harassment_managers",    # ... from managers (WRES 6 with q14c, WDES 4a)
    "q14c": "harassment_colleagues",  # ... from other colleagues (WRES 6 with q14b, WDES 4a)
    "q14d": "harassment_reported",    # the last time, did you or a colleague report it? (WDES 4b)
    "q15": "equal_opportunities",     # acts fairly on career progression / promotion (WRES 7, WDES 5)
    "q16b": "discrimination_staff",   # discrimination from a manager / team leader or colleagues (WRES 8)
}

SURVEY_YEARS: dict[int, SurveyYear] = {
    2024: SurveyYear(2024, _CODES_2021_TO_2024, verified=True,
                     source="the 2024 questionnaire as transcribed (docs/standards.md, S17)"),
    **{year: SurveyYear(year, _CODES_2021_TO_2024, verified=False,
                        source="assumed the same as 2024's; not checked against that year's questionnaire")
       for year in (2021, 2022, 2023)},
}

_CODE = re.compile(r"^q\s?(\d{1,3}[a-z]?)(?![0-9a-z])")


def survey_year(year: int) -> SurveyYear | None:
    """The year's codes, or None when the tool does not know them."""
    return SURVEY_YEARS.get(year)


def known_years() -> str:
    """The years whose codes are known, in words: '2021 to 2024'."""
    years = sorted(SURVEY_YEARS)
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]} to {years[-1]}"
    return ", ".join(str(year) for year in years)


def code_in(text: str) -> str | None:
    """The question code a cell starts with, as compared: 'Q14a', 'q14a.', 'Q14a - In the last 12 months...' and
    'Q 14a' -> 'q14a'; None when it starts with none. `text` is compared lower case with punctuation as spaces
    (data_loaders.schema.normalise_heading)."""
    found = _CODE.match(text)
    return f"q{found.group(1)}" if found else None
